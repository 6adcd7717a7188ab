"""The report for the couple's therapist: a PDF drawn with QPainter on QPdfWriter.

No PDF library besides Qt. A cover, then the chart, week by week, and every
pause (see ``sections.py``); every page after the cover has a running
header, every page a footer "page N of M · exported <date>".

- ``content.py``: what the report says, as plain text (dates and numbers
  through couplepause/formatting.py, which uses QLocale);
- ``catalog.py``: the report's language (``/Lang``) and its title in the
  viewer's window, which Qt does not write (no Qt);
- ``page.py``: fonts, the page primitives and the tables' columns;
- ``chart.py`` (drawing ``core/chart.py``'s chart, the window's too),
  ``sections.py`` and ``patterns.py``: what goes on the pages.

**Paper size**: US Letter where Letter is the customary paper (the
territories CLDR lists for US-Letter: the US, Canada, Mexico, the
Philippines, Chile, Colombia, Venezuela and a few more in Central America),
or where Qt reports the US measurement system; A4 everywhere else. The
locale is ``QLocale()``: on Linux from LC_ALL / LANG (``en_US.UTF-8`` and
``fr_CA.UTF-8`` give Letter, ``en_GB.UTF-8``, ``de_DE.UTF-8`` and the C
locale A4), on Windows and macOS from the regional settings.

**Qt**: this package imports no Qt until a report is written, so the JSON
and CSV exports stay Qt-free. Writing one needs a ``QGuiApplication`` (for
fonts); if there is none, one is created, and ``QT_QPA_PLATFORM=offscreen``
is set first on Linux and the BSDs (see :func:`prefer_offscreen_platform`).
No window is ever shown.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, BinaryIO

from couplepause import APP_NAME, __version__
from couplepause.core.episode import Episode
from couplepause.export.base import Exporter, ExportError, ExportOptions

if TYPE_CHECKING:  # pragma: no cover - names for the type hints only
    from couplepause.export.pdf.content import Content

# Territories whose customary paper is US Letter (CLDR supplemental
# measurementData, paperSize "US-Letter"). ISO 3166 codes as QLocale gives them.
LETTER_TERRITORIES = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "NI", "PA", "PR", "SV", "BZ"}
)
A4 = "A4"
LETTER = "Letter"

RESOLUTION_DPI = 300


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
    if env.get("QT_QPA_PLATFORM"):
        return False
    if platform is None:
        from couplepause.common import platform_support

        if platform_support.system() in (platform_support.WINDOWS, platform_support.MACOS):
            return False
        platform = sys.platform
    if platform.startswith(("win", "darwin", "cygwin", "msys")):
        return False
    env["QT_QPA_PLATFORM"] = "offscreen"
    return True


def paper_for(territory_code: str, us_measurement: bool = False) -> str:
    """"Letter" or "A4" for a locale's territory (ISO 3166 code) - see the package docstring."""
    if territory_code.upper() in LETTER_TERRITORIES or us_measurement:
        return LETTER
    return A4


_APP = None  # the QGuiApplication this package made, kept alive for the process


def _gui_application():
    global _APP
    from PySide6 import QtCore, QtGui

    app = QtCore.QCoreApplication.instance()
    if app is None:
        prefer_offscreen_platform()
        _APP = app = QtGui.QGuiApplication([APP_NAME])
    elif not isinstance(app, QtGui.QGuiApplication):
        raise ExportError("pdf_needs_gui")
    return app


# ----------------------------------------------------------------- exporter
class PdfExporter(Exporter):
    """The report, drawn with QPainter on a QPdfWriter: no pixmaps, no widgets,
    so it may be written on a worker thread (the Export dialog does)."""

    name = "pdf"
    suffix = ".pdf"

    def write(self, episodes: list[Episode], options: ExportOptions, stream: BinaryIO) -> None:
        from couplepause.export.pdf.content import build_content

        content = build_content(episodes, options)
        stream.write(render(content))


def render(content: Content, paper: str | None = None) -> bytes:
    """The PDF bytes for the content; ``paper`` is "A4", "Letter" or None (from the locale)."""
    _gui_application()
    from PySide6 import QtCore, QtGui

    from couplepause.export.pdf.catalog import amend_catalog
    from couplepause.export.pdf.content import phrase
    from couplepause.export.pdf.sections import Report

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
    writer.setTitle(phrase("document_title", range=content.range_text))
    writer.setCreator(f"{APP_NAME} {__version__}")
    painter = QtGui.QPainter()
    if not painter.begin(writer):
        raise ExportError("pdf_not_drawn")
    try:
        report = Report(writer, content)
        report.layout()
        report.draw(painter, writer)
    finally:
        painter.end()
    buffer.close()
    return amend_catalog(bytes(data.data()), content.language)


PDF = PdfExporter()

__all__ = [
    "A4",
    "LETTER",
    "LETTER_TERRITORIES",
    "PDF",
    "RESOLUTION_DPI",
    "PdfExporter",
    "paper_for",
    "prefer_offscreen_platform",
    "render",
]
