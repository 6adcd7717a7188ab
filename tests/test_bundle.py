"""The one-folder bundle (packaging/build-bundle.sh) works as the installed app does.

The bundle takes minutes to build, so these tests run only where COUPLEPAUSE_BUNDLE
names a built ``dist/couplepause`` folder (``.ci/run`` builds one and sets it). They
run the bundled executable as a person would: its command line against the installed
one's, an import and the three exports of a small data folder without a display, the
window on the offscreen platform (it answers a second launch, and SIGTERM ends it
cleanly), and the read-only view of an export, whose charts load pyqtgraph inside the
bundle. The .deb that the build makes next to the bundle is looked into too.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from couplepause import __version__
from couplepause.common import paths
from couplepause.export.json_format import FORMAT, SCHEMA_VERSION

from .factory import NOTE, sample

BUNDLE_ENV = "COUPLEPAUSE_BUNDLE"
APP_ID = "io.github.couplepause.couplepause"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
WAIT_MS = 60_000  # a bound for a stuck process on a busy machine, not a timing
# What a bundle leaves to the system by design: the C library, the C++ and GCC
# runtimes, the OpenGL/EGL drivers, the X connection, Wayland, fontconfig and FreeType.
# Anything else the bundle's files ask for must be inside the bundle.
SYSTEM_LIBRARY = re.compile(
    r"(ld-linux.*|linux-vdso.*|lib(c|m|dl|pthread|rt|resolv|util)\.so.*|lib(GL|GLX|GLdispatch|EGL|OpenGL)\.so.*"
    r"|libxcb\.so\.1|libwayland-(client|cursor|egl)\.so.*|libstdc\+\+\.so\.6|libgcc_s\.so\.1"
    r"|libfontconfig\.so\.1|libfreetype\.so\.6)"
)


def bundle_folder() -> Path | None:
    folder = os.environ.get(BUNDLE_ENV)
    if not folder:
        return None
    folder_path = Path(folder).resolve()
    return folder_path if executable_in(folder_path).is_file() else None


def executable_in(folder: Path) -> Path:
    return folder / ("couplepause.exe" if sys.platform == "win32" else "couplepause")


pytestmark = pytest.mark.skipif(
    bundle_folder() is None,
    reason=f"no bundle here: set {BUNDLE_ENV} to a dist/couplepause folder made by "
    "`bash packaging/build-bundle.sh` (.ci/run does)",
)


@pytest.fixture(scope="module")
def bundle() -> Path:
    folder = bundle_folder()
    assert folder is not None
    return folder


def no_display_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "COUPLEPAUSE_DATA_DIR")}
    env.update(QT_QPA_PLATFORM="offscreen", COLUMNS="100", **extra)
    env.pop("COUPLEPAUSE_DEBUG", None)
    return env


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], env=no_display_env(), capture_output=True, text=True,
                          timeout=120, **kwargs)


def run_bundle(bundle: Path, *args) -> subprocess.CompletedProcess:
    return run([executable_in(bundle), *args])


def run_installed(*args) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "couplepause", *args])


def options_and_commands(help_text: str) -> tuple[set[str], set[str]]:
    """The --options and, for the top level, the COMMAND names that a --help lists."""
    options = set(re.findall(r"(?<![\w-])--?[a-z][a-z-]*", help_text))
    commands = set(re.findall(r"^ {4}([a-z]+)\b", help_text, re.MULTILINE))
    return options, commands


def import_file(folder: Path, episodes=None) -> Path:
    """A JSON export of ``episodes`` (the factory's sample by default)."""
    path = folder / "export.json"
    document = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": "2026-03-31T10:00:00.000+00:00",
        "episodes": [episode.to_dict() for episode in (sample() if episodes is None else episodes)],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_version(bundle):
    result = run_bundle(bundle, "--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"couplepause {__version__}\n", "")


@pytest.mark.parametrize("command", [None, "export", "import", "open", "backups", "restore", "protect", "unprotect"])
def test_the_same_commands_and_options_as_the_installed_app(bundle, command):
    args = ([command] if command else []) + ["--help"]
    ours, installed = run_bundle(bundle, *args), run_installed(*args)
    assert ours.returncode == installed.returncode == 0, ours.stderr
    assert options_and_commands(ours.stdout) == options_and_commands(installed.stdout)
    assert ours.stderr == ""


def test_a_usage_error_is_one_line_and_exit_2(bundle):
    result = run_bundle(bundle, "--no-such-option")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_import_and_export_every_format_without_a_display(bundle, tmp_path):
    data = tmp_path / "data"
    episodes = sample()
    ids = {episode.id for episode in episodes}
    imported = run_bundle(bundle, "--data-dir", data, "import", import_file(tmp_path, episodes))
    assert imported.returncode == 0, imported.stderr

    outputs = {kind: tmp_path / f"out.{kind}" for kind in ("json", "csv", "pdf")}
    for kind, target in outputs.items():
        result = run_bundle(bundle, "--data-dir", data, "export", "--format", kind, "--output", target,
                            "--include-notes")
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr

    exported = json.loads(outputs["json"].read_text("utf-8"))
    import jsonschema

    from couplepause.export.json_format import schema  # the schema the installed package ships

    jsonschema.validate(exported, schema())
    assert {episode["id"] for episode in exported["episodes"]} == ids
    assert NOTE in {episode.get("note") for episode in exported["episodes"]}

    with outputs["csv"].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["id"] for row in rows} == ids

    pdf = outputs["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", outputs["pdf"], "-"], capture_output=True, text=True, timeout=60).stdout
        assert "couplepause" in text


