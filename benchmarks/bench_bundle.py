"""The one-folder bundle: its size, and its start-up against a bare PySide6 window.

Target (issue 12): the bundle's start-up to its window on screen <= 1.3x a bare
PySide6 window started from the same Python (the build environment's, whose
interpreter and PySide6 the bundle carries); the pip-installed app in that same
environment is measured beside them. Fresh processes, interleaved, median of
--runs each after one warm-up, a fresh empty data folder per app run.

Run after ``bash packaging/build-bundle.sh``, with the build environment's Python,
on an X display (Xvfb is started if DISPLAY is unset; ``. ../shared/tools/xenv.sh``
gives one)::

    build/bundle/venv/bin/python benchmarks/bench_bundle.py [--runs 15] [--bundle dist/couplepause]

How "on screen" is seen: the bundle runs as shipped, so nothing can be hooked into
it. This benchmark listens on the X server instead (SubstructureNotify on the root
window, through Xlib by ctypes) and takes the moment the server maps the process's
top-level window, the same way for all of them. The bare window and the pip-installed
app also report their first Expose from inside (bench_live.py's hook); the table
shows how far that lies behind the map, as a check of the method.

For information, the same bare window frozen by the same PyInstaller (built once into
build/bundle/bench-bare/; --no-frozen-bare skips it) splits the bundle's ratio into
what any PyInstaller bundle of a Qt window costs and what the app itself adds. Exit 0
when the target is met.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from importlib.util import find_spec
from pathlib import Path

from bench_live import (
    APP_CODE,
    BASELINE_CODE,
    STARTUP_RATIO_WANTED,
    Display,
    app_revision,
    fresh_data_dir,
    med,
    print_table,
    startup_env,
    verdict,
)

ROOT = Path(__file__).resolve().parent.parent
MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
WAIT_S = 60.0  # a bound for a stuck start, not a timing


class _MapEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("event", ctypes.c_ulong), ("window", ctypes.c_ulong),
                ("override_redirect", ctypes.c_int)]


class _Event(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("xmap", _MapEvent), ("pad", ctypes.c_long * 24)]


class MapWatcher:
    """Tells when a top-level window is mapped on an X display (any client's)."""

    def __init__(self, display: str):
        name = ctypes.util.find_library("X11") or "libX11.so.6"
        self.x = x = ctypes.CDLL(name)
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        x.XConnectionNumber.argtypes = [ctypes.c_void_p]
        x.XPending.argtypes = [ctypes.c_void_p]
        x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Event)]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.dpy = x.XOpenDisplay(display.encode())
        if not self.dpy:
            raise SystemExit(f"bench_bundle: cannot open the X display {display}")
        x.XSelectInput(self.dpy, x.XDefaultRootWindow(self.dpy), SUBSTRUCTURE_NOTIFY_MASK)
        x.XSync(self.dpy, 0)
        self.fd = x.XConnectionNumber(self.dpy)

    def _maps(self) -> bool:
        """Read every queued event; True if one mapped a (not override-redirect) top-level window."""
        event = _Event()
        mapped = False
        while self.x.XPending(self.dpy):
            self.x.XNextEvent(self.dpy, ctypes.byref(event))
            if event.type == MAP_NOTIFY and not event.xmap.override_redirect:
                mapped = True
        return mapped

    def forget(self) -> None:
        self._maps()

    def wait_for_map(self, proc: subprocess.Popen) -> float:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready and self._maps():
                return time.monotonic()
            if proc.poll() is not None:
                raise RuntimeError(f"exited with {proc.returncode} before a window was mapped:\n"
                                   + proc.communicate()[1][-2000:])
        raise RuntimeError("no window mapped in time")

    def close(self) -> None:
        self.x.XCloseDisplay(self.dpy)


def start_once(command: list[str], env: dict[str, str], watcher: MapWatcher, *, cwd: Path,
               quits_itself: bool) -> tuple[float, float | None]:
    """(seconds to the window's map, seconds to its first Expose as reported from inside, if it does).
    ``cwd`` away from the checkout: ``python -c`` would import the source tree's couplepause."""
    watcher.forget()
    began = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
                            env={**env, "BENCH_QUIT_ON_EXPOSE": "1"} if quits_itself else env)
    try:
        mapped = watcher.wait_for_map(proc)
        if not quits_itself:
            proc.send_signal(signal.SIGTERM)  # the app's clean quit
        out, err = proc.communicate(timeout=WAIT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    exposed = next((float(line.split()[1]) for line in out.splitlines() if line.startswith("EXPOSED ")), None)
    if quits_itself and exposed is None:
        raise RuntimeError(f"no expose reported (exit {proc.returncode}):\n{err[-2000:]}")
    return mapped - began, None if exposed is None else exposed - began


def size_mb(folder: Path) -> tuple[float, int]:
    """Bytes on disk (as du counts them) in MB, and the number of files."""
    total, files = 0, 0
    for path in folder.rglob("*"):
        stat = path.lstat()
        total += stat.st_blocks * 512
        files += path.is_file() and not path.is_symlink()
    return total / 1e6, files


def frozen_bare_window() -> Path:
    """The bare window of bench_live.py as a PyInstaller one-folder bundle (built once)."""
    import PySide6

    folder = ROOT / "build" / "bundle" / "bench-bare"
    executable = folder / "dist" / "bare" / "bare"
    stamp = folder / "built-with"
    wanted = f"PySide6 {PySide6.__version__}, Python {sys.version.split()[0]}\n"
    if executable.is_file() and stamp.is_file() and stamp.read_text() == wanted:
        return executable
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "bare.py").write_text(BASELINE_CODE)
    print("building the frozen bare window (once) ...", flush=True)
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR", "--distpath", "dist",
                    "--workpath", "work", "--specpath", ".", "bare.py"], cwd=folder, check=True)
    stamp.write_text(wanted)
    return executable


