"""The desktop entry and AppStream file are well formed and agree with the app."""

import configparser
import re
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from couplepause import __version__

PACKAGING = Path(__file__).resolve().parent.parent / "packaging"
APP_ID = "io.github.couplepause.couplepause"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
HOMEPAGE = "https://github.com/couplepause/couplepause"

pytestmark = pytest.mark.skipif(not PACKAGING.is_dir(), reason="runs from a source checkout")


def test_desktop_entry():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PACKAGING / f"{APP_ID}.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"] == "couplepause"
    assert section["Icon"] == APP_ID
    assert section["Terminal"] == "false"


def test_metainfo():
    root = ET.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"
    assert root.find("provides/binary").text == "couplepause"
    for shot in root.iter("image"):
        assert (PACKAGING / "screenshots" / Path(shot.text).name).is_file()


def test_icon_is_svg():
    root = ET.parse(PACKAGING / "couplepause.svg").getroot()
    assert root.tag.endswith("svg")


def test_metainfo_has_what_appstream_1_asks_for():
    root = ET.parse(METAINFO).getroot()
    developer = root.find("developer")
    assert developer is not None and developer.get("id") and developer.findtext("name")
    urls = {url.get("type"): url.text for url in root.iterfind("url")}
    assert urls["homepage"] == HOMEPAGE and urls["bugtracker"].startswith(HOMEPAGE)
    project_urls = tomllib.loads((PACKAGING.parent / "pyproject.toml").read_text("utf-8"))["project"].get("urls", {})
    assert project_urls.get("Homepage", HOMEPAGE) == HOMEPAGE  # the same home as the package page's
    newest = root.find("releases/release")
    assert newest.get("version") == __version__
    assert date.fromisoformat(newest.get("date")) <= date.today()
    assert root.find("content_rating").get("type") == "oars-1.1"
    assert root.find("screenshots/screenshot[@type='default']/image") is not None
    assert root.findtext("project_license") == "GPL-3.0-or-later"


def appstream_version() -> tuple[int, ...]:
    out = subprocess.run(["appstreamcli", "--version"], capture_output=True, text=True, timeout=60).stdout
    return tuple(int(part) for part in re.search(r"version: *([0-9.]+)", out)[1].split("."))


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstreamcli (apt package appstream)")
def test_metainfo_passes_appstreamcli_strict_and_pedantic():
    """As build-bundle.sh validates it: AppStream 1.x strict and pedantic without a remark;
    0.16 (Debian 12) pedantic with one, that it does not know <developer> (new in 1.0)."""
    if appstream_version() >= (1,):
        command = ["appstreamcli", "validate", "--no-net", "--strict", "--pedantic", str(METAINFO)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0 and not re.search(r"^[EWIP]: ", result.stdout, re.MULTILINE), result.stdout
    else:
        command = ["appstreamcli", "validate", "--no-net", "--pedantic", str(METAINFO)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        remarks = re.findall(r"^[EWIP]: .*$", result.stdout, re.MULTILINE)
        assert result.returncode == 0 and all(r.endswith("unknown-tag developer") for r in remarks), result.stdout
