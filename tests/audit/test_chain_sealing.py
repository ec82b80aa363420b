"""Chain links are sealed after the writing transaction commits, in a short transaction of their
own: a business transaction never holds the chain's head lock, a rolled-back entry is never
chained, and the chain still verifies.

Measured before: the head row was locked inside the writing transaction, so a second writer
waited for the first to commit (two sweeps deadlocked on PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from supervision.audit.chain import verify
from supervision.audit.models import ChainLink
from supervision.core.models import SecurityEvent
from supervision.core.signals import record

pytestmark = pytest.mark.django_db(transaction=True)


def _export(detail: str) -> SecurityEvent:
    record(SecurityEvent.Kind.EXPORT, None, None, username="sealer", detail=detail)
    return SecurityEvent.objects.get(detail=detail)


def test_a_link_is_made_when_the_transaction_commits():
    with transaction.atomic():
        event = _export("in a transaction")
        assert not ChainLink.objects.filter(table="securityevent", row_id=event.pk).exists()
    link = ChainLink.objects.get(table="securityevent", row_id=event.pk)
    assert link.object_text == "in a transaction" and link.username == "sealer"
    assert verify().ok


def test_an_entry_rolled_back_is_never_chained_and_the_rest_is():
    with transaction.atomic():
        kept = _export("kept")
        try:
            with transaction.atomic():
                _export("rolled back")
                raise RuntimeError("the step fails")
        except RuntimeError:
            pass
        also_kept = _export("kept too")
    texts = list(
        ChainLink.objects.filter(action="export").order_by("seq").values_list("object_text", flat=True)
    )
    assert texts == ["kept", "kept too"]
    assert {kept.pk, also_kept.pk} == set(
        ChainLink.objects.filter(action="export").values_list("row_id", flat=True)
    )
    result = verify()
    assert result.ok, result.message


def test_a_transaction_left_open_does_not_hold_other_writers():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (SQLite serialises writers with a database lock)")
    written, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def long_transaction() -> None:
        try:
            with transaction.atomic():
                _export("long")
                written.set()
                release.wait(15)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    holder = threading.Thread(target=long_transaction)
    holder.start()
    try:
        assert written.wait(10)
        done = threading.Event()

        def other_writer() -> None:
            try:
                _export("meanwhile")
                done.set()
            finally:
                connections.close_all()

        other = threading.Thread(target=other_writer)
        other.start()
        assert done.wait(5), "the second writer waited for the first transaction"
        other.join()
    finally:
        release.set()
        holder.join()
    assert not errors, errors
    texts = list(
        ChainLink.objects.filter(action="export").order_by("seq").values_list("object_text", flat=True)
    )
    assert texts == ["meanwhile", "long"]  # chained in commit order
    result = verify()
    assert result.ok, result.message
