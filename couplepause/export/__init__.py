"""Exports for the couple's therapist: one module per format (a package for the PDF), one registry.

A format is an :class:`Exporter` (see ``base.py``): it only turns a list of
episodes that are already filtered, private and sorted into bytes. Choosing
the date range, leaving out notes and names, and writing the file safely are
shared. To add a format, write ``<name>_format.py`` with an Exporter subclass
and add it to ``EXPORTERS`` below. Qt-free except where a format needs Qt
(the PDF package imports it only when a report is written).
"""

from __future__ import annotations

from couplepause.export.base import (
    Exporter,
    ExportError,
    ExportOptions,
    atomic_output,
    default_partner_names,
    in_range,
    local_date,
    private,
    select,
)
from couplepause.export.json_format import ImportRejected, read_export, read_export_file

EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    if not exporter.name or exporter.name in EXPORTERS:
        raise ValueError(f"exporter name missing or taken: {exporter.name!r}")
    EXPORTERS[exporter.name] = exporter
    return exporter


def _register_builtin() -> None:
    from couplepause.export.csv_format import CSV
    from couplepause.export.json_format import JSON
    from couplepause.export.pdf import PDF

    register(PDF)  # the order the Export dialog offers them in
    register(CSV)
    register(JSON)


_register_builtin()

__all__ = [
    "EXPORTERS",
    "ExportError",
    "ExportOptions",
    "Exporter",
    "ImportRejected",
    "atomic_output",
    "default_partner_names",
    "in_range",
    "local_date",
    "private",
    "read_export",
    "read_export_file",
    "register",
    "select",
]
