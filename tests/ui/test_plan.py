"""Our plan for hard moments in the window: the dialog, and the live flow speaking to it."""

from __future__ import annotations

from couplepause.common.texts import word_list, words
from couplepause.core import prompts
from couplepause.core.flow import Ev, State
from couplepause.core.plan import PartnerPlan, Plan
from couplepause.ui.plan_dialog import PlanDialog

NAMES = {"a": "Sam", "b": "Robin"}
PLAN = Plan(
    partners={
        "a": PartnerPlan("pull_back", "I go quiet", "a walk round the block", "You matter to me."),
        "b": PartnerPlan("reach_out", "my voice gets louder", "tea and music", "I'm not going anywhere."),
    },
    pause_signal="a hand on the heart",
    way_back="we sit side by side and start with a hug",
)


def shown(widget) -> bool:
    return widget.isVisibleTo(widget.window())


# ------------------------------------------------------------------- the dialog
def test_the_dialog_shows_both_partners_alike_and_reads_back_what_was_written(qtbot):
    dialog = PlanDialog(PLAN, NAMES)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    a, b = dialog.parts["a"], dialog.parts["b"]
    assert (a.title(), b.title()) == ("Sam", "Robin")
    assert a.width() == b.width() and a.height() == b.height()
    assert [type(w) for w in a.children()] == [type(w) for w in b.children()]
    assert dialog.value().with_changes(updated_at=None) == PLAN


def test_what_is_typed_is_cleaned_and_every_part_may_stay_empty(qtbot):
    dialog = PlanDialog(None, NAMES)
    qtbot.addWidget(dialog)
    assert dialog.value().is_empty
    dialog.parts["b"].move.button_for("depends").click()
    qtbot.keyClicks(dialog.parts["a"].fields["helps"], "   a   walk  ")
    value = dialog.value()
    assert value.move_of("b") == "depends" and value.move_of("a") is None
    assert value.of("a").helps == "a walk"
    dialog.parts["b"].move.button_for("depends").click()  # choosing it again clears it
    assert dialog.value().move_of("b") is None


def test_saving_waits_for_the_plan_to_be_kept_and_says_why_when_it_was_not(qtbot):
    dialog = PlanDialog(PLAN, NAMES)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save_button.click()
    assert saved.args[0].with_changes(updated_at=None) == PLAN
    assert not dialog.save_button.isEnabled()
    dialog.not_kept("The disk is full.")
    assert dialog.save_button.isEnabled() and "The disk is full." in dialog.error.text()
    assert dialog.isVisible()
    dialog.kept()
    assert not dialog.isVisible()


# ------------------------------------------------------------ the live flow with a plan
def names_and_plan(app):
    app.settings.update({"partner_a": NAMES["a"], "partner_b": NAMES["b"]})
    app.controller.set_plan(PLAN)


def test_the_home_screen_shows_their_own_sign_for_a_pause_and_each_ones_early_signs(app):
    talking = app.window.talking
    assert not shown(talking.signal) and not shown(talking.signs)
    names_and_plan(app)
    assert shown(talking.signal) and "a hand on the heart" in talking.signal.text()
    assert shown(talking.signs)
    assert talking.signs.text().splitlines() == prompts.early_signs(PLAN, NAMES)
    assert "Sam" in talking.signs.text() and "my voice gets louder" in talking.signs.text()
    app.settings.update({"partner_a": "Alex"})  # a new name reads at once
    app.controller.apply_settings()
    assert "Alex" in talking.signs.text().splitlines()[0]
    app.controller.set_plan(Plan())  # an empty plan is no plan
    assert not shown(talking.signal) and not shown(talking.signs)


def test_the_turns_speak_to_each_partners_move(app):
    names_and_plan(app)
    c, w = app.controller, app.window
    c.pause()
    c.dispatch(Ev.END_BREATHING)
    speaker = c.flow.model.speaker
    listener = "b" if speaker == "a" else "a"
    texts = {p: [label.text() for label in w.turns.cards[p].prompts if shown(label)] for p in "ab"}
    assert texts[speaker] == prompts.speaker_prompts(PLAN, speaker)
    assert texts[listener] == prompts.listener_prompts(PLAN, speaker, listener, NAMES)
    c.dispatch(Ev.SWAP)
    texts = {p: [label.text() for label in w.turns.cards[p].prompts if shown(label)] for p in "ab"}
    assert texts[listener] == prompts.speaker_prompts(PLAN, listener)
    assert texts[speaker] == prompts.listener_prompts(PLAN, listener, speaker, NAMES)


def test_without_a_plan_the_turns_keep_the_reflection_loop(app):
    c, w = app.controller, app.window
    c.pause()
    c.dispatch(Ev.END_BREATHING)
    speaker = c.flow.model.speaker
    listener = "b" if speaker == "a" else "a"
    texts = {p: [label.text() for label in w.turns.cards[p].prompts if shown(label)] for p in "ab"}
    assert texts[speaker] == [*word_list("turns", "speaker_prompts"), words("turns", "speaker_heard")]
    assert texts[listener] == word_list("turns", "listener_prompts")
    # The speaker passes the floor when they feel heard; a screen reader says to whom.
    assert w.turns.swap_button.text() == words("turns", "swap")
    assert w.turns.swap_button.accessibleName() == words("turns", "swap_accessible", listener=c.names()[listener])