def launch(command: list) -> subprocess.Popen:
    return subprocess.Popen([str(part) for part in command], env=no_display_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def stop(proc: subprocess.Popen) -> tuple[int, str]:
    """SIGTERM, as a desktop's logout sends it: the app saves and quits."""
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=WAIT_MS / 1000)
    return proc.returncode, err


@pytest.fixture
def processes():
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


@pytest.mark.skipif(sys.platform != "linux", reason="the single-instance socket's path is Linux-specific here")
def test_the_window_comes_up_answers_a_second_launch_and_quits_on_sigterm(bundle, tmp_path, qtbot, processes):
    data = tmp_path / "data"
    server = Path(tempfile.gettempdir()) / paths.instance_key(data.absolute())
    first = launch([executable_in(bundle), "--data-dir", data])
    processes.append(first)
    # The single-instance server listens once the window is there.
    qtbot.waitUntil(lambda: server.exists() or first.poll() is not None, timeout=WAIT_MS)
    assert first.poll() is None, first.communicate()

    second = run_bundle(bundle, "--data-dir", data)  # asks the first one to come forward
    assert second.returncode == 0, second.stderr
    assert first.poll() is None

    code, err = stop(first)
    assert code == 0, err
    assert "Traceback" not in err and "couplepause: " not in err, err
    assert not server.exists()


