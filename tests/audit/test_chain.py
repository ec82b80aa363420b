"""The hash chain: every audit row is chained with its request context, and
``verify_audit_chain`` names the first link an attacker with database access altered."""

from __future__ import annotations

import itertools

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection

from supervision.audit.chain import verify
from supervision.audit.models import ChainHead, ChainLink
from supervision.audit.triggers import missing_triggers
from supervision.core.models import SecurityEvent
from supervision.core.signals import record

pytestmark = pytest.mark.django_db


def seed_trail(world, n: int = 6) -> list[ChainLink]:
    from supervision.core.audit import audit

    for i in range(n):
        record(SecurityEvent.Kind.EXPORT, None, world.yanggu_mz, detail=f"export {i}")
        audit(world.yanggu, world.yanggu_mz, "rename", {"name": (f"阳谷{i}", "阳谷县")})
    return list(ChainLink.objects.order_by("seq"))


def without_triggers(table: str):
    """What an attacker with database access does first: drop the append-only triggers (the
    test's transaction puts them back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {table}_no_update")
            cursor.execute(f"DROP TRIGGER {table}_no_delete")
        else:  # (pending deferred foreign-key checks would block the ALTER)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")


def run_verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


def test_every_audit_row_is_chained_and_the_chain_verifies(world):
    links = seed_trail(world)
    assert [link.seq for link in links] == list(range(1, len(links) + 1))
    assert links[0].prev_digest == "0" * 64
    for before, after in itertools.pairwise(links):
        assert after.prev_digest == before.digest
    assert {link.table for link in links} == {"logentry", "securityevent"}
    assert ChainHead.objects.get(pk=1).digest == links[-1].digest
    assert f"审计链完整：共校验 {len(links)} 条记录" in run_verify()


def test_an_entry_altered_by_hand_is_named(world):
    links = seed_trail(world)
    victim = next(link for link in links if link.table == "securityevent" and link.seq > 4)
    without_triggers("core_securityevent")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_securityevent SET detail = 'nothing happened' WHERE id = %s", [victim.row_id]
        )
    with pytest.raises(
        CommandError, match=rf"第 {victim.seq} 条（securityevent #{victim.row_id}）.*已被修改"
    ):
        run_verify()
    assert verify().broken_seq == victim.seq


def test_a_row_change_entry_altered_by_hand_is_named(world):
    links = seed_trail(world)
    seeded = [link for link in links if link.table == "logentry" and link.user_id == world.yanggu_mz.pk]
    victim = seeded[2]
    without_triggers("auditlog_logentry")
    LogEntry.objects.filter(pk=victim.row_id).update(actor=None)
    with pytest.raises(CommandError, match=rf"第 {victim.seq} 条（logentry #{victim.row_id}）"):
        run_verify()


def test_a_deleted_entry_is_named(world):
    links = seed_trail(world)
    victim = links[3]
    without_triggers("core_securityevent" if victim.table == "securityevent" else "auditlog_logentry")
    table = "core_securityevent" if victim.table == "securityevent" else "auditlog_logentry"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [victim.row_id])
    with pytest.raises(CommandError, match=rf"第 {victim.seq} 条.*已被删除"):
        run_verify()


def test_a_rewritten_link_is_named(world):
    links = seed_trail(world)
    without_triggers("audit_chainlink")
    ChainLink.objects.filter(pk=links[2].pk).update(username="someone_else")
    with pytest.raises(CommandError, match=rf"第 {links[2].seq} 条"):
        run_verify()
    # a forger who also rewrites the digest breaks the next link instead
    from supervision.audit import chain

    link = ChainLink.objects.get(pk=links[2].pk)
    row = chain.canonical_row(
        chain.model_for(link.table), chain.fetch_rows(link.table, [link.row_id])[link.row_id]
    )
    ChainLink.objects.filter(pk=link.pk).update(digest=chain.compute_digest(chain._link_dict(link), row))
    with pytest.raises(CommandError, match=rf"第 {links[3].seq} 条.*上一条摘要"):
        run_verify()


def test_a_removed_tail_and_a_row_inserted_behind_the_chain_are_found(world):
    links = seed_trail(world, 2)
    without_triggers("audit_chainlink")
    ChainLink.objects.filter(pk=links[-1].pk).delete()
    with pytest.raises(CommandError, match="链尾"):
        run_verify()


def test_an_entry_inserted_behind_the_chain_is_found(world):
    seed_trail(world, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_securityevent (kind, username, detail, at) VALUES ('login', 'ghost', '', %s)",
            ["2026-12-01 02:00:00"],
        )
    with pytest.raises(CommandError, match="不在审计链上"):
        run_verify()


def test_a_missing_trigger_fails_the_check(world):
    seed_trail(world, 1)
    assert missing_triggers() == []
    without_triggers("core_securityevent")
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError, match="触发器缺失"):
            run_verify()


def test_entries_carry_user_department_jurisdiction_ip_and_request_id(client_for, world):
    from tests.institutions.factories import InstitutionFactory

    inst = InstitutionFactory(region=world.yanggu_town)
    c = client_for(world.yanggu_mz)
    response = c.get("/institutions/?export=xlsx", HTTP_X_REQUEST_ID="req-0123456789", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200 and response["X-Request-ID"] == "req-0123456789"
    link = ChainLink.objects.filter(action="export").latest("seq")
    assert link.username == "yanggu_mz" and link.user_id == world.yanggu_mz.pk
    assert link.department == "民政" and link.jurisdiction == "阳谷县"
    assert str(link.ip_address) == "10.1.2.3" and link.request_id == "req-0123456789"
    assert inst.pk


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/healthz/", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>" and len(response["X-Request-ID"]) == 32


def test_row_changes_made_in_a_request_carry_its_request_id(client_for, world):
    from supervision.core.models import Domain

    domain = Domain.objects.create(code="temp", name="临时领域")
    c = client_for(world.sysadmin)
    c.post(f"/admin/core/domain/{domain.pk}/delete/", {"post": "yes"}, HTTP_X_REQUEST_ID="req-admin-000001")
    assert not Domain.objects.filter(pk=domain.pk).exists()
    entry = LogEntry.objects.filter(cid="req-admin-000001", action=LogEntry.Action.DELETE).first()
    assert entry is not None
    link = ChainLink.objects.get(table="logentry", row_id=entry.pk)
    assert link.request_id == "req-admin-000001" and link.username == "sysadmin" and link.action == "delete"
    assert "临时领域" in link.object_text


def test_post_changes_are_on_the_trail(world):
    from tests.factories import AssignmentFactory

    AssignmentFactory(user=world.outsider, department=world.mz, region=world.yanggu, role="inspector")
    link = ChainLink.objects.filter(table="logentry", action="create").latest("seq")
    assert link.object_text.startswith("岗位：")


def test_group_and_permission_changes_are_audit_events(world):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="专项检查组")
    world.yanggu_mz.groups.add(group)
    group.permissions.add(Permission.objects.first())
    world.yanggu_mz.user_permissions.clear()
    details = list(
        SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PERMISSION).values_list("detail", flat=True)
    )
    assert any("授予" in d and "组" in d for d in details)
    assert any("权限" in d for d in details)
    assert ChainLink.objects.filter(action="permission").count() == len(details) >= 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(world):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (SQLite serialises writers itself)")
    import threading

    from django.db import connections

    def writer(n: int) -> None:
        try:
            for i in range(10):
                record(SecurityEvent.Kind.EXPORT, None, None, username=f"w{n}", detail=f"{n}-{i}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ChainLink.objects.filter(action="export").count() == 40
    result = verify()
    assert result.ok, result.message
