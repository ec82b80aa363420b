"""The liaison roster (004 附件2): a body registers its liaison; the mobile is encrypted at rest
and shown in full only inside the administration (civil affairs, the liaison's own department),
masked to other departments — on the page and in the Excel export."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from supervision.campaigns import services
from supervision.campaigns.roster import LiaisonOfficer
from supervision.core.policy import Denied

pytestmark = pytest.mark.django_db
MOBILE = "13906351002"


@pytest.fixture
def liaison(world, cw):
    return services.liaison_record(
        actor=cw.township_liaison, campaign=cw.campaign, region=world.yanggu_town, department=world.mz,
        name="孙伟", post="民政办工作人员", office_phone="0635-6211002", mobile=MOBILE,
    )  # fmt: skip


def page(user) -> str:
    c = Client()
    c.force_login(user)
    return c.get("/campaigns/liaisons/").content.decode()


def export(user) -> list[tuple]:
    c = Client()
    c.force_login(user)
    r = c.get("/campaigns/liaisons/?export=xlsx")
    assert r.status_code == 200
    return list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))


def test_the_mobile_is_encrypted_at_rest(liaison):
    with connection.cursor() as cur:
        cur.execute(f"SELECT mobile FROM {LiaisonOfficer._meta.db_table} WHERE id = %s", [liaison.pk])
        (raw,) = cur.fetchone()
    assert MOBILE not in raw


def test_the_administration_sees_the_full_mobile(world, liaison):
    assert MOBILE in page(world.yanggu_mz)
    rows = export(world.yanggu_mz)
    assert rows[0][-1] == "联系方式（手机）" and rows[1][3:] == (
        "孙伟",
        "民政办工作人员",
        "0635-6211002",
        MOBILE,
    )


def test_other_departments_see_it_masked(world, liaison):
    html = page(world.yanggu_xf)
    assert "孙伟" in html and MOBILE not in html and "139****1002" in html
    assert export(world.yanggu_xf)[1][-1] == "139****1002"


def test_the_sibling_county_sees_no_roster(world, liaison):
    assert "孙伟" not in page(world.dongchangfu_mz)


def test_a_department_registers_only_its_own_liaison(world, cw):
    with pytest.raises(Denied):
        services.liaison_record(
            actor=world.yanggu_xf,
            region=world.yanggu,
            department=world.sj,
            name="某",
            post="科员",
            mobile=MOBILE,
        )
