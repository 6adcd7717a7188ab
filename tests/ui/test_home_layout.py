"""The home screen whole on a small laptop and a larger one, in English and German
with 30-character names, in every combination of what can show beside the Pause
button: the welcome, the offer to pick up a pause (interrupted, or on a break), and a
notice at the top (a short one, one with a button, a long one). Nothing is clipped,
nothing overlaps, and the Pause button keeps a size that reads as the main action."""

from __future__ import annotations

import itertools
import math
from datetime import datetime

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from couplepause.common.formatting import time_of_day
from couplepause.common.texts import words
from couplepause.core.plan import MAX_TEXT, PartnerPlan, Plan
from couplepause.ui.basics import FRAME_ROOM, PAUSE_DIAMETER, PAUSE_MIN_DIAMETER, PAUSE_WORD_STEPS, RoundButton
from couplepause.ui.controller import Controller
from couplepause.ui.talking import PAUSE_FOLDS_FIRST
from tests.tiers import everyday
from tests.ui.conftest import settle

NAMES = {"partner_a": "Maximiliane Oberhausen-Kleist", "partner_b": "Jean-Baptiste Vandenbroucke"}
SIZES = {  # the window on a screen, less what a window manager's frame and title bar take
    "1024x600": (1024 - FRAME_ROOM[0], 600 - FRAME_ROOM[1]),
    "1280x800": (1280 - FRAME_ROOM[0], 800 - FRAME_ROOM[1]),
}
AT = datetime(2026, 11, 23, 22, 52).astimezone()


def offers():
    return {
        None: None,
        "open": (words("talking", "resume_open", time=time_of_day(AT)), words("talking", "resume_pick_up")),
        "break": (words("talking", "resume_break", time=time_of_day(AT)), words("talking", "resume_come_back")),
        "invite": (words("break", "invite_heading"), words("talking", "resume_come_back")),
    }


def plans():
    """No plan; a plan with each partner's early signs and their sign for a pause; and
    one written to the longest the plan keeps (core/plan.py MAX_TEXT)."""
    def plan(signs_a, signs_b, signal):
        return Plan(partners={"a": PartnerPlan("pull_back", signs_a), "b": PartnerPlan("reach_out", signs_b)},
                    pause_signal=signal)

    return {
        None: None,
        "signs": plan("my jaw tightens and I stop answering in whole sentences",
                      "I talk faster and louder and start to repeat myself", "a hand on the heart"),
        "longest": plan(*(("my chest gets tight, " * 10)[:MAX_TEXT],) * 2, ("a hand on the heart " * 10)[:MAX_TEXT]),
    }


def notices():
    return {
        None: None,
        "practice done": (words("welcome", "practice_done"), None),
        "with a button": (words("notices", "header_changed"), words("notices", "unlock_to_mend")),
        "long": (words("notices", "folder_open", folder="/home/maximiliane/.local/share/couplepause-gemeinsam"),
                 None),
    }


def rect_in(widget: QWidget, root: QWidget) -> QRect:
    return QRect(widget.mapTo(root, widget.rect().topLeft()), widget.size())


def shown_parts(root: QWidget) -> list[QWidget]:
    """What a person reads or presses: labels with words, and buttons."""
    return [w for w in root.findChildren(QWidget)
            if isinstance(w, (QLabel, QAbstractButton)) and w.isVisible() and (w.text() or isinstance(w, QAbstractButton))]


def problems(window) -> list[str]:
    """Everything on the window's home screen that is clipped, squeezed, off the
    window or over another part."""
    found = []
    central = window.centralWidget()
    area = central.rect()
    parts = shown_parts(central)
    for part in parts:
        name = f"{type(part).__name__} {part.text()[:30]!r}"
        where = rect_in(part, central)
        if not area.contains(where):
            found.append(f"{name} is outside the window: {where} not in {area}")
        if isinstance(part, RoundButton):
            if part.width() != part.height() or part.width() < PAUSE_MIN_DIAMETER:
                found.append(f"the Pause button is {part.width()}x{part.height()}")
        elif isinstance(part, QAbstractButton):
            hint = part.sizeHint()
            if part.width() < hint.width() or part.height() < hint.height():
                found.append(f"{name} is squeezed: {part.size().toTuple()} < {hint.toTuple()}")
        elif part.wordWrap():
            if part.height() < part.heightForWidth(part.width()):
                found.append(f"{name} is cut: {part.height()} < {part.heightForWidth(part.width())} high")
        elif part.width() < part.sizeHint().width():
            found.append(f"{name} is cut: {part.width()} < {part.sizeHint().width()} wide")
    for a, b in itertools.combinations(parts, 2):
        if rect_in(a, central).intersects(rect_in(b, central)):
            found.append(f"{a.text()[:30]!r} overlaps {b.text()[:30]!r}")
    return found


