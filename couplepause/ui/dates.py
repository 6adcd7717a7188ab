"""Dates and times as this computer's language writes them (QLocale), in local time."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime, QTimeZone


def _local(moment: datetime) -> QDateTime:
    local = moment.astimezone()
    return QDateTime(
        QDate(local.year, local.month, local.day),
        QTime(local.hour, local.minute, local.second),
        QTimeZone.systemTimeZone(),
    )


def long_date(moment: datetime) -> str:
    """e.g. "Wednesday, 2 December 2026"."""
    return QLocale().toString(_local(moment).date(), QLocale.FormatType.LongFormat)


def long_date_time(moment: datetime) -> str:
    """e.g. "Wednesday, 2 December 2026, 21:04"."""
    local = _local(moment)
    return f"{long_date(moment)}, {QLocale().toString(local.time(), QLocale.FormatType.ShortFormat)}"


def month_year(part: str) -> str:
    """A UTC month of the store ("2026-03") as words, e.g. "March 2026"."""
    year, month = (int(piece) for piece in part.split("-"))
    locale = QLocale()
    return f"{locale.standaloneMonthName(month, QLocale.FormatType.LongFormat)} {year}"
