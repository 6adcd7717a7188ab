"""The system libraries that the Qt couplepause loads links to, and their Debian packages.

Run it on Debian or Ubuntu (it needs ``ldd`` and ``dpkg``)::

    python packaging/system_libraries.py          # every library outside the wheel, its package
    python packaging/system_libraries.py --check  # exit 1 if the README's apt line misses one

It starts from the Qt pieces the app loads: the PySide6 modules (QtCore, QtGui,
QtWidgets, QtNetwork, QtDBus), the platform plugins (xcb and its GL integrations, offscreen),
the SVG icon engine and image format, and the input-context and desktop-portal
plugins. It reads the NEEDED entries of every library of the wheel that these pull
in, and keeps the ones the wheel does not carry: the boundary to the system.
``ldd`` says where each of those is on this machine, ``dpkg -S`` which package owns it.

Every such package is on the README's line, unless every Debian or Ubuntu has it
(the essential and required packages and what they depend on, e.g. libc6): the
line does not count on what its packages happen to depend on. ``tests/test_system_libraries.py`` runs the
check; ``couplepause/desktop.py`` keeps the names for the one line said when a
library is missing, and the test holds the two together.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"
CI_ONLY = {"poppler-utils"}  # .ci/run installs it for the PDF tests (pdftotext), the app does not need it

MODULES = ("QtCore", "QtGui", "QtWidgets", "QtNetwork", "QtDBus")
PLUGINS = (
    "platforms/libqxcb.so",
    "platforms/libqoffscreen.so",
    "xcbglintegrations/libqxcb-glx-integration.so",
    "xcbglintegrations/libqxcb-egl-integration.so",
    "iconengines/libqsvgicon.so",
    "imageformats/libqsvg.so",
    "platforminputcontexts/libcomposeplatforminputcontextplugin.so",
    "platforminputcontexts/libibusplatforminputcontextplugin.so",
    "platformthemes/libqxdgdesktopportal.so",
)
DPKG_FIELDS = "${Package}\t${Essential}\t${Priority}\t${Provides}\t${Pre-Depends}, ${Depends}\n"


@dataclass(frozen=True)
class Library:
    name: str  # the soname a wheel library asks for, e.g. libgssapi_krb5.so.2
    path: str | None  # where the loader finds it here, or None when it is not found
    wanted_by: tuple[str, ...]  # the libraries of the wheel that ask for it
    package: str | None = None  # the Debian package that owns ``path``


# ---------------------------------------------------------------- the wheel
def wheel_folders() -> list[Path]:
    """PySide6's and shiboken6's folders (found without loading any Qt library)."""
    import importlib.util

    found = []
    for name in ("PySide6", "shiboken6"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            found += [Path(p).resolve() for p in spec.submodule_search_locations]
    return found


def starting_points(pyside: Path) -> list[Path]:
    modules = [next(pyside.glob(f"{name}.*so"), None) for name in MODULES]
    missing = [name for name, path in zip(MODULES, modules) if path is None]
    if missing:
        raise FileNotFoundError(f"no PySide6 module {', '.join(missing)} in {pyside}")
    plugins = [pyside / "Qt" / "plugins" / rel for rel in PLUGINS]
    return [p for p in modules if p] + [p for p in plugins if p.is_file()]


def needed(path: Path) -> list[str]:
    """The DT_NEEDED entries of an ELF shared object (the libraries it asks for by name)."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF":
        raise ValueError(f"{path} is not an ELF file")
    wide, order = data[4] == 2, "<" if data[5] == 1 else ">"
    if wide:
        shoff, = struct.unpack_from(order + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x3A)
    else:
        shoff, = struct.unpack_from(order + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x2E)
    sections = []
    for index in range(shnum):
        at = shoff + index * shentsize
        if wide:
            _name, kind, _flags, _addr, offset, size, link = struct.unpack_from(order + "IIQQQQI", data, at)
        else:
            _name, kind, _flags, _addr, offset, size, link = struct.unpack_from(order + "IIIIIII", data, at)
        sections.append((kind, offset, size, link))
    names = []
    for kind, offset, size, link in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strings = sections[link][1]
        entry = struct.Struct(order + ("qQ" if wide else "iI"))
        for at in range(offset, offset + size, entry.size):
            tag, value = entry.unpack_from(data, at)
            if tag == 0:  # DT_NULL
                break
            if tag == 1:  # DT_NEEDED
                end = data.index(b"\0", strings + value)
                names.append(data[strings + value:end].decode())
    return names


