"""The walk: couplepause in the X display this runs on, every screen in turn, each looked at.

    python walker.py --data-dir DIR --export FILE --report OUT.json [--shots DIR]

Started by tests/wm/conftest.py inside a private Xvfb with the openbox window manager
(the passphrase of the prepared, protected history in COUPLEPAUSE_WALK_PASSPHRASE). It
starts the app as ``couplepause`` does (the window first, then the store), brings about
every screen of screens.ALL in that order (as the couple would reach it, through the
app's own intents; the home screen's banners by their own calls) and measures each
with checks.py once the window manager has framed and placed the windows. The report
is JSON: per screen its problems and measures, or the error that kept it from being
reached; ``--shots`` saves a picture of the whole screen for each (for a look).

A script, not a test module: it imports couplepause as installed, and its neighbours
(checks.py, screens.py) from its own folder.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import checks
import screens
from PySide6.QtCore import Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

WAIT_S = 30.0  # two busy cores: the first open of the history imports pyqtgraph
SETTLE_S = 5.0
FRAMED = os.environ.get("COUPLEPAUSE_WALK_WM", "openbox") != "none"  # a window manager frames each window


def wait_until(test, timeout: float = WAIT_S) -> bool:
    deadline = time.monotonic() + timeout
    while not test():
        if time.monotonic() > deadline:
            return False
        QTest.qWait(20)
    return True


def shown_windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()
            and w.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)]


def settle(windows: list[QWidget]) -> None:
    """Until every window is on screen, framed and placed by the window manager, and
    its size and place (and those of its widgets) stopped changing."""
    for window in windows:
        wait_until(lambda w=window: w.windowHandle() is not None and w.windowHandle().isExposed(), 10)
    previous, calm = None, 0
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        QTest.qWait(40)
        state = [(w.frameGeometry().getRect(), w.geometry().getRect()) for w in windows]
        framed = not FRAMED or all(f != g for f, g in state)
        calm = calm + 1 if state == previous and framed else 0
        if calm >= 3:
            break
        previous = state


class Walk:
    def __init__(self, data_dir: Path, export: Path, passphrase: str, shots: Path | None):
        self.data_dir = data_dir
        self.export = export
        self.passphrase = passphrase
        self.shots = shots
        self.results: dict[str, dict] = {}
        self.heard: list[str] = []  # what Qt said (warnings), for the report
        self.keep_open: tuple[QWidget, ...] = ()  # windows a dialog's step leaves open (the read-only one)
        self.unvisited: list[str] = []  # tabs of the progress view that screens.TABS does not name
        self.app = None

    # ---------------------------------------------------------------- looking
    def look(self, name: str, windows: list[QWidget], measures: dict | None = None) -> None:
        """Measure ``windows`` once settled; ``measures``: more to record (a callable is read then)."""
        settle(windows)
        screen = windows[0].windowHandle().screen()  # (MainWindow.screen(name) is its own)
        area = screen.availableGeometry()
        problems = []
        for window in windows:
            problems += checks.look(window, area)
        measured = {key: value() if callable(value) else value for key, value in (measures or {}).items()}
        found = {"problems": [p.to_dict() for p in problems], "measures": measured}
        found["measures"]["windows"] = [
            {"title": w.windowTitle(), "frame": list(w.frameGeometry().getRect()),
             "inner": list(w.geometry().getRect())}
            for w in windows
        ]
        found["measures"]["available"] = list(area.getRect())
        self.results[name] = found
        if self.shots is not None:
            screen.grabWindow(0).save(str(self.shots / (name.replace("/", "_") + ".png")))

    def step(self, name: str, bring_about) -> None:
        """Bring a screen about and look at it; what goes wrong is told for that screen."""
        try:
            windows, measures = bring_about()
            self.look(name, windows, measures)
        except Exception:  # noqa: BLE001 (told in the report; the walk goes on)
            self.results[name] = {"error": traceback.format_exc()}

    # ---------------------------------------------------------------- start
    def start(self) -> None:
        """As ``couplepause`` starts: the window with the Pause button, then the store."""
        from couplepause import APP_NAME
        from couplepause.app import launch
        from couplepause.app.application import build
        from couplepause.common import texts
        from couplepause.settings import Settings
        from couplepause.ui import theme
        from couplepause.ui.main_window import MainWindow

        QApplication.setApplicationName(APP_NAME)
        settings = Settings.for_data_dir(self.data_dir)
        texts.set_language(settings.get("language"))
        qt_app = QApplication([sys.argv[0]])
        theme.set_style(qt_app, settings.get("theme"))
        window = MainWindow(welcome=not settings.get("welcome_seen"))
        window.show()
        if not wait_until(lambda: window.windowHandle() is not None and window.windowHandle().isExposed()):
            raise RuntimeError("the window never showed")
        launch.speak_in_qt(qt_app)
        self.app = app = build(self.data_dir, window=window, wall=walk_clock())
        window.ready_for_the_pause()
        if not wait_until(lambda: app.writer.pending() == 0 and app.planning.loaded):
            raise RuntimeError("the store and the plan were never read")
        self.qt_app = qt_app

    # ---------------------------------------------------------------- home
    def open_pause(self, on_break: bool):
        """An open pause from before, as the home screen offers it."""
        from couplepause.core.episode import Break, Episode

        now = self.app.controller.wall()
        began = now - timedelta(minutes=40)
        breaks = (Break(began + timedelta(minutes=3), now + timedelta(minutes=25)),) if on_break else ()
        return Episode(id=str(uuid.uuid4()), paused_at=began, breaks=breaks)

    def home(self, name: str):
        from couplepause.common.formatting import long_date, month_of_store
        from couplepause.common.texts import words

        app = self.app
        window, controller = app.window, app.controller
        window.talking.show_welcome("+welcome" in name)
        offer = "+pickup-break" in name or "+pickup" in name
        controller.offered = self.open_pause("+pickup-break" in name) if offer else None
        controller.inviting = False
        controller.render()
        if "+practice-done" in name:
            window.show_notice(words("welcome", "practice_done"))
        elif "+notice" in name:  # the longest kind: a month that could not be read, a backup holds it
            text = " ".join((words("notices", "lost_month", month=month_of_store(f"{controller.wall():%Y-%m}")),
                             words("notices", "lost_in_backup", date=long_date(controller.wall()))))
            window.show_notice(text, action=(words("notices", "bring_back"), lambda: None))
        else:
            window.hide_notice()
        window.show_view(window.talking)
        pause = window.talking.pause_button
        return [window], {"pause_button": lambda: min(pause.width(), pause.height())}  # once settled

    def leave_home(self) -> None:
        window, controller = self.app.window, self.app.controller
        controller.offered = None
        controller.render()
        window.hide_notice()

    # ---------------------------------------------------------------- flow
    def flow(self, kind: str) -> None:
        from couplepause.common.texts import words
        from couplepause.core.flow import Ev

        app = self.app
        c, w = app.controller, app.window

        def here():
            return [w], {}

        def begin():
            if kind == "practice":
                c.practice()
                # The practice notice fades after a while; the walk measures the screens under it.
                w.show_notice(words("welcome", "practice_notice"))
            else:
                c.pause()
            if kind == "unsaved":  # a notice that stays: the disk did not take the pause
                w.show_notice(words("notices", "save_failed", reason=words("problems", "io_error")))
            c.dispatch(Ev.SET_PAUSED_BY, value="both")
            pacer = w.breathing.pacer
            return [w], {"pacer": lambda: min(pacer.width(), pacer.height())}  # once settled

        def to_break_choice():
            c.choose_break()
            return here()

        def invite():
            c.inviting = True
            c.render()
            return here()

        def to_after():
            for event in (Ev.END_BREAK, Ev.END_BREATHING, Ev.SWAP, Ev.TO_REPAIR):
                c.dispatch(event)
            c.dispatch(Ev.ANSWER, "a", "yes")
            c.dispatch(Ev.ANSWER, "b", "yes")
            return here()

        steps = {
            "breathing": begin,
            "turns-start": lambda: (c.dispatch(Ev.END_BREATHING), here())[1],
            "turns": lambda: (c.dispatch(Ev.SWAP), here())[1],
            "repair": lambda: (c.dispatch(Ev.TO_REPAIR), here())[1],
            "break-choice": to_break_choice,
            "break": lambda: (c.dispatch(Ev.START_BREAK, value=w.break_choice.value()), here())[1],
            "break-invite": invite,
            "after": to_after,
        }
        for step in screens.FLOW_STEPS:
            self.step(f"{kind}/{step}", steps[step])
        c.dispatch(Ev.FINISH, value=None)
        w.hide_notice()

    # ---------------------------------------------------------------- progress
    def progress(self) -> None:
        from couplepause.common.texts import words

        app = self.app
        w = app.window
        done = {"complete": False}

        def locked():
            presenter = app.open_history()
            presenter.complete.connect(lambda: done.update(complete=True))
            if not wait_until(lambda: presenter.view.is_locked()):
                raise RuntimeError("the history did not ask for the passphrase")
            return [w], {}

        self.step("progress/locked", locked)
        try:
            app.privacy.unlock(self.passphrase)
            unlocked = wait_until(lambda: done["complete"])
        except Exception:  # noqa: BLE001 (each screen of the history then says so)
            unlocked = False
        if unlocked:  # a tab the walk does not know is a screen it would never see
            view = app.history.view
            known = {words(*key).replace("&", "") for key in TAB_WORDS.values()}
            self.unvisited = [view.tabs.tabText(i).replace("&", "") for i in range(view.tabs.count())
                              if view.tabs.tabText(i).replace("&", "") not in known]
        for tab in screens.TABS:
            for key in screens.RANGES:
                self.step(f"progress/{tab}/{key}", lambda t=tab, k=key: self.show_range(
                    app.history.view if unlocked else None, w, t, k))

    def show_range(self, view, window, tab: str, key: str):
        if view is None:
            raise RuntimeError("the protected history did not open with its passphrase")
        view.set_range(key)
        view.tabs.setCurrentIndex(tab_index(view, tab))
        measures = {}
        if view.tabs.currentWidget() is view.chart_tab:
            measures["plot_height"] = lambda: plot_height(view)  # once settled
        return [window], measures

    # ---------------------------------------------------------------- dialogs
    def dialog(self, name: str, opener) -> None:
        def bring_about():
            before = set(shown_windows())
            opener()
            if not wait_until(lambda: set(shown_windows()) - before):
                raise RuntimeError("no dialog opened")
            return sorted(set(shown_windows()) - before, key=lambda d: d.windowTitle()), {}

        self.step(name, bring_about)
        staying = (self.app.window, *self.keep_open)
        for window in shown_windows():
            if window not in staying:
                window.close()
                if window.isVisible():  # a question that will not close without an answer
                    window.hide()
        wait_until(lambda: all(w in staying for w in shown_windows()), 5)

    def dialogs(self) -> None:
        app = self.app
        view = app.history.view if app.history is not None else None

        def select_long_note():
            if view is None:
                raise RuntimeError("no history to take a pause from")
            view.tabs.setCurrentIndex(tab_index(view, "pauses"))
            model = view.episodes_model
            rows = [r for r in range(model.rowCount()) if (model.episode(r).note or "").startswith(LONG_NOTE_MARK)]
            view.episodes_table.selectRow(rows[0] if rows else 0)

        openers = {
            "dialog/settings": app.open_settings,
            "dialog/safety": app.open_safety,
            "dialog/plan": app.planning.open,
            "dialog/export": app.open_export,
            "dialog/restore": app.care.open_restore,
            "dialog/note": lambda: (select_long_note(), view.edit_selected()),
            "dialog/delete-question": lambda: (select_long_note(), view.delete_selected()),
            "dialog/passphrase-set": lambda: app.privacy.open_passphrase("set"),
            "dialog/passphrase-change": lambda: app.privacy.open_passphrase("change"),
            "dialog/passphrase-remove": lambda: app.privacy.open_passphrase("remove"),
            "dialog/delete-all": app.privacy.open_delete_all,
        }
        for name in screens.DIALOGS:
            self.dialog(name, openers[name])

    # ---------------------------------------------------------------- read-only
    def readonly(self) -> None:
        from couplepause.ui.readonly import open_window

        def opened():
            if not self.keep_open:
                self.keep_open = (open_window(self.export),)
            return self.keep_open[0]

        for tab in screens.TABS:
            for key in screens.RANGES:
                def bring_about(t=tab, k=key):
                    window = opened()
                    return self.show_range(window.view, window, t, k)

                self.step(f"readonly/{tab}/{key}", bring_about)
        self.dialog("readonly/plan", lambda: opened().open_plan())
        self.keep_open = ()

    # ---------------------------------------------------------------- all
    def run(self) -> dict:
        self.start()
        for name in screens.HOME:
            self.step(name, lambda n=name: self.home(n))
        self.leave_home()
        for kind in screens.FLOW_KINDS:
            self.flow(kind)
        self.progress()
        self.dialogs()
        self.readonly()
        missing = [name for name in screens.ALL if name not in self.results]
        for name in missing:
            self.results[name] = {"error": "the walk never came to this screen"}
        return {"screens": self.results, "unvisited_tabs": self.unvisited, "qt_messages": self.heard}

    def stop(self) -> None:
        if self.app is not None:
            self.app.shutdown()


TAB_WORDS = {"chart": ("history", "tab_chart"), "table": ("history", "tab_table"),
             "pauses": ("history", "tab_episodes"), "patterns": ("cycle_patterns", "tab"),
             "cycles": ("cycle_patterns", "cycles_title")}


def tab_index(view, tab: str) -> int:
    """The index of a tab of the progress view, found by its words (screens.TABS names it)."""
    from couplepause.common.texts import words

    wanted = words(*TAB_WORDS[tab]).replace("&", "")
    shown = [view.tabs.tabText(i).replace("&", "") for i in range(view.tabs.count())]
    if wanted not in shown:
        raise RuntimeError(f"the progress view has no tab {wanted!r} (its tabs: {shown})")
    return shown.index(wanted)


def walk_clock():
    """The wall clock, moved to the walk's "now" (COUPLEPAUSE_WALK_NOW, when given); it runs on
    from there, as a wall clock does."""
    told = os.environ.get("COUPLEPAUSE_WALK_NOW")
    if not told:
        return None
    from couplepause.core.episode import round_ms

    offset = datetime.fromisoformat(told) - datetime.now(UTC)
    return lambda: round_ms((datetime.now(UTC) + offset).astimezone())


LONG_NOTE_MARK = "A long note:"  # tests/wm/conftest.py begins the longest note with it


def plot_height(view) -> float | None:
    """The progress chart's plot height in pixels, as much of it as is on view (None where
    no chart is shown).

    The one place this is read: the view's own ``plot_height()`` where it has one,
    else the repair chart's pyqtgraph plot item, less what its parents cut off."""
    own = getattr(view, "plot_height", None)
    if callable(own):
        return own()
    chart = view.repair_chart
    if chart is None or not chart.isVisible():
        return None
    plot = chart.plot  # a PlotWidget: a graphics view showing the plot item in its viewport
    item = plot.mapFromScene(plot.getPlotItem().sceneBoundingRect()).boundingRect()
    return float(item.intersected(plot.viewport().visibleRegion().boundingRect()).height())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--export", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--shots", type=Path)
    args = parser.parse_args()
    if args.shots is not None:
        args.shots.mkdir(parents=True, exist_ok=True)
    walk = Walk(args.data_dir, args.export, os.environ["COUPLEPAUSE_WALK_PASSPHRASE"], args.shots)

    def listen(kind: QtMsgType, _context, message: str) -> None:
        if kind != QtMsgType.QtDebugMsg:
            walk.heard.append(message)

    qInstallMessageHandler(listen)
    try:
        report = walk.run()
    finally:
        walk.stop()
    args.report.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
