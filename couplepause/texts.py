"""The words on screen, read once from resources/words.toml.

Qt-free, so the core (summaries) and the views share one source of words.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any


def resource_folder():
    """resources/ as shipped in the package (importlib.resources)."""
    return resources.files("couplepause.resources")


def resource_data(name: str) -> dict[str, Any]:
    """resources/NAME.toml as a dict."""
    return tomllib.loads(resource_folder().joinpath(f"{name}.toml").read_text("utf-8"))


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    return resource_data("words")


def words(section: str, key: str, **values: Any) -> str:
    """One text, with ``{placeholders}`` filled from ``values``."""
    text = _words()[section][key]
    return text.format(**values) if values else text


def has_words(section: str, key: str) -> bool:
    return key in _words().get(section, {})


def word_list(section: str, key: str) -> list[str]:
    return list(_words()[section][key])


def section(name: str) -> dict[str, Any]:
    return dict(_words()[name])


def default_names() -> dict[str, str]:
    """The partners' names when they have not set their own."""
    return {"a": words("app", "partner_a"), "b": words("app", "partner_b")}


def duration(seconds: float) -> str:
    """A duration in plain words: "less than a minute", "12 minutes", "1 h 20 min"."""
    minutes = int(round(seconds / 60.0))
    if seconds < 60:
        return words("durations", "seconds")
    if minutes < 60:
        return words("durations", "one_minute") if minutes == 1 else words("durations", "minutes", n=minutes)
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return words("durations", "one_hour") if hours == 1 else words("durations", "hours", n=hours)
    return words("durations", "hours_minutes", h=hours, m=rest)


def pauses(n: int) -> str:
    """ "1 pause", "12 pauses"."""
    return words("counts", "one_pause") if n == 1 else words("counts", "pauses", n=n)


def clock_time(seconds: float) -> str:
    """A countdown as m:ss."""
    seconds = max(0, int(seconds + 0.999))
    return f"{seconds // 60}:{seconds % 60:02d}"
