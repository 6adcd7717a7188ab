"""Which words the live flow shows, given the couple's plan (core/plan.py).

Without a plan, or where a partner left their part open, every couple reads the
same prompts as before. With one, lightly:

* the speaker's prompts fit their own move (one who pulls back is helped to stay,
  one who reaches out to slow down);
* the listener's prompts name how the speaker's move can land, without blame,
  and help with the listener's own urge;
* the break shows each partner what helps them settle, and the invitation back
  uses the way back they agreed;
* repair offers each partner what the other said they need to hear.

Qt-free; the words are in resources/words.toml [turns], [break] and [repair].
"""

from __future__ import annotations

from couplepause.core.plan import Plan
from couplepause.texts import word_list, words

SPEAKER_LISTS = {
    None: "speaker_prompts",
    "depends": "speaker_prompts",
    "pull_back": "speaker_prompts_pull_back",
    "reach_out": "speaker_prompts_reach_out",
}
# How the speaker's move can land on the listener, named without blame.
IMPACT_KEYS = {"pull_back": "impact_pull_back", "reach_out": "impact_reach_out"}
# The listener's help with their own urge while listening.
LISTENER_KEYS = {"pull_back": "listening_pull_back", "reach_out": "listening_reach_out"}


def _move(plan: Plan | None, partner: str) -> str | None:
    return plan.move_of(partner) if plan is not None else None


def speaker_prompts(plan: Plan | None, speaker: str) -> list[str]:
    return list(word_list("turns", SPEAKER_LISTS[_move(plan, speaker)]))


def listener_prompts(plan: Plan | None, speaker: str, listener: str, names: dict[str, str]) -> list[str]:
    """Two lines for reflecting back, then the listener's help with their own urge (or
    "Did I get it?"), then how the speaker's move can land (or the plain reminder): with
    no moves known, the same four prompts as without a plan."""
    base = word_list("turns", "listener_prompts")
    impact = IMPACT_KEYS.get(_move(plan, speaker))
    own = LISTENER_KEYS.get(_move(plan, listener))
    return [
        base[0],
        base[1],
        words("turns", own) if own else base[2],
        words("turns", impact, speaker=names[speaker]) if impact else base[3],
    ]


def break_helps(plan: Plan | None, names: dict[str, str]) -> list[str]:
    """One line per partner who wrote what helps them settle (in partner order)."""
    if plan is None:
        return []
    return [
        words("break", "helps", name=names[p], helps=plan.of(p).helps)
        for p in names
        if plan.of(p).helps
    ]


def invitation(plan: Plan | None) -> str:
    """The words that invite them back when the break is over."""
    if plan is not None and plan.way_back:
        return words("break", "invite_way_back", way_back=plan.way_back)
    return words("break", "invite_text")


def needs_to_hear(plan: Plan | None, partner: str, names: dict[str, str]) -> str:
    """For ``partner`` on the repair screen: what the other said they need to hear."""
    other = "b" if partner == "a" else "a"
    need = plan.of(other).need_to_hear if plan is not None else ""
    return words("repair", "other_needs", other=names[other], need=need) if need else ""


def pause_signal(plan: Plan | None) -> str:
    """The home screen's reminder of their own sign for "Pause", or ""."""
    if plan is None or not plan.pause_signal:
        return ""
    return words("talking", "pause_signal", signal=plan.pause_signal)
