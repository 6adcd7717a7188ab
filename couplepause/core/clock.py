"""The clock durations are measured with, and the rule that turns readings into durations.

Qt-free. The rule, for the time that has passed since a pause (see
docs/ARCHITECTURE.md, "Honest durations"):

1. **Same run of the clock** (the computer has not restarted since the pause):
   ``elapsed = clock now - clock at the pause``. The clock keeps counting while
   the computer sleeps and never follows changes of the wall clock:
   ``CLOCK_BOOTTIME`` on Linux; on macOS ``clock_gettime(CLOCK_MONOTONIC)``, which
   Apple's clock_gettime(3) says "will continue to increment while the system is
   asleep" (``time.monotonic`` there is ``mach_absolute_time``, which stops);
   on Windows ``time.monotonic``: ``GetTickCount64`` up to Python 3.12, whose
   count includes sleep (Microsoft points to ``QueryUnbiasedInterruptTime`` for the
   time awake alone), and ``QueryPerformanceCounter`` from 3.13, which counts
   "including the time when the machine was in a sleep state such as standby,
   hibernate, or connected standby".
2. **Cross-check with the wall clock.** Where no clock that counts sleep is known
   (any other system), the longer of the clock's and the wall clock's figures is
   taken, but the wall clock may add at most ``WALL_SLACK_FACTOR`` times the
   clock's figure plus ``WALL_SLACK_SECONDS`` (a laptop that slept), so a wall
   clock set forward by days cannot inflate a repair time.
3. **After a restart** (another boot, or a record from before clocks were kept):
   only the wall clock is left, ``elapsed = wall now - paused_at``, but never less
   than ``seen``: the time already known to have passed when the episode was last
   saved. A wall clock set back therefore gives neither zero nor a negative
   duration.

Every instant after the pause (a break, the repair) is then written as
``paused_at + elapsed``, so an episode's own times always agree with its
durations, whatever the wall clock did meanwhile.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeGuard

from couplepause.common import platform_support

if TYPE_CHECKING:
    from datetime import datetime

# How much the wall clock may add beyond a clock that may not count sleep (rule 2).
WALL_SLACK_FACTOR = 1.0
WALL_SLACK_SECONDS = 24 * 3600.0
_LINUX_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


class SystemClock:
    """Which clock to read and whether it counts time asleep (see the rule above)."""

    def __init__(self, clock_id: int | None, *, counts_sleep: bool) -> None:
        self.clock_id = clock_id  # for time.clock_gettime; None: time.monotonic
        self.counts_sleep = counts_sleep

    def __call__(self) -> float:
        if self.clock_id is None:
            return time.monotonic()
        return time.clock_gettime(self.clock_id)


def system_clock(system: str | None = None) -> SystemClock:
    """The clock that durations are measured with on this system (a name from
    :mod:`couplepause.common.platform_support`; default: this one)."""
    system = platform_support.system() if system is None else system
    if system == platform_support.LINUX and hasattr(time, "CLOCK_BOOTTIME"):
        return SystemClock(time.CLOCK_BOOTTIME, counts_sleep=True)
    if system == platform_support.MACOS and hasattr(time, "CLOCK_MONOTONIC"):
        return SystemClock(time.CLOCK_MONOTONIC, counts_sleep=True)
    return SystemClock(None, counts_sleep=system == platform_support.WINDOWS)


_PROCESS_RUN = os.urandom(16).hex()


def boot_id(source: Path | None = None) -> str:
    """Names this run of the clock: the same until the computer restarts.

    Linux tells it (``source``: its file); elsewhere this process's own run is
    used, so readings are only compared within one run of the app (rule 3 covers
    the rest).
    """
    if source is None:
        if platform_support.system() != platform_support.LINUX:
            return f"run:{_PROCESS_RUN}"
        source = _LINUX_BOOT_ID
    try:
        text = source.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        text = ""
    return f"boot:{text}" if text else f"run:{_PROCESS_RUN}"


class Timing(NamedTuple):
    """What an episode keeps of the clock: its run, its reading at the pause, and the
    seconds known to have passed since the pause when the episode was last saved."""

    boot: str
    paused: float
    seen: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {"boot": self.boot, "paused": round(self.paused, 3), "seen": round(self.seen, 3)}

    @classmethod
    def from_dict(cls, data: object) -> Timing | None:
        """A stored timing, or None when it is missing or not in the shape we write."""
        if not isinstance(data, dict):
            return None
        boot, paused, seen = data.get("boot"), data.get("paused"), data.get("seen", 0.0)
        if not isinstance(boot, str) or not _finite(paused) or not _finite(seen) or seen < 0:
            return None
        return cls(boot, float(paused), float(seen))


def elapsed(
    timing: Timing | None,
    *,
    boot: str,
    now: float,
    counts_sleep: bool,
    paused_at: datetime,
    wall_now: datetime,
) -> tuple[float, bool]:
    """Seconds since the pause by the rule above, and whether they come from the
    wall clock alone (rule 3)."""
    wall = (wall_now - paused_at).total_seconds()
    if timing is not None and timing.boot == boot:
        measured = max(0.0, now - timing.paused, timing.seen)
        if counts_sleep:
            return measured, False
        limit = measured * (1 + WALL_SLACK_FACTOR) + WALL_SLACK_SECONDS
        return max(measured, min(wall, limit)), False
    floor = timing.seen if timing is not None else 0.0
    return max(floor, wall, 0.0), True


def _finite(value: object) -> TypeGuard[int | float]:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and value == value
        and value not in (float("inf"), float("-inf"))
    )
