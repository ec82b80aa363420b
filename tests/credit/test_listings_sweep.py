"""The daily ``listings_sweep`` claims the entries whose term has ended with
``select_for_update(skip_locked=True)`` and removes them in the same transaction: the claim holds
while the work is done, so two sweeps never both act on an entry, and a row another transaction
holds is skipped (left for the next sweep), not waited for.

Measured on main before: the claim ran in a transaction that committed before the work began,
so it claimed nothing — a second sweep running meanwhile took the same rows."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from credit import services
from credit.models import ListingProposal, ProposalState
from tests.credit import factories

TERM_OVER = dt.date(2029, 3, 11)  # listed on 2026-03-10 for 3 years: the term ended on 2029-03-09


def _listed(world, inst):
    p = services.proposal_notify(
        factories.proposal(world, inst), actor=world.yanggu_mz, on=dt.date(2026, 3, 2)
    )
    p = services.proposal_review(
        p, actor=world.yanggu_mz, opinion="属实", recommend_listing=True, on=dt.date(2026, 3, 10)
    )
    return services.proposal_decide(
        p, actor=world.yanggu_leader, list_it=True, opinion="列入", on=dt.date(2026, 3, 10)
    )


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a database lock; row locks need PostgreSQL")


@pytest.mark.django_db
def test_two_sweeps_in_sequence_act_once(world, home):
    p = _listed(world, home)
    assert services.listings_sweep(dt.date(2029, 3, 9))["expired"] == 0  # the term's last day
    assert services.listings_sweep(TERM_OVER)["expired"] == 1
    assert services.listings_sweep(TERM_OVER)["expired"] == 0
    p.refresh_from_db()
    assert p.state == ProposalState.REMOVED and p.events.filter(step="expire").count() == 1
    assert p.events.get(step="expire").actor is None  # the system


@pytest.mark.django_db(transaction=True)
def test_a_row_locked_by_another_transaction_is_skipped(world, home):
    _postgres_only()
    p = _listed(world, home)
    locked, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:  # a leader's step on the same entry, still in its transaction
        try:
            with transaction.atomic():
                ListingProposal.objects.select_for_update().get(pk=p.pk)
                locked.set()
                release.wait(10)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        assert services.listings_sweep(TERM_OVER)["expired"] == 0  # skipped, not waited for
    finally:
        release.set()
        holder.join()
    assert not errors, errors
    assert services.listings_sweep(TERM_OVER)["expired"] == 1  # the next sweep takes it
    p.refresh_from_db()
    assert p.state == ProposalState.REMOVED


@pytest.mark.django_db(transaction=True)
def test_a_sweep_running_meanwhile_acts_on_nothing_the_first_claimed(world, home, other_home, monkeypatch):
    """While the first sweep works on its first entry, a second sweep starts: every entry the
    first claimed is still locked, so the second acts on none of them (before, it took the
    entries the first had not reached yet)."""
    _postgres_only()
    from credit.services import procedure

    entries = [_listed(world, home), _listed(world, other_home)]
    second: dict[str, int] = {}
    errors: list[BaseException] = []
    original = procedure.sweep.grade_recompute
    started = threading.Event()

    def other_sweep() -> None:
        try:
            second.update(services.listings_sweep(TERM_OVER))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def recompute_then_let_another_sweep_run(*args, **kwargs):
        if threading.current_thread() is threading.main_thread() and not started.is_set():
            started.set()
            other = threading.Thread(target=other_sweep)
            other.start()
            other.join(20)
        return original(*args, **kwargs)

    for part in (procedure.proposals, procedure.removal, procedure.sweep):  # each calls it
        monkeypatch.setattr(part, "grade_recompute", recompute_then_let_another_sweep_run)
    first = services.listings_sweep(TERM_OVER)
    assert not errors, errors
    assert started.is_set() and second["expired"] == 0 and first["expired"] == 2
    for p in entries:
        p.refresh_from_db()
        assert p.state == ProposalState.REMOVED and p.events.filter(step="expire").count() == 1
