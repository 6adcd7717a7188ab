"""History benchmarks: start-up with a big store, memory, first open of the
history view, range switches and reopening.

    python benchmarks/bench_history.py [--runs N]

Targets (history issue):
- start-up with 10,000 stored episodes <= 1.15x start-up with an empty store; RSS <= 150 MB
- history view first open with 10,000 episodes <= 0.6 s, including the pyqtgraph import,
  with the chart shown and (patterns issue) with the Patterns tab shown
- switching range or reopening <= 100 ms

Start-up is measured from process spawn to the main window's first expose,
as in bench_live.py (same launcher, same platform). Runs alternate between
the two stores; medians are reported. Each first-open run is a fresh process,
so the pyqtgraph import is always paid.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_live

CHILD = r"""
import json, os, sys, time, resource
from pathlib import Path
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

def settle(ms=50):
    loop = QEventLoop(); QTimer.singleShot(ms, loop.quit); loop.exec()

app = QApplication(sys.argv[:1])
from couplepause.app.application import build
bundle = build(Path(sys.argv[1]))
bundle.window.show()
settle(300)
bundle.writer.flush(10)
settle(100)
rss_start_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
assert "pyqtgraph" not in sys.modules

def wait_for(condition):
    while not condition():
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)

PATTERNS = len(sys.argv) > 2 and sys.argv[2] == "patterns"

def open_once():
    began = time.perf_counter()
    presenter = bundle.open_history()
    wait_for(lambda: presenter._shown)  # the default range is on screen
    if PATTERNS:  # the Patterns tab, not the chart, is what the couple looks at
        presenter.view.tabs.setCurrentWidget(presenter.view.patterns_tab)
    app.processEvents()  # lay out and paint
    bundle.window.repaint()
    return time.perf_counter() - began, presenter

first, presenter = open_once()
wait_for(lambda: presenter._cache is not None)  # the whole history is in
view = presenter.view
switches = []
for _ in range(5):
    for key in ("4w", "3m", "12m", "all"):
        began = time.perf_counter()
        view.set_range(key)
        app.processEvents()
        bundle.window.repaint()
        switches.append(time.perf_counter() - began)
reopens = []
for _ in range(5):
    bundle.close_history()
    app.processEvents()
    took, presenter = open_once()
    reopens.append(took)
