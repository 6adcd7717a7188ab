"""The first window stays light: what start-up (the Pause on screen) may not load.

Both checks run ``couplepause`` the way a user starts it (``cli.main``) in a
fresh process and look at the moment the window is first on screen, painted.
"""

import subprocess
import sys

PROBE = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import PySide6.QtCore as QtCore
import couplepause.ui.main_window as mw

seen = []
original = mw.MainWindow.__init__

def init(self, *args, **kwargs):
    original(self, *args, **kwargs)

    def exposed():
        self.grab()  # paint every widget of the first window once more
        seen.append({
            "qt_namespace": "Qt" in QtCore.__dict__,
            "argparse": parsed,
            "store": "couplepause.store.repository" in sys.modules,
            "tomllib": "tomllib" in sys.modules,  # the packed copies of the TOML resources are current
            "later_screens": "couplepause.ui.breathing" in sys.modules,
        })
        where = lambda: tuple(self.talking.pause_button.mapTo(self, QtCore.QPoint()).toTuple())  # noqa: E731
        first = where()

        def later():  # the store, the flow and the menus have loaded by now
            seen[-1]["pause_button_moved"] = where() != first
            QtCore.QCoreApplication.quit()

        QtCore.QTimer.singleShot(300, later)

    self.first_exposed.connect(exposed)  # before run_gui's own handler: nothing else has run

mw.MainWindow.__init__ = init
import couplepause.cli as cli
parsed = []
original_parser = cli.build_parser
cli.build_parser = lambda: parsed.append(True) or original_parser()
code = cli.main(sys.argv[1:])
print(seen)
sys.exit(code)
"""


def probe(args):
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    [seen] = eval(done.stdout.strip().splitlines()[-1])  # noqa: S307 - our own probe's output
    return seen


def test_the_first_window_is_on_screen_before_anything_heavy_loads(tmp_path):
    seen = probe(["--data-dir", str(tmp_path / "data")])
    # PySide builds all ~130 enums of the Qt namespace on first touch (15-20 ms).
    # A plain start is read without building the argparse parser (~3 ms).
    assert seen == {"qt_namespace": False, "argparse": [], "store": False, "tomllib": False, "later_screens": False,
                    "pause_button_moved": False}


def test_a_plain_gui_command_is_read_without_argparse_too(tmp_path):
    assert probe([f"--data-dir={tmp_path / 'data'}", "gui"])["argparse"] == []
