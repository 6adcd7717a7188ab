"""Where couplepause's start-up time goes, next to a bare PySide6 window.

A companion to bench_live.py (target 1: start-up <= 1.3x a bare window). Each
run is a fresh ``python -c`` process, exactly like bench_live's start-up runs,
timestamping (time.monotonic, shared with this parent) the steps on the way
from spawn to the first expose of the main window. Medians of N runs each,
interleaved with a bare window for the same steps.

    python benchmarks/startup_breakdown.py [--runs 9] [--offscreen]

Not a pass/fail benchmark: it explains the start-up figure of bench_live.py.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_live import _EXPOSE_HOOK, WINDOW_SIZE, Display, later_data_dir, startup_env

# Steps are printed as "STEP <name> <monotonic>"; the parent subtracts the previous one.
_STEP = r"""
import time as _t, sys as _s
def step(name):
    print(f"STEP {name} {_t.monotonic():.6f}", flush=True)
step("python started (interpreter, site, editable finder)")
"""

# The expose hook, with a step at the first expose.
_HOOK = _EXPOSE_HOOK + r"""
_orig_filter = _Exposed.eventFilter
def _filter(self, obj, event):
    fresh = not self.done
    result = _orig_filter(self, obj, event)
    if fresh and self.done:
        step("event loop until first expose")
    return result
_Exposed.eventFilter = _filter
"""

BARE = _STEP + r"""
import PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets
step("import PySide6 QtCore/QtGui/QtWidgets")
""" + _HOOK + rf"""
from PySide6.QtWidgets import QMainWindow
class Bare(QMainWindow):
    pass
hook_show(Bare)
app = QApplication(sys.argv[:1])
step("QApplication()")
window = Bare()
window.setWindowTitle("bare PySide6 window")
window.resize({WINDOW_SIZE[0]}, {WINDOW_SIZE[1]})
step("create the window")
window.show()
step("show()")
sys.exit(app.exec())
"""

APP = _STEP + r"""
import couplepause.cli.commands
step("import couplepause.cli.commands")
import couplepause.app.launch as _app
step("import couplepause.app.launch (first-window modules and PySide6)")
""" + _HOOK + r"""
import couplepause.ui.main_window as _mw
hook_show(_mw.MainWindow)

def _wrap(owner, name, before, after):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        if before:
            step(before)
        try:
            return original(*args, **kwargs)
        finally:
            step(after)
    setattr(owner, name, wrapper)

_wrap(_app, "run_gui", "cli parsing, data dir", None)
_wrap(_app, "_take_lock_or_hand_over", "QApplication()", "QLockFile")
import couplepause.ui.theme as _theme
_wrap(_theme, "set_style", None, "stylesheet")
_wrap(_mw.MainWindow, "__init__", None, "MainWindow() (talking screen)")
_wrap(_app, "_install_signal_handlers", None, "signal handlers")
_wrap(_mw.MainWindow, "show", None, "show()")
from couplepause.cli.commands import main
sys.exit(main(["--data-dir", sys.argv[1]]))
"""


def one(code: str, args: list[str], env: dict[str, str]) -> list[tuple[str, float]]:
    env = {**env, "BENCH_QUIT_ON_EXPOSE": "1"}
    began = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True,
                         timeout=120)
    steps, previous = [], began
    for line in out.stdout.splitlines():
        if line.startswith("STEP "):
            name, stamp = line[5:].rsplit(" ", 1)
            steps.append((name, float(stamp) - previous))
            previous = float(stamp)
    names = [name for name, _ in steps]
    if "event loop until first expose" not in names:
        raise RuntimeError(f"run failed:\n{out.stdout}\n{out.stderr}")
    steps = steps[: names.index("event loop until first expose") + 1]  # what follows is after the expose
    previous = began + sum(seconds for _, seconds in steps)
    steps.append(("TOTAL spawn -> first expose", previous - began))
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description="where the start-up time goes")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--offscreen", action="store_true")
    parser.add_argument("--no-bytecode", action="store_true", help="PYTHONDONTWRITEBYTECODE=1 (no cached .pyc)")
    parser.add_argument("--later", action="store_true",
                        help="a later start: 10,000 stored pauses, the welcome put away (default: a first start)")
    args = parser.parse_args()
    display = Display(args.offscreen)
    env = startup_env(display.env, bytecode=not args.no_bytecode)
    work = Path(tempfile.mkdtemp(prefix="startup-breakdown-"))
    results: dict[str, dict[str, list[float]]] = {"bare": {}, "app": {}}
    order: dict[str, list[str]] = {"bare": [], "app": []}
    try:
        for index in range(args.runs + 1):  # the first round is a warm-up
            for kind in ("bare", "app") if index % 2 else ("app", "bare"):
                data_dir = later_data_dir(work) if args.later else Path(tempfile.mkdtemp(dir=work))
                steps = one(BARE if kind == "bare" else APP, [] if kind == "bare" else [str(data_dir)], env)
                shutil.rmtree(data_dir, ignore_errors=True)
                if index == 0:
                    continue
                for name, seconds in steps:
                    if name not in results[kind]:
                        order[kind].append(name)
                    results[kind].setdefault(name, []).append(seconds * 1000)
    finally:
        display.close()
        shutil.rmtree(work, ignore_errors=True)
    print(f"platform: {display.label}; {'a later' if args.later else 'a first'} start; "
          f"bytecode {'not ' if args.no_bytecode else ''}cached; "
          f"medians of {args.runs} fresh processes each (ms)")
    for kind in ("bare", "app"):
        print(f"\n{'bare PySide6 window' if kind == 'bare' else 'couplepause'}:")
        for name in order[kind]:
            print(f"  {statistics.median(results[kind][name]):7.1f}  {name}")
    print(json.dumps({k: {n: statistics.median(v) for n, v in r.items()} for k, r in results.items()}),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
