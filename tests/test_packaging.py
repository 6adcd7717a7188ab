"""The desktop entry and AppStream file are well formed and agree with the app."""

import configparser
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parent.parent / "packaging"
APP_ID = "io.github.couplepause.couplepause"

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
