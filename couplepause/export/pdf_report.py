"""The report for the couple's therapist: a PDF drawn with QPainter on QPdfWriter.

No PDF library besides Qt. The pages, in order:

1. **Cover**: the date range, the export date, the plain-language summary
   (``core.stats.summary``), the key figures (``stats.overview``: pauses,
   median time to repair, share that needed a longer break, median activation)
   and a short guide to reading the report. An empty range gets a cover that
   says so kindly, and nothing else (still a valid PDF).
2. **Chart**: time to repair per pause over the dates (``stats.series``), open
   pauses as hollow rings in a band along the top, the rolling-median trend
   as a line (over ``stats.ROLLING_N`` pauses, wider for a dense history: see
   :func:`trend_window`; the legend says how many). The minutes axis turns
   logarithmic when the largest repair time is more than 20 times the
   smallest (the axis label says so).
3. **Week by week** (``stats.weekly``): pauses, median time to repair, longer
   breaks and median activation per local week (Monday first); a run of
   quiet weeks is one calm line ("3 quiet weeks, up to ...").
4. **Every pause**: one row per episode (local date and time, time to repair
   or "still open", break, who paused, activation, pattern in words), the note
   under its row only when the couple opted in. The table header repeats on
   every page.

Every page after the cover has a running header; every page a footer
"page N of M · exported <date>". Pages are laid out first and drawn second,
so the total page count is known when the footers are drawn.

**Paper size**: US Letter where Letter is the customary paper (the
territories CLDR lists for US-Letter: the US, Canada, Mexico, the
Philippines, Chile, Colombia, Venezuela and a few more in Central America),
or where Qt reports the US measurement system; A4 everywhere else. The
locale is ``QLocale()``: on Linux from LC_ALL / LANG (``en_US.UTF-8`` and
``fr_CA.UTF-8`` give Letter, ``en_GB.UTF-8``, ``de_DE.UTF-8`` and the C
locale A4), on Windows and macOS from the regional settings.

**Layout** is computed in points (1/72 in) and drawn on a 300 dpi device;
the text is DejaVu Sans (shipped with most Linux systems and required by CI)
or the system's sans-serif font, embedded as a subset, so it can be
selected, searched and extracted (``pdftotext``).

**Qt**: this module imports no Qt until a report is written, so the JSON
and CSV exports stay Qt-free. Writing one needs a ``QGuiApplication`` (for
fonts); if there is none, one is created, and
``QT_QPA_PLATFORM=offscreen`` is set first on Linux and the BSDs (see
:func:`prefer_offscreen_platform`).
No window is ever shown.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, BinaryIO, Callable, MutableMapping

from couplepause import APP_NAME, __version__
from couplepause.core.episode import Episode
from couplepause.export.base import ExportError, ExportOptions, Exporter
from couplepause.texts import section, word_list, words

if TYPE_CHECKING:  # pragma: no cover - names for the type hints only
    from couplepause.core.stats import Point, Week

# Territories whose customary paper is US Letter (CLDR supplemental
# measurementData, paperSize "US-Letter"). ISO 3166 codes as QLocale gives them.
LETTER_TERRITORIES = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "NI", "PA", "PR", "SV", "BZ"}
)
A4 = "A4"
LETTER = "Letter"

RESOLUTION_DPI = 300
LOG_SCALE_RATIO = 20.0  # a log axis when max / min repair time exceeds this
LOG_FLOOR_MINUTES = 0.5
TREND_WINDOW_SHARE = 40  # a dense history's trend spans 1/40 of its pauses...
TREND_WINDOW_MAX = 25  # ...but never more than this many  # on a log axis, quicker repairs sit on this line
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


# ---------------------------------------------------------------- headless Qt
def prefer_offscreen_platform(
    environ: MutableMapping[str, str] | None = None, platform: str | None = None
) -> bool:
    """Choose Qt's offscreen platform for drawing the report, where that is safe.

    Call it before the first ``QGuiApplication`` exists. A ``QT_QPA_PLATFORM``
    the user set is respected. On Linux and the BSDs the report is drawn on
    the offscreen platform, with or without a display: it needs no display,
    finds the same fonts (fontconfig) as the desktop platforms, and cannot
    fail on a stale ``DISPLAY`` (an SSH session without X forwarding), where
    the xcb platform would abort the process. Windows and macOS always have
    a display; their native platform is kept. Returns True when it set
    ``QT_QPA_PLATFORM=offscreen``.
    """
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if env.get("QT_QPA_PLATFORM"):
        return False
    if platform.startswith(("win", "darwin", "cygwin", "msys")):
        return False
    env["QT_QPA_PLATFORM"] = "offscreen"
    return True


def paper_for(territory_code: str, us_measurement: bool = False) -> str:
    """"Letter" or "A4" for a locale's territory (ISO 3166 code) - see the module docstring."""
    if territory_code.upper() in LETTER_TERRITORIES or us_measurement:
        return LETTER
    return A4


