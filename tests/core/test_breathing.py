"""Breathing patterns: data, phase lookup, and no drift over long runs."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from couplepause.core import breathing
from couplepause.core.breathing import HOLD, IN, OUT, TOP_UP, PatternError, parse_custom


def test_slow_is_six_breaths_a_minute_and_the_default():
    slow = breathing.PATTERNS[breathing.DEFAULT_PATTERN]
    assert slow.key == "slow"
    assert [(p.kind, p.seconds) for p in slow.phases] == [(IN, 4.0), (OUT, 6.0)]
    assert slow.breaths_per_minute == 6.0


def test_shipped_patterns():
    assert [p.kind for p in breathing.PATTERNS["box"].phases] == [IN, HOLD, OUT, HOLD]
    assert [p.kind for p in breathing.PATTERNS["sigh"].phases] == [IN, TOP_UP, OUT]
    sigh = breathing.PATTERNS["sigh"]
    assert sigh.phases[1].seconds < sigh.phases[0].seconds < sigh.phases[2].seconds
    p478 = breathing.PATTERNS["478"]
    assert [p.seconds for p in p478.phases] == [4, 7, 8] and p478.max_rounds == 4


@pytest.mark.parametrize(
    "elapsed, kind, progress",
    [(0, IN, 0.0), (2, IN, 0.5), (4, OUT, 0.0), (7, OUT, 0.5), (10, IN, 0.0), (14, OUT, 0.0)],
)
def test_phase_at_slow(elapsed, kind, progress):
    state = breathing.PATTERNS["slow"].phase_at(elapsed)
    assert state.kind == kind
    assert state.progress == pytest.approx(progress)


def test_no_drift_after_ten_minutes_or_a_day():
    slow = breathing.PATTERNS["slow"]
    for elapsed in (600.0, 600.002, 86400.0 + 3.0):
        state = slow.phase_at(elapsed)
        into = elapsed % 10.0
        expected_kind = IN if into < 4 else OUT
        assert state.kind == expected_kind
        expected_left = (4 - into) if into < 4 else (10 - into)
        assert state.seconds_left == pytest.approx(expected_left, abs=1e-6)


def test_478_finishes_after_four_rounds():
    p = breathing.PATTERNS["478"]
    assert not p.phase_at(4 * 19 - 0.01).finished
    assert p.phase_at(4 * 19).finished
    assert p.session_seconds(120) == 76
    assert p.size_at(100) == 0.0


def test_size_fills_on_in_breath_and_empties_on_out_breath():
    slow = breathing.PATTERNS["slow"]
    assert slow.size_at(0) == pytest.approx(0.0)
    assert slow.size_at(4) == pytest.approx(1.0)
    assert slow.size_at(10) == pytest.approx(0.0)
    assert slow.size_at(1) < slow.size_at(2) < slow.size_at(3)
    assert slow.size_at(5) > slow.size_at(6) > slow.size_at(9)
    box = breathing.PATTERNS["box"]
    assert box.size_at(5) == pytest.approx(1.0) and box.size_at(14) == pytest.approx(0.0)
    sigh = breathing.PATTERNS["sigh"]
    assert sigh.size_at(2.5) == pytest.approx(0.8) and sigh.size_at(3.5) == pytest.approx(1.0)


@given(st.sampled_from(list(breathing.PATTERNS)), st.floats(0, 10**6, allow_nan=False))
def test_phase_and_size_always_in_bounds(key, elapsed):
    p = breathing.PATTERNS[key]
    state = p.phase_at(elapsed)
    assert 0.0 <= state.progress <= 1.0
    assert state.seconds_left >= 0
    assert 0.0 <= p.size_at(elapsed) <= 1.0 + 1e-12
    assert state.kind in breathing.KINDS


def test_custom_pattern():
    p = parse_custom("5, 2, 7, 0")
    assert [(ph.kind, ph.seconds) for ph in p.phases] == [(IN, 5), (HOLD, 2), (OUT, 7)]
    assert breathing.pattern_for("custom", "4,4,4,4").cycle_seconds == 16


@pytest.mark.parametrize("text", ["", "4,6", "a,b,c,d", "0,0,6,0", "4,0,0,0", "4,0,99,0", "nan,0,6,0", "-1,0,6,0"])
def test_custom_pattern_rejects_what_cannot_be_breathed(text):
    with pytest.raises(PatternError):
        parse_custom(text)


def test_unknown_pattern():
    with pytest.raises(PatternError):
        breathing.pattern_for("fast")
    assert math.isclose(breathing.pattern_for("slow").cycle_seconds, 10)
