"""The whole live flow in the window, with qtbot and an injected clock."""

from __future__ import annotations

import errno
import os
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QPlainTextEdit

from couplepause.common import paths
from couplepause.common.formatting import time_of_day
from couplepause.common.texts import words
from couplepause.core.flow import Ev, State
from couplepause.store.repository import Repository
from couplepause.ui.controller import BREAK_CHECK_MS


def stored(bundle):
    """Everything on disk, read by a fresh repository (what a restart would see)."""
    assert bundle.writer.flush(5)
    repo = Repository(bundle.repository.folder, read_only=True)
    repo.open()
    return repo.load_all()


def finish_breathing(app, clock, seconds=120):
    clock.advance(seconds)
    app.window.breathing.tick()


def test_window_starts_on_pause_with_nothing_in_front(app):
    w = app.window
    assert "couplepause" in w.windowTitle().lower()
    assert w.current_view() is w.talking
    assert QApplication.activeModalWidget() is None
    assert w.talking.pause_button.isVisible() and w.talking.pause_button.isEnabled()


def test_space_starts_exactly_one_pause(app, qtbot, clock):
    w = app.window
    w.activateWindow()
    assert QApplication.focusWidget() is w.talking.pause_button
    qtbot.keyClick(w.talking.pause_button, Qt.Key.Key_Space)
    assert app.controller.flow.state is State.BREATHING
    first = app.controller.flow.episode.id
    # A second press (or a held key) never starts a second pause.
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_Space)
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_P)
    assert app.controller.flow.episode.id == first
    episodes = stored(app)
    assert [e.id for e in episodes] == [first]
    assert episodes[0].paused_at == clock.wall


def test_p_key_pauses_too(app, qtbot):
    qtbot.keyClick(app.window.talking.pause_button, Qt.Key.Key_P)
    assert app.controller.flow.state is State.BREATHING


def test_pause_is_on_disk_before_anything_else_happens(app, qtbot):
    qtbot.mouseClick(app.window.talking.pause_button, Qt.MouseButton.LeftButton)
    assert app.window.current_view() is app.window.breathing
    assert app.writer.flush(5)
    active = Repository(app.repository.folder, read_only=True)
    active.open()
    assert len(active.active()) == 1


