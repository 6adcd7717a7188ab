"""Our plan for hard moments: what a couple wrote down together on a calm evening.

For each partner, in a few words: how they tend to move when it gets hard
(reach out, pull back, or it depends), the early signs they notice in
themselves, what helps them settle during a break, and what they need to hear
to feel close again. Together: their word or gesture for "Pause", and how they
come back after a break. Every part is optional; an empty plan is no plan.

Qt-free and immutable, like the episode record.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from couplepause.core.episode import PARTNERS, EpisodeError, format_instant, parse_instant

MOVES = ("reach_out", "pull_back", "depends")
PARTNER_TEXTS = ("signs", "helps", "need_to_hear")
SHARED_TEXTS = ("pause_signal", "way_back")
# "A few words": long enough for a sentence or two, short enough to read while stirred up.
MAX_TEXT = 200


class PlanError(EpisodeError):
    """A stored or imported plan that does not read (worded as a clause)."""


@dataclass(frozen=True)
class PartnerPlan:
    move: str | None = None  # one of MOVES, or None when not said
    signs: str = ""
    helps: str = ""
    need_to_hear: str = ""

    @property
    def is_empty(self) -> bool:
        return self.move is None and not any(getattr(self, name) for name in PARTNER_TEXTS)

    def to_dict(self) -> dict[str, Any]:
        return {"move": self.move, **{name: getattr(self, name) for name in PARTNER_TEXTS}}

    @classmethod
    def from_dict(cls, data: Any) -> PartnerPlan:
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise PlanError("plan_not_object")
        move = data.get("move")
        if move is not None and move not in MOVES:
            raise PlanError("plan_move", options=", ".join(MOVES))
        return cls(move, **{name: _text(data.get(name), name) for name in PARTNER_TEXTS})


@dataclass(frozen=True)
class Plan:
    partners: dict[str, PartnerPlan] = field(default_factory=lambda: {p: PartnerPlan() for p in PARTNERS})
    pause_signal: str = ""  # our word or gesture for "Pause"
    way_back: str = ""  # how we come back after a break
    updated_at: datetime | None = None

    def of(self, partner: str) -> PartnerPlan:
        return self.partners.get(partner) or PartnerPlan()

    def move_of(self, partner: str) -> str | None:
        return self.of(partner).move

    @property
    def is_empty(self) -> bool:
        return all(self.of(p).is_empty for p in PARTNERS) and not self.pause_signal and not self.way_back

    def with_changes(self, **changes: Any) -> Plan:
        return replace(self, **changes)

    def cleaned(self) -> Plan:
        """Texts trimmed of surrounding space and cut to MAX_TEXT (what the editor saves)."""
        partners = {
            p: replace(self.of(p), **{n: _clean(getattr(self.of(p), n)) for n in PARTNER_TEXTS}) for p in PARTNERS
        }
        return replace(
            self, partners=partners, pause_signal=_clean(self.pause_signal), way_back=_clean(self.way_back)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "partners": {p: self.of(p).to_dict() for p in PARTNERS},
            "pause_signal": self.pause_signal,
            "way_back": self.way_back,
            "updated_at": format_instant(self.updated_at) if self.updated_at else None,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Plan:
        """Build and validate a plan; raises PlanError with a plain reason."""
        if not isinstance(data, dict):
            raise PlanError("plan_not_object")
        partners = data.get("partners")
        partners = {} if partners is None else partners
        if not isinstance(partners, dict) or set(partners) - set(PARTNERS):
            raise PlanError("plan_partners")
        updated = data.get("updated_at")
        return cls(
            partners={p: PartnerPlan.from_dict(partners.get(p)) for p in PARTNERS},
            pause_signal=_text(data.get("pause_signal"), "pause_signal"),
            way_back=_text(data.get("way_back"), "way_back"),
            updated_at=parse_instant(updated) if updated is not None else None,
        )


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PlanError("plan_text", name=name)
    if len(value) > MAX_TEXT:
        raise PlanError("plan_text_long", name=name, limit=MAX_TEXT)
    return value


def _clean(text: str) -> str:
    return " ".join(text.split())[:MAX_TEXT]