def test_the_break_shows_what_helps_each_of_them_and_invites_them_back_their_way(app, clock):
    names_and_plan(app)
    c, w = app.controller, app.window
    c.pause()
    c.dispatch(Ev.START_BREAK, value=20)
    view = w.on_break
    assert shown(view.helps_card)
    lines = [label.text() for label in view.helps if shown(label)]
    assert lines == [words("break", "helps", name="Sam", helps="a walk round the block"),
                     words("break", "helps", name="Robin", helps="tea and music")]
    clock.advance(20 * 60 + 1)
    c.check_break_time()
    assert view.heading.text() == words("break", "invite_heading")
    assert "we sit side by side and start with a hug" in view.text.text()
    assert not shown(view.helps_card)


def test_repair_offers_each_partner_what_the_other_needs_to_hear(app, clock):
    names_and_plan(app)
    c, w = app.controller, app.window
    c.pause()
    c.dispatch(Ev.END_BREATHING)
    c.dispatch(Ev.SWAP)
    clock.advance(30)
    c.dispatch(Ev.TO_REPAIR)
    assert c.flow.state is State.REPAIR
    assert "I'm not going anywhere." in w.repair.needs["a"].text() and "Robin" in w.repair.needs["a"].text()
    assert "You matter to me." in w.repair.needs["b"].text() and "Sam" in w.repair.needs["b"].text()


def test_without_a_plan_repair_and_the_break_are_as_before(app, clock):
    c, w = app.controller, app.window
    c.pause()
    c.dispatch(Ev.START_BREAK, value=20)
    assert not shown(w.on_break.helps_card)
    clock.advance(20 * 60 + 1)
    c.check_break_time()
    assert w.on_break.text.text() == words("break", "invite_text")
    c.dispatch(Ev.END_BREAK)
    c.dispatch(Ev.END_BREATHING)
    c.dispatch(Ev.SWAP)
    clock.advance(30)
    c.dispatch(Ev.TO_REPAIR)
    assert not any(shown(w.repair.needs[p]) for p in "ab")


# ------------------------------------------------------------ kept in the store
def open_plan(bundle, qtbot):
    """Open the plan's dialog as the couple does (it opens once the plan has been read)."""
    bundle.planning.open()
    qtbot.waitUntil(lambda: bundle.planning.dialog is not None and bundle.planning.dialog.isVisible(), timeout=5000)
    return bundle.planning.dialog


def save_through_the_dialog(bundle, qtbot):
    dialog = open_plan(bundle, qtbot)
    dialog.parts["a"].move.button_for("pull_back").click()
    dialog.parts["b"].move.button_for("reach_out").click()
    qtbot.keyClicks(dialog.parts["a"].fields["helps"], "a walk round the block")
    qtbot.keyClicks(dialog.way_back, "we sit side by side")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bundle.planning.dialog is None, timeout=5000)
    return


def test_a_plan_made_in_the_window_is_kept_and_used_after_a_restart(make_app, data_dir, qtbot):
    first = make_app(data_dir)
    first.window.show()
    save_through_the_dialog(first, qtbot)
    assert words("plan", "saved") in first.window.notice_shown()
    assert first.controller.plan.move_of("a") == "pull_back"
    assert first.controller.plan.updated_at is not None
    first.shutdown()
    again = make_app(data_dir)
    qtbot.waitUntil(lambda: again.controller.plan is not None, timeout=5000)
    plan = again.controller.plan
    assert (plan.move_of("a"), plan.move_of("b"), plan.of("a").helps, plan.way_back) == (
        "pull_back", "reach_out", "a walk round the block", "we sit side by side")
    reopened = open_plan(again, qtbot)
    assert reopened.value().with_changes(updated_at=None) == plan.with_changes(updated_at=None)
    reopened.close()


def test_one_plan_dialog_at_a_time(app, qtbot):
    dialog = open_plan(app, qtbot)
    assert app.planning.open() is dialog
    dialog.close()


def test_a_plan_that_cannot_be_saved_stays_in_its_dialog_with_the_reason(app, qtbot, monkeypatch):
    from couplepause.store import files

    def full(path, data, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "atomic_write", full)
    dialog = open_plan(app, qtbot)
    qtbot.keyClicks(dialog.pause_signal, "time out")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert "disk is full" in dialog.error.text().lower()
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert app.controller.plan is None
    dialog.close()


