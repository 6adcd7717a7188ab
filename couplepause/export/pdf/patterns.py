"""The report's patterns section, only when the couple opted in
(``ExportOptions.include_patterns``): the same as the history's Patterns tab
(``export/patterns_text.py``). When pauses came as a small grid in the light
theme's calm steps (heat_1..heat_3, the count written in each cell), the
cycles and the way back after each, and month by month the activation at the
pause and the longer breaks, each part with its sentences.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6 import QtGui

from couplepause.common.texts import resource_data
from couplepause.export.patterns_text import CYCLE_COLUMNS, MONTH_COLUMNS, PatternText, w
from couplepause.export.pdf.page import Page

GRID_DAY_W = 120.0  # the weekdays' column
GRID_CELL_W = 78.0  # each part of the day, at most
GRID_ROW_H = 17.0


def patterns_section(report: Page, text: PatternText) -> None:
    report.heading(w("heading"), w("intro"))
    if not text.enough:
        report.paragraph(report.f_lead, report.c_text, w("not_enough"), gap_after=12)
        return
    _grid(report, text)
    _sentences(report, text.when)
    if text.cycle_rows or text.cycles:
        _subheading(report, w("cycles_title"), keep=60 + GRID_ROW_H * len(text.cycle_rows))
        _sentences(report, text.cycles)
        if text.cycle_rows:
            _table(report, CYCLE_COLUMNS, text.cycle_rows, (0.36, 0.11, 0.17, 0.22, 0.14))
    _subheading(report, w("months_title"), keep=60 + GRID_ROW_H * 3)
    _sentences(report, text.activation + text.breaks)
    _table(report, MONTH_COLUMNS, text.month_rows, (0.31, 0.15, 0.27, 0.27))


def _subheading(report: Page, title: str, keep: float) -> None:
    report.need(report.f_body_bold.line + 6 + keep)
    report.y += 8
    report.text(report.left, report.y, report.width, report.f_body_bold.line, report.f_body_bold, report.c_text,
                title)
    report.y += report.f_body_bold.line + 4


def _sentences(report: Page, said: list[str]) -> None:
    for sentence in said:
        report.paragraph(report.f_body, report.c_text, sentence, gap_after=3)
    report.y += 6


def _grid(report: Page, text: PatternText) -> None:
    palette = resource_data("theme")["colors"]  # the light colours, like the rest of the report
    heat = [None] + [QtGui.QColor(palette[f"heat_{level}"]) for level in (1, 2, 3)]
    parts = len(text.parts)
    cell_w = min(GRID_CELL_W, (report.width - GRID_DAY_W) / parts)
    head = report.f_table_head
    head_h = max(len(head.wrap(p, cell_w - 4)) for p in text.parts) * head.line + 6
    report.need(report.f_body_bold.line + head_h + GRID_ROW_H * len(text.weekdays) + 40)
    report.text(report.left, report.y, report.width, report.f_body_bold.line, report.f_body_bold, report.c_text,
                w("grid_title"))
    report.y += report.f_body_bold.line + 4
    x0 = report.left + GRID_DAY_W
    for index, title in enumerate(text.parts):
        report.text(x0 + index * cell_w, report.y, cell_w, head_h, head, report.c_muted, title, align="center")
    report.y += head_h
    for day, name in enumerate(text.weekdays):
        report.text(report.left, report.y, GRID_DAY_W - 8, GRID_ROW_H, report.f_table, report.c_text, name)
        for part in range(parts):
            x = x0 + part * cell_w
            level = text.level(day, part)
            if level:
                report.fill(x + 1, report.y + 1, cell_w - 2, GRID_ROW_H - 2, heat[level], radius=2)
            count = text.grid[day][part]
            report.text(x, report.y, cell_w, GRID_ROW_H, report.f_table,
                        report.c_text if count else report.c_muted, str(count) if count else "·", align="center")
        report.y += GRID_ROW_H
        report.hline(report.left, x0 + parts * cell_w, report.y, report.c_line, 0.4)
    report.y += 4
    report.text(report.left, report.y, report.width, report.f_small.line, report.f_small, report.c_muted,
                w("grid_legend"))
    report.y += report.f_small.line + 8


def _table(report: Page, keys: tuple[str, ...], rows: Sequence[tuple[str, ...]], widths) -> None:
    titles = tuple(w(key) for key in keys)
    aligns = ("left",) + ("right",) * (len(keys) - 1)
    columns = report.columns(titles, widths, aligns)
    line_h = report.f_table.line
    report.need((line_h + 5) * 3 + 30)
    report.y = report.table_header(columns, report.y)
    for index, row in enumerate(rows):
        # The first column's words (a cycle: "One reached out, one pulled back") go on
        # as many lines as they need, never cut; the figures beside are short.
        first = report.f_table.wrap(row[0], columns[0][2]) or [""]
        row_h = len(first) * line_h + 5
        if report.need(row_h):
            report.y = report.table_header(columns, report.y)
        if index % 2 == 1:
            report.fill(report.left, report.y, report.width, row_h, report.c_row_tint)
        _, cx, cw, align = columns[0]
        for number, line in enumerate(first):
            report.text(cx, report.y + 2.5 + number * line_h, cw, line_h, report.f_table, report.c_text, line,
                        align=align)
        for cell, (_, cx, cw, align) in zip(row[1:], columns[1:]):
            report.text(cx, report.y + 2.5, cw, line_h, report.f_table, report.c_text, cell, align=align)
        report.y += row_h
    report.y += 6
