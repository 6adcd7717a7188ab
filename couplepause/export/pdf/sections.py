"""The report's pages, section by section, and their order.

1. **Cover**: the date range, the export date, the plain-language summary
   (``core.stats.summary``), the key figures (``stats.overview``: pauses,
   median time to repair, share that needed a longer break, median
   activation) and a short guide to reading the report. An empty range gets
   a cover that says so kindly, and nothing else (still a valid PDF).
2. **Chart**: see ``chart.py``.
3. **Week by week** (``stats.weekly``): pauses, median time to repair,
   longer breaks and median activation per local week (Monday first); a run
   of quiet weeks is one calm line ("3 quiet weeks, up to ...").
4. **Patterns** (``patterns.py``), only when the couple opted in.
5. **Every pause**: one row per episode (local date and time, time to repair
   or "still open", break, who paused, activation, pattern in words), the
   note under its row only when the couple opted in. The table header
   repeats on every page.
"""

from __future__ import annotations

from datetime import timedelta

from couplepause.common.formatting import calendar_date
from couplepause.common.texts import word_list
from couplepause.export.pdf.chart import ChartPage
from couplepause.export.pdf.content import format_activation, format_minutes, phrase, quiet_runs
from couplepause.export.pdf.page import MARGIN_TOP


class Report(ChartPage):
    """The whole report: :meth:`layout` lays every section out, :meth:`draw` draws them."""

    def layout(self) -> None:
        self.cover()
        if self.content.empty:
            return
        self.new_page()
        if self.content.chart is not None:  # none when only practice pauses are listed: nothing to chart
            self.chart_section(self.content.chart)
        self.weekly_section()
        if self.content.patterns is not None:  # only when the couple opted in
            from couplepause.export.pdf.patterns import patterns_section

            patterns_section(self, self.content.patterns)
        self.episode_section()

    def cover(self) -> None:
        c = self.content
        self.new_page(running_header=False)
        self.y = MARGIN_TOP + 22
        self.fill(0, 0, self.page_w, 8, self.c_accent)
        self.text(self.left, self.y, self.width, 14, self.f_kicker, self.c_accent, phrase("kicker"))
        self.y += 24
        for line in self.f_title.wrap(phrase("title"), self.width):
            self.text(self.left, self.y, self.width, self.f_title.line, self.f_title, self.c_text, line)
            self.y += self.f_title.line
        self.y += 8
        self.text(self.left, self.y, self.width, self.f_subtitle.line, self.f_subtitle, self.c_text, c.range_text)
        self.y += self.f_subtitle.line + 2
        self.text(self.left, self.y, self.width, self.f_body.line, self.f_body, self.c_muted,
                  phrase("cover_exported", date=c.exported_text))
        self.y += self.f_body.line + 18
        self.hline(self.left, self.left + 64, self.y, self.c_accent, 2.0)
        self.y += 26

        if c.empty:
            if c.first_day and c.last_day:
                lead = phrase("empty_between", since=calendar_date(c.first_day), until=calendar_date(c.last_day))
            elif c.first_day:
                lead = phrase("empty_from", since=calendar_date(c.first_day))
            elif c.last_day:
                lead = phrase("empty_until", until=calendar_date(c.last_day))
            else:
                lead = phrase("empty")
            self.paragraph(self.f_lead, self.c_text, lead, gap_after=8)
            self.paragraph(self.f_lead, self.c_text, phrase("empty_kind"), gap_after=24)
            self.privacy_block()
            return

        self.text(self.left, self.y, self.width, self.f_small_bold.line, self.f_small_bold, self.c_muted,
                  phrase("summary_heading").upper())
        self.y += self.f_small_bold.line + 6
        for sentence in c.summary:
            self.paragraph(self.f_lead, self.c_text, sentence, gap_after=5)
        self.y += 20

        self.text(self.left, self.y, self.width, self.f_small_bold.line, self.f_small_bold, self.c_muted,
                  phrase("figures_heading").upper())
        self.y += self.f_small_bold.line + 8
        gap = 10.0
        box_w = (self.width - gap * (len(c.figures) - 1)) / len(c.figures)
        label_lines = [self.f_small.wrap(label, box_w - 20) for label, _ in c.figures]
        box_h = 18 + self.f_figure.line + 6 + max(len(lines) for lines in label_lines) * self.f_small.line + 14
        for index, ((_label, value), lines) in enumerate(zip(c.figures, label_lines)):
            x = self.left + index * (box_w + gap)
            self.fill(x, self.y, box_w, box_h, self.c_surface)
            self.fill(x, self.y, 3, box_h, self.c_accent)
            self.text(x + 12, self.y + 16, box_w - 20, self.f_figure.line, self.f_figure, self.c_text, value)
            ly = self.y + 16 + self.f_figure.line + 6
            for line in lines:
                self.text(x + 12, ly, box_w - 20, self.f_small.line, self.f_small, self.c_muted, line)
                ly += self.f_small.line
        self.y += box_h + 8
        self.text(self.left, self.y, self.width, self.f_small.line, self.f_small, self.c_muted, c.figures_line)
        self.y += self.f_small.line + 26

        self.text(self.left, self.y, self.width, self.f_small_bold.line, self.f_small_bold, self.c_muted,
                  phrase("how_heading").upper())
        self.y += self.f_small_bold.line + 6
        how = word_list("report", "how")
        # The terms' column fits the longest term (languages differ), up to a third of the page.
        term_w = min(max(112, max(self.f_body_bold.width(term) for term, _ in how) + 2), self.width / 3)
        for term, meaning in how:
            lines = self.f_body.wrap(meaning, self.width - term_w - 8)
            self.need(len(lines) * self.f_body.line)
            self.text(self.left, self.y, term_w, self.f_body.line, self.f_body_bold, self.c_text, term)
            for line in lines:
                self.text(self.left + term_w + 8, self.y, self.width - term_w - 8, self.f_body.line, self.f_body,
                          self.c_text, line, elide=False)
                self.y += self.f_body.line
            self.y += 5
        self.y += 16
        self.privacy_block()

    def privacy_block(self) -> None:
        for line in [*self.content.privacy, phrase("not_therapy")]:
            self.paragraph(self.f_small, self.c_muted, line, gap_after=2)

    def weekly_section(self) -> None:
        weeks = self.content.weeks
        if not weeks:
            return
        title = phrase("weekly_heading")
        self.heading(title, phrase("weekly_intro"))
        widths = (0.21, 0.13, 0.13, 0.19, 0.17, 0.17)
        titles = (phrase("col_week"), phrase("col_pauses"), phrase("col_open"), phrase("col_median"),
                  phrase("col_breaks"), phrase("col_activation"))
        aligns = ("left", "right", "right", "right", "right", "right")
        columns = self.columns(titles, widths, aligns)
        row_h = self.f_table.line + 5
        self.y = self.table_header(columns, self.y)
        none = phrase("none")
        for index, (week, run) in enumerate(quiet_runs(weeks)):
            if self.need(row_h):
                self.text(self.left, self.y, self.width, self.f_body_bold.line, self.f_body_bold, self.c_text,
                          phrase("continued", heading=title))
                self.y = self.table_header(columns, self.y + self.f_body_bold.line + 6)
            if index % 2 == 1:
                self.fill(self.left, self.y, self.width, row_h, self.c_row_tint)
            if run > 1:  # several quiet weeks in a row: one calm line
                _, cx, cw, _align = columns[0]
                self.text(cx, self.y, cw, row_h, self.f_table, self.c_muted,
                          calendar_date(week.start, short=True))
                last_day = week.start + timedelta(days=7 * run - 1)
                span_x = columns[1][1]
                self.text(span_x, self.y, self.right - span_x - 6, row_h, self.f_note, self.c_muted,
                          phrase("quiet_run", n=run, until=calendar_date(last_day, short=True)), align="center")
                self.y += row_h
                continue
            quiet = week.ruptures == 0
            colour = self.c_muted if quiet else self.c_text
            cells = (
                calendar_date(week.start, short=True),
                str(week.ruptures) if not quiet else none,
                str(week.open) if week.open else none,
                format_minutes(week.median_repair_minutes) or none,
                str(week.long_breaks) if week.long_breaks else none,
                format_activation(week.median_activation),
            )
            for text, (_, cx, cw, align) in zip(cells, columns):
                self.text(cx, self.y, cw, row_h, self.f_table, colour, text, align=align)
            self.y += row_h

    def _fitted_columns(self, titles, cells, aligns, caps, pad: float = 6.0):
        """Columns as wide as their widest cell or title word (up to a cap); the
        last column gets the rest. Room the last column does not need widens
        the others, so that their titles fit on one line where they can."""
        head = self.f_table_head
        slack = 1.5  # elision measures a little more strictly than advance widths
        cell_w = [max((self.f_table.width(t) for t in set(cells[i])), default=0.0) + slack
                  for i in range(len(titles))]

        def fit(title_w: float, index: int) -> float:
            return min(max(title_w + slack, cell_w[index]), caps[index]) + 2 * pad

        # Per column: the width with the title one word a line, in two lines, in one.
        levels = []
        for index, title in enumerate(titles[:-1]):
            parts = title.split()
            two = min((max(head.width(" ".join(parts[:cut])), head.width(" ".join(parts[cut:])))
                       for cut in range(1, len(parts))), default=head.width(title))
            levels.append([fit(max(head.width(p) for p in parts), index), fit(two, index),
                           fit(head.width(title), index)])
        widths = [level[0] for level in levels]
        spare = self.width - sum(widths) - (cell_w[-1] + 2 * pad)
        for step in (1, 2):
            for index in sorted(range(len(widths)), key=lambda i: levels[i][step] - widths[i]):
                extra = levels[index][step] - widths[index]
                if 0 < extra <= spare:
                    widths[index] += extra
                    spare -= extra
        widths.append(self.width - sum(widths))
        columns = []
        x = float(self.left)
        for title, w, align in zip(titles, widths, aligns):
            columns.append((title, x + pad, w - 2 * pad, align))
            x += w
        return columns

    def episode_section(self) -> None:
        c = self.content
        title = phrase("episodes_heading")
        self.heading(title, phrase("episodes_intro_notes") if c.include_notes else phrase("episodes_intro"))
        titles = (phrase("col_when"), phrase("col_repair"), phrase("col_break"), phrase("col_paused_by"),
                  phrase("col_activation_pair"), phrase("col_cycle"))
        aligns = ("left",) * len(titles)
        cells = list(zip(*((r.when, r.repair, r.had_break, r.paused_by, r.activation, r.cycle)
                           for r in c.rows)))
        columns = self._fitted_columns(titles, cells, aligns, caps=(130, 70, 60, 90, 60), pad=5.0)
        line_h = self.f_table.line
        note_x = columns[1][1]
        note_w = self.right - note_x - 14  # after the accent bar and its gap
        note_line = self.f_note.line
        # Who paused (a long name) and the pattern (free words) go on as many lines as
        # they need, never cut; they are few, so each is wrapped once.
        wrapped: dict[tuple[int, str], list[str]] = {}

        def lines(column: int, text: str) -> list[str]:
            found = wrapped.get((column, text))
            if found is None:
                found = wrapped[(column, text)] = self.f_table.wrap(text, columns[column][2]) or [""]
            return found

        self.y = self.table_header(columns, self.y)

        def continue_table() -> None:
            self.text(self.left, self.y, self.width, self.f_body_bold.line, self.f_body_bold, self.c_text,
                      phrase("continued", heading=title))
            self.y = self.table_header(columns, self.y + self.f_body_bold.line + 6)

        for row in c.rows:
            who, pattern = lines(3, row.paused_by), lines(len(columns) - 1, row.cycle)
            row_h = max(len(who), len(pattern)) * line_h + 5
            note_lines = self.f_note.wrap(row.note, note_w) if row.note else []
            # Keep a row with (up to six lines of) its note on one page.
            keep = row_h + min(len(note_lines), 6) * note_line + (4 if note_lines else 0)
            if self.need(keep):
                continue_table()
            for index, (text, (_, cx, cw, align)) in enumerate(zip(
                    (row.when, row.repair, row.had_break, None, row.activation), columns)):
                if text is None:
                    continue  # who paused: below, line by line
                muted = index == 1 and row.is_open
                self.text(cx, self.y + 2.5, cw, line_h, self.f_note if muted else self.f_table,
                          self.c_muted if muted else self.c_text, text, align=align)
            for column, shown in ((3, who), (len(columns) - 1, pattern)):
                _, cx, cw, align = columns[column]
                for number, line in enumerate(shown):
                    self.text(cx, self.y + 2.5 + number * line_h, cw, line_h, self.f_table, self.c_text,
                              line, align=align)
            self.y += row_h
            if note_lines:
                top = self.y
                for line in note_lines:
                    if self.need(note_line):
                        continue_table()
                        top = self.y
                    self.text(note_x + 8, self.y, note_w, note_line, self.f_note, self.c_text, line, elide=False)
                    self.y += note_line
                    self.fill(note_x, top, 1.6, self.y - top, self.c_accent)
                    top = self.y
                self.y += 4
            self.hline(self.left, self.right, self.y, self.c_line, 0.5)
