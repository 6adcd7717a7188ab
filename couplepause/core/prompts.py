"""Which words the live flow shows, given the couple's plan (core/plan.py).

Every turn keeps the reflection loop, with a plan or without: the listener reflects
back and asks "Did I get it?", never needing to defend or fix; the speaker says whether
it fits and passes the floor when they feel heard. Without a plan, or where a partner
left their part open, every couple reads the same prompts. With one, lightly:

* the speaker's prompts fit their own move, and both moves read alike: a feeling, the
  urge, the fear under it and the need, offered as questions and "maybe";
* the listener's prompts add how the speaker's move can land (neutral words, no
  blame) and help with the listener's own urge;
* the home screen brings back each partner's early signs, in their own words;
* the break shows each partner what helps them settle, and the invitation back
  uses the way back they agreed;
* repair offers each partner what the other said they need to hear.

Qt-free; the words are in resources/words.toml [turns], [break] and [repair].
"""

from __future__ import annotations

from couplepause.common.texts import word_list, words
from couplepause.core.plan import Plan

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
    """The prompts for the speaker's own move, then the loop: say whether the
    reflection fits, and pass the floor when feeling heard."""
    return [*word_list("turns", SPEAKER_LISTS[_move(plan, speaker)]), words("turns", "speaker_heard")]


def listener_prompts(plan: Plan | None, speaker: str, listener: str, names: dict[str, str]) -> list[str]:
    """Listening for the feeling, then how the speaker's move can land (when known),
    the reflection ("What I heard you say is…") and its check ("Did I get it?"), the
    listener's help with their own urge (when known), and "No need to defend or fix"
    last: with no moves known, the four prompts of the loop alone."""
    listen, reflect, check, no_defending = word_list("turns", "listener_prompts")
    impact = IMPACT_KEYS.get(_move(plan, speaker) or "")
    own = LISTENER_KEYS.get(_move(plan, listener) or "")
    return [
        listen,
        *([words("turns", impact, speaker=names[speaker])] if impact else []),
        reflect,
        check,
        *([words("turns", own)] if own else []),
        no_defending,
    ]


def _each_who_wrote(plan: Plan | None, names: dict[str, str], part: str, section: str, key: str) -> list[str]:
    """One line per partner who wrote ``part`` of their plan (in partner order), the
    words ``section``.``key`` with their name and what they wrote as ``{part}``."""
    if plan is None:
        return []
    written = {p: getattr(plan.of(p), part) for p in names}
    return [words(section, key, name=names[p], **{part: text}) for p, text in written.items() if text]


def break_helps(plan: Plan | None, names: dict[str, str]) -> list[str]:
    """One line per partner who wrote what helps them settle (in partner order)."""
    return _each_who_wrote(plan, names, "helps", "break", "helps")


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


def early_signs(plan: Plan | None, names: dict[str, str]) -> list[str]:
    """For the home screen: each partner's early signs, in their own words (in partner
    order; a partner who wrote none has no line)."""
    return _each_who_wrote(plan, names, "signs", "talking", "early_signs")


def pause_signal(plan: Plan | None) -> str:
    """The home screen's reminder of their own sign for "Pause", or ""."""
    if plan is None or not plan.pause_signal:
        return ""
    return words("talking", "pause_signal", signal=plan.pause_signal)
