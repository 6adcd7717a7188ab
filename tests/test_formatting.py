"""The one formatter: dates, times and numbers in the language of the words and the
computer's conventions, local time."""

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QLocale

from couplepause.common import formatting


@pytest.fixture
def locale():
    before = QLocale()

    def use(name: str) -> None:
        QLocale.setDefault(QLocale(name))

    yield use
    QLocale.setDefault(before)


def test_dates_and_times_in_local_time(local_tz):
    local_tz("Europe/Berlin")
    moment = datetime(2026, 3, 2, 20, 4, tzinfo=UTC)  # 21:04 in Berlin
    assert formatting.time_of_day(moment) == "21:04"
    assert formatting.when(moment) == "Mon 2 Mar 2026, 21:04"
    assert formatting.long_date(moment) == "Monday, 2 March 2026"
    assert formatting.long_date_time(moment) == "Monday, 2 March 2026, 21:04"
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # already the 3rd in Berlin
    assert formatting.when(late).startswith("Tue 3 Mar 2026")


def test_calendar_dates_and_months():
    assert formatting.calendar_date(date(2026, 3, 2)) == "2 March 2026"
    assert formatting.calendar_date(date(2026, 3, 2), short=True) == "2 Mar 2026"
    assert formatting.day_and_month(date(2026, 12, 24)) == "24 Dec"
    assert formatting.month_short(9) == "Sep"
    assert formatting.month_name(2026, 5, 2026) == "May"
    assert formatting.month_name(2025, 5, 2026) == "May 2025"
    assert formatting.month_of_store("2026-03") == "March 2026"
    assert formatting.month_short_year(date(2027, 1, 1)) == "Jan 2027"


def test_numbers_drop_only_the_zeros_they_do_not_need():
    assert formatting.number(7.5, 1) == "7.5"
    assert formatting.number(7.0, 1) == "7"
    assert formatting.number(0.25, 2) == "0.25"
    assert formatting.number(100, 2) == "100"
    assert formatting.number(12.4) == "12"


def test_the_words_name_the_months_the_computer_writes_numbers_and_clock(locale, local_tz, language):
    local_tz("Europe/Berlin")
    moment = datetime(2026, 3, 2, 20, 4, tzinfo=UTC)
    locale("de_DE")  # a German computer, the words in English: English names, German signs
    assert formatting.number(7.5, 1) == "7,5"
    assert formatting.month_of_store("2026-03") == "March 2026"
    assert formatting.time_of_day(moment) == "21:04"
    language("de")
    assert formatting.month_of_store("2026-03") == "März 2026"
    assert formatting.long_date(moment) == "Montag, 2. März 2026"
    assert formatting.when(moment) == "Mo., 2. März 2026, 21:04"
    assert formatting.calendar_date(date(2026, 10, 2), short=True) == "2. Okt. 2026"
    language("en")
    locale("en_US")
    assert formatting.time_of_day(moment).replace("\u202f", " ") == "9:04 PM"
    locale("C")
    language("de")  # German words on a computer without a language: German, from Germany
    assert formatting.locale().name() == "de_DE"
    assert formatting.number(7.5, 1) == "7,5"


def test_a_moment_across_a_change_of_clocks(local_tz):
    local_tz("Europe/Berlin")
    before = datetime(2026, 3, 29, 0, 59, tzinfo=UTC)  # 01:59 CET
    after = before + timedelta(minutes=2)  # 03:01 CEST
    assert formatting.time_of_day(before) == "01:59"
    assert formatting.time_of_day(after) == "03:01"