_APP = None  # the QGuiApplication this module made, kept alive for the process
QtCore = QtGui = None  # Qt's modules, imported by _load_qt() when a report is written


def _load_qt() -> None:
    """Import Qt into this module's globals, on the first report only."""
    global QtCore, QtGui
    if QtGui is None:
        from PySide6 import QtCore, QtGui  # noqa: F811 - filled in here, on purpose


def _gui_application():
    global _APP
    _load_qt()
    app = QtCore.QCoreApplication.instance()
    if app is None:
        prefer_offscreen_platform()
        _APP = app = QtGui.QGuiApplication([APP_NAME])
    elif not isinstance(app, QtGui.QGuiApplication):
        raise ExportError(
            "the PDF report needs Qt's GUI module, but a console-only Qt application is "
            "running; export the PDF from the couplepause command line"
        )
    return app


# ------------------------------------------------------------------- words
def _w(key: str, **values) -> str:
    return words("report", key, **values)


def _month(month: int, short: bool = False) -> str:
    return word_list("report", "months_short")[month - 1] if short else word_list("summary", "months")[month - 1]


def format_date(day: date, short: bool = False) -> str:
    """"2 March 2026" (or "2 Mar 2026")."""
    return _w("date", day=day.day, month=_month(day.month, short), year=day.year)


def format_when(moment: datetime) -> str:
    """"Mon 2 Mar 2026, 21:04" for a local time."""
    return _w(
        "when",
        weekday=word_list("report", "weekdays_short")[moment.weekday()],
        date=format_date(moment.date(), short=True),
        time=f"{moment.hour:02d}:{moment.minute:02d}",
    )


def format_minutes(minutes: float | None) -> str:
    """A time to repair in short words: "< 1 min", "12 min", "1 h 20 min"; "" for None."""
    if minutes is None:
        return ""
    if minutes < 1:
        return _w("under_a_minute")
    whole = int(round(minutes))
    if whole < 60:
        return _w("minutes_short", n=whole)
    hours, rest = divmod(whole, 60)
    if rest == 0:
        return _w("hours_short", h=hours)
    return _w("hours_minutes_short", h=hours, m=rest)


def format_activation(value: float | None) -> str:
    if value is None:
        return _w("none")
    return f"{value:.1f}".removesuffix(".0")


def _break_minutes(episode: Episode) -> float | None:
    seconds = episode.break_seconds
    return None if seconds is None else seconds / 60.0


# --------------------------------------------------------------- the content
@dataclass
class _EpisodeRow:
    when: str
    repair: str
    is_open: bool
    had_break: str
    paused_by: str
    activation: str
    cycle: str
    note: str | None


@dataclass
class _Content:
    """Everything the report says, as plain text and numbers (no Qt)."""

    first_day: date | None
    last_day: date | None
    range_text: str
    exported_text: str
    summary: list[str]
    figures: list[tuple[str, str]]
    figures_line: str
    privacy: list[str]
    points: list["Point"] = field(default_factory=list)
    weeks: list["Week"] = field(default_factory=list)
    rows: list[_EpisodeRow] = field(default_factory=list)
    include_notes: bool = False
    names: tuple[str, str] = ("Partner A", "Partner B")
    trend_window: int = 5

    @property
    def empty(self) -> bool:
        return not self.rows


def trend_window(count: int, smallest: int) -> int:
    """How many pauses the trend's rolling median spans.

    The app's own window (``stats.ROLLING_N``) for a usual history; a dense
    one (hundreds of pauses in the range) gets a wider window, about one
    fortieth of the pauses and at most TREND_WINDOW_MAX, so the line shows a
    trend rather than the noise. The legend says how many pauses it spans.
    """
    return max(smallest, min(TREND_WINDOW_MAX, round(count / TREND_WINDOW_SHARE)))


