"""An import leaves its pauses as the live flow would have (recovery.merge and
recovery.settled, after core/flow.py settle_open): of the unfinished ones only the
newest that can still be picked up stays open in active.json; the others are closed
as they are, into their months. Re-importing them adds nothing and reports no conflict."""

from __future__ import annotations

from datetime import datetime, timedelta

from couplepause.core.episode import RESUME_WITHIN_SECONDS
from couplepause.core.resuming import ClockRun, settle_open
from couplepause.store.recovery import settled
from couplepause.store.repository import Repository

from .conftest import BERLIN_WINTER, episode

NOW = datetime(2026, 11, 20, 21, 0, tzinfo=BERLIN_WINTER)


def unfinished(days_ago: float, **kwargs):
    return episode(NOW - timedelta(days=days_ago), repair_minutes=None, **kwargs)


def test_only_the_newest_unfinished_pause_stays_open(repo: Repository) -> None:
    older = [unfinished(days) for days in (9, 7, 5, 3)]
    newest = unfinished(1)
    done = episode(NOW - timedelta(days=2))
    report = repo.merge([*older, newest, done], now=NOW)
    assert report.added == 6
    assert [e.id for e in repo.active()] == [newest.id]
    for before in older:
        after = repo.get(before.id)
        assert after is not None and after.closed and not after.is_repaired
        assert after == before.with_changes(closed=True)  # nothing else about it changed
    assert repo.get(done.id) == done


def test_an_unfinished_pause_too_old_to_pick_up_is_closed_too(repo: Repository) -> None:
    days = RESUME_WITHIN_SECONDS / 86400
    stale = [unfinished(days + 1), unfinished(days + 2)]
    repo.merge(stale, now=NOW)
    assert repo.active() == []
    assert all(repo.get(e.id).closed for e in stale)


def test_practice_and_repaired_but_open_pauses_are_never_the_open_one(repo: Repository) -> None:
    practice = unfinished(1).with_changes(practice=True)
    repaired_open = episode(NOW - timedelta(hours=5), closed=False)
    real = unfinished(2)
    repo.merge([practice, repaired_open, real], now=NOW)
    assert [e.id for e in repo.active()] == [real.id]
    assert repo.get(practice.id).closed and repo.get(repaired_open.id).closed


def test_settled_is_what_the_window_does_with_open_pauses_at_its_start() -> None:
    pauses = [unfinished(days) for days in (40, 6, 4, 2)] + [episode(NOW - timedelta(days=1), closed=False)]
    at_start = settle_open(pauses, current=None, now=0.0, wall=NOW, run=ClockRun(boot="another boot"))
    by_import = {e.id: e for e in settled(pauses, NOW)}
    assert at_start.offered is not None and not by_import[at_start.offered.id].closed
    assert {e.id for e in at_start.let_rest} == {i for i, e in by_import.items() if e.closed}
    assert all(by_import[e.id] == e for e in at_start.let_rest)


def test_reimporting_adds_nothing_and_reports_no_conflict(repo: Repository) -> None:
    pauses = [unfinished(days) for days in (5, 3, 1)]
    repo.merge(pauses, now=NOW)
    again = repo.merge(pauses, now=NOW + timedelta(hours=1))
    assert (again.added, again.unchanged, again.conflicts) == (0, 3, [])


def test_a_pause_let_rest_by_the_window_since_is_the_same_pause(repo: Repository) -> None:
    newest = unfinished(1)
    repo.merge([newest], now=NOW)
    repo.archive(newest.with_changes(closed=True))  # the window let it rest at its start
    again = repo.merge([newest], now=NOW)
    assert (again.added, again.unchanged, again.conflicts) == (0, 1, [])


def test_a_changed_pause_is_still_a_conflict(repo: Repository) -> None:
    newest = unfinished(1)
    repo.merge([newest], now=NOW)
    again = repo.merge([newest.with_changes(note="another note")], now=NOW)
    assert again.conflicts == [newest.id]


def test_hundreds_of_unfinished_pauses_leave_one_open(repo: Repository) -> None:
    """The issue's file (250,000 unfinished pauses), smaller: active.json keeps one."""
    pauses = [unfinished(days / 10) for days in range(1, 301)]
    repo.merge(pauses, now=NOW)
    assert [e.id for e in repo.active()] == [pauses[0].id]
    assert repo.count() == 300