def started(make_app, qtbot, monkeypatch):
    """The window shown, once it has read what to offer (so that nothing it reads
    later changes the banners a test shows)."""
    loaded = []
    read = Controller._loaded
    monkeypatch.setattr(Controller, "_loaded", lambda self, *args: (read(self, *args), loaded.append(True)))
    bundle = make_app()
    bundle.window.show()
    qtbot.waitExposed(bundle.window)
    qtbot.waitUntil(lambda: bool(loaded))
    return bundle


@pytest.fixture(params=everyday(["en", "de"], "de"))
def home(request, language, make_app, qtbot, monkeypatch):
    language(request.param)
    bundle = started(make_app, qtbot, monkeypatch)
    bundle.settings.update(NAMES)
    return bundle


@pytest.mark.parametrize("size", everyday(SIZES, "1024x600"))
def test_every_combination_of_banners_is_whole(home, size):
    window, talking = home.window, home.window.talking
    window.resize(*SIZES[size])
    seen = []
    for welcome, offer, notice, (kind, plan) in itertools.product(
        (False, True), offers().values(), notices().values(), plans().items()
    ):
        home.controller.set_plan(plan)
        talking.show_welcome(welcome)
        talking.show_open_episode(*(offer or (None,)))
        if notice is None:
            window.hide_notice()
        else:
            window.show_notice(notice[0], action=(notice[1], lambda: None) if notice[1] else None)
        settle()
        state = (f"welcome={welcome} offer={offer and offer[0][:20]!r} notice={notice and notice[0][:20]!r} "
                 f"plan={kind}")
        # Their early signs, a line each, whenever there is a plan: folded away only on a
        # small laptop crowded with a notice, or for the longest plan there.
        if plan is None or size == "1280x800" or (kind == "signs" and notice is None):
            assert talking.signs.isVisible() == bool(plan), state
        assert problems(window) == [], state
        assert talking.welcome.isVisible() == welcome and talking.resume_card.isVisible() == bool(offer)
        if not welcome:  # alone, the Pause button is in the middle
            middle = rect_in(talking.pause_button, talking).center().x()
            assert abs(middle - talking.width() // 2) <= 1, state
        seen.append(talking.pause_button.width())
    assert min(seen) >= PAUSE_MIN_DIAMETER
    if size == "1280x800":
        assert min(seen) >= PAUSE_FOLDS_FIRST  # room enough: never small there


def test_the_welcome_says_less_before_the_pause_button_gets_small_and_all_again_with_room(home):
    """On a crowded small screen the welcome folds away its extra buttons and its long
    text (the title, the safety note, the practice pause and "Got it" stay); given
    room again, it says everything."""
    window, talking = home.window, home.window.talking
    window.resize(*SIZES["1024x600"])
    talking.show_welcome(True)
    talking.show_open_episode(*offers()["open"])
    # The longest notice there is (the notice band is compact on a small laptop).
    window.show_notice(words("notices", "read_only_disk", reason=words("problems", "read_only_disk")))
    settle()
    assert problems(window) == []
    for kept in (talking.welcome_title, talking.welcome_safety, talking.practice_button, talking.welcome_done_button,
                 talking.hint):  # beside the welcome, how to pause is news: it stays
        assert kept.isVisible()
    assert talking.welcome_text.isHidden() and talking.names_button.isHidden()
    assert talking.pause_button.width() >= PAUSE_MIN_DIAMETER
    window.hide_notice()
    talking.show_open_episode(None)
    window.resize(*SIZES["1280x800"])
    settle()
    for part in (talking.welcome_text, talking.names_button, talking.welcome_plan_button):
        assert part.isVisible()
    assert talking.pause_button.width() == PAUSE_DIAMETER


def test_the_welcome_buttons_are_in_reading_order_for_the_keyboard(home):
    talking = home.window.talking
    talking.show_welcome(True)
    buttons = [talking.practice_button, talking.welcome_plan_button, talking.names_button,
               talking.welcome_done_button]
    for before, after in itertools.pairwise(buttons):
        assert before.nextInFocusChain() is after


@pytest.mark.parametrize("diameter", sorted({PAUSE_MIN_DIAMETER, PAUSE_DIAMETER}
                                            | {least for least, _ in PAUSE_WORD_STEPS if least}
                                            | {least - 1 for least, _ in PAUSE_WORD_STEPS if least}))
def test_the_pause_word_fits_its_circle_at_every_size(home, diameter):
    """The word sits inside the circle, clear of its focus ring, in English and German."""
    button = home.window.talking.pause_button
    button.set_diameter(diameter)
    button.ensurePolished()
    metrics = button.fontMetrics()
    corner = math.hypot(metrics.horizontalAdvance(button.text()) / 2, metrics.height() / 2)
    assert corner + button.FOCUS_WIDTH + 2 <= max(diameter, PAUSE_MIN_DIAMETER) / 2
