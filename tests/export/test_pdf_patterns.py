"""The report's patterns section (only when the couple opts in) and practice
pauses, which the report may list, marked, but never counts in a figure."""

from __future__ import annotations

from datetime import UTC, datetime

from couplepause.common.texts import words
from couplepause.core import stats
from couplepause.export import ExportOptions
from couplepause.export.pdf.content import build_content

from . import test_pdf_report
from .test_pdf_report import daily, flat, pdf_text

report = test_pdf_report.report  # the fixture

FIXED = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)


def p(key: str, **values) -> str:
    return words("cycle_patterns", key, **values)


def test_no_patterns_section_unless_asked(report):
    text = flat(pdf_text(report(daily(20))))
    assert p("heading") not in text and p("grid_title") not in text


def test_the_patterns_section_when_asked(report):
    text = flat(pdf_text(report(daily(20), include_patterns=True)))
    order = [text.index(t) for t in ("Week by week", p("heading"), p("grid_title"), p("months_title"),
                                      "Every pause")]
    assert order == sorted(order)
    for part in ("part_morning", "part_afternoon", "part_evening", "part_night"):
        assert p(part) in text
    assert "Monday" in text and "Sunday" in text
    assert p("cycles_title") in text and words("cycles", "pursue_withdraw") in text


def test_few_pauses_say_not_enough_yet(report):
    text = flat(pdf_text(report(daily(4), include_patterns=True)))
    assert p("not_enough") in text and p("grid_title") not in text


def practice_and_real():
    real = daily(12)
    practice = [e.with_changes(practice=True, repair_seconds=99999.0) for e in daily(6, start="2026-02-20T10:00:00.000+00:00")]
    return real, practice


def test_practice_pauses_left_out_of_every_figure_of_the_report():
    real, practice = practice_and_real()
    options = ExportOptions(include_practice=True, include_patterns=True, exported_at=FIXED)
    both = build_content(real + practice, options)
    alone = build_content(real, options)
    assert both.figures == alone.figures and both.figures_line == alone.figures_line
    assert both.summary == alone.summary
    assert both.points == alone.points and both.weeks == alone.weeks
    assert both.patterns == alone.patterns
    # ...but listed, marked as practice.
    assert len(both.rows) == len(real) + len(practice)
    assert sum(row.repair == words("report", "practice") for row in both.rows) == len(practice)


def test_only_practice_pauses_draw_no_chart(report):
    _real, practice = practice_and_real()
    text = flat(pdf_text(report(practice, include_practice=True, include_patterns=True)))
    assert "Every pause" in text and words("report", "practice") in text
    assert words("report", "chart_none") not in text
    assert p("not_enough") in text


def test_without_include_practice_they_are_not_there_at_all():
    real, practice = practice_and_real()
    from couplepause.export.base import select

    assert select(real + practice, ExportOptions()) == stats.in_time_order(real)
