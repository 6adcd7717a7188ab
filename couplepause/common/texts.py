"""The words a person reads, in the language chosen.

English is the source: resources/words.toml, one section per screen. Every other
language is a gettext catalogue, resources/locale/<language>/LC_MESSAGES/couplepause.po
(its template, resources/locale/couplepause.pot, is made from words.toml by
packaging/messages.py). A text's gettext context is ``"section.key"``, its msgid the
English text; an entry of a list is looked up in the list's context. The .po is
compiled to a .mo when the package is built or installed (setup.py, pip install -e .
too); only the .mo is read, with the standard library's gettext. A text the
catalogue lacks stays English.

A count is a plural entry: ``pauses = { one = "{n} pause", other = "{n} pauses" }``
(``count = "more"`` where another value than ``{n}`` chooses the form); the
catalogue's Plural-Forms say which form a number takes in its language.

The language follows the system (``LANGUAGE``, then ``LC_ALL``, ``LC_MESSAGES``,
``LANG``; where none is set, as for an app started from the Windows or macOS
desktop, the desktop's own languages) unless :func:`set_language` is told
otherwise (Settings). Qt-free, so the
core (summaries), the command line and the views share one source of words.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import gettext

DOMAIN = "couplepause"
SOURCE_LANGUAGE = "en"
SYSTEM = "system"
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
PLURAL_FORMS = ("one", "other")  # the English forms of a plural entry in words.toml
_MANY = 1_000_000  # a count that takes the form for many in every language


def resource_folder() -> Path:
    """resources/ as shipped in the package: the folder of couplepause.resources, in a
    wheel, an editable install and the bundle alike."""
    import couplepause.resources as resources

    return Path(resources.__file__).parent


def resource_data(name: str) -> dict[str, Any]:
    """resources/NAME.toml as a dict, as the build compiled it (NAME.json: see
    packaging/couplepause_build/data.py)."""
    return json.loads(resource_folder().joinpath(f"{name}.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    return resource_data("words")


# ------------------------------------------------------------------ languages
@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """The languages there are words for: English, then every compiled catalogue."""
    locale = resource_folder().joinpath("locale")
    folders = locale.iterdir() if locale.is_dir() else ()
    found = [folder.name for folder in folders if folder.joinpath("LC_MESSAGES", f"{DOMAIN}.mo").is_file()]
    return (SOURCE_LANGUAGE, *sorted(name for name in found if name != SOURCE_LANGUAGE))


def _known(code: str) -> str | None:
    """The language we have words for that a locale name means: "de_AT.UTF-8" -> "de"."""
    code = code.split(".")[0].split("@")[0].replace("-", "_")
    if code in ("C", "POSIX", ""):
        return SOURCE_LANGUAGE
    for candidate in (code, code.split("_")[0]):
        if candidate in languages():
            return candidate
    return None


def system_language(
    environ: Mapping[str, str] | None = None, desktop: Callable[[], list[str]] | None = None
) -> str:
    """The language of this computer, as gettext reads it: the first of LANGUAGE,
    LC_ALL, LC_MESSAGES and LANG that is set (LANGUAGE may list several, "fr:de"),
    and of those the first we have words for; English otherwise. Where none is set,
    the desktop's languages (``desktop``, default
    :func:`couplepause.platform_support.desktop_languages`: Windows' and macOS'
    own setting), in their order."""
    environ = os.environ if environ is None else environ
    for variable in LANGUAGE_VARIABLES:
        value = environ.get(variable, "")
        if value:
            return _first_known(value.split(":"))
    if desktop is not None:
        return _first_known(desktop())
    from couplepause.common.platform_support import desktop_languages

    return _first_known(desktop_languages())


def _first_known(codes: list[str]) -> str:
    for code in codes:
        known = _known(code)
        if known is not None:
            return known
    return SOURCE_LANGUAGE


class _State:
    language: str | None = None  # None: not chosen yet (the system's, when first asked)
    catalogue: gettext.NullTranslations | None = None


def set_language(choice: str | None = SYSTEM) -> str:
    """Speak ``choice`` from now on ("system", None, or a code from :func:`languages`;
    an unknown one means the system's). Returns the language now spoken."""
    code = choice if choice in languages() else system_language()
    _State.language = code
    _State.catalogue = None if code == SOURCE_LANGUAGE else catalogue(code)
    return code


def language() -> str:
    """The language spoken now (a code from :func:`languages`)."""
    if _State.language is None:
        set_language(SYSTEM)
    assert _State.language is not None  # set_language always chooses one
    return _State.language


def language_name(code: str) -> str:
    """A language's name in its own words ("English", "Deutsch"), for choosing it."""
    english = _words()["languages"]["name"]
    if code == SOURCE_LANGUAGE:
        return english
    return catalogue(code).pgettext("languages.name", english)


@cache
def catalogue(code: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``code`` (its .mo); none: an empty one."""
    import gettext  # here: English, the source, needs no catalogue
    import io

    mo = resource_folder().joinpath("locale", code, "LC_MESSAGES", f"{DOMAIN}.mo")
    if mo.is_file():
        return gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
    return gettext.NullTranslations()


def context(section: str, key: str) -> str:
    """The gettext context of a text: "section.key"."""
    return f"{section}.{key}"


# ---------------------------------------------------------------------- words
def _current() -> gettext.NullTranslations | None:
    """The catalogue spoken now; None for English."""
    if _State.language is None:
        set_language(SYSTEM)
    return _State.catalogue


def _translated(ctxt: str, english: Any, values: Mapping[str, Any]) -> Any:
    cat = _current()
    if isinstance(english, str):
        return english if cat is None else cat.pgettext(ctxt, english)
    if isinstance(english, list):
        return [_translated(ctxt, item, values) for item in english]
    if isinstance(english, dict) and "other" in english:
        return _plural(ctxt, english, values, cat)
    raise TypeError(f"{ctxt} is not a text, a list or a plural entry")


def _plural(ctxt: str, english: dict[str, str], values: Mapping[str, Any], cat) -> str:
    name = english.get("count", "n")
    try:
        n = int(values[name])
    except (KeyError, TypeError, ValueError):
        raise TypeError(f"{ctxt} needs the count {{{name}}} as a whole number") from None
    if cat is None:
        return english["one"] if n == 1 else english["other"]
    return cat.npgettext(ctxt, english["one"], english["other"], n)


def words(section: str, key: str, **values: Any) -> str:
    """One text, with ``{placeholders}`` filled from ``values`` (a plural entry takes
    the form its count, ``{n}`` or the one it names, asks for)."""
    text = _translated(context(section, key), _words()[section][key], values)
    return text.format(**values) if values else text


def source_words(section: str) -> dict[str, Any]:
    """A section as words.toml writes it: the English source, untranslated."""
    return dict(_words()[section])


def has_words(section: str, key: str) -> bool:
    return key in _words().get(section, {})


def word_list(section: str, key: str) -> list:
    """A list of texts (a list of lists stays one: the report's terms and meanings)."""
    return list(_translated(context(section, key), _words()[section][key], {}))


def section(name: str) -> dict[str, str]:
    """Every text of a section, by key, unfilled: a plural entry in its form for a
    large count, lists left out."""
    table = {}
    for key, value in _words()[name].items():
        if isinstance(value, str):
            table[key] = _translated(context(name, key), value, {})
        elif isinstance(value, dict):
            table[key] = _translated(context(name, key), value, {value.get("count", "n"): _MANY})
    return table


def default_names() -> dict[str, str]:
    """The partners' names when they have not set their own."""
    return {"a": words("app", "partner_a"), "b": words("app", "partner_b")}


def duration(seconds: float) -> str:
    """A duration in plain words: "less than a minute", "12 minutes", "1 h 20 min"."""
    minutes = round(seconds / 60.0)
    if seconds < 60:
        return words("durations", "seconds")
    if minutes < 60:
        return words("durations", "minutes", n=minutes)
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return words("durations", "hours", n=hours)
    return words("durations", "hours_minutes", h=hours, m=rest)


def pauses(n: int) -> str:
    """ "1 pause", "12 pauses"."""
    return words("counts", "pauses", n=n)


def clock_time(seconds: float) -> str:
    """A countdown as m:ss."""
    seconds = max(0, int(seconds + 0.999))
    return f"{seconds // 60}:{seconds % 60:02d}"