def build_content(episodes: list[Episode], options: ExportOptions) -> _Content:
    """The report's words and figures for these (filtered, private) episodes."""
    from couplepause.core import stats

    exported = options.moment()
    window = trend_window(len(episodes), getattr(stats, "ROLLING_N", 5))
    points = stats.series(episodes, window=window)
    first = points[0].local.date() if points else None
    last = points[-1].local.date() if points else None
    since = options.since or first
    until = options.until or last
    if since and until:
        range_text = _w("range", since=format_date(since), until=format_date(until))
    elif since:
        range_text = _w("range_from", since=format_date(since))
    elif until:
        range_text = _w("range_until", until=format_date(until))
    else:
        range_text = _w("range_none")
    a_name, b_name = options.names
    privacy = [_w("notes_included") if options.include_notes else _w("notes_left_out")]
    privacy.append(_w("names_included") if options.include_names else _w("names_left_out"))

    content = _Content(
        first_day=since,
        last_day=until,
        range_text=range_text,
        exported_text=format_date(exported.astimezone().date()),
        summary=[],
        figures=[],
        figures_line="",
        privacy=privacy,
        include_notes=options.include_notes,
        names=(a_name, b_name),
        trend_window=window,
    )
    if not episodes:
        return content

    overview = stats.overview(episodes)
    content.summary = list(stats.summary(episodes, now=exported))
    share = overview.share_with_break
    content.figures = [
        (_w("figure_pauses"), f"{overview.episodes:,}"),
        (_w("figure_median"), format_minutes(overview.median_repair_minutes) or _w("none")),
        (_w("figure_break"), _w("percent", n=round(share * 100)) if share is not None else _w("none")),
        (
            _w("figure_activation"),
            _w("out_of_ten", value=format_activation(overview.median_activation))
            if overview.median_activation is not None
            else _w("none"),
        ),
    ]
    content.figures_line = _w("figures_line", repaired=overview.repaired, open=overview.open)
    content.points = points
    content.weeks = stats.weekly(episodes)

    by_id = {e.id: e for e in episodes}
    who_words = {"a": a_name, "b": b_name, "both": _w("both")}
    cycles = section("cycles")
    none = _w("none")
    rows = []
    for point in points:
        episode = by_id[point.episode_id]
        act = episode.activation or {}
        a_act, b_act = act.get("a"), act.get("b")
        rows.append(
            _EpisodeRow(
                when=format_when(point.local),
                repair=format_minutes(point.repair_minutes) if point.repair_minutes is not None else _w("open"),
                is_open=point.repair_minutes is None,
                had_break=format_minutes(_break_minutes(episode)) if episode.breaks else none,
                paused_by=who_words.get(episode.paused_by or "", none),
                activation=(
                    none
                    if a_act is None and b_act is None
                    else _w(
                        "activation_pair",
                        a=none if a_act is None else a_act,
                        b=none if b_act is None else b_act,
                    )
                ),
                cycle=cycles.get(episode.cycle, none) if episode.cycle else none,
                note=episode.note if options.include_notes and episode.note else None,
            )
        )
    content.rows = rows
    return content


# ----------------------------------------------------------------- exporter
class PdfExporter(Exporter):
    """The report, drawn with QPainter on a QPdfWriter: no pixmaps, no widgets,
    so it may be written on a worker thread (the Export dialog does)."""

    name = "pdf"
    suffix = ".pdf"
    description = "a readable report for your therapist (PDF)"

    def write(self, episodes: list[Episode], options: ExportOptions, stream: BinaryIO) -> None:
        content = build_content(episodes, options)
        stream.write(render(content))


def render(content: _Content, paper: str | None = None) -> bytes:
    """The PDF bytes for the content; ``paper`` is "A4", "Letter" or None (from the locale)."""
    _gui_application()
    if paper is None:
        locale = QtCore.QLocale()
        paper = paper_for(
            QtCore.QLocale.territoryToCode(locale.territory()),
            locale.measurementSystem() == QtCore.QLocale.MeasurementSystem.ImperialUSSystem,
        )
    data = QtCore.QByteArray()
    buffer = QtCore.QBuffer(data)
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    writer = QtGui.QPdfWriter(buffer)
    writer.setResolution(RESOLUTION_DPI)
    size_id = QtGui.QPageSize.PageSizeId.Letter if paper == LETTER else QtGui.QPageSize.PageSizeId.A4
    writer.setPageLayout(
        QtGui.QPageLayout(
            QtGui.QPageSize(size_id),
            QtGui.QPageLayout.Orientation.Portrait,
            QtCore.QMarginsF(0, 0, 0, 0),
            QtGui.QPageLayout.Unit.Point,
        )
    )
    writer.setTitle(_w("document_title", range=content.range_text))
    writer.setCreator(f"{APP_NAME} {__version__}")
    painter = QtGui.QPainter()
    if not painter.begin(writer):
        raise ExportError("Qt could not start drawing the PDF; check that Qt's PDF support is installed")
    try:
        report = _Renderer(writer, content)
        report.layout()
        report.draw(painter, writer)
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


