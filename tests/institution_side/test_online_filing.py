"""Online filing by the institution (《养老机构管理办法》 arts. 10–12): a complete filing is
accepted at once with a numbered 备案回执 and starts the 20-working-day on-site check; an
incomplete one is returned listing everything missing; the first resident starts a
10-working-day filing clock that the filing meets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from institutions.models import Filing, InstitutionNature, InstitutionStatus
from institutions.portal.filing_models import ApplicationState, Commitment
from institutions.portal.services.filing import filing_apply, first_resident_record
from supervision.core.policy import Denied
from supervision.deadlines.models import Deadline
from supervision.deadlines.services import open_deadlines_for
from supervision.documents.models import OfficialDocument
from tests.institution_side.factories import make_institution_account
from tests.institutions.factories import InstitutionFactory
from tests.uploads import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def unfiled(world):
    inst = InstitutionFactory(
        name="阳谷县安康养老院",
        region=world.yanggu_town,
        status=InstitutionStatus.REGISTERED_NOT_FILED,
        nature=InstitutionNature.FOR_PROFIT,
    )
    return make_institution_account(inst, username="ankang"), inst


def complete(**over):
    data = {
        "name": "阳谷县安康养老院",
        "address": "阳谷县博济桥街道振兴路 8 号",
        "legal_representative": "李安康",
        "principal": "李安康",
        "premises_ownership": "租赁（至 2031 年）",
        "beds": 60,
        "floor_area": "1800.50",
        "contact_phone": "0635-6210000",
        "registration_level": "",
        "certificate_number": "91371521MA3C000000",
        "commitments": list(Commitment.values),
        "commitment_signed_by": "李安康",
    }
    data.update(over)
    return data


def certificate():
    return SimpleUploadedFile("执照.pdf", pdf(), content_type="application/pdf")


def test_a_complete_filing_is_accepted_with_a_numbered_receipt(world, unfiled):
    user, inst = unfiled
    app = filing_apply(
        inst, actor=user, certificate_file=certificate(), today=dt.date(2026, 9, 28), **complete()
    )
    assert app.state == ApplicationState.ACCEPTED and app.missing == []
    inst.refresh_from_db()
    assert inst.status == InstitutionStatus.FILED
    assert inst.beds == 60 and inst.premises_ownership == "租赁（至 2031 年）"
    filing = Filing.objects.get(institution=inst)
    assert "消防安全" in filing.commitment_text and "李安康" in filing.commitment_text
    assert filing.certificate_file  # the scan is in the private store
    # a for-profit institution files with civil affairs of its county
    assert app.bureau_region == world.yanggu
    doc = OfficialDocument.objects.get(pk=app.receipt_document_id)
    assert app.receipt_number and doc.number == app.receipt_number
    assert bytes(doc.pdf)[:4] == b"%PDF" and "备案回执" in doc.source_html
    # the 20-working-day on-site check starts as for a filing civil affairs records
    assert open_deadlines_for(inst).get(rule__code="filing.onsite_check").due == dt.date(2026, 10, 30)


def test_an_incomplete_filing_is_returned_listing_everything_missing(unfiled):
    user, inst = unfiled
    commitments = [c for c in Commitment.values if c != "fire"]
    app = filing_apply(
        inst, actor=user, **complete(commitments=commitments, beds=None, commitment_signed_by="")
    )
    assert app.state == ApplicationState.RETURNED
    assert app.missing == ["床位数", "登记证书扫描件", "书面承诺：消防安全", "承诺人签名"]
    inst.refresh_from_db()
    assert inst.status == InstitutionStatus.REGISTERED_NOT_FILED
    assert not Filing.objects.filter(institution=inst).exists() and app.receipt_number == ""


def test_a_non_profit_files_at_the_level_of_its_registration_authority(world, unfiled):
    user, inst = unfiled
    inst.nature = InstitutionNature.NON_PROFIT
    inst.save(update_fields=["nature"])
    returned = filing_apply(inst, actor=user, certificate_file=certificate(), **complete())
    assert "登记管理机关层级（非营利性机构向登记管理机关同级民政部门备案）" in returned.missing
    app = filing_apply(
        inst, actor=user, certificate_file=certificate(), **complete(registration_level="city")
    )
    assert app.state == ApplicationState.ACCEPTED and app.bureau_region == world.liaocheng


def test_another_institution_cannot_file_for_it(unfiled, institution_account):
    other_user, _other = institution_account
    _user, inst = unfiled
    with pytest.raises(Denied):
        filing_apply(inst, actor=other_user, certificate_file=certificate(), **complete())


def test_the_first_resident_starts_a_10_working_day_clock_that_the_filing_meets(world, unfiled):
    user, inst = unfiled
    first_resident_record(inst, actor=user, taken_in_on=dt.date(2026, 9, 28))
    clock = open_deadlines_for(inst).get(rule__code="filing.first_resident")
    # 9-29, 9-30, (National Day 10-01..07), 10-08, 10-09, 10-10 (make-up), 10-12 … 10-16
    assert clock.due == dt.date(2026, 10, 16)
    assert clock.region == world.yanggu and clock.department == world.mz
    app = filing_apply(
        inst, actor=user, certificate_file=certificate(), today=dt.date(2026, 10, 9), **complete()
    )
    clock = Deadline.objects.get(pk=clock.pk)
    assert clock.state == "met" and clock.met_by_id == app.filing_id
