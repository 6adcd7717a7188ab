"""The Pause button is where the couple first sees it: it never moves once the
store, the flow and the menus have loaded. Run the way a user starts the app
(``cli.main``), in a fresh process."""

import ast
import subprocess
import sys

import pytest

pytestmark = pytest.mark.process  # the app as a program: CI's whole run (tests/tiers.py)

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
        self.grab()
        def where():
            return tuple(self.talking.pause_button.mapTo(self, QtCore.QPoint()).toTuple())

        first = where()

        def later():  # the store, the flow and the menus have loaded by now
            seen.append(where() != first)
            QtCore.QCoreApplication.quit()

        QtCore.QTimer.singleShot(300, later)

    self.first_exposed.connect(exposed)

mw.MainWindow.__init__ = init
import couplepause.cli.commands as cli
code = cli.main(sys.argv[1:])
print(seen)
sys.exit(code)
"""


def test_the_pause_button_stays_where_it_first_appeared(tmp_path):
    done = subprocess.run([sys.executable, "-c", PROBE, "--data-dir", str(tmp_path / "data")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[False]"


ENUMS = r"""
import enum, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
made = []
_create = enum.EnumType._create_

def create(cls, class_name, *args, **kwargs):
    made.append(class_name)
    return _create(cls, class_name, *args, **kwargs)

enum.EnumType._create_ = create  # PySide makes each Qt enum a Python enum on its first use
import PySide6.QtCore as QtCore
import couplepause.ui.main_window as mw

original = mw.MainWindow.__init__

def init(self, *args, **kwargs):
    original(self, *args, **kwargs)

    def exposed():
        print(made)
        QtCore.QCoreApplication.quit()

    self.first_exposed.connect(exposed)

mw.MainWindow.__init__ = init
import couplepause.cli.commands as cli
sys.exit(cli.main(sys.argv[1:]))
"""


def test_the_first_window_never_builds_the_qt_namespace(tmp_path):
    """Qt's namespace (Qt.AlignmentFlag, Qt.Key, ...) costs the first window about ten
    milliseconds to build the Python enums of; ui/basics.py names no Qt.* for that.
    Everything up to the first frame keeps to it: none of the namespace's enums is made."""
    done = subprocess.run([sys.executable, "-c", ENUMS, "--data-dir", str(tmp_path / "data")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    made = ast.literal_eval(done.stdout.strip().splitlines()[-1])  # the probe prints a list of names
    namespace = {"AlignmentFlag", "FocusPolicy", "Key", "WidgetAttribute", "GlobalColor", "CursorShape", "TextFormat"}
    assert "ColorRole" in made  # the probe sees the enums that are made (QPalette's, here)
    assert not namespace & set(made), made
