"""Breathing patterns as data, and where in a pattern a given moment falls.

Qt-free. Everything is computed from elapsed time (seconds since the pacer
started, read from a monotonic clock), never by counting timer ticks, so a
pacer that runs for an hour is exactly where it should be.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from couplepause.common.problems import Problem
from couplepause.core.limits import CUSTOM_DEFAULT, DEFAULT_PATTERN  # noqa: F401 - part of this module's names

# Phase kinds. The word on screen for each lives in resources/words.toml.
IN = "in"
TOP_UP = "top_up"  # the short second inhale of a cyclic sigh
HOLD = "hold"
OUT = "out"
KINDS = (IN, TOP_UP, HOLD, OUT)


class PatternError(Problem, ValueError):
    """A breathing pattern that cannot be followed (its words are a clause)."""


@dataclass(frozen=True)
class Phase:
    kind: str
    seconds: float


@dataclass(frozen=True)
class PhaseState:
    index: int  # which phase of the pattern
    kind: str
    progress: float  # 0.0 at the start of the phase, 1.0 at its end
    seconds_left: float  # seconds left in this phase
    round: int  # 0-based breath count
    finished: bool  # the pattern's round limit is reached


@dataclass(frozen=True)
class Pattern:
    key: str
    phases: tuple[Phase, ...]
    max_rounds: int | None = None

    def __post_init__(self) -> None:
        if not self.phases:
            raise PatternError("pattern_no_phase")
        for phase in self.phases:
            if phase.kind not in KINDS:
                raise PatternError("pattern_phase_kind", kind=phase.kind)
            if not (phase.seconds >= 0 and math.isfinite(phase.seconds)):
                raise PatternError("pattern_phase_length")
        if self.cycle_seconds <= 0:
            raise PatternError("pattern_zero")
        if not any(p.kind in (IN, TOP_UP) and p.seconds > 0 for p in self.phases):
            raise PatternError("pattern_no_in")
        if not any(p.kind == OUT and p.seconds > 0 for p in self.phases):
            raise PatternError("pattern_no_out")

    @property
    def cycle_seconds(self) -> float:
        return sum(p.seconds for p in self.phases)

    @property
    def breaths_per_minute(self) -> float:
        return 60.0 / self.cycle_seconds

    def session_seconds(self, wanted: float) -> float:
        """How long a session asked to last ``wanted`` seconds really lasts."""
        if self.max_rounds is None:
            return wanted
        return min(wanted, self.max_rounds * self.cycle_seconds)

    def phase_at(self, elapsed: float) -> PhaseState:
        """Where the pattern is ``elapsed`` seconds after it started."""
        elapsed = max(0.0, float(elapsed))
        cycle = self.cycle_seconds
        rounds, into = divmod(elapsed, cycle)
        rounds = int(rounds)
        if self.max_rounds is not None and rounds >= self.max_rounds:
            last = len(self.phases) - 1
            return PhaseState(last, self.phases[last].kind, 1.0, 0.0, self.max_rounds - 1, True)
        start = 0.0
        for index, phase in enumerate(self.phases):
            end = start + phase.seconds
            if into < end or index == len(self.phases) - 1:
                span = phase.seconds
                progress = 1.0 if span <= 0 else min(1.0, (into - start) / span)
                return PhaseState(index, phase.kind, progress, max(0.0, end - into), rounds, False)
            start = end
        raise AssertionError("unreachable")  # pragma: no cover

    def size_at(self, elapsed: float) -> float:
        """How full the lungs are, 0.0 (empty) to 1.0 (full): the pacer's shape size.

        In-breaths fill towards full (a sigh's first inhale fills most of the
        way and its top-up the rest), holds keep the size, out-breaths empty.
        Eased with a cosine so the shape moves like a breath, not a machine.
        """
        state = self.phase_at(elapsed)
        if state.finished:
            return 0.0
        level = 0.0
        for phase in self.phases[: state.index]:
            level = self._level_after(phase, level)
        phase = self.phases[state.index]
        target = self._level_after(phase, level)
        eased = (1.0 - math.cos(math.pi * state.progress)) / 2.0
        return level + (target - level) * eased

    def _level_after(self, phase: Phase, level: float) -> float:
        if phase.kind == OUT:
            return 0.0
        if phase.kind == HOLD:
            return level
        has_top_up = any(p.kind == TOP_UP for p in self.phases)
        if phase.kind == IN:
            return 0.8 if has_top_up else 1.0
        return 1.0  # TOP_UP


PATTERNS: dict[str, Pattern] = {
    # Slow breathing, 6 breaths a minute: the default.
    "slow": Pattern("slow", (Phase(IN, 4.0), Phase(OUT, 6.0))),
    "box": Pattern("box", (Phase(IN, 4.0), Phase(HOLD, 4.0), Phase(OUT, 4.0), Phase(HOLD, 4.0))),
    # Cyclic sighing: a full inhale, a short second inhale, a long exhale.
    "sigh": Pattern("sigh", (Phase(IN, 2.5), Phase(TOP_UP, 1.0), Phase(OUT, 6.5))),
    # 4-7-8 is kept to four rounds.
    "478": Pattern("478", (Phase(IN, 4.0), Phase(HOLD, 7.0), Phase(OUT, 8.0)), max_rounds=4),
}
CUSTOM = "custom"
PATTERN_KEYS = (*PATTERNS, CUSTOM)
CUSTOM_LIMIT_SECONDS = 20.0


def parse_custom(text: str) -> Pattern:
    """Parse a custom pattern "in,hold,out,hold" in seconds, e.g. "4,2,6,0".

    Raises PatternError with a plain reason for anything that cannot be breathed.
    """
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4:
        raise PatternError("pattern_four_numbers")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise PatternError("pattern_numbers") from None
    for value in values:
        if not math.isfinite(value) or value < 0 or value > CUSTOM_LIMIT_SECONDS:
            raise PatternError("pattern_part_range", limit=f"{CUSTOM_LIMIT_SECONDS:g}")
    breath_in, hold_in, breath_out, hold_out = values
    if breath_in < 1 or breath_out < 1:
        raise PatternError("pattern_one_second")
    phases = [Phase(IN, breath_in)]
    if hold_in > 0:
        phases.append(Phase(HOLD, hold_in))
    phases.append(Phase(OUT, breath_out))
    if hold_out > 0:
        phases.append(Phase(HOLD, hold_out))
    return Pattern(CUSTOM, tuple(phases))


def pattern_for(key: str, custom: str = CUSTOM_DEFAULT) -> Pattern:
    """The pattern named ``key``; the custom one is parsed from ``custom``."""
    if key == CUSTOM:
        return parse_custom(custom)
    try:
        return PATTERNS[key]
    except KeyError:
        raise PatternError("pattern_unknown", key=key) from None
