"""Walk the live flow in a real window and take a screenshot of every screen.

Run under an X server (e.g. Xvfb): python packaging/screenshots.py OUT_DIR
[--theme light|dark|high_contrast] [--names short|long]. The windows fill the
screen (XENV_GEOMETRY=1024x600x24 for a small laptop). Uses ImageMagick's
`import -window root` so the pictures show what a person sees on the screen.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from couplepause.app.application import build
from couplepause.app.launch import speak_in_qt
from couplepause.core.flow import Ev
from couplepause.settings import Settings
from couplepause.ui import theme
from couplepause.ui.basics import fitting

NAMES = {"short": ("Sam", "Alex"), "long": ("Anna-Katharina von Hohenberg", "Christopher Montgomery-Blake")}
LOOK = {"names": NAMES["short"], "theme": "light"}


def place(window: QWidget) -> None:
    """The whole screen, at most 1280x800, with room for the window manager's frame."""
    area = QGuiApplication.primaryScreen().availableGeometry()
    window.move(area.topLeft())
    window.resize(*fitting((1280, 800)))


def centre(dialog: QWidget) -> None:
    """Where a window manager would put a dialog: the middle of the screen."""
    area = QGuiApplication.primaryScreen().availableGeometry()
    frame = dialog.frameGeometry()
    frame.moveCenter(area.center())
    dialog.move(frame.topLeft().x(), max(area.top(), frame.topLeft().y()))


def named(data: Path) -> None:
    a, b = LOOK["names"]
    Settings.for_data_dir(data).update({"partner_a": a, "partner_b": b, "theme": LOOK["theme"]})


class FakeClock:
    def __init__(self) -> None:
        self.mono = 100.0
        self.wall = datetime(2026, 11, 23, 21, 4, 0, tzinfo=UTC).astimezone()

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += timedelta(seconds=seconds)


def settle(app: QApplication, ms: int = 400) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shoot(app: QApplication, out: Path, name: str) -> None:
    settle(app)
    subprocess.run(["import", "-window", "root", str(out / f"{name}.png")], check=True)
    print(out / f"{name}.png")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="a screenshot of every screen")
    parser.add_argument("out_dir", nargs="?", default="shots")
    parser.add_argument("--theme", choices=tuple(theme.TABLES), default="light")
    parser.add_argument("--names", choices=tuple(NAMES), default="short")
    args = parser.parse_args(argv)
    LOOK.update(names=NAMES[args.names], theme=args.theme)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    speak_in_qt(app)  # Qt's own words and dates in the language of ours (LANGUAGE=de ...)
    theme.apply(app, args.theme)
    data = Path(tempfile.mkdtemp()) / "data"
    data.mkdir()
    named(data)
    clock = FakeClock()
    bundle = build(data, clock=lambda: clock.mono, wall=lambda: clock.wall)
    window, c = bundle.window, bundle.controller
    place(window)
    window.show()
    window.activateWindow()  # the focus ring shows where the keyboard is
    shoot(app, out, "01-talking")
    c.pause()
    c.dispatch(Ev.SET_PAUSED_BY, value="b")
    c.dispatch(Ev.SET_ACTIVATION, "a", 6)
    clock.advance(2.0)
    shoot(app, out, "02-breathing")
    clock.advance(60)
    c.dispatch(Ev.END_BREATHING)
    clock.advance(75)
    shoot(app, out, "03-turns")
    c.dispatch(Ev.SWAP)
    clock.advance(130)
    c.render()
    shoot(app, out, "04-turns-swapped")
    c.dispatch(Ev.TO_REPAIR)
    c.dispatch(Ev.ANSWER, "a", "yes")
    c.dispatch(Ev.ANSWER, "b", "partly")
    shoot(app, out, "05-repair")
    c.choose_break()
    shoot(app, out, "06-break-choice")
    c.dispatch(Ev.START_BREAK, value=30)
    shoot(app, out, "07-break")
    clock.advance(30 * 60)
    c.check_break_time()
    shoot(app, out, "08-break-invite")
    c.dispatch(Ev.END_BREAK)
    c.dispatch(Ev.END_BREATHING)
    c.dispatch(Ev.SWAP)
    c.dispatch(Ev.TO_REPAIR)
    c.dispatch(Ev.ANSWER, "a", "yes")
    c.dispatch(Ev.ANSWER, "b", "yes")
    shoot(app, out, "09-after")
    c.dispatch(Ev.FINISH, value=None)
    shoot(app, out, "10-talking-with-history")
    settings = bundle.open_settings()
    centre(settings)
    shoot(app, out, "11-settings")
    settings.reject()
    safety = bundle.open_safety()
    shoot(app, out, "12-safety")
    safety.accept()
    bundle.shutdown()
    bundle.window.close()
    history_shots(app, out)
    safekeeping_shots(app, out)
    privacy_shots(app, out)
    from screenshots_plan import plan_shots

    plan_shots(app, out, named=named, place=place, centre=centre, shoot=shoot, fake_clock=FakeClock)
    return 0