# ----------------------------------------------------------------- drawing
class _Font:
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


class _Renderer:
    """Lays the report out into pages of drawing steps, then draws them."""

    def __init__(self, writer, content: _Content):
        from couplepause.texts import resource_data

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
        make = lambda size, **kw: _Font(family, size, writer, **kw)  # noqa: E731
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

    def text(self, x, y, w, h, font: _Font, colour, text: str, align: str = "left", elide: bool = True):
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

    def paragraph(self, font: _Font, colour, text: str, *, x=None, width=None, gap_after=0.0):
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
            title = _w("running_title")
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

    # ---------------------------------------------------------------- layout
    def layout(self) -> None:
        self.cover()
        if self.content.empty:
            return
        self.new_page()
        self.chart_section()
        self.weekly_section()
        self.episode_section()

    def cover(self) -> None:
        c = self.content
        self.new_page(running_header=False)
        self.y = MARGIN_TOP + 22
        self.fill(0, 0, self.page_w, 8, self.c_accent)
        self.text(self.left, self.y, self.width, 14, self.f_kicker, self.c_accent, _w("kicker"))
        self.y += 24
        for line in self.f_title.wrap(_w("title"), self.width):
            self.text(self.left, self.y, self.width, self.f_title.line, self.f_title, self.c_text, line)
            self.y += self.f_title.line
        self.y += 8
        self.text(self.left, self.y, self.width, self.f_subtitle.line, self.f_subtitle, self.c_text, c.range_text)
        self.y += self.f_subtitle.line + 2
        self.text(self.left, self.y, self.width, self.f_body.line, self.f_body, self.c_muted,
                  _w("cover_exported", date=c.exported_text))
        self.y += self.f_body.line + 18
        self.hline(self.left, self.left + 64, self.y, self.c_accent, 2.0)
        self.y += 26

        if c.empty:
            if c.first_day and c.last_day:
                lead = _w("empty_between", since=format_date(c.first_day), until=format_date(c.last_day))
            elif c.first_day:
                lead = _w("empty_from", since=format_date(c.first_day))
            elif c.last_day:
                lead = _w("empty_until", until=format_date(c.last_day))
            else:
                lead = _w("empty")
            self.paragraph(self.f_lead, self.c_text, lead, gap_after=8)
            self.paragraph(self.f_lead, self.c_text, _w("empty_kind"), gap_after=24)
            self.privacy_block()
            return

        self.text(self.left, self.y, self.width, self.f_small_bold.line, self.f_small_bold, self.c_muted,
                  _w("summary_heading").upper())
        self.y += self.f_small_bold.line + 6
        for sentence in c.summary:
            self.paragraph(self.f_lead, self.c_text, sentence, gap_after=5)
        self.y += 20

        self.text(self.left, self.y, self.width, self.f_small_bold.line, self.f_small_bold, self.c_muted,
                  _w("figures_heading").upper())
        self.y += self.f_small_bold.line + 8
        gap = 10.0
        box_w = (self.width - gap * (len(c.figures) - 1)) / len(c.figures)
        label_lines = [self.f_small.wrap(label, box_w - 20) for label, _ in c.figures]
        box_h = 18 + self.f_figure.line + 6 + max(len(lines) for lines in label_lines) * self.f_small.line + 14
        for index, ((label, value), lines) in enumerate(zip(c.figures, label_lines)):
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
                  _w("how_heading").upper())
        self.y += self.f_small_bold.line + 6
        for term, meaning in section("report")["how"]:
            lines = self.f_body.wrap(meaning, self.width - 120)
            self.need(len(lines) * self.f_body.line)
            self.text(self.left, self.y, 112, self.f_body.line, self.f_body_bold, self.c_text, term)
            for line in lines:
                self.text(self.left + 120, self.y, self.width - 120, self.f_body.line, self.f_body,
                          self.c_text, line, elide=False)
                self.y += self.f_body.line
            self.y += 5
        self.y += 16
        self.privacy_block()

    def privacy_block(self) -> None:
        for line in self.content.privacy + [_w("not_therapy")]:
            self.paragraph(self.f_small, self.c_muted, line, gap_after=2)

    # ----------------------------------------------------------------- chart
    def chart_section(self) -> None:
        c = self.content
        if all(p.repair_minutes is None for p in c.points):
            self.heading(_w("chart_heading"))
            self.paragraph(self.f_lead, self.c_text, _w("chart_none"), gap_after=12)
            return
        self.heading(_w("chart_heading"), _w("chart_intro", n=c.trend_window))
        height = min(330.0, self.bottom - self.y - 40)
        self.chart(self.left, self.y, self.width, height)
        self.y += height + 10
        self.legend()

    def legend(self) -> None:
        u = self.u
        points = self.content.points
        # Only the kinds of mark this chart shows.
        entries = [
            ("dot", _w("legend_repaired"),
             any(p.repair_minutes is not None and not p.had_break for p in points)),
            ("diamond", _w("legend_break"), any(p.repair_minutes is not None and p.had_break for p in points)),
            ("ring", _w("legend_open"), any(p.repair_minutes is None for p in points)),
            ("line", _w("legend_trend", n=self.content.trend_window), True),
        ]
        entries = [(kind, label) for kind, label, shown in entries if shown]
        x = self.left
        y = self.y + self.f_small.line / 2
        for kind, label in entries:
            cx, cy = x + 5, y
            if kind == "line":
                self.hline(x, x + 16, cy, self.c_trend, 1.6)
                x += 22
            else:
                def op(p, kind=kind, centre=QtCore.QPointF(cx * u, cy * u)):
                    self._mark(p, kind, centre, 2.8 * u)

                self.ops.append(op)
                x += 13
            w = self.f_small.width(label)
            self.text(x, self.y, w + 2, self.f_small.line, self.f_small, self.c_muted, label, elide=False)
            x += w + 18
        self.y += self.f_small.line + 8

    def _mark(self, p, kind: str, centre, r: float) -> None:
        if kind == "dot":
            p.setPen(QtCore.Qt.PenStyle.NoPen)
            p.setBrush(self.c_point)
            p.drawEllipse(centre, r, r)
        elif kind == "diamond":
            p.setPen(QtCore.Qt.PenStyle.NoPen)
            p.setBrush(self.c_break)
            d = r * 1.3
            p.drawPolygon(QtGui.QPolygonF([
                QtCore.QPointF(centre.x(), centre.y() - d), QtCore.QPointF(centre.x() + d, centre.y()),
                QtCore.QPointF(centre.x(), centre.y() + d), QtCore.QPointF(centre.x() - d, centre.y()),
            ]))
        else:
            p.setPen(QtGui.QPen(self.c_open, 0.8 * self.u))
            p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            p.drawEllipse(centre, r, r)
        p.setBrush(QtCore.Qt.BrushStyle.NoBrush)

    def chart(self, x: float, y: float, w: float, h: float) -> None:
        c = self.content
        u = self.u
        values = [p.repair_minutes for p in c.points if p.repair_minutes is not None]
        positive = [v for v in values if v > 0]
        low = max(min(positive), LOG_FLOOR_MINUTES) if positive else LOG_FLOOR_MINUTES
        high = max(values)
        log = high / low > LOG_SCALE_RATIO
        if log:
            ticks = _log_ticks(low, high)
            lo, hi = math.log10(ticks[0]), math.log10(ticks[-1])

            def scale(v: float) -> float:
                return (math.log10(max(v, ticks[0])) - lo) / (hi - lo)
        else:
            ticks = _linear_ticks(high)

            def scale(v: float) -> float:
                return v / ticks[-1]

        axis_label = _w("axis_minutes_log") if log else _w("axis_minutes")
        label_w = max(self.f_small.width(_tick_text(t)) for t in ticks) + 6
        has_open = any(p.repair_minutes is None for p in c.points)
        px0 = x + 14 + label_w  # room for the rotated axis label and the tick labels
        px1 = x + w - 6
        band = 18.0 if has_open else 0.0
        py0 = y + 8 + band + (8 if has_open else 0)
        py1 = y + h - 12 - 2 * self.f_small.line
        pw, ph = px1 - px0, py1 - py0

        first = c.first_day or c.points[0].local.date()
        last = c.last_day or c.points[-1].local.date()
        t0 = _timestamp(first)
        t1 = _timestamp(last + timedelta(days=1))
        span = max(t1 - t0, 1.0)

        inset = 6.0  # marks at the very first or last moment stay whole

        def xpos(t: float) -> float:
            return px0 + inset + (t - t0) / span * (pw - 2 * inset)

        def ypos(v: float) -> float:
            return py1 - scale(v) * ph

        # Background, grid and the minutes axis.
        self.fill(px0, py0, pw, ph, self.c_surface)
        for t in ticks:
            ty = ypos(t)
            self.hline(px0, px1, ty, self.c_grid, 0.5)
            self.text(px0 - label_w - 4, ty - 6, label_w, 12, self.f_small, self.c_muted, _tick_text(t), align="right")
        self.hline(px0, px1, py1, self.c_muted, 0.7)
        label_box = QtCore.QRectF(0, 0, ph * u, 12 * u)
        centre = QtCore.QPointF((x + 4) * u, (py0 + ph / 2) * u)

        def axis_op(p, label_box=label_box, centre=centre, text=axis_label):
            p.save()
            p.translate(centre)
            p.rotate(-90)
            p.translate(-label_box.width() / 2, -label_box.height() / 2)
            p.setFont(self.f_small.qfont)
            p.setPen(self.c_muted)
            p.drawText(label_box, int(QtCore.Qt.AlignmentFlag.AlignCenter), text)
            p.restore()

        self.ops.append(axis_op)

        # The date axis: a label is left out rather than drawn over another.
        shown_until = -math.inf
        for tick_day, tick_text, year_text in _date_ticks(first, last):
            tx = xpos(_timestamp(tick_day))
            if tx < px0 - 0.5 or tx > px1 + 0.5:
                continue
            tw = max(self.f_small.width(tick_text), self.f_small.width(year_text)) + 4
            left = min(max(tx - tw / 2, px0 - 10), px1 + 10 - tw)
            if left < shown_until + 6:
                continue
            shown_until = left + tw
            self.ops.append(lambda p, line=QtCore.QLineF(tx * u, py1 * u, tx * u, (py1 + 4) * u): (
                p.setPen(QtGui.QPen(self.c_muted, 0.7 * u)), p.drawLine(line)))
            self.text(left, py1 + 6, tw, 12, self.f_small, self.c_muted, tick_text, align="center", elide=False)
            if year_text:
                self.text(left, py1 + 6 + self.f_small.line, tw, 12, self.f_small, self.c_muted, year_text,
                          align="center", elide=False)

        # The open band along the top.
        if has_open:
            by = y + 8 + band / 2
            self.fill(px0, y + 8, pw, band, self.c_background)
            self.text(x, by - 6, px0 - x - 6, 12, self.f_small, self.c_muted, _w("axis_open"), align="right")

        dots, diamonds, rings, trend = [], [], [], []
        for point in c.points:
            px = xpos(point.paused_at.timestamp())
            if point.repair_minutes is None:
                rings.append(QtCore.QPointF(px * u, (y + 8 + band / 2) * u))
            else:
                target = diamonds if point.had_break else dots
                target.append(QtCore.QPointF(px * u, ypos(point.repair_minutes) * u))
            if point.trend_minutes is not None:
                trend.append(QtCore.QPointF(px * u, ypos(point.trend_minutes) * u))
        r = (2.0 if len(c.points) > 300 else 2.6 if len(c.points) > 60 else 3.2) * u
        clip = self.rect(px0, y, pw, py1 - y + 1)

        def marks_op(p, dots=dots, diamonds=diamonds, rings=rings, trend=QtGui.QPolygonF(trend), r=r, clip=clip):
            p.save()
            p.setClipRect(clip)
            p.setRenderHint(p.RenderHint.Antialiasing, True)
            for centre in dots:
                self._mark(p, "dot", centre, r)
            for centre in diamonds:
                self._mark(p, "diamond", centre, r)
            for centre in rings:
                self._mark(p, "ring", centre, r)
            if trend.size() > 1:
                pen = QtGui.QPen(self.c_trend, 1.6 * u)
                pen.setJoinStyle(QtCore.Qt.PenJoinStyle.RoundJoin)
                pen.setCapStyle(QtCore.Qt.PenCapStyle.RoundCap)
                p.setPen(pen)
                p.drawPolyline(trend)
            p.restore()

        self.ops.append(marks_op)

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

    def weekly_section(self) -> None:
        weeks = self.content.weeks
        if not weeks:
            return
        title = _w("weekly_heading")
        self.heading(title, _w("weekly_intro"))
        widths = (0.21, 0.13, 0.13, 0.19, 0.17, 0.17)
        titles = (_w("col_week"), _w("col_pauses"), _w("col_open"), _w("col_median"),
                  _w("col_breaks"), _w("col_activation"))
        aligns = ("left", "right", "right", "right", "right", "right")
        columns = self._columns(titles, widths, aligns)
        row_h = self.f_table.line + 5
        self.y = self.table_header(columns, self.y)
        none = _w("none")
        for index, (week, run) in enumerate(_quiet_runs(weeks)):
            if self.need(row_h):
                self.text(self.left, self.y, self.width, self.f_body_bold.line, self.f_body_bold, self.c_text,
                          _w("continued", heading=title))
                self.y = self.table_header(columns, self.y + self.f_body_bold.line + 6)
            if index % 2 == 1:
                self.fill(self.left, self.y, self.width, row_h, self.c_row_tint)
            if run > 1:  # several quiet weeks in a row: one calm line
                _, cx, cw, _align = columns[0]
                self.text(cx, self.y, cw, row_h, self.f_table, self.c_muted,
                          format_date(week.start, short=True))
                last_day = week.start + timedelta(days=7 * run - 1)
                span_x = columns[1][1]
                self.text(span_x, self.y, self.right - span_x - 6, row_h, self.f_note, self.c_muted,
                          _w("quiet_run", n=run, until=format_date(last_day, short=True)), align="center")
                self.y += row_h
                continue
            quiet = week.ruptures == 0
            colour = self.c_muted if quiet else self.c_text
            cells = (
                format_date(week.start, short=True),
                str(week.ruptures) if not quiet else none,
                str(week.open) if week.open else none,
                format_minutes(week.median_repair_minutes) or none,
                str(week.long_breaks) if week.long_breaks else none,
                format_activation(week.median_activation),
            )
            for text, (_, cx, cw, align) in zip(cells, columns):
                self.text(cx, self.y, cw, row_h, self.f_table, colour, text, align=align)
            self.y += row_h

    def _columns(self, titles, widths, aligns, pad: float = 6.0):
        columns = []
        x = self.left
        for title, share, align in zip(titles, widths, aligns):
            w = self.width * share
            columns.append((title, x + pad, w - 2 * pad, align))
            x += w
        return columns

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
        x = self.left
        for title, w, align in zip(titles, widths, aligns):
            columns.append((title, x + pad, w - 2 * pad, align))
            x += w
        return columns

    def episode_section(self) -> None:
        c = self.content
        title = _w("episodes_heading")
        self.heading(title, _w("episodes_intro_notes") if c.include_notes else _w("episodes_intro"))
        titles = (_w("col_when"), _w("col_repair"), _w("col_break"), _w("col_paused_by"),
                  _w("col_activation_pair"), _w("col_cycle"))
        aligns = ("left",) * len(titles)
        cells = list(zip(*((r.when, r.repair, r.had_break, r.paused_by, r.activation, r.cycle)
                           for r in c.rows)))
        columns = self._fitted_columns(titles, cells, aligns, caps=(130, 70, 60, 90, 60), pad=5.0)
        pattern_w = columns[-1][2]
        line_h = self.f_table.line
        note_x = columns[1][1]
        note_w = self.right - note_x - 14  # after the accent bar and its gap
        note_line = self.f_note.line
        wrapped: dict[str, list[str]] = {}  # the patterns are few: wrap each once
        self.y = self.table_header(columns, self.y)

        def continue_table() -> None:
            self.text(self.left, self.y, self.width, self.f_body_bold.line, self.f_body_bold, self.c_text,
                      _w("continued", heading=title))
            self.y = self.table_header(columns, self.y + self.f_body_bold.line + 6)

        for row in c.rows:
            pattern = wrapped.get(row.cycle)
            if pattern is None:
                pattern = wrapped[row.cycle] = self.f_table.wrap(row.cycle, pattern_w)[:2] or [""]
            row_h = len(pattern) * line_h + 5
            note_lines = self.f_note.wrap(row.note, note_w) if row.note else []
            # Keep a row with (up to six lines of) its note on one page.
            keep = row_h + min(len(note_lines), 6) * note_line + (4 if note_lines else 0)
            if self.need(keep):
                continue_table()
            for index, (text, (_, cx, cw, align)) in enumerate(zip(
                    (row.when, row.repair, row.had_break, row.paused_by, row.activation), columns)):
                muted = index == 1 and row.is_open
                self.text(cx, self.y + 2.5, cw, line_h, self.f_note if muted else self.f_table,
                          self.c_muted if muted else self.c_text, text, align=align)
            _, cx, cw, align = columns[-1]
            for number, line in enumerate(pattern):
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

    # ------------------------------------------------------------------ draw
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
            _w("footer", page=number, pages=total, date=self.content.exported_text),
        )