print("RESULT " + json.dumps({
    "first_open": first, "switches": switches, "reopens": reopens,
    "episodes": len(view.episodes()), "rss_start_mb": rss_start_mb,
    "rss_after_history_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}), flush=True)
bundle.shutdown()
"""

# A Pause pressed while the history view loads 10,000 pauses: how long until it is on disk.
PRESS_CHILD = r"""
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
from couplepause.app.application import build
bundle = build(Path(sys.argv[1]))
bundle.window.show()
loop = QEventLoop(); QTimer.singleShot(400, loop.quit); loop.exec()
durable = []
real = bundle.controller.on_write_result
bundle.controller.on_write_result = lambda result: (durable.append(result.durable_at), real(result))
delay = float(sys.argv[2])
presenter = bundle.open_history()
began = time.monotonic()
while time.monotonic() - began < delay:
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
pressed = time.monotonic()
bundle.controller.pause()
while not durable:
    app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)
print("RESULT " + json.dumps({"durable_ms": (durable[0] - pressed) * 1000,
                              "history_loaded": presenter._cache is not None}), flush=True)
bundle.shutdown()
"""

RSS_CHILD = r"""
import resource, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import couplepause.ui.main_window as _mw

def report():
    print("RSS %.1f" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), flush=True)
    QApplication.quit()

_show = _mw.MainWindow.showEvent
def showEvent(self, event):
    _show(self, event)
    QTimer.singleShot(1500, report)  # start-up done, the store answered
_mw.MainWindow.showEvent = showEvent
from couplepause.cli.commands import main
sys.exit(main(["--data-dir", sys.argv[1]]))
"""


def run_child(code: str, args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--offscreen", action="store_true", help="use QT_QPA_PLATFORM=offscreen instead of Xvfb")
    args = parser.parse_args(argv)

    display = bench_live.Display(args.offscreen)
    env = bench_live.startup_env(display.env, bytecode=True)
    platform = display.label
    work = Path(tempfile.mkdtemp(prefix="bench-history-"))
    try:
        store = bench_live.cached_store(10_000)
        empty_times, full_times = [], []
        bench_live.spawn_until_exposed(bench_live.APP_CODE, [str(bench_live.fresh_data_dir(None, work))], env)
        for _ in range(args.runs):
            empty_times.append(bench_live.spawn_until_exposed(
                bench_live.APP_CODE, [str(bench_live.fresh_data_dir(None, work))], env))
            full_times.append(bench_live.spawn_until_exposed(
                bench_live.APP_CODE, [str(bench_live.fresh_data_dir(store, work))], env))
        rss = []
        for _ in range(3):
            out = run_child(RSS_CHILD, [str(bench_live.fresh_data_dir(store, work))], env)
            rss += [float(line.split()[1]) for line in out.splitlines() if line.startswith("RSS ")]
        opens, pattern_opens, switches, reopens, counted = [], [], [], [], set()
        for _ in range(max(3, args.runs // 2)):
            out = run_child(CHILD, [str(bench_live.fresh_data_dir(store, work))], env)
            result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
            opens.append(result["first_open"])
            out = run_child(CHILD, [str(bench_live.fresh_data_dir(store, work)), "patterns"], env)
            pattern_opens.append(json.loads(next(line for line in out.splitlines()
                                                 if line.startswith("RESULT "))[7:])["first_open"])
            switches += result["switches"]
            reopens += result["reopens"]
            counted.add(result["episodes"])
        presses = []
        for run in range(max(7, args.runs)):
            delay = 0.35 + 0.85 * (run % 7) / 6  # 350-1,200 ms after opening: while it loads and just after
            out = run_child(PRESS_CHILD, [str(bench_live.fresh_data_dir(store, work)), str(delay)], env)
            presses.append(json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        display.close()

    ratio = statistics.median(full_times) / statistics.median(empty_times)
    rows = [
        ("start-up, empty store (median)", "-", f"{statistics.median(empty_times) * 1000:.0f} ms", "info"),
        ("start-up, 10,000 episodes (median)", "-", f"{statistics.median(full_times) * 1000:.0f} ms", "info"),
        ("start-up ratio 10k / empty", "<= 1.15x", f"{ratio:.2f}x", "pass" if ratio <= 1.15 else "FAIL"),
        ("RSS after start-up, 10k episodes (max)", "<= 150 MB", f"{max(rss):.0f} MB",
         "pass" if max(rss) <= 150 else "FAIL"),
        (f"history first open, {sorted(counted)} episodes (median)", "<= 0.6 s",
         f"{statistics.median(opens):.3f} s", "pass" if statistics.median(opens) <= 0.6 else "FAIL"),
        ("history first open (worst)", "-", f"{max(opens):.3f} s", "info"),
        ("history first open with the Patterns tab shown (median)", "<= 0.6 s",
         f"{statistics.median(pattern_opens):.3f} s", "pass" if statistics.median(pattern_opens) <= 0.6 else "FAIL"),
        ("same, worst of the runs", "-", f"{max(pattern_opens):.3f} s", "info"),
        ("range switch (median)", "<= 100 ms", f"{statistics.median(switches) * 1000:.0f} ms",
         "pass" if statistics.median(switches) <= 0.1 else "FAIL"),
        ("range switch (p90)", "-", f"{sorted(switches)[int(len(switches) * 0.9)] * 1000:.0f} ms", "info"),
        ("reopen history (median)", "<= 100 ms", f"{statistics.median(reopens) * 1000:.0f} ms",
         "pass" if statistics.median(reopens) <= 0.1 else "FAIL"),
        ("Pause pressed while the history loads 10k or just after -> durable (median)", "<= 100 ms",
         f"{statistics.median(p['durable_ms'] for p in presses):.1f} ms",
         "pass" if statistics.median(p["durable_ms"] for p in presses) <= 100 else "FAIL"),
        ("same, worst of the runs", "-", (f"{max(p['durable_ms'] for p in presses):.1f} ms"
         f" ({sum(not p['history_loaded'] for p in presses)} of {len(presses)} while still loading)"), "info"),
    ]
    print(f"\nplatform: {platform}; Python {sys.version.split()[0]}")
    bench_live.print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