def privacy_shots(app: QApplication, out: Path) -> None:
    """Protect our history, the history locked, and Delete all our data."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from demo_data import fill, realistic

    data = Path(tempfile.mkdtemp()) / "data"
    fill(data, realistic(60, days=180))
    named(data)
    bundle = build(data)
    place(bundle.window)
    bundle.window.show()
    bundle.privacy.open_passphrase("set")
    dialog = bundle.privacy.dialog
    centre(dialog)
    dialog.new.setText("kettle on the windowsill")
    dialog.again.setText("kettle on the windowsill")
    shoot(app, out, "22-protect")
    dialog.go()
    settle(app, 2500)
    dialog.close()
    bundle.privacy.relock()
    settle(app, 600)
    bundle.open_history()
    panel = bundle.history.view.lock_panel
    panel.field.setText("not it")
    panel.unlock_requested.emit("not it")
    settle(app, 2000)
    shoot(app, out, "23-history-locked")
    bundle.privacy.open_delete_all()
    centre(bundle.privacy.dialog)
    shoot(app, out, "24-delete-all")
    bundle.privacy.dialog.reject()
    bundle.shutdown()
    bundle.window.close()


def safekeeping_shots(app: QApplication, out: Path) -> None:
    """A damaged month told with the offer of a backup, and Restore from a backup."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from couplepause.common import paths
    from demo_data import fill, realistic

    data = Path(tempfile.mkdtemp()) / "data"
    fill(data, realistic(150, days=365))
    named(data)
    setup = build(data)
    setup.repository.backup("daily")
    months = setup.repository.month_files()
    setup.shutdown()
    setup.window.close()
    months[-3].write_bytes(months[-3].read_bytes()[:200])  # a month cut short, as by a failing disk
    bundle = build(data)
    place(bundle.window)
    bundle.window.show()
    bundle.repository.load_all()
    settle(app, 800)
    shoot(app, out, "19-loss-notice")
    settings = bundle.open_settings()
    centre(settings)
    settle(app, 200)
    settings.restore_button.click()
    settle(app, 600)
    centre(bundle.care.restore_dialog)
    shoot(app, out, "20-restore-dialog")
    bundle.care.restore_dialog.ask()
    shoot(app, out, "21-restore-confirm")
    bundle.care.restore_dialog.reject()
    settings.reject()
    bundle.shutdown()
    bundle.window.close()
    assert paths.store_dir(data).is_dir()


def readonly_shot(app: QApplication, out: Path, episodes) -> None:
    from couplepause.export import EXPORTERS, ExportOptions
    from couplepause.ui.readonly import open_window

    path = Path(tempfile.mkdtemp()) / "sam-and-alex.json"
    EXPORTERS["json"].export(episodes, ExportOptions(), path)
    window = open_window(path)
    place(window)
    shoot(app, out, "18-read-only")
    window.close()


def report_shots(out: Path, episodes) -> None:
    """The PDF report with its patterns section, page by page (pdftoppm)."""
    from couplepause.export import EXPORTERS, ExportOptions

    path = out / "25-report.pdf"
    path.unlink(missing_ok=True)
    EXPORTERS["pdf"].export(episodes, ExportOptions(include_patterns=True), path)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(out / "25-report")], check=True)
    print(path)


def history_shots(app: QApplication, out: Path) -> None:
    """The history view with a year of data, a week of data, and nothing."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from demo_data import fill, realistic

    for name, episodes in (
        ("13-history-year", realistic(150, days=365)),
        ("15-history-week", realistic(4, days=7, seed=3)),
        ("16-history-empty", []),
    ):
        data = Path(tempfile.mkdtemp()) / "data"
        fill(data, episodes)
        named(data)
        bundle = build(data)
        place(bundle.window)
        bundle.window.show()
        presenter = bundle.open_history()
        settle(app, 1200)
        if name == "13-history-year":
            presenter.view.set_range("12m")
            shoot(app, out, name)
            bundle.open_export()
            settle(app, 600)
            centre(bundle.export_dialog)
            shoot(app, out, "17-export-dialog")
            bundle.export_dialog.reject()
            readonly_shot(app, out, episodes)
            presenter.view.tabs.setCurrentIndex(2)
            shoot(app, out, "14-history-list")
            presenter.view.tabs.setCurrentIndex(1)
            shoot(app, out, "14b-history-table")
            presenter.view.tabs.setCurrentWidget(presenter.view.patterns_tab)
            shoot(app, out, "14c-history-patterns")
            presenter.view.tabs.setCurrentWidget(presenter.view.cycles_tab)
            shoot(app, out, "14d-history-cycles")
            report_shots(out, episodes)
        else:
            shoot(app, out, name)
        bundle.shutdown()
        bundle.window.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
