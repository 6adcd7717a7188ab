"""The translations' files: the template made from resources/words.toml, the
catalogues merged with it, checked, compiled, and a new language begun.

    python packaging/messages.py pot        # write resources/locale/couplepause.pot
    python packaging/messages.py update     # the .pot, then merge it into every .po
    python packaging/messages.py check      # exit 1 if the .pot is out of date or a
                                            # .po misses a text or changes its placeholders
    python packaging/messages.py init LANG  # begin a language: LANG's .po from the .pot
    python packaging/messages.py compile DIR   # every .po -> DIR/<lang>/LC_MESSAGES/couplepause.mo,
                                               # and resources/words.toml, theme.toml -> .json

English is the source (words.toml); each text is one gettext entry with the context
"section.key" and the English text as msgid (an entry of a list: the list's context, the
entry as msgid; a plural entry: msgid and msgid_plural). The comments of words.toml
(read with tomlkit, which keeps them) go with their texts as notes for translators.
A new language's Plural-Forms are Babel's (the Unicode CLDR's rules). Nothing here
imports couplepause; the compile step is couplepause_build.catalogues, the one
setup.py runs while the package is built (the bundle, packaging/couplepause.spec,
takes the .mo files from the installed package).
Needs polib, tomlkit and Babel (pip install -e '.[test]' brings them).
"""

from __future__ import annotations

import re
import string
import sys
import tomllib
from pathlib import Path

import polib
import tomlkit
from couplepause_build.catalogues import DOMAIN, LOCALE, ROOT, catalogues, compile_catalogues
from couplepause_build.data import RESOURCES, compile_data
from tomlkit.items import Comment, Table, Whitespace

WORDS = ROOT / "resources" / "words.toml"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
WRAP = 79
# Words that are Python's %-format strings (argparse fills them); the rest are str.format.
PERCENT_SECTIONS = {"argparse"}

HEADER = {
    "Project-Id-Version": "couplepause",
    "Report-Msgid-Bugs-To": "https://github.com/couplepause/couplepause/issues",
    "Language": "",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=INTEGER; plural=EXPRESSION;",
}
HEADER_COMMENT = """The words of couplepause, made from resources/words.toml by packaging/messages.py:
do not edit this template; translate it into resources/locale/<language>/LC_MESSAGES/couplepause.po.
Each context is "section.key" of words.toml. Calm, warm, short, the same for both partners,
never blaming, never clinical. {a} and {b} are the partners' names, {speaker} and {listener}
whoever holds the floor; keep every {placeholder} (python-brace-format) and %s (python-format)."""


# ------------------------------------------------------------------ comments
def _lines(document: tomlkit.TOMLDocument):
    """words.toml as tomlkit reads it, one step a line that matters: ("comment", text),
    ("blank", ""), ("section", name) and ("key", name). tomlkit keeps a comment above
    a [section] at the end of the table before it (or of the document)."""
    def body(container):
        for key, item in container.body:
            if isinstance(item, Comment):
                yield "comment", item.as_string().strip().lstrip("#").strip()
            elif isinstance(item, Whitespace):
                if "\n" in item.as_string():
                    yield "blank", ""
            elif isinstance(item, Table):
                yield "section", key.key
                yield from body(item.value)
            elif key is not None:
                yield "key", key.key

    return body(document)


def comments(text: str) -> dict[tuple[str, str], list[str]]:
    """The comments of words.toml that belong to each (section, key): the block just
    above a [section] and any before its first key (for that first key: translators
    read them there), and a block above keys (for the keys that follow it up to the
    next blank line or comment). Each block is one paragraph."""
    found: dict[tuple[str, str], list[str]] = {}
    pending: list[str] = []  # the comment lines read since the last text or blank line
    section_notes: list[str] = []  # for the section's first key
    group: list[str] = []  # for the keys below a block, up to a blank line
    name, first = "", True
    for kind, value in _lines(tomlkit.parse(text)):
        if kind == "comment":
            if not pending:
                group = []
            pending.append(value)
        elif kind == "section":
            name, group, first = value, [], True
            section_notes, pending = ([" ".join(pending)] if pending else []), []
        elif kind == "blank":
            group = []
            if not first:
                pending = []
        else:
            if pending and first:  # a block before the section's first key is about the section
                section_notes, pending = [*section_notes, " ".join(pending)], []
            elif pending:
                group, pending = [" ".join(pending)], []
            found[(name, value)] = [*section_notes, *group]
            section_notes, first = [], False
    return found