def resolved(paths: list[Path]) -> dict[Path, dict[str, str | None]]:
    """``ldd``: for each of ``paths``, every library it loads, by name, with where it is
    found (None: not found). One ``ldd`` for all of them."""
    out = subprocess.run(["ldd", *map(str, paths)], capture_output=True, text=True).stdout
    found: dict[Path, dict[str, str | None]] = {}
    current: dict[str, str | None] = {}
    if len(paths) == 1:
        found[paths[0]] = current
    for line in out.splitlines():
        if not line.startswith(("\t", " ")) and line.endswith(":"):
            current = found.setdefault(Path(line[:-1]), {})
            continue
        match = re.match(r"\s*(\S+) => (?:(not found)|(\S+))", line)
        if match:
            current[match[1]] = None if match[2] else match[3]
        elif (bare := re.match(r"\s*(/\S+) \(0x", line)):  # the dynamic loader, named by its path
            current[Path(bare[1]).name] = bare[1]
    return found


def inside(path: str | None, folders: list[Path]) -> bool:
    return path is not None and any(Path(path).resolve().is_relative_to(f) for f in folders)


def boundary(folders: list[Path] | None = None) -> list[Library]:
    """Every library outside the wheel that a library of the wheel asks for by name."""
    folders = folders or wheel_folders()
    pyside = next(f for f in folders if f.name == "PySide6")
    queue = starting_points(pyside)
    seen: set[Path] = set()
    outside: dict[str, str | None] = {}
    wanted_by: dict[str, list[str]] = {}
    while True:
        batch = sorted({path.resolve() for path in queue} - seen)
        queue = []
        seen.update(batch)
        if not batch:
            break
        loads = resolved(batch)
        for current in batch:
            where = loads[current]
            for name in needed(current):
                path = where.get(name)
                if inside(path, folders):
                    queue.append(Path(path))
                else:
                    outside.setdefault(name, path)
                    wanted_by.setdefault(name, []).append(current.name)
    return [Library(name, outside[name], tuple(wanted_by[name])) for name in sorted(outside)]


# ------------------------------------------------------------------- Debian
def owners(paths: list[str]) -> dict[str, str]:
    """The package that owns each of ``paths`` (one ``dpkg -S``; with a merged /usr a
    file is known to dpkg under /lib or /usr/lib, so both are asked)."""
    asked: dict[str, str] = {}  # the path dpkg is asked about -> the path it stands for
    for path in paths:
        for form in {path, os.path.realpath(path)}:
            asked[form] = path
            if form.startswith("/usr/lib/"):
                asked[form[len("/usr"):]] = path
            elif form.startswith("/lib/"):
                asked["/usr" + form] = path
    out = subprocess.run(["dpkg", "-S", *sorted(asked)], capture_output=True, text=True).stdout
    found: dict[str, str] = {}
    for line in out.splitlines():
        packages, _, file = line.partition(": ")
        if file in asked and not packages.startswith("diversion"):
            found.setdefault(asked[file], packages.split(",")[0].split(":")[0].strip())
    return found


def with_packages(libraries: list[Library]) -> list[Library]:
    known = owners([lib.path for lib in libraries if lib.path])
    return [Library(lib.name, lib.path, lib.wanted_by, known.get(lib.path or "")) for lib in libraries]


@dataclass(frozen=True)
class Installed:
    essential: bool
    priority: str
    provides: frozenset[str]  # the virtual names it stands for (e.g. libglib2.0-0 for libglib2.0-0t64)
    depends: tuple[str, ...]  # the first choice of each dependency, as apt picks it


def _names(field: str, *, first_choice: bool) -> list[str]:
    names = []
    for clause in field.split(","):
        choices = clause.split("|")[:1] if first_choice else clause.split("|")
        names += [re.split(r"[\s(:]", c.strip(), maxsplit=1)[0] for c in choices if c.strip()]
    return names


