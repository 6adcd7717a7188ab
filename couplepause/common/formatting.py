"""Dates, times and numbers as the language of the words writes them.

The one formatter of the app: the history, the dialogs, the notices and the PDF
report all use it. QLocale gives the names of months and days, the order of
the parts and the clock (24 h or AM/PM); the patterns for our short forms are
words ([formats] in words.toml), so a translation can order them its own way.
The locale is the system's when it speaks the language of the words, else that
language (see :func:`locale`). Every moment is shown in local time.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QLocale, QTime

from couplepause.common.texts import SOURCE_LANGUAGE, language, words

_chosen: dict[tuple[str, str], QLocale] = {}  # (language, the default's name) -> locale
_applied: list[QLocale] = []  # the locale this module last made Qt's default


def locale() -> QLocale:
    """The locale for the language spoken now (texts.language()), from QLocale's
    default (the computer's, unless set): that one when it speaks the language
    ("C" too, for English), else the language in the same country where Qt knows
    the pair ("en" on a French computer: en_FR), else the language's own main
    country. It is made Qt's default too, so date fields, calendars and spin boxes
    write the same way. Qt's data for the locale's name, never the system locale
    object itself: one named after LANGUAGE may still write dates in LC_TIME's."""
    code = language()
    base = QLocale()
    key = (code, base.name())
    found = _chosen.get(key)
    if found is None:
        wanted = QLocale(code).language()
        if base.language() == QLocale.Language.C and code == SOURCE_LANGUAGE:
            found = QLocale.c()
        elif base.language() == wanted:
            found = QLocale(base.name())
        else:
            found = QLocale(wanted, base.territory())
            if found.language() != wanted or found.territory() != base.territory():
                found = QLocale(code)
        _chosen[key] = found
    if not _applied or _applied[0] is not found or base != found:
        QLocale.setDefault(found)
        _applied[:] = [found]
    return found


def _pattern(key: str) -> str:
    return words("formats", key)


def _day(day: date | datetime) -> QDate:
    return QDate(day.year, day.month, day.day)


def _local(moment: datetime) -> datetime:
    return moment.astimezone()


def time_of_day(moment: datetime) -> str:
    """"21:04" (or "9:04 PM" where the clock is written so)."""
    local = _local(moment)
    return locale().toString(QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat)


def long_date(moment: datetime) -> str:
    """"Wednesday, 2 December 2026", as the locale writes a long date."""
    return locale().toString(_day(_local(moment)), QLocale.FormatType.LongFormat)


def long_date_time(moment: datetime) -> str:
    """"Wednesday, 2 December 2026, 21:04"."""
    return words("formats", "date_and_time", date=long_date(moment), time=time_of_day(moment))


def calendar_date(day: date, short: bool = False) -> str:
    """A calendar day: "2 March 2026", or "2 Mar 2026" when ``short``."""
    return locale().toString(_day(day), _pattern("date_short" if short else "date"))


def date_pattern() -> str:
    """The pattern a date is typed in (a QDateEdit's display format): "2 Mar 2026"."""
    return _pattern("date_short")


def day_and_month(day: date) -> str:
    """"2 Mar", for the ticks of a time axis."""
    return locale().toString(_day(day), _pattern("day_month"))


def when(moment: datetime) -> str:
    """When a pause happened, short: "Mon 2 Mar 2026, 21:04"."""
    local = _local(moment)
    day = locale().toString(_day(local), _pattern("weekday_date"))
    return words("formats", "date_and_time", date=day, time=time_of_day(local))


def month_short(month: int) -> str:
    """"Mar"."""
    return locale().monthName(month, QLocale.FormatType.ShortFormat)


def month_short_year(day: date) -> str:
    """"Jan 2027", for a time axis where a new year begins."""
    return words("formats", "month_year", month=month_short(day.month), year=day.year)


def axis_date(day: date, kind: str, with_year: bool) -> str:
    """A date on a chart's time axis (core/chart.py), for the kind of step it
    marks: a day or a week "2 Dec", a month "Dec", a year "2026"; ``with_year``
    (the first date, the first of a new year): "2 Dec 2026", "Jan 2027"."""
    if kind == "year":
        return str(day.year)
    if kind == "month":
        return month_short_year(day) if with_year else month_short(day.month)
    return calendar_date(day, short=True) if with_year else day_and_month(day)


def axis_number(value: float) -> str:
    """A number on a chart's value axis: whole from 1 up, with one decimal below ("0.5")."""
    return number(value, 0 if value >= 1 or value == 0 else 1)


def month_name(year: int, month: int, current_year: int | None = None) -> str:
    """"March", or "March 2025" when the year is not ``current_year``."""
    name = locale().standaloneMonthName(month, QLocale.FormatType.LongFormat)
    if year == current_year:
        return name
    return words("formats", "month_year", month=name, year=year)


def month_of_store(part: str) -> str:
    """A month of the store ("2026-03") as words, e.g. "March 2026"."""
    year, month = (int(piece) for piece in part.split("-"))
    return month_name(year, month)


def number(value: float, decimals: int = 0) -> str:
    """A number with the locale's digits and decimal sign, up to ``decimals``
    places: 7.5 -> "7.5" ("7,5" in German), 7.0 -> "7"."""
    here = locale()
    text = here.toString(float(value), "f", decimals)
    if decimals:
        text = text.rstrip(here.zeroDigit()).removesuffix(here.decimalPoint())
    return text


def weekday_name(index: int, short: bool = False) -> str:
    """A day of the week in the reader's language: 0 is Monday ("Monday", short "Mon")."""
    kind = QLocale.FormatType.ShortFormat if short else QLocale.FormatType.LongFormat
    return locale().standaloneDayName(index + 1, kind)