# ------------------------------------------------------------------- entries
def fields(text: str) -> set[str]:
    """The {placeholders} of a str.format text."""
    return {f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def percent_fields(text: str) -> list[str]:
    """The %s / %(name)s / %r conversions of a %-format text, in order."""
    return re.findall(r"%(?:\([A-Za-z_]+\))?[sdr%]", text)


def _flags(section: str, texts: list[str]) -> list[str]:
    if section in PERCENT_SECTIONS:
        return ["python-format"] if any(percent_fields(t) for t in texts) else []
    return ["python-brace-format"] if any(fields(t) for t in texts) else []


def _leaves(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [leaf for item in value for leaf in _leaves(item)]


def template() -> polib.POFile:
    """The template: every text of words.toml, in its order, with its notes."""
    source = WORDS.read_text("utf-8")
    words = tomllib.loads(source)
    notes = comments(source)
    pot = polib.POFile(wrapwidth=WRAP, check_for_duplicates=True)
    pot.header = HEADER_COMMENT
    pot.metadata = dict(HEADER)
    for section, table in words.items():
        for key, value in table.items():
            context = f"{section}.{key}"
            comment = list(notes.get((section, key), []))
            if isinstance(value, dict):
                count = value.get("count", "n")
                if count != "n":
                    comment.append(f"The form is chosen by {{{count}}}.")
                pot.append(polib.POEntry(
                    msgctxt=context, msgid=value["one"], msgid_plural=value["other"],
                    msgstr_plural={0: "", 1: ""}, comment="\n".join(comment),
                    flags=_flags(section, [value["one"], value["other"]]),
                ))
                continue
            leaves = _leaves(value)
            if not isinstance(value, str):
                comment.append("One entry of a list.")
            for leaf in dict.fromkeys(leaves):
                if leaf:
                    pot.append(polib.POEntry(msgctxt=context, msgid=leaf, msgstr="",
                                             comment="\n".join(comment), flags=_flags(section, [leaf])))
    return pot


# -------------------------------------------------------------------- checks
def template_problems() -> list[str]:
    """Why the .pot on disk is not the one words.toml makes (empty: it is)."""
    if not TEMPLATE.is_file():
        return [f"{TEMPLATE} is missing: run python packaging/messages.py update"]
    if TEMPLATE.read_text("utf-8") != str(template()):
        return [f"{TEMPLATE} is out of date with {WORDS}: run python packaging/messages.py update"]
    return []


def catalogue_problems(po_path: Path) -> list[str]:
    """What a .po lacks or says wrongly against the template: a text missing, fuzzy or
    obsolete where it is still used, or placeholders that differ from the English."""
    po = polib.pofile(str(po_path), wrapwidth=WRAP)
    pot = template()
    section_of = {entry.msgctxt: entry.msgctxt.split(".")[0] for entry in pot}
    have = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    problems = []
    if "Plural-Forms" not in po.metadata or "INTEGER" in po.metadata["Plural-Forms"]:
        problems.append(f"{po_path}: no Plural-Forms in its header")
    for wanted in pot:
        where = f"{po_path}: {wanted.msgctxt} {wanted.msgid[:50]!r}"
        entry = have.get((wanted.msgctxt, wanted.msgid))
        if entry is None or not entry.translated():
            problems.append(f"{where}: not translated")
            continue
        if wanted.msgid_plural and entry.msgid_plural != wanted.msgid_plural:
            problems.append(f"{where}: its plural is not the template's")
            continue
        percent = section_of[wanted.msgctxt] in PERCENT_SECTIONS
        if wanted.msgid_plural:
            forms = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
            english = wanted.msgid_plural
        else:
            forms, english = [entry.msgstr], wanted.msgid
        for index, form in enumerate(forms):
            last = index == len(forms) - 1
            if percent:
                if percent_fields(form) != percent_fields(english):
                    problems.append(
                        f"{where}: %-placeholders {percent_fields(form)} instead of {percent_fields(english)}"
                    )
            else:
                got, want = fields(form), fields(english)
                # A form for one alone (not the last) may say "one" instead of its count.
                allowed = [want] if last else [want, want - {_count(wanted)}]
                if got not in allowed:
                    problems.append(f"{where}: placeholders {sorted(got)} instead of {sorted(want)}")
    return problems


def _count(entry: polib.POEntry) -> str:
    match = re.search(r"The form is chosen by \{(\w+)\}", entry.comment or "")
    return match.group(1) if match else "n"


# ------------------------------------------------------------------- writing
def write_template() -> Path:
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    template().save(str(TEMPLATE))
    return TEMPLATE


def update() -> list[Path]:
    """The .pot anew, and every .po merged with it (like msgmerge: new texts come in
    untranslated, texts no longer in words.toml become obsolete)."""
    written = [write_template()]
    pot = polib.pofile(str(TEMPLATE), wrapwidth=WRAP)
    for path in catalogues().values():
        po = polib.pofile(str(path), wrapwidth=WRAP)
        po.merge(pot)
        _plural_slots(po)
        po.save(str(path))
        written.append(path)
    return written


def _plural_slots(po: polib.POFile) -> None:
    """Give each plural entry as many forms as the language has (a new one comes from
    the template with English's two)."""
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    if match is None:
        return
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {i: entry.msgstr_plural.get(i, "") for i in range(int(match[1]))}


class LanguageError(ValueError):
    """A language that cannot be begun: its code is unknown, or it has a catalogue."""


def init(code: str, locale: Path = LOCALE) -> Path:
    """Begin a language: ``locale``/CODE/LC_MESSAGES/couplepause.po, every text of the
    template untranslated, with the language's Plural-Forms (Babel's, from the Unicode
    CLDR). Once it names its language ([languages] name) and is compiled (setup.py, or
    pip install -e .), Settings offer it."""
    from babel import Locale, UnknownLocaleError
    from babel.messages.plurals import get_plural

    try:
        language = Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        raise LanguageError(f"no language is known as {code!r} (a code like fr, pt_BR or sr_Latn)") from None
    name = str(language)
    path = Path(locale) / name / "LC_MESSAGES" / f"{DOMAIN}.po"
    if path.exists():
        raise LanguageError(f"{path} is there already: python packaging/messages.py update keeps it in step")
    plural = get_plural(language)
    po = polib.POFile(wrapwidth=WRAP)
    po.header = (f"{language.english_name} words of couplepause.\n"
                 "Made from couplepause.pot; keep it in step with `python packaging/messages.py update`.")
    po.metadata = {**HEADER, "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",  # the translator's to fill
                   "Last-Translator": "FULL NAME <EMAIL@ADDRESS>", "Language-Team": language.english_name,
                   "Language": name, "Plural-Forms": plural.plural_forms}
    for entry in template():
        po.append(entry)
    _plural_slots(po)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "pot":
        print(write_template())
    elif command == "update":
        for path in update():
            print(path)
    elif command == "check":
        problems = template_problems()
        for path in catalogues().values():
            problems += catalogue_problems(path)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    elif command == "init" and len(argv) == 2:
        try:
            print(init(argv[1]))
        except LanguageError as error:
            print(f"messages.py: {error}", file=sys.stderr)
            return 1
    elif command == "compile" and len(argv) == 2:
        for path in compile_catalogues(Path(argv[1])):
            print(path)
        for path in compile_data(RESOURCES):  # the words and the look, in place
            print(path)
    else:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
