"""What PyPI and a distribution get: the licence (GPL-3.0-or-later, its text in the
wheel and the source distribution), the metadata a package page shows (URLs,
keywords, classifiers, a readme whose pictures show there), and a source
distribution that holds everything its tests need.

The installed package's metadata is checked on every run; the artifacts themselves
are built with ``python -m build`` (from PyPI: setuptools in an isolated environment)
in the slow run."""

from __future__ import annotations

import fcntl
import importlib
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from email import message_from_bytes
from email.message import Message
from importlib import metadata
from pathlib import Path

import pytest

import couplepause

ROOT = Path(__file__).resolve().parent.parent
LICENSE = ROOT / "LICENSE"
PACKAGING = ROOT / "packaging"
README_MODULE = PACKAGING / "couplepause_build" / "readme.py"
DEBIAN_GPL_3 = Path("/usr/share/common-licenses/GPL-3")  # base-files: the licence's own text
EXPRESSION = "GPL-3.0-or-later"
URL_LABELS = {"Homepage", "Source", "Issues", "Changelog"}
PYTHONS = ("3.11", "3.12", "3.13")


def _pypi_readme():
    """couplepause_build.readme, imported as the build imports it (packaging/ on the path)."""
    if str(PACKAGING) not in sys.path:
        sys.path.append(str(PACKAGING))
    return importlib.import_module("couplepause_build.readme")


def _check_licence_text(text: str) -> None:
    words = " ".join(text.split())
    assert words.startswith("GNU GENERAL PUBLIC LICENSE Version 3, 29 June 2007")
    assert "END OF TERMS AND CONDITIONS" in words and "(at your option) any later version" in words
    if DEBIAN_GPL_3.is_file():
        assert text == DEBIAN_GPL_3.read_text("utf-8")


def _check_metadata(meta: Message) -> None:
    """The core metadata of a wheel, a source distribution or the installed package."""
    assert meta["License-Expression"] == EXPRESSION
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta.get("License") is None, "the licence is an SPDX expression (PEP 639), not a text"
    classifiers = meta.get_all("Classifier")
    assert not [c for c in classifiers if c.startswith("License ::")], "PEP 639: the expression says it"
    assert {f"Programming Language :: Python :: {v}" for v in PYTHONS} <= set(classifiers)
    assert meta["Requires-Python"] == f">={PYTHONS[0]}"
    for kind in ("Development Status", "Environment", "Intended Audience", "Operating System", "Topic"):
        assert any(c.startswith(f"{kind} :: ") for c in classifiers), kind
    urls = dict(url.split(", ", 1) for url in meta.get_all("Project-URL"))
    assert set(urls) == URL_LABELS
    assert all(url.startswith("https://") for url in urls.values())
    assert "couples" in meta["Keywords"].split(",")
    assert meta["Description-Content-Type"] == "text/markdown"


def test_the_licence_file_is_the_gpl_3():
    if not LICENSE.is_file():
        pytest.skip("runs from a source checkout or a source distribution")
    _check_licence_text(LICENSE.read_text("utf-8"))


def test_the_installed_package_says_its_licence_and_carries_its_text():
    distribution = metadata.distribution("couplepause")
    _check_metadata(distribution.metadata)
    _check_licence_text(distribution.read_text("licenses/LICENSE"))


def test_the_classifiers_are_pypi_s_own():
    trove = pytest.importorskip("trove_classifiers")
    unknown = set(metadata.metadata("couplepause").get_all("Classifier")) - trove.classifiers
    assert unknown == set(), "PyPI refuses an upload with a classifier it does not know"


@pytest.mark.skipif(not README_MODULE.is_file(), reason="runs from a source checkout or a source distribution")
def test_the_package_page_s_links_are_whole_and_point_at_this_release():
    readme = _pypi_readme()
    text = metadata.metadata("couplepause").get_payload()
    assert readme.relative_targets((ROOT / "README.md").read_text("utf-8")), "the README's own links stay relative"
    assert readme.relative_targets(text) == []
    page, raw = readme.file_urls(readme.source_url(ROOT), f"v{couplepause.__version__}")
    targets = re.findall(r"\]\((\S+?)\)", text)
    pictures = [t.removeprefix(raw) for t in targets if t.startswith(raw)]
    documents = [t.removeprefix(page) for t in targets if t.startswith(page)]
    assert len(pictures) >= 6 and documents
    missing = [path for path in pictures + documents if not (ROOT / path).is_file()]
    assert missing == [], "each picture and document of the page is a file of this release"