def test_full_flow_pause_breathe_turns_repair_note(app, qtbot, clock):
    w, c = app.window, app.controller
    qtbot.mouseClick(w.talking.pause_button, Qt.MouseButton.LeftButton)
    assert w.breathing.is_animating()
    qtbot.mouseClick(w.breathing.who.button_for("b"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(w.breathing.activation["a"].button_for(7), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(w.breathing.activation["b"].button_for(4), Qt.MouseButton.LeftButton)
    clock.advance(30)
    w.breathing.tick()
    assert w.breathing.phase_word.text() in {words("breathing", k) for k in ("in", "out")}
    assert w.breathing.time_left.text() == words("breathing", "time_left", time="1:30")
    qtbot.mouseClick(w.breathing.extend_button, Qt.MouseButton.LeftButton)
    finish_breathing(app, clock, 150)  # 2 min + 1 min extension, all breathed
    assert c.flow.state is State.TURNS and not w.breathing.is_animating()
    assert w.current_view() is w.turns
    assert "Partner B" in w.turns.heading.text()  # whoever paused speaks first
    assert not w.turns.repair_button.isEnabled()
    clock.advance(100)
    qtbot.mouseClick(w.turns.swap_button, Qt.MouseButton.LeftButton)
    assert "Partner A" in w.turns.heading.text()
    clock.advance(80)
    c.render()
    assert w.turns.repair_button.isEnabled()
    qtbot.mouseClick(w.turns.repair_button, Qt.MouseButton.LeftButton)
    assert w.current_view() is w.repair
    clock.advance(20)
    qtbot.mouseClick(w.repair.choices["a"].button_for("yes"), Qt.MouseButton.LeftButton)
    assert c.flow.state is State.REPAIR
    qtbot.mouseClick(w.repair.choices["b"].button_for("yes"), Qt.MouseButton.LeftButton)
    assert w.current_view() is w.after
    w.after.note.setPlainText("the holidays")
    w.after.cycles.buttons()[0].setChecked(True)
    qtbot.mouseClick(w.after.save_button, Qt.MouseButton.LeftButton)
    assert w.current_view() is w.talking
    assert w.talking.last_time.text() == words("talking", "last_time", duration="6 minutes")

    [episode] = stored(app)
    assert episode.closed and episode.is_repaired
    assert episode.repair_seconds == 180 + 100 + 80 + 20
    assert episode.breathing_seconds == 180
    assert [(t.speaker, t.seconds) for t in episode.turns] == [("b", 100), ("a", 80)]
    assert episode.paused_by == "b" and episode.activation == {"a": 7, "b": 4}
    assert episode.note == "the holidays" and episode.cycle == "pursue_withdraw"
    check = Repository(app.repository.folder, read_only=True)
    check.open()
    assert check.active() == []  # closed episodes leave the active file


def test_not_yet_leads_to_another_round(app, qtbot, clock):
    w, c = app.window, app.controller
    c.pause()
    qtbot.mouseClick(w.breathing.skip_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(w.turns.swap_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(w.turns.repair_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(w.repair.choices["a"].button_for("not_yet"), Qt.MouseButton.LeftButton)
    assert w.repair.status.text() == words("repair", "not_yet_hint")
    qtbot.mouseClick(w.repair.more_button, Qt.MouseButton.LeftButton)
    assert c.flow.state is State.TURNS


def test_skip_note_in_one_click(app, qtbot):
    w, c = app.window, app.controller
    c.pause()
    c.dispatch(Ev.END_BREATHING)
    c.dispatch(Ev.SWAP)
    c.dispatch(Ev.TO_REPAIR)
    c.dispatch(Ev.ANSWER, "a", "yes")
    c.dispatch(Ev.ANSWER, "b", "yes")
    w.after.note.setPlainText("not saved")
    qtbot.mouseClick(w.after.skip_button, Qt.MouseButton.LeftButton)
    [episode] = stored(app)
    assert episode.note is None and episode.is_repaired


def test_break_then_restart_then_resume(app, make_app, qtbot, clock):
    w, c = app.window, app.controller
    c.pause()
    clock.advance(60)
    qtbot.mouseClick(w.breathing.break_button, Qt.MouseButton.LeftButton)
    assert w.current_view() is w.break_choice
    qtbot.mouseClick(w.break_choice.minutes.button_for(45), Qt.MouseButton.LeftButton)
    back = time_of_day(clock.wall + timedelta(minutes=45))
    assert w.break_choice.back_at.text() == words("break", "back_at", time=back)
    qtbot.mouseClick(w.break_choice.start_button, Qt.MouseButton.LeftButton)
    assert w.current_view() is w.on_break
    assert c.break_timer.isActive()
    assert w.on_break.return_at.text() == words("break", "return_at", time=back)
    [on_break] = stored(app)
    assert on_break.on_break and not on_break.is_repaired
    app.shutdown()
    app.window.close()

    # The app was closed during the break, the laptop restarted; it starts again later.
    clock.reboot(50 * 60)
    again = make_app()
    again.window.show()
    qtbot.waitUntil(lambda: again.window.talking.resume_card.isVisible())
    assert again.window.current_view() is again.window.talking
    qtbot.waitUntil(lambda: again.controller.inviting)  # the return time has passed
    qtbot.mouseClick(again.window.talking.resume_button, Qt.MouseButton.LeftButton)
    c2 = again.controller
    assert c2.flow.state is State.BREATHING
    c2.dispatch(Ev.END_BREATHING)
    c2.dispatch(Ev.SWAP)
    c2.dispatch(Ev.TO_REPAIR)
    clock.advance(30)
    c2.dispatch(Ev.ANSWER, "a", "yes")
    c2.dispatch(Ev.ANSWER, "b", "yes")
    c2.dispatch(Ev.FINISH, value=None)
    [episode] = stored(again)
    assert episode.breaks[0].ended_at is not None
    assert episode.repair_seconds == 60 + 50 * 60 + 30  # wall clock across the restart


def test_break_end_invites_them_back(app, qtbot, clock):
    c, w = app.controller, app.window
    c.pause()
    c.dispatch(Ev.START_BREAK, value=20)
    assert 0 < c.break_timer.interval() <= BREAK_CHECK_MS  # looked at again within a minute
    clock.advance(15 * 60)  # e.g. the lid was closed: Qt's timers slept too
    c.check_break_time()
    assert w.on_break.heading.text() != words("break", "invite_heading")
    assert c.break_timer.isActive()
    clock.advance(5 * 60)
    c.check_break_time()
    assert w.on_break.heading.text() == words("break", "invite_heading")
    c.break_timer.stop()
    qtbot.mouseClick(w.on_break.come_back_button, Qt.MouseButton.LeftButton)
    assert c.flow.state is State.BREATHING


def test_let_an_open_episode_rest(make_app, qtbot, clock):
    first = make_app()
    first.controller.pause()
    first.shutdown()
    second = make_app()
    second.window.show()
    qtbot.waitUntil(lambda: second.window.talking.resume_card.isVisible())
    qtbot.mouseClick(second.window.talking.let_rest_button, Qt.MouseButton.LeftButton)
    assert not second.window.talking.resume_card.isVisible()
    [episode] = stored(second)
    assert episode.closed and not episode.is_repaired


def test_pause_while_an_old_episode_is_offered_keeps_both(make_app, qtbot, clock):
    first = make_app()
    first.controller.pause()
    first.shutdown()
    second = make_app()
    second.window.show()
    qtbot.waitUntil(lambda: second.window.talking.resume_card.isVisible())
    clock.advance(3600)
    second.controller.pause()
    episodes = stored(second)
    assert len(episodes) == 2
    assert episodes[0].closed and not episodes[1].closed


def test_disk_full_keeps_the_episode_and_says_so(app, qtbot, monkeypatch):
    repo = app.repository
    real = repo.save_active
    failures = {"n": 0}

    def full(episode):
        if failures["n"] < 2:
            failures["n"] += 1
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(episode)

    monkeypatch.setattr(repo, "save_active", full)
    shown = []
    real_notice = app.window.show_notice
    monkeypatch.setattr(app.window, "show_notice", lambda text, **kw: (shown.append(text), real_notice(text, **kw)))
    app.writer.retry_delays = (0.01,)  # retry quickly in the test
    app.controller.pause()
    qtbot.waitUntil(lambda: words("notices", "saved_again") in shown, timeout=5000)
    assert any("The disk is full." in text for text in shown)
    assert shown[-1] == words("notices", "saved_again")
    assert len(stored(app)) == 1


def test_unreadable_store_is_set_aside_and_the_couple_told(make_app, data_dir, qtbot):
    store = paths.store_dir(data_dir)
    store.mkdir(parents=True)
    (store / "active.json").write_text('{"episodes": {"1": {"id": tru', encoding="utf-8")
    bundle = make_app()
    qtbot.waitUntil(lambda: bundle.window.notice_shown() is not None)
    assert bundle.window.notice_shown() == f"{words('notices', 'lost_active')} {words('notices', 'lost_no_backup')}"
    left = [p.name for p in store.iterdir()]
    assert any(name.startswith("active.json.unreadable-") for name in left)


def test_every_control_has_an_accessible_name(app):
    app.controller.pause()
    for view in (app.window.talking, app.window.breathing, app.window.turns, app.window.repair,
                 app.window.break_choice, app.window.on_break, app.window.after):
        for widget in view.findChildren(QAbstractButton) + view.findChildren(QLineEdit) + view.findChildren(QPlainTextEdit):
            assert widget.accessibleName(), f"{type(widget).__name__} {widget.text() if hasattr(widget, 'text') else ''}"


def test_live_screens_use_large_text(app):
    c = app.controller
    c.pause()
    c.dispatch(Ev.END_BREATHING)
    for view in (app.window.talking, app.window.breathing, app.window.turns, app.window.repair):
        for widget in view.findChildren(QLabel) + view.findChildren(QAbstractButton):
            if widget.property("role") in ("small", "tiny", "link"):
                continue  # secondary, optional controls
            widget.ensurePolished()
            assert widget.font().pointSizeF() >= 14, widget.text()


def test_reduced_motion_keeps_the_shape_still(app, qtbot, clock):
    app.settings.update({"reduced_motion": True})
    app.controller.apply_settings()
    app.controller.pause()
    pacer = app.window.breathing.pacer
    assert pacer.reduced_motion()
    clock.advance(2)
    app.window.breathing.tick()
    assert 0 < pacer.level() < 1  # colour and glow still follow the breath


def test_store_files_are_private(app):
    app.controller.pause()
    assert app.writer.flush(5)
    folder = app.repository.folder.parent
    assert os.stat(folder).st_mode & 0o777 == 0o700
    for path in app.repository.files():
        assert os.stat(path).st_mode & 0o777 == 0o600


def test_a_press_made_while_starting_keeps_its_own_moment(app, clock):
    """run_gui shows the Pause button before the flow is ready; a press in that
    moment is replayed with the time it really happened."""
    pressed_wall = clock.wall - timedelta(seconds=0.08)
    app.controller.pause(at=(clock.mono - 0.08, pressed_wall))
    assert app.controller.flow.state is State.BREATHING
    [episode] = stored(app)
    assert episode.paused_at == pressed_wall.replace(microsecond=pressed_wall.microsecond // 1000 * 1000)


def test_the_next_pause_starts_with_the_other_partner(app, qtbot, clock):
    c = app.controller
    for expected in ("a", "b", "a"):
        c.pause()
        c.dispatch(Ev.END_BREATHING)
        assert c.flow.model.speaker == expected
        c.dispatch(Ev.SWAP)
        clock.advance(5)
        c.dispatch(Ev.TO_REPAIR)
        c.dispatch(Ev.ANSWER, "a", "yes")
        c.dispatch(Ev.ANSWER, "b", "yes")
        c.dispatch(Ev.FINISH, value=None)


def test_closing_in_the_middle_of_a_pause_asks_and_keeps_the_pause(app, qtbot):
    app.controller.pause()
    app.window.close()
    assert app.window.isVisible()  # asked first
    box = app.leave_question
    assert "saved" in box.text()
    box.escapeButton().click()  # "Stay with the pause"
    assert app.window.isVisible() and app.controller.pausing()
    app.window.close()
    leave = next(b for b in app.leave_question.buttons() if b is not app.leave_question.escapeButton())
    leave.click()
    qtbot.waitUntil(lambda: not app.window.isVisible())
    episodes = stored(app)
    assert len(episodes) == 1 and not episodes[0].is_repaired