def mapped(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return ""


def catches_sigterm(pid: int) -> bool:
    """The process has its own SIGTERM handler (the app's clean quit) in place."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = re.search(r"^SigCgt:\s*([0-9a-f]+)", status, re.MULTILINE)
    return bool(caught) and bool(int(caught[1], 16) & (1 << (signal.SIGTERM - 1)))


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc/PID/maps to see pyqtgraph load")
def test_the_read_only_view_draws_its_charts_with_pyqtgraph(bundle, tmp_path, qtbot, processes):
    viewer = launch([executable_in(bundle), "open", import_file(tmp_path)])
    processes.append(viewer)

    # The charts import pyqtgraph, which brings numpy and QtOpenGL into the process;
    # the window's event loop is running once SIGTERM is the app's to handle.
    def charts_loaded() -> bool:
        maps = mapped(viewer.pid)
        return "_multiarray_umath" in maps and "QtOpenGL" in maps and catches_sigterm(viewer.pid)

    qtbot.waitUntil(lambda: charts_loaded() or viewer.poll() is not None, timeout=WAIT_MS)
    assert viewer.poll() is None, viewer.communicate()
    code, err = stop(viewer)
    assert code == 0, err
    assert "Traceback" not in err and "couplepause: " not in err, err  # no traceback, no error line


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def dynamic_section(path: Path) -> str:
    return subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, timeout=60).stdout


@pytest.mark.skipif(sys.platform != "linux" or not shutil.which("ldd") or not shutil.which("objdump"),
                    reason="ELF files, ldd and objdump")
def test_every_library_is_in_the_bundle_but_the_system_s_own(bundle):
    """What each file of the bundle asks for (its NEEDED entries) is found inside the bundle,
    or is one of the system's own; what those system libraries need is the system's business."""
    internal = bundle / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}  # as the bootloader sets it
    outside: dict[str, set[str]] = {}
    for path in elf_files(bundle):
        needed = set(re.findall(r"^\s*NEEDED\s+(\S+)", dynamic_section(path), re.MULTILINE))
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env, timeout=60).stdout
        for line in out.splitlines():
            match = re.match(r"\s*(\S+) => (not found|\S+)", line)
            if not match or SYSTEM_LIBRARY.fullmatch(match[1]):
                continue
            if match[2] == "not found" or (match[1] in needed and not Path(match[2]).resolve().is_relative_to(internal)):
                outside.setdefault(match[1], set()).add(path.name)
    assert outside == {}, "libraries the bundle should carry"
    assert not [p.name for p in internal.rglob("*") if SYSTEM_LIBRARY.fullmatch(p.name) and p.name.startswith(
        ("libstdc++", "libgcc_s", "libfontconfig", "libfreetype"))], "left to the system, not bundled"


@pytest.mark.skipif(sys.platform != "linux" or not shutil.which("objdump"), reason="ELF files and objdump")
def test_no_library_searches_the_build_machine_s_folders(bundle):
    """Every RUNPATH (or RPATH) entry is relative to the library itself ($ORIGIN...)."""
    foreign = {}
    for path in elf_files(bundle):
        for entry in re.findall(r"^\s*R(?:UN)?PATH\s+(\S+)", dynamic_section(path), re.MULTILINE):
            if any(not part.startswith("$ORIGIN") for part in entry.split(":")):
                foreign[str(path.relative_to(bundle))] = entry
    assert foreign == {}


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.fixture(scope="module")
def deb(bundle) -> Path:
    found = sorted(bundle.parent.glob("couplepause_*.deb"))
    if not found or not shutil.which("dpkg-deb"):
        pytest.skip("no .deb next to the bundle (packaging/build-bundle.sh makes one where dpkg-deb is)")
    return found[-1]


@pytest.fixture(scope="module")
def deb_root(deb, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("deb") / "root"
    subprocess.run(["dpkg-deb", "--extract", deb, root], check=True, timeout=300)
    return root


def test_the_deb_puts_the_app_in_the_menu(deb, deb_root):
    field = subprocess.run(["dpkg-deb", "--field", deb, "Package", "Version", "Depends"],
                           capture_output=True, text=True, check=True).stdout
    assert "Package: couplepause" in field and f"Version: {__version__}-" in field
    assert re.search(r"Depends: .*\blibc6 \(>= ", field), field
    # Left to the system: the C++ runtime (as new as the build machine's) and fontconfig,
    # which brings its configuration and a font with it.
    assert re.search(r"Depends: .*\blibstdc\+\+6 \(>= ", field), field
    assert re.search(r"Depends: .*\blibfontconfig1\b", field), field

    root = deb_root
    assert os.readlink(root / "usr/bin/couplepause") == "/opt/couplepause/couplepause"
    result = run([root / "opt/couplepause/couplepause", "--version"])
    assert result.stdout == f"couplepause {__version__}\n"

    share = root / "usr/share"
    desktop = share / "applications" / f"{APP_ID}.desktop"
    assert f"Icon={APP_ID}" in desktop.read_text("utf-8")
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    for size in ICON_SIZES:
        assert png_size(share / f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png") == (size, size)
    assert (share / f"icons/hicolor/scalable/apps/{APP_ID}.svg").is_file()
    # The package's description is the metainfo's English text, without its translations.
    import xml.etree.ElementTree as ET

    description = " ".join(subprocess.run(["dpkg-deb", "--field", deb, "Description"], capture_output=True,
                                          text=True, check=True).stdout.split())
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    root = ET.parse(share / "metainfo" / f"{APP_ID}.metainfo.xml").getroot()
    for element in [*root.iterfind("summary"), *root.iterfind("description/p")]:  # not the releases' notes
        text = " ".join("".join(element.itertext()).split())
        assert (text in description) == (lang not in element.attrib), text
    if shutil.which("desktop-file-validate"):
        checked = subprocess.run(["desktop-file-validate", desktop], capture_output=True, text=True)
        assert checked.returncode == 0 and checked.stdout == "", checked.stdout


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def bundled_distributions(internal: Path) -> set[str]:
    """The distributions couplepause needs to run (its requirements, without extras, as this
    environment has them installed) that have a file in the bundle (a module as .pyc)."""
    from importlib.metadata import distribution

    from packaging.requirements import Requirement

    todo, seen = ["couplepause"], set()
    while todo:
        name = canonical(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for text in distribution(name).requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)

    def in_bundle(name: str) -> bool:
        for file in distribution(name).files or []:
            path = Path(file)
            if ".." not in path.parts and (internal / (path.with_suffix(".pyc") if path.suffix == ".py" else path)).exists():
                return True
        return False

    return {name for name in seen if in_bundle(name)}


def paragraphs(text: str) -> list[dict[str, str]]:
    """A deb822 file's paragraphs: {field: value} (continuation lines joined by newlines)."""
    result = []
    for block in re.split(r"\n\s*\n(?=\S)", text.strip()):
        fields: dict[str, str] = {}
        name = ""
        for line in block.splitlines():
            if line[:1] in (" ", "\t") and name:
                fields[name] += "\n" + line.strip()
            elif ":" in line:
                name, _, value = line.partition(":")
                fields[name] = value.strip()
        result.append(fields)
    return result


def test_the_deb_s_copyright_lists_every_part_of_the_bundle(deb_root):
    """Machine-readable, made from the bundle: every distribution the app needs is named,
    and every file in /opt/couplepause but our own is claimed by a paragraph of its own."""
    import fnmatch

    text = (deb_root / "usr/share/doc/couplepause/copyright").read_text("utf-8")
    parts = paragraphs(text)
    assert parts[0]["Format"].startswith("https://www.debian.org/doc/packaging-manuals/copyright-format/1.0")
    assert parts[1]["Files"] == "*" and parts[1]["License"].startswith("GPL-3.0-or-later")
    files_parts = [part for part in parts[1:] if "Files" in part]
    assert all(part.get("Copyright") and part.get("License") for part in files_parts)

    named = {canonical(m) for m in re.findall(r"^Comment: Python distribution (\S+) ", text, re.MULTILINE)}
    assert bundled_distributions(deb_root / "opt/couplepause/_internal") - {"couplepause"} <= named
    licences = {canonical(part["Comment"].split()[2]): part["License"].splitlines()[0] for part in files_parts
                if part.get("Comment", "").startswith("Python distribution ")}
    assert licences["tinydb"] == "MIT" and licences["cryptography"] == "Apache-2.0 or BSD-3-Clause"
    assert licences["pyside6-essentials"].startswith("LGPL-3.0")
    assert any(part["License"].startswith("PSF-2.0") for part in files_parts)  # Python itself

    def claimed_by(path: str) -> str:
        last = "*"
        for part in files_parts:
            for pattern in part["Files"].split():
                if fnmatch.fnmatchcase(path, pattern):
                    last = pattern
        return last

    ours = ("opt/couplepause/_internal/couplepause/",)
    unclaimed = [rel for p in (deb_root / "opt").rglob("*") if p.is_file() and not p.is_symlink()
                 and not (rel := str(p.relative_to(deb_root))).startswith(ours) and claimed_by(rel) == "*"]
    assert unclaimed == []


def test_the_deb_has_a_changelog_and_md5sums(deb, deb_root, tmp_path):
    import gzip
    import hashlib

    changelog = gzip.decompress((deb_root / "usr/share/doc/couplepause/changelog.Debian.gz").read_bytes())
    assert changelog.decode("utf-8").startswith(f"couplepause ({__version__}-")

    control = tmp_path / "control"
    subprocess.run(["dpkg-deb", "--control", deb, control], check=True, timeout=300)
    sums = dict(line.split("  ", 1)[::-1] for line in (control / "md5sums").read_text().splitlines())
    files = {str(p.relative_to(deb_root)): p for p in deb_root.rglob("*") if p.is_file() and not p.is_symlink()}
    assert set(sums) == set(files)
    for rel in ("opt/couplepause/couplepause", "usr/share/doc/couplepause/copyright"):
        assert sums[rel] == hashlib.md5(files[rel].read_bytes(), usedforsecurity=False).hexdigest()
    # Shared libraries and plugins are loaded, not run (lintian: shared-library-is-executable).
    assert [rel for rel, path in files.items() if ".so" in [*path.suffixes, path.suffix] and path.stat().st_mode & 0o111] == []
    assert files["opt/couplepause/couplepause"].stat().st_mode & 0o111
