"""The report's fonts and page primitives, in points, drawn with QPainter.

Layout is computed in points (1/72 in) and drawn on the writer's device
(300 dpi): a :class:`Page` lays text, lines and fills out into pages of
drawing steps, then draws them, with a footer "page N of M" on each, so
the total page count is known when the footers are drawn. The text is
DejaVu Sans (shipped with most Linux systems and required by CI) or the
system's sans-serif font, embedded as a subset, so it can be selected,
searched and extracted (``pdftotext``). The colours are the light ones of
theme.toml, whatever the screen shows.

This module imports Qt; the package imports it only when a report is written.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtGui

from couplepause import APP_NAME
from couplepause.export.pdf.content import Content, phrase

FONT_FAMILIES = ("DejaVu Sans", "Liberation Sans", "Noto Sans", "Helvetica", "Arial")

# Type sizes (pt) and spacing (pt).
SIZE_TITLE = 30
SIZE_KICKER = 10
SIZE_SUBTITLE = 13
SIZE_HEADING = 16
SIZE_LEAD = 12.5
SIZE_BODY = 10
SIZE_FIGURE = 21
SIZE_SMALL = 8.5
SIZE_TABLE = 8.5
SIZE_FOOTER = 7.5
MARGIN_X = 56
MARGIN_TOP = 52
MARGIN_BOTTOM = 60
FOOTER_FROM_BOTTOM = 34
RUNNING_HEADER = 30  # room taken by the running header on pages after the cover


class Font:
    """A QFont with its metrics in points on the PDF device."""

    def __init__(self, family: str, size: float, device, *, bold=False, italic=False, medium=False):
        font = QtGui.QFont(family)
        font.setPointSizeF(size)
        font.setStyleHint(QtGui.QFont.StyleHint.SansSerif)
        font.setHintingPreference(QtGui.QFont.HintingPreference.PreferNoHinting)
        if bold:
            font.setWeight(QtGui.QFont.Weight.Bold)
        elif medium:
            font.setWeight(QtGui.QFont.Weight.DemiBold)
        font.setItalic(italic)
        # No ligatures: "fi" stays two letters, so the text searches and copies as typed.
        for tag in ("liga", "clig"):
            font.setFeature(QtGui.QFont.Tag(tag), 0)
        self.qfont = font
        self.device = device
        self.metrics = QtGui.QFontMetricsF(font, device)
        self.scale = device.resolution() / 72.0
        self.line = self.metrics.lineSpacing() / self.scale  # baseline to baseline, in points

    def width(self, text: str) -> float:
        return self.metrics.horizontalAdvance(text) / self.scale

    def elide(self, text: str, width: float) -> str:
        if self.width(text) <= width:
            return text
        return self.metrics.elidedText(text, QtCore.Qt.TextElideMode.ElideRight, width * self.scale)

    def wrap(self, text: str, width: float) -> list[str]:
        """The text broken into lines no wider than ``width`` points (paragraphs kept)."""
        lines: list[str] = []
        limit = width * self.scale
        for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            paragraph = paragraph.replace("\t", " ").rstrip()
            if not paragraph:
                lines.append("")
                continue
            layout = QtGui.QTextLayout(paragraph, self.qfont, self.device)
            layout.beginLayout()
            while True:
                line = layout.createLine()
                if not line.isValid():
                    break
                line.setLineWidth(limit)
                lines.append(paragraph[line.textStart(): line.textStart() + line.textLength()].rstrip())
            layout.endLayout()
        while lines and not lines[-1]:
            lines.pop()
        return lines


Op = Callable[[object], None]  # one drawing step; it is handed the QPainter


class Page:
    """Lays the report out into pages of drawing steps, then draws them.

    The chart (``chart.py``) and the sections (``sections.py``) add what
    goes on the pages; this class holds the fonts, the colours, the cursor
    ``y`` and the primitives.
    """

    def __init__(self, writer, content: Content):
        from couplepause.common.texts import resource_data

        palette = resource_data("theme")["colors"]  # the light colours, whatever the screen shows

        def color(name: str):
            return QtGui.QColor(palette[name])

        self.content = content
        self.u = writer.resolution() / 72.0
        full = writer.pageLayout().fullRectPoints()
        self.page_w = float(full.width())
        self.page_h = float(full.height())
        self.left = MARGIN_X
        self.right = self.page_w - MARGIN_X
        self.width = self.right - self.left
        self.bottom = self.page_h - MARGIN_BOTTOM

        families = set(QtGui.QFontDatabase.families())
        family = next((f for f in FONT_FAMILIES if f in families), "")
        if not family:
            family = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.GeneralFont).family()

        def make(size: float, **kw: bool) -> Font:
            return Font(family, size, writer, **kw)

        self.f_kicker = make(SIZE_KICKER, medium=True)
        self.f_title = make(SIZE_TITLE, bold=True)
        self.f_subtitle = make(SIZE_SUBTITLE)
        self.f_heading = make(SIZE_HEADING, bold=True)
        self.f_lead = make(SIZE_LEAD)
        self.f_body = make(SIZE_BODY)
        self.f_body_bold = make(SIZE_BODY, bold=True)
        self.f_figure = make(SIZE_FIGURE, bold=True)
        self.f_small = make(SIZE_SMALL)
        self.f_small_bold = make(SIZE_SMALL, bold=True)
        self.f_table = make(SIZE_TABLE)
        self.f_table_head = make(SIZE_TABLE, bold=True)
        self.f_note = make(SIZE_TABLE, italic=True)
        self.f_footer = make(SIZE_FOOTER)

        self.c_text = color("text")
        self.c_muted = color("muted")
        self.c_line = color("line")
        self.c_accent = color("accent")
        self.c_surface = color("surface")
        self.c_background = color("background")
        # Chart marks: calm, and told apart by shape as well as by colour.
        self.c_point = QtGui.QColor(color("accent"))
        self.c_point.setAlphaF(0.55)
        self.c_break = QtGui.QColor(color("pacer_out")).darker(135)
        self.c_break.setAlphaF(0.8)
        self.c_trend = color("pause_pressed")
        self.c_open = color("muted")
        self.c_grid = QtGui.QColor(color("line"))
        self.c_row_tint = QtGui.QColor(color("background"))
        self.c_row_tint.setAlphaF(0.55)

        self.pages: list[list[Op]] = []
        self.ops: list[Op] = []
        self.y = 0.0

    # ------------------------------------------------------------ primitives
    def rect(self, x: float, y: float, w: float, h: float):
        u = self.u
        return QtCore.QRectF(x * u, y * u, w * u, h * u)

    def text(self, x, y, w, h, font: Font, colour, text: str, align: str = "left", elide: bool = True):
        """One line of text in the box (points); vertically centred."""
        flags = QtCore.Qt.AlignmentFlag.AlignVCenter | {
            "left": QtCore.Qt.AlignmentFlag.AlignLeft,
            "right": QtCore.Qt.AlignmentFlag.AlignRight,
            "center": QtCore.Qt.AlignmentFlag.AlignHCenter,
        }[align]
        flags |= QtCore.Qt.TextFlag.TextSingleLine
        shown = font.elide(text, w) if elide else text
        box = self.rect(x, y, w, h)

        def op(p, font=font.qfont, colour=colour, box=box, flags=flags, shown=shown):
            p.setFont(font)
            p.setPen(colour)
            p.drawText(box, int(flags), shown)

        self.ops.append(op)

    def hline(self, x0: float, x1: float, y: float, colour, width: float = 0.6):
        u = self.u
        pen = QtGui.QPen(colour, width * u)
        line = QtCore.QLineF(x0 * u, y * u, x1 * u, y * u)

        def op(p, pen=pen, line=line):
            p.setPen(pen)
            p.drawLine(line)

        self.ops.append(op)

    def fill(self, x, y, w, h, colour, radius: float = 0.0):
        box = self.rect(x, y, w, h)
        r = radius * self.u

        def op(p, box=box, colour=colour, r=r):
            p.setPen(QtCore.Qt.PenStyle.NoPen)
            p.setBrush(colour)
            if r:
                p.drawRoundedRect(box, r, r)
            else:
                p.drawRect(box)
            p.setBrush(QtCore.Qt.BrushStyle.NoBrush)

        self.ops.append(op)

    def paragraph(self, font: Font, colour, text: str, *, x=None, width=None, gap_after=0.0):
        """Wrapped text from the cursor down; moves to a new page line by line if needed."""
        x = self.left if x is None else x
        width = self.width if width is None else width
        for line in font.wrap(text, width):
            self.need(font.line)
            self.text(x, self.y, width, font.line, font, colour, line, elide=False)
            self.y += font.line
        self.y += gap_after

    # ----------------------------------------------------------------- pages
    def new_page(self, running_header: bool = True) -> None:
        self.ops = []
        self.pages.append(self.ops)
        self.y = MARGIN_TOP
        if running_header:
            title = phrase("running_title")
            self.text(self.left, self.y, self.width * 0.6, 12, self.f_small, self.c_muted, title)
            self.text(self.left + self.width * 0.4, self.y, self.width * 0.6, 12, self.f_small,
                      self.c_muted, self.content.range_text, align="right")
            self.hline(self.left, self.right, self.y + 16, self.c_line)
            self.y += RUNNING_HEADER

    def need(self, height: float) -> bool:
        """Start a new page unless ``height`` points still fit; True if it did."""
        if self.y + height <= self.bottom:
            return False
        self.new_page()
        return True

    def heading(self, title: str, intro: str | None = None, keep_with: float = 60.0) -> None:
        room = self.f_heading.line + 10 + (self.f_body.line * 2 if intro else 0) + keep_with
        if self.pages and self.y > MARGIN_TOP + RUNNING_HEADER + 1:
            if self.y + 24 + room > self.bottom:
                self.new_page()
            else:
                self.y += 24
        self.text(self.left, self.y, self.width, self.f_heading.line, self.f_heading, self.c_text, title)
        self.y += self.f_heading.line + 4
        if intro:
            self.paragraph(self.f_body, self.c_muted, intro)
        self.y += 10

    # ------------------------------------------------------------------ draw
    # ---------------------------------------------------------------- tables
    def table_header(self, columns, y: float) -> float:
        """The column titles (wrapped to their width, bottom-aligned); returns the y below."""
        font = self.f_table_head
        wrapped = [font.wrap(title, cw) or [""] for title, cx, cw, align in columns]
        lines = max(len(w) for w in wrapped)
        h = lines * font.line + 8
        for title_lines, (_, cx, cw, align) in zip(wrapped, columns):
            ly = y + 4 + (lines - len(title_lines)) * font.line
            for line in title_lines:
                self.text(cx, ly, cw, font.line, font, self.c_muted, line, align=align)
                ly += font.line
        self.hline(self.left, self.right, y + h, self.c_muted, 0.8)
        return y + h + 2

    def columns(self, titles, widths, aligns, pad: float = 6.0):
        """Columns (title, x, width, align) sharing the page's width by ``widths``."""
        columns = []
        x = self.left
        for title, share, align in zip(titles, widths, aligns):
            w = self.width * share
            columns.append((title, x + pad, w - 2 * pad, align))
            x += w
        return columns

    def draw(self, painter, writer) -> None:
        total = len(self.pages)
        for number, ops in enumerate(self.pages, start=1):
            if number > 1:
                writer.newPage()
            for op in ops:
                op(painter)
            self.footer(painter, number, total)

    def footer(self, painter, number: int, total: int) -> None:
        u = self.u
        y = self.page_h - FOOTER_FROM_BOTTOM
        painter.setPen(QtGui.QPen(self.c_line, 0.6 * u))
        painter.drawLine(QtCore.QLineF(self.left * u, (y - 6) * u, self.right * u, (y - 6) * u))
        painter.setFont(self.f_footer.qfont)
        painter.setPen(self.c_muted)
        painter.drawText(self.rect(self.left, y, self.width / 2, 12),
                         int(QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignVCenter), APP_NAME)
        painter.drawText(
            self.rect(self.left + self.width / 2, y, self.width / 2, 12),
            int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter),
            phrase("footer", page=number, pages=total, date=self.content.exported_text),
        )
