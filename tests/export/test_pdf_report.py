"""The PDF report: its text (pdftotext), page count and size (pdfinfo), privacy,
the empty range, and the pure helpers behind the layout."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from couplepause.common.formatting import month_name
from couplepause.common.texts import section
from couplepause.core import stats
from couplepause.core.stats import TREND_WINDOW_MAX, trend_window
from couplepause.export import EXPORTERS, Exporter, ExportError, ExportOptions
from couplepause.export.pdf import A4, LETTER, paper_for, prefer_offscreen_platform
from couplepause.export.pdf.content import format_minutes

from ..factory import make_episode, sample, with_break

FIXED = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
WHEN = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}\b")


# ------------------------------------------------------------------ poppler
def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed, so the PDF cannot be read back; "
                    "install it with: apt-get install poppler-utils")
    return path


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run([_poppler("pdftotext"), "-enc", "UTF-8", *pages, str(path), "-"],
                          capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def flat(text: str) -> str:
    """Words joined by single spaces: wrapped lines read as one sentence."""
    return " ".join(text.split())


def pdf_info(path: Path) -> dict[str, str]:
    done = subprocess.run([_poppler("pdfinfo"), str(path)], capture_output=True, check=True, text=True)
    info = {}
    for line in done.stdout.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def pages(path: Path) -> int:
    return int(pdf_info(path)["Pages"])


@pytest.fixture
def report(qapp, tmp_path, local_tz):
    """Export a report (in UTC, so the local days are known) and return its path."""
    local_tz("UTC0")
    made = iter(range(1000))

    def make(episodes, **options) -> Path:
        out = tmp_path / f"report-{next(made)}.pdf"
        options.setdefault("exported_at", FIXED)
        EXPORTERS["pdf"].export(episodes, ExportOptions(**options), out)
        return out

    return make


def daily(count: int, start: str = "2026-01-05T10:00:00.000+00:00", minutes=lambda i: 10 + i % 7, **extra):
    first = datetime.fromisoformat(start)
    return [
        make_episode((first + timedelta(hours=31 * i)).isoformat(timespec="milliseconds"),
                     repair_seconds=None if minutes(i) is None else minutes(i) * 60.0, **extra)
        for i in range(count)
    ]


# ---------------------------------------------------------------- registry
def test_registered_as_pdf():
    assert isinstance(EXPORTERS["pdf"], Exporter)
    assert (EXPORTERS["pdf"].name, EXPORTERS["pdf"].suffix) == ("pdf", ".pdf")


def test_export_package_imports_no_qt_until_a_pdf_is_written():
    code = (
        "import sys; import couplepause.export, couplepause.export.pdf; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# ---------------------------------------------------------------- the cover
def test_cover_has_range_export_date_summary_and_figures(report):
    episodes = sample()
    out = report(episodes)
    assert out.read_bytes().startswith(b"%PDF-")
    cover = flat(pdf_text(out, page=1))
    assert "Our pauses and repairs" in cover
    assert "15 January 2026 – 2 March 2026" in cover
    assert "exported 5 March 2026" in cover
    for sentence in stats.summary(episodes, now=FIXED, month_name=month_name):
        assert flat(sentence) in cover
    assert "Pauses" in cover and "Median time to repair" in cover
    assert "Needed a longer break" in cover and "25%" in cover  # 1 of 4
    assert "Median activation at the pause" in cover and "7 / 10" in cover
    assert "3 repaired · 1 still open" in cover
    assert "how to read this report" in cover.lower()  # set in small capitals
    assert "Notes are not included in this report." in cover
    assert "Names are shown as Partner A and Partner B." in cover


def test_range_on_the_cover_is_the_chosen_one(report):
    out = report(sample(), since=date(2026, 1, 1), until=date(2026, 12, 31))
    assert "1 January 2026 – 31 December 2026" in flat(pdf_text(out, page=1))


def test_every_page_has_its_number_and_the_export_date(report):
    out = report(daily(150))
    total = pages(out)
    assert total >= 5  # cover, chart + weeks, several pages of episodes
    for number in range(1, total + 1):
        text = flat(pdf_text(out, page=number))
        assert f"page {number} of {total} · exported 5 March 2026" in text


def test_pages_in_order_chart_weeks_episodes(report):
    out = report(daily(20))
    text = flat(pdf_text(out))
    order = [text.index(title) for title in
             ("Our pauses and repairs", "Time to repair, pause by pause", "Week by week", "Every pause")]
    assert order == sorted(order)
    assert "Minutes to repair" in text
    assert "Trend (median of the last 5)" in text


def test_pdf_metadata(report):
    info = pdf_info(report(sample()))
    assert info["Title"].startswith("couplepause")
    assert info["Creator"].startswith("couplepause")


# ------------------------------------------------------------ the episode table
def test_one_table_row_per_episode_with_repeated_headers(report):
    episodes = daily(150)
    out = report(episodes)
    total = pages(out)
    rows = 0
    table_pages = 0
    for number in range(1, total + 1):
        text = pdf_text(out, page=number)
        found = len(WHEN.findall(text))
        if found:
            table_pages += 1
            # The header is on every page of the table.
            for title in ("When", "Time", "repair", "Break", "Noticed", "Activation", "Pattern"):
                assert title in text, (number, title)
        rows += found
    assert rows == len(episodes)
    assert table_pages >= 3
    assert "Every pause (continued)" in pdf_text(out, page=total)


def test_rows_show_local_time_repair_break_who_activation_and_pattern(report):
    episodes = [
        make_episode("2026-03-01T21:04:05.123+01:00", cycle="both_withdraw"),
        make_episode("2026-02-27T08:15:00.001-08:00", repair_seconds=None, paused_by=None),
        with_break("2026-03-02T23:59:59.999+05:30"),
    ]
    text = flat(pdf_text(report(episodes)))
    cycles = section("cycles")
    assert "Sun 1 Mar 2026, 20:04" in text  # 21:04 at UTC+1 is 20:04 UTC (the local zone here)
    assert "Fri 27 Feb 2026, 16:15" in text
    assert "Mon 2 Mar 2026, 18:29" in text
    assert "9 min" in text  # 532 s
    assert "still open" in text
    assert "45 min" in text and "32 min" in text  # the break episode: repair and break
    assert "Partner A" in text and "both" in text
    assert re.search(r"\b7 ?· ?–", text)  # activation A · B (pdftotext may drop the thin spacing)
    assert cycles["both_withdraw"] in text and cycles["pursue_withdraw"] in text


def test_no_note_text_without_include_notes(report):
    out = report(sample())
    assert "ZEBRA" not in pdf_text(out)
    assert "Notes are not included in this report." in flat(pdf_text(out, page=1))


def test_notes_when_opted_in_wrapped_and_extractable(report):
    long_note = "We started on the dishes and ended on feeling alone. " * 6
    episodes = [*sample(), make_episode("2026-03-03T10:00:00.000+00:00", note=long_note.strip())]
    out = report(episodes, include_notes=True)
    text = flat(pdf_text(out))
    assert "ZEBRA-NOTE-7f3a: we argued about the dishes again, Łódź," in text
    assert flat(long_note) in text
    assert "Notes are included" in text


def test_names_only_when_opted_in(report):
    episodes = [make_episode("2026-01-05T10:00:00.000+00:00", paused_by="a"),
                make_episode("2026-01-06T10:00:00.000+00:00", paused_by="b")]
    hidden = flat(pdf_text(report(episodes, partner_names=("Zoë", "Bernardo"))))
    assert "Zoë" not in hidden and "Bernardo" not in hidden
    assert "Partner A" in hidden and "Partner B" in hidden
    shown = flat(pdf_text(report(episodes, partner_names=("Zoë", "Bernardo"), include_names=True)))
    assert "Zoë" in shown and "Bernardo" in shown
    assert "Partner A" not in shown and "Partner B" not in shown


def test_date_filter_applies_to_the_report(report):
    episodes = daily(40)  # 5 January onwards, every 31 hours
    out = report(episodes, since=date(2026, 1, 10), until=date(2026, 1, 20))
    text = pdf_text(out)
    days = {int(m.group(0).split()[1]) for m in WHEN.finditer(text)}
    assert days and min(days) >= 10 and max(days) <= 20
    expected = [e for e in episodes if date(2026, 1, 10) <= e.paused_at.date() <= date(2026, 1, 20)]
    assert len(WHEN.findall(text)) == len(expected)


# ---------------------------------------------------------------- the chart
def test_wide_range_gets_a_log_axis(report):
    text = flat(pdf_text(report(daily(12, minutes=lambda i: 0.5 if i == 0 else 90 if i == 1 else 10))))
    assert "Minutes to repair (log scale)" in text


def test_narrow_range_gets_a_linear_axis(report):
    text = flat(pdf_text(report(daily(12, minutes=lambda i: 10 + i))))
    assert "Minutes to repair" in text and "log scale" not in text


def test_only_open_episodes_say_so_kindly(report):
    out = report(daily(3, minutes=lambda i: None))
    text = flat(pdf_text(out))
    assert "None of the pauses in this range has been repaired yet" in text
    assert "still open" in text


def test_quiet_weeks_in_a_row_are_one_line(report):
    episodes = [make_episode("2026-01-05T10:00:00.000+00:00"), make_episode("2026-02-16T10:00:00.000+00:00")]
    text = flat(pdf_text(report(episodes)))
    assert "5 quiet weeks, up to 15 Feb 2026" in text


# ----------------------------------------------------------- the empty range
def test_empty_range_is_one_kind_page(report):
    out = report(sample(), since=date(2025, 1, 1), until=date(2025, 1, 31))
    assert pages(out) == 1
    text = flat(pdf_text(out))
    assert "No pauses were recorded between 1 January 2025 and 31 January 2025." in text
    assert "That is all right" in text
    assert "page 1 of 1 · exported 5 March 2026" in text


def test_empty_store_is_one_kind_page(report):
    out = report([])
    assert pages(out) == 1
    assert "There are no pauses to show yet." in flat(pdf_text(out))


# -------------------------------------------------------------- paper size
@pytest.mark.parametrize(
    ("code", "us", "paper"),
    [("US", False, LETTER), ("CA", False, LETTER), ("MX", False, LETTER), ("PH", False, LETTER),
     ("us", False, LETTER), ("GB", False, A4), ("DE", False, A4), ("FR", False, A4), ("JP", False, A4),
     ("", False, A4), ("LR", True, LETTER)],
)
def test_paper_for(code, us, paper):
    assert paper_for(code, us) == paper


@pytest.fixture
def default_locale(qapp):
    from PySide6.QtCore import QLocale

    before = QLocale()
    yield QLocale.setDefault
    QLocale.setDefault(before)


@pytest.mark.parametrize(
    ("locale", "size"),
    [("en_US", "612 x 792 pts (letter)"), ("fr_CA", "612 x 792 pts (letter)"),
     ("es_MX", "612 x 792 pts (letter)"), ("en_GB", "(A4)"), ("de_DE", "(A4)"), ("C", "(A4)")],
)
def test_page_size_follows_the_locale(report, default_locale, locale, size):
    from PySide6.QtCore import QLocale

    default_locale(QLocale(locale))
    out = report(sample())
    assert size in pdf_info(out)["Page size"]
    assert f"page 1 of {pages(out)}" in flat(pdf_text(out, page=1))


# ------------------------------------------------------------------- writing
def test_refuses_to_overwrite_without_force(report, tmp_path):
    out = tmp_path / "report.pdf"
    out.write_bytes(b"keep me")
    with pytest.raises(ExportError, match="already there"):
        EXPORTERS["pdf"].export(sample(), ExportOptions(), out)
    assert out.read_bytes() == b"keep me"
    EXPORTERS["pdf"].export(sample(), ExportOptions(force=True), out)
    assert out.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


# ------------------------------------------------------------- pure helpers
def test_prefer_offscreen_platform():
    env: dict[str, str] = {}
    assert prefer_offscreen_platform(env, "linux") is True
    assert env == {"QT_QPA_PLATFORM": "offscreen"}
    env = {"DISPLAY": ":0"}
    assert prefer_offscreen_platform(env, "linux") is True  # a display is not needed, nor trusted
    assert env["QT_QPA_PLATFORM"] == "offscreen"
    env = {"QT_QPA_PLATFORM": "xcb"}
    assert prefer_offscreen_platform(env, "linux") is False
    assert env == {"QT_QPA_PLATFORM": "xcb"}
    for platform in ("win32", "darwin"):
        env = {}
        assert prefer_offscreen_platform(env, platform) is False
        assert env == {}


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(None, ""), (0.0, "< 1 min"), (0.99, "< 1 min"), (1.0, "1 min"), (12.4, "12 min"), (59.6, "1 h"),
     (60.0, "1 h"), (80.0, "1 h 20 min"), (125.0, "2 h 5 min")],
)
def test_format_minutes(minutes, text):
    assert format_minutes(minutes) == text


def test_trend_window():
    assert trend_window(0) == 5
    assert trend_window(100) == 5
    assert trend_window(400) == 10
    assert trend_window(1000) == TREND_WINDOW_MAX
    assert trend_window(50_000) == TREND_WINDOW_MAX


def test_no_qt_warnings_while_writing(report, qtlog):
    report(daily(30), include_notes=True)
    assert [r for r in qtlog.records if r.type.name != "QtDebugMsg"] == []