def bundle_python_version(bundle: Path) -> str | None:
    lib = next((bundle / "_internal").glob("libpython3*.so*"), None)
    return lib.name.removeprefix("libpython").split(".so")[0] if lib else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "couplepause")
    parser.add_argument("--runs", type=int, default=15, help="start-ups of each kind (default 15)")
    parser.add_argument("--no-frozen-bare", action="store_true", help="leave out the frozen bare window")
    args = parser.parse_args(argv)
    executable = args.bundle / "couplepause"
    if not executable.is_file():
        raise SystemExit(f"bench_bundle: no bundle at {args.bundle}; run bash packaging/build-bundle.sh first")
    if find_spec("PySide6") is None or find_spec("couplepause") is None:
        raise SystemExit("bench_bundle: run it with the build environment's Python (build/bundle/venv/bin/python)")
    ours = f"{sys.version_info.major}.{sys.version_info.minor}"
    theirs = bundle_python_version(args.bundle)
    if theirs and theirs != ours:
        print(f"bench_bundle: warning: the bundle carries Python {theirs}, this is {ours}", file=sys.stderr)

    frozen_bare = None if args.no_frozen_bare else frozen_bare_window()
    display = Display(offscreen=False)
    work = Path(tempfile.mkdtemp(prefix="bench-bundle-"))
    rows: list[tuple[str, str, str, str]] = []
    began = time.monotonic()
    watcher = None
    try:
        watcher = MapWatcher(display.env["DISPLAY"])
        env = startup_env(display.env, bytecode=True)

        def bare() -> tuple[float, float | None]:
            return start_once([sys.executable, "-c", BASELINE_CODE], env, watcher, cwd=work, quits_itself=True)

        def with_data_dir(command: list[str], quits_itself: bool):
            def once() -> tuple[float, float | None]:
                data_dir = fresh_data_dir(None, work)
                try:
                    return start_once([*command, str(data_dir)], env, watcher, cwd=work, quits_itself=quits_itself)
                finally:
                    shutil.rmtree(data_dir, ignore_errors=True)
            return once

        kinds = {
            "bare": bare,
            "pip": with_data_dir([sys.executable, "-c", APP_CODE], quits_itself=True),
            "bundle": with_data_dir([str(executable), "--data-dir"], quits_itself=False),
        }
        if frozen_bare is not None:
            kinds["frozen bare"] = lambda: start_once([str(frozen_bare)], env, watcher, cwd=work, quits_itself=True)
        print(f"platform: {display.label}; app at {app_revision()}", flush=True)
        print(f"start-up: {', '.join(kinds)}; {args.runs} runs each + warm-up ...", flush=True)
        for once in kinds.values():
            once()
        results: dict[str, list[tuple[float, float | None]]] = {name: [] for name in kinds}
        names = list(kinds)
        for index in range(args.runs):  # interleaved, in a rotating order
            turn = index % len(names)
            for name in names[turn:] + names[:turn]:
                results[name].append(kinds[name]())
    finally:
        if watcher is not None:
            watcher.close()
        display.close()
        shutil.rmtree(work, ignore_errors=True)

    def mapped(name: str) -> float:
        return med([m for m, _ in results[name]])

    def lag_ms(name: str) -> float:
        return med([(e - m) * 1000 for m, e in results[name] if e is not None])

    size, files = size_mb(args.bundle)
    debs = sorted(args.bundle.parent.glob("couplepause_*.deb"))
    rows.append(("bundle size on disk", "-", f"{size:.0f} MB in {files} files"
                 + (f"; {debs[-1].name} {debs[-1].stat().st_size / 1e6:.0f} MB" if debs else ""), verdict(None)))
    bare_s, pip_s, bundle_s = mapped("bare"), mapped("pip"), mapped("bundle")
    rows.append((f"bare PySide6 window, start -> window mapped (median of {args.runs})", "-",
                 f"{bare_s * 1000:.0f} ms", verdict(None)))
    rows.append((f"pip-installed app / bare (median of {args.runs})", "-",
                 f"{pip_s / bare_s:.2f}x ({pip_s * 1000:.0f} ms)", verdict(None)))
    ratio = bundle_s / bare_s
    rows.append((f"bundle / bare, start -> window mapped (median of {args.runs})", f"<= {STARTUP_RATIO_WANTED:.2f}x",
                 f"{ratio:.2f}x ({bundle_s * 1000:.0f} ms)", verdict(ratio <= STARTUP_RATIO_WANTED)))
    rows.append(("bundle / pip-installed app", "-", f"{bundle_s / pip_s:.2f}x", verdict(None)))
    if "frozen bare" in results:
        frozen_s = mapped("frozen bare")
        rows.append(("bare window frozen by PyInstaller / bare (what any bundle costs)", "-",
                     f"{frozen_s / bare_s:.2f}x ({frozen_s * 1000:.0f} ms)", verdict(None)))
        rows.append(("bundle / frozen bare window (what the app adds)", "-", f"{bundle_s / frozen_s:.2f}x",
                     verdict(None)))
    rows.append(("check: first Expose seen inside, after the map (median)", "-",
                 f"bare +{lag_ms('bare'):.1f} ms, pip app +{lag_ms('pip'):.1f} ms", verdict(None)))

    print()
    print(f"couplepause bundle benchmark — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; "
          f"{args.bundle}; Python {ours}; {os.cpu_count()} CPUs; load average now "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; total {time.monotonic() - began:.0f} s")
    print()
    print_table(rows)
    return 0 if ratio <= STARTUP_RATIO_WANTED else 1


if __name__ == "__main__":
    sys.exit(main())
