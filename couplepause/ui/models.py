"""What the live screens are told to show: small plain records, cheap to
import (the screens themselves are built only when first needed)."""

from __future__ import annotations

from dataclasses import dataclass

# The breathing's first seconds, in which its main button takes no keys: the Space
# that started the pause, pressed again a moment later, does not end the breathing.
KEYS_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class Frame:
    """What the pacer shows at one moment."""

    level: float  # 0 empty .. 1 full
    kind: str  # phase kind, or "rest" after a limited pattern's last round
    seconds_left: float  # in the whole breathing session
    phase_left: float  # until the next phase starts
    settled: bool = True  # past the first KEYS_WAIT_SECONDS of this breathing


@dataclass(frozen=True)
class TurnsScreen:
    """What the turns screen shows; computed by the controller."""

    names: dict[str, str]
    speaker: str
    can_choose: bool
    can_repair: bool
    timer_text: str | None  # None: timer off
    timer_done: bool
    # Each partner's prompts for the role they hold now (core/prompts.py).
    prompts: dict[str, list[str]]