def test_relative_links_are_made_whole_and_others_stay():
    readme = _pypi_readme() if README_MODULE.is_file() else pytest.skip("needs packaging/")
    text = "![a](shots/a.png) [doc](./docs/A.md) [web](https://example.org/x) [top](#top) ![b](http://h/b.png)"
    made = readme.absolute(text, "https://github.com/o/r", "v1.2")
    assert made == ("![a](https://raw.githubusercontent.com/o/r/v1.2/shots/a.png) "
                    "[doc](https://github.com/o/r/blob/v1.2/docs/A.md) "
                    "[web](https://example.org/x) [top](#top) ![b](http://h/b.png)")
    with pytest.raises(ValueError, match=r"example\.org"):
        readme.absolute(text, "https://example.org/o/r", "v1.2")


# ----------------------------------------------------------------- the artifacts


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The wheel and the source distribution, built as a release is, and the build's output.
    Built once per run: every xdist worker of the run shares the run's folder, and a lock
    lets one build at a time (two builds of the source tree would share its staging folder)."""
    pytest.importorskip("build")
    if not (ROOT / "pyproject.toml").is_file():
        pytest.skip("builds from a source checkout")
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out, output = shared / "dist", shared / "dist.log"
    with (shared / "dist.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not output.exists():
            done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                                  capture_output=True, text=True, check=False)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
            output.write_text(done.stdout + done.stderr, "utf-8")
    wheel, = out.glob("couplepause-*.whl")
    sdist, = out.glob("couplepause-*.tar.gz")
    return wheel, sdist, output.read_text("utf-8")


@pytest.mark.slow
def test_setuptools_builds_without_a_warning(built):
    log = built[2]
    assert "deprecated" not in log.lower()
    assert "!!" not in log, "setuptools' warnings come in !! banners"


@pytest.mark.slow
def test_the_wheel_carries_the_licence(built):
    with zipfile.ZipFile(built[0]) as wheel:
        names = wheel.namelist()
        info, = {name.split("/")[0] for name in names if name.split("/")[0].endswith(".dist-info")}
        _check_licence_text(wheel.read(f"{info}/licenses/LICENSE").decode("utf-8"))
        _check_metadata(message_from_bytes(wheel.read(f"{info}/METADATA")))
    assert not [name for name in names if name.startswith(("tests/", "packaging/", "couplepause_build/"))]
    # The translations compiled, their sources left out: the app reads only the .mo.
    locale = "couplepause/resources/locale/"
    assert f"{locale}de/LC_MESSAGES/couplepause.mo" in names
    assert not [name for name in names if name.startswith(locale) and name.endswith(".po")]


@pytest.mark.slow
def test_the_source_distribution_carries_the_licence_and_what_its_tests_need(built):
    with tarfile.open(built[1]) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        files = {member.name.removeprefix(f"{top}/") for member in sdist.getmembers() if member.isfile()}
        _check_licence_text(sdist.extractfile(f"{top}/LICENSE").read().decode("utf-8"))
        _check_metadata(message_from_bytes(sdist.extractfile(f"{top}/PKG-INFO").read()))
    assert not [name for name in files if "__pycache__" in name or name.endswith(".pyc")]
    # What a wheel is built from: the catalogues' sources and the build backend, never a .mo.
    assert {"resources/locale/de/LC_MESSAGES/couplepause.po", "packaging/couplepause_build/backend.py"} <= files
    assert not [name for name in files if name.endswith(".mo")]
    kept = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False)
    if kept.returncode != 0:
        pytest.skip("git keeps no list here")
    missing = set(kept.stdout.split()) - files - {".gitignore"}
    assert missing == set(), "MANIFEST.in: the source distribution's tests need the whole source"
