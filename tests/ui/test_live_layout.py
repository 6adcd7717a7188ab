"""Every live screen whole on a small laptop and a larger one, in English and German
with 30-character names and a long plan, with no notice on top, with the practice
notice and with one that stays ("We couldn't save just now"): no screen scrolls, no
card's prompts scroll, nothing is clipped or overlaps, the chips show whole names and
the breathing pacer keeps room for its shape. Offscreen; tests/wm sees the same under
a real window manager."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QScrollArea

from couplepause.common.texts import words
from couplepause.core.episode import Reflection
from couplepause.core.flow import Ev
from couplepause.core.plan import PartnerPlan, Plan
from couplepause.ui.fitting import Column
from couplepause.ui.widgets import Pacer
from tests.tiers import everyday
from tests.ui.conftest import settle
from tests.ui.test_home_layout import SIZES, problems, started
from tests.ui.test_live_keyboard import assert_one_focus_mark_on_every_stop

NAMES = {"partner_a": "Maximiliane Oberhausen-Kleiner", "partner_b": "Jean-Baptiste de Vandenbroucke"}
PLAN = Plan(partners={
    "a": PartnerPlan("pull_back", "my jaw tightens and I stop answering in whole sentences",
                     "a walk round the block and a glass of cold water",
                     "I am not leaving, I only need ten minutes and then I come back to you"),
    "b": PartnerPlan("reach_out", "I talk faster and louder and start to repeat myself",
                     "your hand on my back for a moment, without words",
                     "we are a team and this is not the end of us"),
}, way_back="we sit side by side on the sofa and start with one kind thing each")


def notices():
    return {
        "none": None,
        "practice": words("welcome", "practice_notice"),
        "unsaved": words("notices", "save_failed", reason=words("problems", "io_error")),
    }


def screen_problems(window) -> list[str]:
    """What is wrong with the live screen on show: the screen scrolls, a card's prompts
    scroll, the pacer is too small, or a part is clipped, squeezed or over another."""
    found = []
    page = window.stack.currentWidget()
    view = window.current_view()
    assert isinstance(page, QScrollArea) and page.widget() is view
    hidden = page.verticalScrollBar().maximum(), page.horizontalScrollBar().maximum()
    if any(hidden):
        found.append(f"{type(view).__name__} must be scrolled ({hidden[0]} px down, {hidden[1]} px across)")
    found += [f"a card's prompts must be scrolled ({column.verticalScrollBar().maximum()} px)"
              for column in view.findChildren(Column)
              if column.isVisible() and column.verticalScrollBar().maximum() > 0]
    pacer = getattr(view, "pacer", None)
    if pacer is not None and min(pacer.width(), pacer.height()) < Pacer.SMALLEST:
        found.append(f"the pacer is {pacer.width()}x{pacer.height()}")
    return found + problems(window)


@pytest.fixture(params=everyday(["en", "de"], "de"))
def live(request, language, make_app, qtbot, monkeypatch):
    language(request.param)
    bundle = started(make_app, qtbot, monkeypatch)
    bundle.settings.update(NAMES)
    bundle.controller.apply_settings()
    bundle.controller.set_plan(PLAN)
    return bundle


def walk(bundle, notice: str | None):
    """Every live screen in turn, with ``notice`` on top: (name, problems) for each."""
    w, c = bundle.window, bundle.controller

    def look(name):
        settle()
        return name, screen_problems(w)

    c.pause()
    if notice:
        w.show_notice(notice)
    c.dispatch(Ev.SET_PAUSED_BY, value="both")
    w.breathing.stop()  # the shape holds still while the screen is looked at
    yield look("breathing")
    c.dispatch(Ev.END_BREATHING)
    yield look("turns at the start")
    c.dispatch(Ev.SWAP)
    yield look("turns")
    c.dispatch(Ev.TO_REPAIR)
    yield look("repair")
    c.choose_break()
    yield look("the break's choice")
    c.dispatch(Ev.START_BREAK, value=w.break_choice.value())
    yield look("the break")
    c.inviting = True
    c.render()
    yield look("the break's end")
    for event in (Ev.END_BREAK, Ev.END_BREATHING, Ev.SWAP, Ev.TO_REPAIR):
        c.dispatch(event)
    c.dispatch(Ev.ANSWER, "a", "yes")
    c.dispatch(Ev.ANSWER, "b", "yes")
    yield look("after")
    c.dispatch(Ev.FINISH, value=Reflection())


@pytest.mark.parametrize("notice", ["none", "practice", "unsaved"])
@pytest.mark.parametrize("size", everyday(SIZES, "1024x600"))
def test_every_live_screen_is_whole(live, size, notice):
    live.window.resize(*SIZES[size])
    found = {name: wrong for name, wrong in walk(live, notices()[notice]) if wrong}
    assert found == {}


def test_on_the_smallest_room_the_prompts_scroll_inside_their_cards_never_the_screen(live):
    """The longest notice over the turns' start in German with long names: the cards'
    prompts give up height (they scroll inside the card); the screen stays whole."""
    w, c = live.window, live.controller
    w.resize(*SIZES["1024x600"])
    c.pause()
    w.show_notice(words("notices", "read_only_disk", reason=words("problems", "read_only_disk")) * 2)
    c.dispatch(Ev.END_BREATHING)
    settle()
    page = w.stack.currentWidget()
    assert page.verticalScrollBar().maximum() == 0 and page.horizontalScrollBar().maximum() == 0
    assert w.turns.step() == w.turns.STEPS - 1
    assert all(column.cap() is not None for column in w.turns.columns)
    view = w.turns
    for part in (view.heading, view.swap_button, view.repair_button, view.break_button, view.repair_hint,
                 *view.who_starts.buttons(), *(card.title for card in view.cards.values())):
        shown = part.visibleRegion().boundingRect()
        assert shown == part.rect(), f"{part.text()!r}: {shown} of {part.rect()} in view"
    w.hide_notice()
    w.resize(*SIZES["1280x800"])
    settle()  # given room again, every prompt in view and the roomiest layout that fits
    assert all(column.cap() is None for column in w.turns.columns)
    assert w.turns.step() < w.turns.STEPS - 1
    assert screen_problems(w) == []


def test_the_pacer_beside_the_captures_on_a_small_laptop_and_above_them_on_a_larger_one(live):
    w, c = live.window, live.controller
    w.resize(*SIZES["1024x600"])
    c.pause()
    w.breathing.stop()
    settle()
    view = w.breathing
    assert view.step() == view.STEPS - 1
    assert view.captures.geometry().left() > view.pacer.geometry().right()  # beside it
    assert min(view.pacer.width(), view.pacer.height()) >= Pacer.SMALLEST
    w.resize(*SIZES["1280x800"])
    settle()
    assert view.step() == 0
    assert view.captures.geometry().top() > view.pacer.geometry().bottom()  # under it
    assert min(view.pacer.width(), view.pacer.height()) >= Pacer.SMALLEST


def test_every_tab_stop_of_the_compact_live_screens_shows_one_focus(live, qtbot):
    """On a small laptop the live screens are laid out compact (smaller chips and
    buttons): each stop still shows one focus mark, and nothing else moves with it."""
    w, c = live.window, live.controller
    with qtbot.waitActive(w):
        w.activateWindow()
    w.resize(*SIZES["1024x600"])
    c.pause()
    w.show_notice(notices()["unsaved"])
    w.breathing.stop()
    settle()
    assert w.breathing.step() == w.breathing.STEPS - 1
    assert assert_one_focus_mark_on_every_stop(qtbot, w.breathing) >= 6
    c.choose_break()
    settle()
    assert assert_one_focus_mark_on_every_stop(qtbot, w.break_choice) >= 3
    w.break_choice.cancel_button.click()
    c.dispatch(Ev.END_BREATHING)
    settle()
    assert w.turns.step() >= 2  # its chips and buttons compact
    assert assert_one_focus_mark_on_every_stop(qtbot, w.turns) >= 3
    c.dispatch(Ev.SWAP)
    c.dispatch(Ev.TO_REPAIR)
    settle()
    assert w.repair.step() == w.repair.STEPS - 1
    assert assert_one_focus_mark_on_every_stop(qtbot, w.repair) >= 4
    c.dispatch(Ev.ANSWER, "a", "yes")
    c.dispatch(Ev.ANSWER, "b", "yes")
    settle()
    assert assert_one_focus_mark_on_every_stop(qtbot, w.after) >= 4
