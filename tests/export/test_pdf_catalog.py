"""The report's language (/Lang) and title (the document information, and the viewer's
window through /DisplayDocTitle), read back with qpdf and poppler; the incremental
update that adds them to what Qt wrote; and what text extraction gets of emoji."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from couplepause.export import EXPORTERS, ExportOptions
from couplepause.export.pdf.catalog import amend_catalog, language_tag

from ..factory import make_episode, sample
from .test_pdf_report import flat, pdf_info, pdf_text

FIXED = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)


def _qpdf() -> str:
    path = shutil.which("qpdf")
    if path is None:
        pytest.skip("qpdf is not installed, so the PDF's catalog cannot be read back; "
                    "install it with: apt-get install qpdf")
    return path


def catalog(path: Path) -> dict:
    """The document catalog as qpdf reads it (its JSON: strings as "u:text")."""
    done = subprocess.run([_qpdf(), "--json=2", "--json-key=qpdf", str(path)], capture_output=True, check=True)
    objects = json.loads(done.stdout)["qpdf"][1]
    return objects[f"obj:{objects['trailer']['value']['/Root']}"]["value"]


def check(path: Path) -> None:
    """qpdf finds nothing wrong in the file's structure (cross-references included)."""
    done = subprocess.run([_qpdf(), "--check", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors found" in done.stdout


@pytest.fixture
def report(qapp, tmp_path, local_tz):
    local_tz("UTC0")

    def make(episodes, name: str = "report.pdf", **options) -> Path:
        out = tmp_path / name
        options.setdefault("exported_at", FIXED)
        EXPORTERS["pdf"].export(episodes, ExportOptions(**options), out)
        return out

    return make


# ------------------------------------------------------------- the whole report
def test_an_english_report_says_its_language_and_shows_its_title(report):
    out = report(sample())
    check(out)
    found = catalog(out)
    assert found["/Lang"] == "u:en"
    assert found["/ViewerPreferences"] == {"/DisplayDocTitle": True}
    assert pdf_info(out)["Title"] == "couplepause — our pauses and repairs, 15 January 2026 – 2 March 2026"
    assert "Our pauses and repairs" in flat(pdf_text(out, page=1))  # still reads as before


def test_a_german_report_says_german(report, language):
    language("de")
    out = report(sample(), "bericht.pdf")
    check(out)
    assert catalog(out)["/Lang"] == "u:de"
    assert pdf_info(out)["Title"] == "couplepause – unsere Pausen und Wege zurück, 15. Januar 2026 – 2. März 2026"
    assert "Unsere Pausen und Wege zurück" in flat(pdf_text(out, page=1))


def test_an_empty_report_says_its_language_too(report, language):
    language("de")
    out = report([], "leer.pdf")
    check(out)
    assert catalog(out)["/Lang"] == "u:de"
    assert catalog(out)["/ViewerPreferences"] == {"/DisplayDocTitle": True}


# ------------------------------------------------------- the incremental update
def test_qt_s_bytes_stay_as_they_were_and_the_update_follows_them(report, tmp_path):
    from couplepause.export.pdf import render
    from couplepause.export.pdf.content import build_content

    content = build_content(sample(), ExportOptions(exported_at=FIXED))
    amended = render(content)
    qt_bytes = amended[: amended.index(b"%%EOF") + len(b"%%EOF\n")]
    assert b"/Lang" not in qt_bytes and b"/DisplayDocTitle" not in qt_bytes  # what Qt 6.11 writes
    assert amend_catalog(qt_bytes, "en") == amended
    tail = amended[len(qt_bytes):]
    assert tail.count(b" obj") == 1 and tail.count(b"xref") == 2 and b"/Prev " in tail  # xref and startxref
    (tmp_path / "qt.pdf").write_bytes(qt_bytes)
    check(tmp_path / "qt.pdf")
    assert "/Lang" not in catalog(tmp_path / "qt.pdf")


def test_a_catalog_that_has_them_is_left_alone(report, tmp_path):
    out = report(sample())
    amended = out.read_bytes()
    assert amend_catalog(amended, "de") == amended  # /Lang is there already: not said twice


@pytest.mark.parametrize("damaged", [
    b"",
    b"not a pdf at all",
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",  # no cross-references, no trailer
    b"%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n9\n%%EOF\n",  # no /Root
    b"%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n9\n%%EOF\n",
])
def test_what_is_not_as_qt_writes_it_is_returned_unchanged(damaged):
    assert amend_catalog(damaged, "en") is damaged


def test_a_language_that_is_no_tag_adds_nothing(report):
    out = report(sample())
    first = out.read_bytes()
    qt_bytes = first[: first.index(b"%%EOF") + len(b"%%EOF\n")]
    assert amend_catalog(qt_bytes, "x) /JS (") is qt_bytes


@pytest.mark.parametrize(("code", "tag"), [("en", "en"), ("de", "de"), ("pt_BR", "pt-BR"), ("zh-Hant", "zh-Hant"),
                                           ("", None), ("d", None), ("de)", None), ("en US", None)])
def test_language_tag(code, tag):
    assert language_tag(code) == tag


# ------------------------------------------------------------------------ emoji
def test_symbols_in_the_basic_plane_are_extractable(report):
    out = report([make_episode("2026-03-01T21:04:05.123+01:00", note="danke ☺ ❤ ☕ Łódź")], include_notes=True)
    assert "danke ☺ ❤ ☕ Łódź" in flat(pdf_text(out))


@pytest.mark.xfail(strict=True, reason=(
    "Qt 6.11's PDF engine maps glyphs back to characters only within U+0000-U+FFFF "
    "(QFontSubset's ToUnicode map), so an emoji beyond it (U+1F60A) is drawn but not extractable"))
def test_emoji_beyond_the_basic_plane_are_extractable(report):
    out = report([make_episode("2026-03-01T21:04:05.123+01:00", note="danke 😊 bis bald")], include_notes=True)
    assert "danke 😊 bis bald" in flat(pdf_text(out))
