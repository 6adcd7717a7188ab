"""The report says things whole and plainly: the open band's label, a cycle's
words in German, a break that was never ended, and the same trend as the
history's chart for the same pauses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from couplepause.common.texts import words
from couplepause.core import stats
from couplepause.core.episode import format_instant, parse_instant
from couplepause.export import ExportOptions
from couplepause.export.pdf.content import break_text, build_content
from couplepause.ui.history_presenter import compute

from ..factory import make_episode
from . import test_pdf_report
from .test_pdf_report import daily, flat, pdf_text

report = test_pdf_report.report  # the fixture

FIXED = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
LONG_A, LONG_B = "Maximiliane Oberhausen-Kleist", "Jean-Baptiste Vandenbroucke"


def with_breaks(paused_at: str, *ends: float | None):
    """A repaired pause with a break per entry of ``ends``: its length in minutes, None never ended."""
    start = parse_instant(paused_at)
    breaks, at = [], start + timedelta(minutes=2)
    for minutes in ends:
        breaks.append({
            "started_at": format_instant(at),
            "return_at": format_instant(at + timedelta(minutes=90)),
            "ended_at": None if minutes is None else format_instant(at + timedelta(minutes=minutes)),
        })
        at += timedelta(minutes=100)
    return make_episode(paused_at, repair_seconds=6 * 3600.0, breaks=breaks, wall_timed=True)


def test_a_break_never_ended_says_so_plainly():
    assert break_text(with_breaks("2026-03-01T20:00:00.000+00:00", 25)) == "25 min"
    assert break_text(with_breaks("2026-03-01T20:00:00.000+00:00", None)) == words("report", "break_not_ended")
    assert break_text(with_breaks("2026-03-01T20:00:00.000+00:00", 25, None)) == words(
        "report", "break_then_not_ended", duration="25 min")
    assert break_text(make_episode("2026-03-01T20:00:00.000+00:00")) == words("report", "none")


def test_the_report_lists_a_break_never_ended_without_a_length(report):
    # The agreed 90 minutes are not a length the break had: it was never ended.
    text = flat(pdf_text(report([with_breaks("2026-03-01T20:00:00.000+00:00", None), *daily(4)])))
    assert words("report", "break_not_ended") in text
    assert "1 h 30 min" not in text


def test_the_open_bands_label_is_whole_beside_short_minutes(report):
    # Quick repairs: the minutes axis reads "0" to "4", narrower than "open".
    episodes = daily(12, minutes=lambda i: None if i == 5 else 1 + i % 4)
    chart_page = pdf_text(report(episodes), page=2)
    assert words("report", "axis_open") in chart_page.split()
    assert "op…" not in chart_page


def test_a_long_cycle_and_long_names_are_never_cut_in_german(report, language):
    language("de")
    episodes = daily(24, cycle="pursue_withdraw")
    text = flat(pdf_text(report(episodes, include_names=True, partner_names=(LONG_A, LONG_B), include_patterns=True)))
    cycle = words("cycles", "pursue_withdraw")
    assert cycle.split()[-1] in text.split() or cycle.split()[-1].rstrip(".") in text
    # Every row's pattern ends with its last word, and every name is whole.
    assert text.count(cycle.split()[-1]) >= len(episodes)
    assert text.count(LONG_A.split()[-1]) >= len(episodes)
    assert "…" not in text


def test_the_history_and_the_report_draw_one_trend_for_the_same_pauses(qapp):
    dense = daily(400)  # a dense history: a wider window than the usual one
    now = dense[-1].paused_at + timedelta(days=1)
    window = stats.trend_window(len(dense))
    assert window > stats.ROLLING_N
    content = build_content(dense, ExportOptions(exported_at=FIXED))
    shown = compute(dense, "all", now, 1)
    assert content.trend_window == shown.trend_window == window
    assert [p.trend_minutes for p in content.points] == [p.trend_minutes for p in shown.points]
    # And both legends say that number.
    assert str(window) in words("history", "legend_trend", n=shown.trend_window)
    assert str(window) in words("report", "legend_trend", n=content.trend_window)