def test_the_plan_protected_with_the_names_waits_for_the_unlock(make_app, data_dir, qtbot):
    from tests.ui.test_privacy import PASS, protect_through_settings

    bundle = make_app(data_dir)
    bundle.window.show()
    qtbot.waitExposed(bundle.window)
    save_through_the_dialog(bundle, qtbot)
    protect_through_settings(bundle, qtbot, names=True)
    assert b"we sit side by side" not in (bundle.repository.folder / "plan.json").read_bytes()
    bundle.privacy.relock()
    qtbot.waitUntil(lambda: bundle.repository.locked and bundle.controller.plan is None, timeout=5000)
    qtbot.waitUntil(lambda: bundle.planning.loaded, timeout=5000)
    assert bundle.planning.open() is None
    assert "Unlock" in bundle.window.notice_shown()
    presenter = bundle.open_history()
    presenter.view.lock_panel.field.setText(PASS)
    presenter.view.lock_panel.unlock_button.click()
    qtbot.waitUntil(lambda: bundle.controller.plan is not None, timeout=10000)
    assert bundle.controller.plan.way_back == "we sit side by side"


def test_the_plan_asked_for_at_once_opens_with_the_plan_not_an_empty_one(make_app, data_dir, qtbot):
    from couplepause.common import paths
    from couplepause.store.repository import Repository

    repo = Repository(paths.store_dir(data_dir))
    repo.open()
    repo.save_plan(PLAN)
    bundle = make_app(data_dir)
    assert bundle.planning.open() is None  # not read yet: it opens when it is
    dialog = open_plan(bundle, qtbot)
    assert dialog.value().with_changes(updated_at=None) == PLAN
    dialog.close()


def test_a_plan_that_cannot_be_read_is_never_offered_empty(app, qtbot, monkeypatch):
    from couplepause.store.plan_file import PlanFile

    def fails(plan_file):
        raise PermissionError(13, "Permission denied")

    real = PlanFile.read
    qtbot.waitUntil(lambda: app.planning.loaded, timeout=5000)  # the first read is done
    monkeypatch.setattr(PlanFile, "read", fails)
    app.planning.loaded = False  # as after a failed first read
    assert app.planning.open() is None
    qtbot.waitUntil(lambda: "could not be read" in (app.window.notice_shown() or ""), timeout=5000)
    assert app.planning.dialog is None
    monkeypatch.setattr(PlanFile, "read", real)
    dialog = open_plan(app, qtbot)  # asked again, and now it reads
    dialog.close()


def test_every_screen_with_a_plan_fits_a_small_laptop_with_long_names(app, qtbot, clock):
    from tests.ui.test_small_screens import pause_on_a_small_laptop_with_long_names, scrolls

    long_plan = PLAN.with_changes(way_back="w" * 40 + " we sit side by side and start softly, with a hug " + "w" * 40)
    app.controller.set_plan(long_plan)
    w, c = pause_on_a_small_laptop_with_long_names(app)
    c.dispatch(Ev.END_BREATHING)
    qtbot.waitUntil(lambda: w.current_view() is w.turns)
    assert not scrolls(w, w.turns)
    cards = w.turns.cards
    assert cards["a"].width() == cards["b"].width()
    c.dispatch(Ev.SWAP)
    assert not scrolls(w, w.turns)
    clock.advance(30)
    c.dispatch(Ev.TO_REPAIR)
    qtbot.waitUntil(lambda: w.current_view() is w.repair)
    assert not scrolls(w, w.repair)
    c.dispatch(Ev.START_BREAK, value=20)
    assert not scrolls(w, w.on_break)
    clock.advance(20 * 60 + 1)
    c.check_break_time()
    assert not scrolls(w, w.on_break)


def test_the_welcome_offers_the_plan_with_every_button_whole_on_a_small_laptop(app, qtbot):
    from PySide6.QtWidgets import QPushButton

    from tests.ui.test_small_screens import SMALL

    w = app.window
    w.resize(*SMALL)
    qtbot.waitUntil(lambda: w.talking.height() < SMALL[1])
    talking = w.talking
    assert talking.welcome_plan_button.isVisible()
    for button in talking.welcome.findChildren(QPushButton):
        assert button.width() >= button.sizeHint().width(), button.text()
    with qtbot.waitSignal(talking.plan_requested):
        talking.welcome_plan_button.click()
    qtbot.waitUntil(lambda: app.planning.dialog is not None, timeout=5000)
    app.planning.dialog.close()


def test_the_dialog_is_named_for_screen_readers_and_works_with_the_keyboard(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QLineEdit

    dialog = PlanDialog(None, NAMES)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    edits = dialog.findChildren(QLineEdit)
    assert len(edits) == 8
    for widget in [*edits, *dialog.findChildren(QAbstractButton)]:
        assert widget.accessibleName() or widget.text(), widget
    # Each partner's fields are named with their name, the same way for both.
    names = sorted(e.accessibleName() for e in edits)
    assert sum(n.startswith("Sam: ") for n in names) == sum(n.startswith("Robin: ") for n in names) == 3
    # Tab from the first choice reaches every field; typing there and Enter saves.
    seen = []
    for _ in range(40):
        focused = dialog.focusWidget()
        if isinstance(focused, QLineEdit) and focused not in seen:
            seen.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert set(seen) == set(edits)
    dialog.way_back.setFocus()
    qtbot.keyClicks(dialog.way_back, "a hug")
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.keyClick(dialog.way_back, Qt.Key.Key_Return)
    assert saved.args[0].way_back == "a hug"
