"""What the report says, as plain text: no drawing here.

The word helpers (minutes and activation, in the words of ``[report]`` in
words.toml; dates and numbers through couplepause/formatting.py) and
:func:`build_content`, which turns the
filtered, private episodes into a :class:`Content` for the pages to draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from couplepause.common.formatting import calendar_date, month_name, number, when
from couplepause.common.texts import language, section, words
from couplepause.core.episode import Episode
from couplepause.export.base import ExportOptions

if TYPE_CHECKING:  # pragma: no cover - names for the type hints only
    from couplepause.core.chart import Chart
    from couplepause.core.stats import Point, Week
    from couplepause.export.patterns_text import PatternText


# ------------------------------------------------------------------- words
def phrase(key: str, **values) -> str:
    """The report's words for ``key`` ([report] in words.toml), filled in."""
    return words("report", key, **values)


def format_minutes(minutes: float | None) -> str:
    """A time to repair in short words: "< 1 min", "12 min", "1 h 20 min"; "" for None."""
    if minutes is None:
        return ""
    if minutes < 1:
        return phrase("under_a_minute")
    whole = round(minutes)
    if whole < 60:
        return phrase("minutes_short", n=whole)
    hours, rest = divmod(whole, 60)
    if rest == 0:
        return phrase("hours_short", h=hours)
    return phrase("hours_minutes_short", h=hours, m=rest)


def format_activation(value: float | None) -> str:
    if value is None:
        return phrase("none")
    return number(value, 1)


def break_text(episode: Episode) -> str:
    """The longer breaks of a pause in short words: how long they lasted, "–"
    without one; a break that was never ended has no length to give, and says
    so ("not ended"), after the length of those that did end, if any."""
    if not episode.breaks:
        return phrase("none")
    ended = sum((b.ended_at - b.started_at).total_seconds() for b in episode.breaks if b.ended_at is not None)
    if all(b.ended_at is not None for b in episode.breaks):
        return format_minutes(max(0.0, ended) / 60.0)
    if ended <= 0:
        return phrase("break_not_ended")
    return phrase("break_then_not_ended", duration=format_minutes(ended / 60.0))


# --------------------------------------------------------------- the content
# Fields of a pause that the report does not show, and why (tests/export/test_fields.py
# keeps this honest: every other field changes what the report says).
LEFT_OUT = {
    "id": "a UUID means nothing on paper; the JSON export and the CSV carry it",
    "breathing_pattern": "a setting of the app, not something the couple did",
    "breathing_seconds": "the report is about the way back; the CSV and the JSON export have it",
    "first_turn_seconds": "the same",
    "turns": "the same",
    "repair_answers": "an answer on the way back; the time it took says what a therapist reads",
    "wall_timed": "how a duration was measured, for the JSON export and the import's checks",
    "closed": "whether the app still offers to pick the pause up",
    "timing": "the clock's readings: kept in the store, never exported",
}


@dataclass
class EpisodeRow:
    """One row of the "every pause" table, in words."""

    when: str
    repair: str
    is_open: bool
    had_break: str
    paused_by: str
    activation: str
    cycle: str
    note: str | None


@dataclass
class Content:
    """Everything the report says, as plain text and numbers (no Qt)."""

    first_day: date | None
    last_day: date | None
    range_text: str
    exported_text: str
    summary: list[str]
    figures: list[tuple[str, str]]
    figures_line: str
    privacy: list[str]
    points: list[Point] = field(default_factory=list)
    weeks: list[Week] = field(default_factory=list)
    chart: Chart | None = None  # what the chart draws (core/chart.py); None: nothing to chart
    rows: list[EpisodeRow] = field(default_factory=list)
    include_notes: bool = False
    names: tuple[str, str] = ("Partner A", "Partner B")
    trend_window: int = 5
    patterns: PatternText | None = None  # only when the couple opted in
    language: str = "en"  # the language of its words (the PDF's /Lang)

    @property
    def empty(self) -> bool:
        return not self.rows