def _quiet_runs(weeks: list["Week"]) -> list[tuple["Week", int]]:
    """The weeks as table rows: (week, 1) each, except that two or more quiet
    weeks in a row (no pause) become one (first week, how many) row."""
    rows: list[tuple["Week", int]] = []
    for week in weeks:
        if week.ruptures == 0 and rows and rows[-1][0].ruptures == 0:
            first, run = rows[-1]
            rows[-1] = (first, run + 1)
        else:
            rows.append((week, 1))
    return rows


# ------------------------------------------------------------ axis helpers
def _timestamp(day: date) -> float:
    """The POSIX time of local midnight at the start of ``day``."""
    return datetime(day.year, day.month, day.day).astimezone().timestamp()


def _linear_ticks(high: float) -> list[float]:
    """0 and evenly spaced round values up to at least ``high`` (at most about 6 ticks)."""
    high = max(high, 1.0)
    raw = high / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    count = math.ceil(high / step - 1e-9)
    return [round(i * step, 6) for i in range(count + 1)]


def _log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 steps from at or below ``low`` to at or above ``high`` (minutes);
    thinned to 1-5 steps, then to powers of ten, when there would be too many."""
    ticks: list[float] = []
    exponent = math.floor(math.log10(low))
    while not ticks or ticks[-1] < high:
        for m in (1, 2, 5):
            value = m * 10.0**exponent
            if value * 2.5 <= low:
                continue  # the next step still reaches down to low
            if not ticks or ticks[-1] < high:
                ticks.append(value)
        exponent += 1

    def mantissa(value: float) -> int:
        return round(value / 10.0 ** math.floor(math.log10(value) + 1e-9))

    for kept in ((1, 5), (1,)):
        if len(ticks) <= 8:
            break
        last = len(ticks) - 1
        ticks = [t for i, t in enumerate(ticks) if i in (0, last) or mantissa(t) in kept]
    return ticks


def _tick_text(value: float) -> str:
    return f"{value:g}"


def _date_ticks(first: date, last: date) -> list[tuple[date, str, str]]:
    """Dates on the time axis, a sensible number for the span, each with its
    label and, under the first one and where a new year begins, the year."""
    days = (last - first).days + 1
    end = last + timedelta(days=1)
    candidates: list[tuple[date, str]] = []
    if days <= 120:
        if days <= 16:
            step = 1 if days <= 8 else 2
            day = first
        else:
            step = 7 if days <= 70 else 14
            day = first + timedelta(days=(7 - first.weekday()) % 7)  # Mondays
        while day <= end:
            candidates.append((day, _w("tick_day", day=day.day, month=_month(day.month, short=True))))
            day += timedelta(days=step)
    elif days <= 3 * 366:
        step = 1 if days <= 13 * 31 else 2 if days <= 26 * 31 else 3
        index = first.year * 12 + first.month - 1 + (first.day != 1)
        while True:
            year, month0 = divmod(index, 12)
            day = date(year, month0 + 1, 1)
            if day > end:
                break
            if month0 % step == 0:
                candidates.append((day, _month(month0 + 1, short=True)))
            index += 1
    else:
        step = max(1, math.ceil((last.year - first.year + 1) / 8))
        start = first.year + (first > date(first.year, 1, 1))
        return [(date(y, 1, 1), str(y), "") for y in range(start, last.year + 2, step)
                if date(y, 1, 1) <= end]
    ticks = []
    shown_year = None
    for day, label in candidates:
        year = str(day.year) if day.year != shown_year else ""
        shown_year = day.year
        ticks.append((day, label, year))
    return ticks


PDF = PdfExporter()
