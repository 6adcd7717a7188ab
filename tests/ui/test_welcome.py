"""The first start: a welcome beside the Pause button, a practice pause kept as practice."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QFrame, QPushButton

from couplepause.common.texts import duration, words
from couplepause.core.episode import Reflection
from couplepause.core.flow import Ev, State
from couplepause.store.repository import Repository
from couplepause.ui.main_window import MainWindow


def on_disk(bundle):
    assert bundle.writer.flush(5)
    repo = Repository(bundle.repository.folder, read_only=True)
    repo.open()
    return repo.load_all()


def in_window(widget) -> QRect:
    return QRect(widget.mapTo(widget.window(), widget.rect().topLeft()), widget.size())


def test_the_welcome_shows_at_the_first_start_and_never_covers_the_pause_button(app):
    talking = app.window.talking
    assert talking.welcome.isVisible()
    assert talking.pause_button.isVisible() and talking.pause_button.isEnabled()
    assert not in_window(talking.welcome).intersects(in_window(talking.pause_button))


def test_a_practice_pause_goes_through_the_flow_and_is_kept_as_practice(app, qtbot, clock):
    c, w = app.controller, app.window
    w.talking.practice_button.click()
    assert c.flow.state is State.BREATHING and c.practising
    assert "kept as practice" in w.notice_shown()
    assert not c.pausing()  # closing now would lose nothing worth asking about
    c.dispatch(Ev.END_BREATHING)
    c.dispatch(Ev.SWAP)
    clock.advance(30)
    c.dispatch(Ev.TO_REPAIR)
    c.dispatch(Ev.ANSWER, "a", "yes")
    c.dispatch(Ev.ANSWER, "b", "yes")
    c.dispatch(Ev.FINISH, value=Reflection("practice words"))
    assert c.flow.state is State.TALKING and not c.practising
    assert "left out of every chart" in w.notice_shown()
    [kept] = on_disk(app)
    assert kept.practice and kept.is_repaired and kept.closed
    # "Last time you found your way back in ..." speaks of real pauses only.
    assert w.talking.last_time.text() == words("talking", "welcome")
    c.pause()  # a real one afterwards is saved as always, and not as practice
    assert [e.practice for e in on_disk(app)] == [True, False]


def test_a_practice_pause_left_open_is_never_offered_to_pick_up(make_app, data_dir, qtbot):
    first = make_app(data_dir)
    first.controller.practice()
    assert first.writer.flush(5)
    first.shutdown()
    again = make_app(data_dir)
    # The practice pause read back at the start is let rest (closed), not offered.
    qtbot.waitUntil(lambda: any(e.practice and e.closed for e in on_disk(again)), timeout=5000)
    assert again.controller.offered is None
    assert not again.window.talking.resume_card.isVisibleTo(again.window)


def test_got_it_puts_the_welcome_away_for_good(app, make_app, data_dir):
    app.window.talking.welcome_done_button.click()
    assert not app.window.talking.welcome.isVisible()
    assert app.settings.get("welcome_seen") is True
    app.shutdown()
    again = make_app(data_dir)
    assert not again.window.talking.welcome.isVisibleTo(again.window)


def test_the_first_window_reads_what_it_needs_as_settings_wrote_it(data_dir):
    from couplepause.settings import Settings, language_of

    first = Settings.for_data_dir(data_dir)
    assert [first.get(key) for key in ("language", "theme", "welcome_seen")] == ["system", "system", False]
    Settings.for_data_dir(data_dir).update({"welcome_seen": True, "theme": "dark", "language": "de"})
    later = Settings.for_data_dir(data_dir)
    assert [later.get(key) for key in ("language", "theme", "welcome_seen")] == ["de", "dark", True]
    assert language_of(later.file) == "de"  # as the command line reads it


def through_a_pause(c, clock) -> None:
    c.dispatch(Ev.END_BREATHING)
    c.dispatch(Ev.SWAP)
    clock.advance(30)
    c.dispatch(Ev.TO_REPAIR)
    c.dispatch(Ev.ANSWER, "a", "yes")
    c.dispatch(Ev.ANSWER, "b", "yes")
    c.dispatch(Ev.FINISH, value=None)


def test_the_welcome_goes_by_itself_once_a_real_pause_is_closed(app, make_app, data_dir, clock):
    c, talking = app.controller, app.window.talking
    c.practice()
    through_a_pause(c, clock)
    assert talking.welcome.isVisible()  # a practice pause is not real use
    app.window.hide_notice()  # "that was a practice pause" has faded
    c.pause()
    through_a_pause(c, clock)
    assert c.flow.state is State.TALKING
    assert not talking.welcome.isVisible() and talking.last_time.isVisible()
    assert talking.last_time.text() == words("talking", "last_time", duration=duration(30))
    assert app.window.notice_shown() is None  # nothing said about it
    assert app.settings.get("welcome_seen") is True
    app.shutdown()
    assert not make_app(data_dir).window.talking.welcome.isVisibleTo(app.window)


def test_the_welcome_goes_when_an_interrupted_real_pause_is_let_rest(make_app, data_dir, qtbot):
    first = make_app()
    first.controller.pause()
    assert first.writer.flush(5)
    first.shutdown()
    again = make_app()
    qtbot.waitUntil(lambda: again.controller.offered is not None, timeout=5000)
    talking = again.window.talking
    assert talking.welcome.isVisibleTo(again.window)
    talking.let_rest_button.click()
    assert not talking.welcome.isVisibleTo(again.window) and again.settings.get("welcome_seen") is True


def test_the_practice_pause_stays_in_the_help_menu_once_the_welcome_is_put_away(app, clock):
    c, w = app.controller, app.window
    w.talking.welcome_done_button.click()
    assert not w.talking.welcome.isVisible()
    action = app.practice_action
    assert action in w.help_menu.actions() and action.text() == words("menu", "practice")
    w.help_menu.aboutToShow.emit()
    assert action.isEnabled()
    action.trigger()
    assert c.flow.state is State.BREATHING and c.practising
    w.help_menu.aboutToShow.emit()
    assert not action.isEnabled()  # not in the middle of a pause
    through_a_pause(c, clock)
    assert [e.practice for e in on_disk(app)] == [True]
    w.help_menu.aboutToShow.emit()
    assert action.isEnabled()


def test_the_practice_notice_fades_and_leaves_the_live_screens_their_room(app, qtbot):
    w = app.window
    app.controller.practice()
    assert "kept as practice" in w.notice_shown()
    assert w._notice_timer.isActive()  # it fades by itself, as a calm line does
    w._notice_timer.timeout.emit()
    assert w.notice_shown() is None


def test_the_first_window_holds_only_the_cards_it_shows(qtbot):
    """A later start draws no welcome, no offer to pick up and no notice band; a first
    start draws the welcome alone. Each is built when it first shows."""

    def cards(window) -> list[str]:
        return sorted(str(frame.property("role")) for frame in window.findChildren(QFrame)
                      if frame.property("role") in ("card", "notice"))

    later = MainWindow(welcome=False)
    qtbot.addWidget(later)
    assert cards(later) == []
    later.show_notice("a notice")
    later.talking.show_open_episode("an open pause", "Pick it up")
    assert cards(later) == ["notice", "notice"]
    first = MainWindow(welcome=True)
    qtbot.addWidget(first)
    assert cards(first) == ["card"]


def test_every_button_of_the_home_screen_points_once_the_window_is_up_cards_built_later_too(qtbot):
    window = MainWindow(welcome=True)
    qtbot.addWidget(window)
    talking = window.talking
    talking.finish()  # the window is on screen
    talking.show_open_episode("an open pause", "Pick it up")  # built after it
    buttons = talking.findChildren(QPushButton)
    assert talking.resume_button in buttons and talking.practice_button in buttons
    assert all(button.cursor().shape() == Qt.CursorShape.PointingHandCursor for button in buttons)
