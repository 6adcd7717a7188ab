"""Our plan for hard moments (core/plan.py) and the words the live flow takes from it
(core/prompts.py): every combination of the partners' moves, and no plan at all."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime

import pytest

from couplepause.common.texts import word_list, words
from couplepause.core import prompts
from couplepause.core.episode import Episode
from couplepause.core.plan import MAX_TEXT, MOVES, PartnerPlan, Plan, PlanError

NAMES = {"a": "Sam", "b": "Robin"}
MOVE_OR_NONE = (*MOVES, None)


def plan_with(move_a=None, move_b=None, **shared) -> Plan:
    return Plan(
        partners={
            "a": PartnerPlan(move_a, "talking fast", "a walk", "We're on the same side."),
            "b": PartnerPlan(move_b, "going numb", "tea and music", "I'm not going anywhere."),
        },
        **shared,
    )


# ---------------------------------------------------------------------- the record
def test_a_plan_reads_back_as_it_was_written():
    plan = plan_with("pull_back", "reach_out", pause_signal="a hand on the heart", way_back="side by side",
                     updated_at=datetime(2026, 11, 3, 20, 15, tzinfo=UTC))
    assert Plan.from_dict(plan.to_dict()) == plan


def test_an_empty_plan_is_no_plan_and_any_part_makes_one():
    assert Plan().is_empty
    assert Plan.from_dict({}).is_empty
    assert not Plan(way_back="a hug").is_empty
    assert not Plan(partners={"a": PartnerPlan(move="depends"), "b": PartnerPlan()}).is_empty


def test_every_part_is_optional_when_reading():
    plan = Plan.from_dict({"partners": {"a": {"move": "reach_out"}}})
    assert plan.move_of("a") == "reach_out"
    assert plan.move_of("b") is None
    assert plan.of("b") == PartnerPlan()
    assert plan.pause_signal == plan.way_back == ""


@pytest.mark.parametrize(
    "data, key",
    [
        ([], "plan_not_object"),
        ({"partners": []}, "plan_partners"),
        ({"partners": {"c": {}}}, "plan_partners"),
        ({"partners": {"a": "pull back"}}, "plan_not_object"),
        ({"partners": {"a": {"move": "run away"}}}, "plan_move"),
        ({"partners": {"b": {"signs": 3}}}, "plan_text"),
        ({"way_back": "x" * (MAX_TEXT + 1)}, "plan_text_long"),
        ({"updated_at": "yesterday"}, "time_not_iso"),
    ],
)
def test_a_plan_that_does_not_read_says_why(data, key):
    with pytest.raises(PlanError if key.startswith("plan") else Exception) as caught:
        Plan.from_dict(data)
    assert caught.value.key == key
    assert str(caught.value)  # worded, never a bare key


def test_cleaning_trims_space_and_keeps_a_few_words():
    plan = Plan(partners={"a": PartnerPlan(signs="  my   jaw\n tight "), "b": PartnerPlan(helps="y" * 500)},
                pause_signal=" time out ")
    cleaned = plan.cleaned()
    assert cleaned.of("a").signs == "my jaw tight"
    assert len(cleaned.of("b").helps) == MAX_TEXT
    assert cleaned.pause_signal == "time out"
    assert Plan.from_dict(cleaned.to_dict()) == cleaned


def test_a_practice_pause_keeps_its_mark_and_old_records_are_not_practice():
    episode = Episode.start(datetime(2026, 11, 3, 20, 15, tzinfo=UTC)).with_changes(practice=True)
    assert Episode.from_dict(episode.to_dict()).practice is True
    record = episode.to_dict()
    del record["practice"]
    assert Episode.from_dict(record).practice is False


# ---------------------------------------------------------------------- the prompts
def loop(plan, speaker, listener):
    """The speaker's and the listener's prompts for one turn."""
    return prompts.speaker_prompts(plan, speaker), prompts.listener_prompts(plan, speaker, listener, NAMES)


def test_without_a_plan_every_couple_reads_the_same_prompts():
    speaking = [*word_list("turns", "speaker_prompts"), words("turns", "speaker_heard")]
    for plan in (None, Plan(), plan_with("depends", "depends")):
        for speaker, listener in (("a", "b"), ("b", "a")):
            assert loop(plan, speaker, listener) == (speaking, word_list("turns", "listener_prompts"))


@pytest.mark.parametrize("moves", [None, *itertools.product(MOVE_OR_NONE, repeat=2)], ids=str)
def test_every_turn_keeps_the_reflection_loop(moves):
    """With a plan (every combination of moves) or without (None): the listener reads
    the reflection, its check and "No need to defend or fix"; the speaker reads that
    they say whether it fits and pass the floor when they feel heard."""
    plan = plan_with(*moves) if moves else None
    listen, reflect, check, no_defending = word_list("turns", "listener_prompts")
    for speaker, listener in (("a", "b"), ("b", "a")):
        said, heard = loop(plan, speaker, listener)
        assert said[-1] == words("turns", "speaker_heard")
        assert heard[0] == listen and heard[-1] == no_defending
        assert heard.index(reflect) + 1 == heard.index(check)  # the check follows the reflection
        assert len(set(heard)) == len(heard) and len(set(said)) == len(said)


@pytest.mark.parametrize("move_a, move_b", list(itertools.product(MOVE_OR_NONE, repeat=2)))
def test_the_prompts_fit_each_combination_of_moves(move_a, move_b):
    plan = plan_with(move_a, move_b)
    moves = {"a": move_a, "b": move_b}
    listen, reflect, check, no_defending = word_list("turns", "listener_prompts")
    for speaker, listener in (("a", "b"), ("b", "a")):
        said, heard = loop(plan, speaker, listener)
        # The speaker's prompts follow the speaker's own move only, then the loop.
        own = {"pull_back": "speaker_prompts_pull_back", "reach_out": "speaker_prompts_reach_out"}
        assert said == [*word_list("turns", own.get(moves[speaker], "speaker_prompts")), words("turns", "speaker_heard")]
        # The listener hears how the speaker's move can land, by the speaker's name, before
        # reflecting, and gets help with their own urge after the check.
        impact = {"pull_back": "impact_pull_back", "reach_out": "impact_reach_out"}.get(moves[speaker])
        urge = {"pull_back": "listening_pull_back", "reach_out": "listening_reach_out"}.get(moves[listener])
        assert heard == [
            listen,
            *([words("turns", impact, speaker=NAMES[speaker])] if impact else []),
            reflect,
            check,
            *([words("turns", urge)] if urge else []),
            no_defending,
        ]
        if impact:
            assert NAMES[speaker] in heard[1]


def test_the_two_partners_are_treated_alike():
    """Swapping who wrote what swaps the prompts, and nothing else."""
    for move_a, move_b in itertools.product(MOVE_OR_NONE, repeat=2):
        plan = plan_with(move_a, move_b)
        mirrored = Plan(partners={"a": plan.of("b"), "b": plan.of("a")})
        swapped = {"a": NAMES["b"], "b": NAMES["a"]}
        assert prompts.speaker_prompts(plan, "a") == prompts.speaker_prompts(mirrored, "b")
        assert prompts.listener_prompts(plan, "a", "b", NAMES) == prompts.listener_prompts(mirrored, "b", "a", swapped)


# Per language: the words that mark a line's kind, and a "maybe".
KINDS = {
    "en": {"feeling": "feeling", "urge": "urge", "fear": "fear", "need": "need"},
    "de": {"feeling": "fühle", "urge": "Drang", "fear": "Angst", "need": "brauche"},
}
MAYBE = {"en": "maybe", "de": "vielleicht"}


def shape(text: str, lang: str) -> tuple:
    """What a line is, not what it says: its kind, its questions, whether it offers a
    "maybe", whether it quotes a sentence to say, and how many sentences it has."""
    kinds = [kind for kind, word in KINDS[lang].items() if word.lower() in text.lower()]
    sentences = len(re.findall(r"[.?!…](?=[”“]?(\s|$))", text))
    return (tuple(kinds), text.count("?"), MAYBE[lang] in text.lower(), "“" in text, sentences)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_both_moves_get_prompts_of_the_same_shape(language, lang):
    """Whoever reaches out and whoever pulls back each read a feeling, the urge, the
    fear under it and the need, as questions and "maybe" (never told what they feel);
    the listener reads how either move can land in neutral words, and help with their
    own urge, line for line alike."""
    language(lang)
    by_move = {}
    for move in ("reach_out", "pull_back"):
        plan = plan_with(move, move)
        said, heard = loop(plan, "a", "b")
        by_move[move] = ([shape(line, lang) for line in said], [shape(line, lang) for line in heard])
        kinds = [kind for line in said[:-1] for kind in shape(line, lang)[0]]
        assert kinds == ["feeling", "urge", "fear", "need"], said
        for line in said[:-1]:
            assert MAYBE[lang] in line.lower() or line.endswith("?"), line  # offered, never told
        assert NAMES["a"] in heard[1]
    assert by_move["reach_out"] == by_move["pull_back"]
    for line in (words("turns", "impact_reach_out", speaker="Sam"), words("turns", "impact_pull_back", speaker="Sam")):
        for judging in ("push", "drängt", "clings", "klammert", "shuts", "abblock"):
            assert judging not in line.lower()


def test_the_impact_lines_never_blame():
    for key in ("impact_pull_back", "impact_reach_out"):
        text = words("turns", key, speaker="Sam").lower()
        for word in ("fault", "always", "never", "wrong", "should"):
            assert word not in text


def test_the_break_shows_what_helps_each_partner_and_the_way_back():
    plan = plan_with(way_back="we sit side by side")
    assert prompts.break_helps(plan, NAMES) == [
        words("break", "helps", name="Sam", helps="a walk"),
        words("break", "helps", name="Robin", helps="tea and music"),
    ]
    assert "we sit side by side" in prompts.invitation(plan)
    only_b = Plan(partners={"a": PartnerPlan(), "b": PartnerPlan(helps="tea")})
    assert prompts.break_helps(only_b, NAMES) == [words("break", "helps", name="Robin", helps="tea")]
    for nothing in (None, Plan()):
        assert prompts.break_helps(nothing, NAMES) == []
        assert prompts.invitation(nothing) == words("break", "invite_text")


def test_repair_offers_each_partner_what_the_other_needs_to_hear():
    plan = plan_with()
    for_a = prompts.needs_to_hear(plan, "a", NAMES)
    for_b = prompts.needs_to_hear(plan, "b", NAMES)
    assert "Robin" in for_a and "I'm not going anywhere." in for_a
    assert "Sam" in for_b and "We're on the same side." in for_b
    assert prompts.needs_to_hear(None, "a", NAMES) == ""
    assert prompts.needs_to_hear(Plan(), "b", NAMES) == ""


def test_the_home_screen_brings_back_each_partners_early_signs_in_their_own_words():
    assert prompts.early_signs(plan_with(), NAMES) == [
        words("talking", "early_signs", name="Sam", signs="talking fast"),
        words("talking", "early_signs", name="Robin", signs="going numb"),
    ]
    assert "talking fast" in prompts.early_signs(plan_with(), NAMES)[0]
    only_a = Plan(partners={"a": PartnerPlan(signs="my jaw tightens"), "b": PartnerPlan("pull_back")})
    assert prompts.early_signs(only_a, NAMES) == [words("talking", "early_signs", name="Sam", signs="my jaw tightens")]
    assert prompts.early_signs(None, NAMES) == prompts.early_signs(Plan(), NAMES) == []


def test_the_home_screen_reminds_them_of_their_sign_only_when_they_have_one():
    assert prompts.pause_signal(None) == ""
    assert prompts.pause_signal(Plan()) == ""
    assert "time out" in prompts.pause_signal(Plan(pause_signal="time out"))
