"""Run the window as ``couplepause --data-dir DATA`` does, under a simulated system
(tests/platforms/simulate), and drive it, then wait for the test's quit signal; the
exit code is the app's.

    python drive.py DATA pause   # a Pause pressed as soon as the window is on screen;
                                 # once that pause is on disk: DRIVEN {json}
    python drive.py DATA idle    # nothing pressed; once the breathing screen is built and a
                                 # moment has passed, the window idle: DRIVEN {json}

The line ``DRIVEN {json}`` says the window's title, the notice it shows, the
language spoken and Qt's locale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from couplepause.app import launch
from couplepause.cli.commands import main
from couplepause.common import texts

POLL_MS = 50
SETTLE_MS = 300  # idle: after the last screen is built, nothing runs in Python for this long


def pause_on_disk(data: Path) -> bool:
    try:
        tables = json.loads((data / "store" / "active.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return bool(tables.get("episodes"))


def tell(window) -> None:
    notice = window.notice_shown() or ""
    from PySide6.QtCore import QLocale

    said = {"title": window.windowTitle(), "notice": notice, "language": texts.language(),
            "qt_locale": QLocale().name()}
    print("DRIVEN " + json.dumps(said), flush=True)


def drive(window, data: Path, mode: str) -> None:
    if mode == "pause":
        window.talking.pause_button.click()  # kept with its time until the flow is ready

    def look() -> None:
        if mode == "pause" and pause_on_disk(data):
            tell(window)
        elif mode == "idle" and window.built("breathing") is not None:
            QTimer.singleShot(SETTLE_MS, lambda: tell(window))
        else:
            QTimer.singleShot(POLL_MS, look)

    look()


def main_driven(data: Path, mode: str) -> int:
    window_class = launch.MainWindow

    def driven_window(*args, **kwargs):
        window = window_class(*args, **kwargs)
        window.first_exposed.connect(lambda: QTimer.singleShot(0, lambda: drive(window, data, mode)))
        return window

    launch.MainWindow = driven_window
    return main(["--data-dir", str(data)])


if __name__ == "__main__":
    sys.exit(main_driven(Path(sys.argv[1]), sys.argv[2]))
