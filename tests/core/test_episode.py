"""The episode record: validation and exact round trips."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from couplepause.core.episode import Break, Episode, EpisodeError, Turn, parse_instant

TZ = timezone(timedelta(hours=-5, minutes=-30))


def test_round_trip_keeps_offset_and_milliseconds():
    start = datetime(2026, 3, 29, 1, 59, 59, 987000, tzinfo=TZ)
    ep = Episode.start(start).with_changes(
        paused_by="both",
        activation={"a": 0, "b": 10},
        turns=(Turn("a", 61.5), Turn("b", 40.25)),
        breaks=(Break(start, start + timedelta(minutes=30)),),
        note="ünïcode ✓",
        cycle="both_withdraw",
    ).repaired(wall_now=start + timedelta(minutes=45), monotonic_seconds=None)
    data = ep.to_dict()
    assert data["paused_at"] == "2026-03-29T01:59:59.987-05:30"
    again = Episode.from_dict(data)
    assert again == ep and again.to_dict() == data


def test_naive_and_malformed_times_are_rejected():
    with pytest.raises(EpisodeError, match="UTC offset"):
        parse_instant("2026-01-01T10:00:00")
    with pytest.raises(EpisodeError):
        parse_instant("yesterday")
    assert parse_instant("2026-01-01T10:00:00Z").utcoffset() == timedelta(0)


def test_repaired_before_paused_is_rejected():
    ep = Episode.start(datetime(2026, 1, 1, 10, tzinfo=UTC)).to_dict()
    ep["repaired_at"] = "2026-01-01T09:00:00.000+00:00"
    with pytest.raises(EpisodeError, match="before"):
        Episode.from_dict(ep)


@pytest.mark.parametrize(
    "field, value",
    [
        ("id", "not-a-uuid"),
        ("paused_by", "c"),
        ("activation", {"a": 11}),
        ("activation", {"a": True}),
        ("repair_answers", {"b": "maybe"}),
        ("cycle", "blame"),
        ("note", 5),
        ("turns", [{"speaker": "x", "seconds": 3}]),
        ("repair_seconds", -1),
        ("closed", "yes"),
    ],
)
def test_invalid_fields_are_rejected(field, value):
    data = Episode.start(datetime(2026, 1, 1, 10, tzinfo=UTC)).to_dict()
    data[field] = value
    with pytest.raises(EpisodeError):
        Episode.from_dict(data)


def test_repair_never_negative_when_wall_clock_goes_back():
    start = datetime(2026, 1, 1, 10, tzinfo=UTC)
    ep = Episode.start(start).with_changes(wall_timed=True)
    done = ep.repaired(wall_now=start - timedelta(hours=1), monotonic_seconds=50)
    assert done.repair_seconds == 0 and done.repaired_at == start


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from([UTC, TZ, timezone(timedelta(hours=13, minutes=45))]),
    ),
    st.floats(0, 10**7, allow_nan=False),
)
def test_any_episode_round_trips(paused, seconds):
    ep = Episode.start(paused).repaired(wall_now=paused, monotonic_seconds=seconds)
    assert Episode.from_dict(ep.to_dict()).to_dict() == ep.to_dict()
    assert ep.repair_seconds >= 0