def installed() -> dict[str, Installed]:
    """The packages installed here (``dpkg-query``)."""
    out = subprocess.run(["dpkg-query", "-W", "-f", DPKG_FIELDS], capture_output=True, text=True, check=True)
    table = {}
    for line in out.stdout.splitlines():
        name, essential, priority, provides, depends = (line.split("\t") + [""] * 4)[:5]
        table[name] = Installed(essential == "yes", priority, frozenset(_names(provides, first_choice=False)),
                                tuple(_names(depends, first_choice=True)))
    return table


def closure(roots: set[str], table: dict[str, Installed]) -> set[str]:
    """``roots`` and everything they depend on (first choices)."""
    found, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        todo += [dep for dep in (table[name].depends if name in table else ()) if dep not in found]
    return found


def base_system(table: dict[str, Installed]) -> set[str]:
    """What every Debian or Ubuntu has: the essential and required packages (a minimal
    debootstrap installs exactly these) and all they depend on."""
    return closure({name for name, p in table.items() if p.essential or p.priority == "required"}, table)


def known_as(package: str, table: dict[str, Installed]) -> set[str]:
    """The names a package answers to: its own and the ones it provides (Ubuntu's
    libglib2.0-0t64 is what ``apt-get install libglib2.0-0`` installs there)."""
    return {package} | (set(table[package].provides) if package in table else set())


# ------------------------------------------------------------ the apt lines
def readme_packages(text: str | None = None) -> list[str]:
    """The packages of the README's one ``apt-get install`` line."""
    text = README.read_text("utf-8") if text is None else text
    lines = [line for line in text.splitlines() if re.search(r"\bapt-get install\b", line)]
    if len(lines) != 1:
        raise ValueError(f"the README should have one apt-get install line, it has {len(lines)}")
    return [word for word in lines[0].split("install", 1)[1].split() if not word.startswith("-")]


def ci_packages(text: str | None = None) -> list[str]:
    """The packages of APT_PACKAGES in .ci/run."""
    text = CI_RUN.read_text("utf-8") if text is None else text
    match = re.search(r'^APT_PACKAGES="([^"]*)"', text, re.MULTILINE)
    if match is None:
        raise ValueError('no APT_PACKAGES="..." in .ci/run')
    return match[1].replace("\\\n", " ").split()


@dataclass(frozen=True)
class Verdict:
    libraries: list[Library]
    listed: set[str]  # the packages on the README's line
    base: set[str]  # the packages every Debian or Ubuntu has
    names: dict[str, set[str]]  # package -> the names it answers to

    def is_listed(self, package: str | None) -> bool:
        return package is not None and bool(self.names.get(package, {package}) & self.listed)

    def missing(self) -> list[Library]:
        """Libraries whose package is neither on the line nor in every system (or not found at all)."""
        return [lib for lib in self.libraries
                if lib.package is None or not (self.is_listed(lib.package) or lib.package in self.base)]


def check() -> Verdict:
    libraries = with_packages(boundary())
    table = installed()
    names = {lib.package: known_as(lib.package, table) for lib in libraries if lib.package}
    return Verdict(libraries, set(readme_packages()), base_system(table), names)


def can_check() -> str | None:
    """Why the check cannot run here, or None."""
    if not sys.platform.startswith("linux"):
        return "the libraries are checked on Linux only"
    for tool in ("ldd", "dpkg", "dpkg-query"):
        if shutil.which(tool) is None:
            return f"{tool} is not there (not a Debian or Ubuntu system)"
    if not wheel_folders():
        return "PySide6 is not installed"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the README's apt line misses a package")
    args = parser.parse_args(argv)
    why_not = can_check()
    if why_not:
        print(f"cannot check: {why_not}", file=sys.stderr)
        return 2
    verdict = check()
    for lib in verdict.libraries:
        how = ("listed" if verdict.is_listed(lib.package) else
               "every system" if lib.package in verdict.base else "MISSING")
        print(f"{lib.name:24} {lib.package or '(not found)':20} {how:13} {', '.join(lib.wanted_by)}")
    missing = verdict.missing()
    if args.check and missing:
        packages = sorted({lib.package or lib.name for lib in missing})
        print(f"the README's apt line misses: {' '.join(packages)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