def _midnight(day: date) -> datetime:
    """The local moment ``day`` begins."""
    return datetime.combine(day, time()).astimezone()


def quiet_runs(weeks: list[Week]) -> list[tuple[Week, int]]:
    """The weeks as table rows: (week, 1) each, except that two or more quiet
    weeks in a row (no pause) become one (first week, how many) row."""
    rows: list[tuple[Week, int]] = []
    for week in weeks:
        if week.ruptures == 0 and rows and rows[-1][0].ruptures == 0:
            first, run = rows[-1]
            rows[-1] = (first, run + 1)
        else:
            rows.append((week, 1))
    return rows


def build_content(episodes: list[Episode], options: ExportOptions) -> Content:
    """The report's words and figures for these (filtered, private) episodes."""
    from couplepause.core import stats

    exported = options.moment()
    # Practice pauses (there only when asked for) are listed, marked, but never counted in a figure.
    figured = stats.counted(episodes)
    window = stats.trend_window(len(figured))  # the history's chart draws these pauses with the same line
    points = stats.series(figured, window=window)
    ordered = stats.in_time_order(episodes)
    first = ordered[0].paused_at.astimezone().date() if ordered else None
    last = ordered[-1].paused_at.astimezone().date() if ordered else None
    since = options.since or first
    until = options.until or last
    if since and until:
        range_text = phrase("range", since=calendar_date(since), until=calendar_date(until))
    elif since:
        range_text = phrase("range_from", since=calendar_date(since))
    elif until:
        range_text = phrase("range_until", until=calendar_date(until))
    else:
        range_text = phrase("range_none")
    a_name, b_name = options.names
    privacy = [phrase("notes_included") if options.include_notes else phrase("notes_left_out")]
    privacy.append(phrase("names_included") if options.include_names else phrase("names_left_out"))

    content = Content(
        first_day=since,
        last_day=until,
        range_text=range_text,
        exported_text=calendar_date(exported.astimezone().date()),
        summary=[],
        figures=[],
        figures_line="",
        privacy=privacy,
        include_notes=options.include_notes,
        names=(a_name, b_name),
        trend_window=window,
        language=language(),
    )
    if not episodes:
        return content

    overview = stats.overview(figured)
    content.summary = list(stats.summary(figured, now=exported, month_name=month_name))
    share = overview.share_with_break
    content.figures = [
        (phrase("figure_pauses"), number(overview.episodes)),
        (phrase("figure_median"), format_minutes(overview.median_repair_minutes) or phrase("none")),
        (phrase("figure_break"), phrase("percent", n=round(share * 100)) if share is not None else phrase("none")),
        (
            phrase("figure_activation"),
            phrase("out_of_ten", value=format_activation(overview.median_activation))
            if overview.median_activation is not None
            else phrase("none"),
        ),
    ]
    content.weeks = stats.weekly(figured)
    content.figures_line = phrase("figures_line", repaired=overview.repaired, open=overview.open)
    content.points = points
    if points and since is not None and until is not None:  # none when only practice pauses are listed
        from couplepause.core import chart

        content.chart = chart.build(points, content.weeks, _midnight(since), _midnight(until), window)
    if options.include_patterns:
        from couplepause.export.patterns_text import pattern_text

        content.patterns = pattern_text(figured, exported)
    who_words = {"a": a_name, "b": b_name, "both": phrase("both")}
    cycles = section("cycles")
    none = phrase("none")
    rows = []
    for episode in ordered:
        minutes = stats.repair_minutes(episode)
        act = episode.activation or {}
        a_act, b_act = act.get("a"), act.get("b")
        if episode.practice:
            repair = phrase("practice")
        else:
            repair = format_minutes(minutes) if minutes is not None else phrase("open")
        rows.append(
            EpisodeRow(
                when=when(episode.paused_at),
                repair=repair,
                is_open=minutes is None or episode.practice,
                had_break=break_text(episode),
                paused_by=who_words.get(episode.paused_by or "", none),
                activation=(
                    none
                    if a_act is None and b_act is None
                    else phrase(
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
