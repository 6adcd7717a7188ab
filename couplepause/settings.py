"""The settings: one table of keys, types, defaults and checks, read and written
through QSettings (an INI file in the data folder, so that each data folder, and
each test, has its own settings). The one reader of that file: the first window
reads its language, look and welcome here, the command line its language. Importing
this module loads no Qt and nothing of the live flow (the bounds are core/limits.py)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from couplepause.common import paths, texts
from couplepause.common.problems import Problem
from couplepause.core.limits import (
    BREAK_CHOICES,
    CUSTOM_DEFAULT,
    DEFAULT_BREAK_MINUTES,
    DEFAULT_PATTERN,
    NAME_MAX,
    NOT_IN_A_NAME,
)

if TYPE_CHECKING:
    from couplepause.core import breathing


class SettingError(Problem, ValueError):
    """A value the settings refuse, with a plain reason for the person."""


def _name(value: Any) -> str:
    text = str(value).strip()
    if len(text) > NAME_MAX:
        raise SettingError("name_too_long", limit=NAME_MAX)
    if any(ch in text for ch in NOT_IN_A_NAME):
        raise SettingError("name_one_line")
    return text


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in options:
            raise SettingError("one_of", options=", ".join(options))
        return str(value)

    return check


def _minutes_between(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise SettingError("whole_minutes") from None
        if not low <= number <= high:
            raise SettingError("minutes_between", low=low, high=high)
        return number

    return check


def _minutes_choice(options: tuple[int, ...]) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            number = None
        if number not in options:
            raise SettingError("minutes_one_of", options=", ".join(map(str, options)))
        return number

    return check


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise SettingError("on_or_off")


def _pattern_key(value: Any) -> str:
    from couplepause.core import breathing  # the patterns themselves: not needed to read the file

    return _choice(breathing.PATTERN_KEYS)(value)


def _custom_pattern(value: Any) -> str:
    from couplepause.core import breathing

    text = str(value).strip()
    try:
        breathing.parse_custom(text)
    except breathing.PatternError as exc:
        raise SettingError("pattern_invalid", reason=exc) from None
    return text


class Key(NamedTuple):
    name: str
    default: Any
    check: Callable[[Any], Any]
    bounds: tuple[int, int] | None = None  # for whole numbers: the allowed range


def _minutes(name: str, default: int, low: int, high: int) -> Key:
    return Key(name, default, _minutes_between(low, high), (low, high))


# How the app looks: following the desktop's light or dark, or one scheme always.
THEMES = ("system", "light", "dark", "high_contrast")


def languages() -> tuple[str, ...]:
    """The languages Settings offer: the system's, or one there are words for, as the
    catalogues installed now say."""
    return (texts.SYSTEM, *texts.languages())


def _language(value: Any) -> str:
    return _choice(languages())(value)

SCHEMA: tuple[Key, ...] = (
    Key("partner_a", "", _name),
    Key("partner_b", "", _name),
    Key("breathing_pattern", DEFAULT_PATTERN, _pattern_key),
    Key("custom_pattern", CUSTOM_DEFAULT, _custom_pattern),
    _minutes("breathing_minutes", 2, 1, 15),
    Key("turn_timer", True, _bool),
    _minutes("turn_minutes", 2, 1, 10),
    Key("break_minutes", DEFAULT_BREAK_MINUTES, _minutes_choice(BREAK_CHOICES)),
    Key("reduced_motion", False, _bool),
    Key("theme", "system", _choice(THEMES)),
    Key("language", texts.SYSTEM, _language),
    Key("sound", False, _bool),  # a soft tone at each breathing phase (the sound extra)
    Key("welcome_seen", False, _bool),  # the first-run welcome was put away
    # The names live in the protected store (names.json), not here: see store/protected.py.
    Key("names_protected", False, _bool),
)
KEYS = {key.name: key for key in SCHEMA}


def language_of(file: Path) -> str:
    """The "language" setting, which the command line speaks from its first word on.
    Where Qt cannot be loaded (a library missing, which the command line then says),
    the system's language."""
    try:
        return Settings(file).get("language")
    except ImportError:
        return texts.SYSTEM


def _private(file: Path) -> None:
    """Only this account may read the settings (they hold the partners' names)."""
    with contextlib.suppress(OSError):  # not written (yet): nothing to protect
        os.chmod(file, 0o600)


class Settings:
    """Typed access to the settings of one data folder."""

    def __init__(self, file: Path):
        from PySide6.QtCore import QSettings  # here: the schema needs no Qt

        self.file = Path(file)
        self._qs = QSettings(str(file), QSettings.Format.IniFormat)

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> Settings:
        return cls(paths.settings_file(data_dir))

    def get(self, name: str) -> Any:
        key = KEYS[name]
        raw = self._qs.value(name, None)
        if raw is None:
            return key.default
        try:
            return key.check(raw)
        except SettingError:
            return key.default  # a hand-edited bad value never breaks the app

    def values(self) -> dict[str, Any]:
        return {key.name: self.get(key.name) for key in SCHEMA}

    def validate(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Check every change; raises SettingError naming the first bad one."""
        clean = {}
        for name, value in changes.items():
            clean[name] = KEYS[name].check(value)
        return clean

    def update(self, changes: dict[str, Any]) -> None:
        """Store the changes, all or none: nothing is stored if one is invalid."""
        clean = self.validate(changes)
        for name, value in clean.items():
            self._qs.setValue(name, value)
        self._qs.sync()
        _private(self.file)

    def names_protected(self) -> bool:
        return bool(self.get("names_protected"))

    def clear(self) -> None:
        """Forget every setting (delete all our data)."""
        self._qs.clear()
        self._qs.sync()

    def pattern(self) -> breathing.Pattern:
        from couplepause.core import breathing

        try:
            return breathing.pattern_for(self.get("breathing_pattern"), self.get("custom_pattern"))
        except breathing.PatternError:
            return breathing.PATTERNS[breathing.DEFAULT_PATTERN]

    def partner_names(self, default_a: str, default_b: str) -> tuple[str, str]:
        return (self.get("partner_a") or default_a, self.get("partner_b") or default_b)
