"""The translations' files: the template made from resources/words.toml, the
catalogues merged with it, checked, and compiled.

    python packaging/messages.py pot        # write resources/locale/couplepause.pot
    python packaging/messages.py update     # the .pot, then merge it into every .po
    python packaging/messages.py check      # exit 1 if the .pot is out of date or a
                                            # .po misses a text or changes its placeholders
    python packaging/messages.py compile DIR   # every .po -> DIR/<lang>/LC_MESSAGES/couplepause.mo

English is the source (words.toml); each text is one gettext entry with the context
"section.key" and the English text as msgid (an entry of a list: the list's context, the
entry as msgid; a plural entry: msgid and msgid_plural). The comments of words.toml
go with their texts as notes for translators. Nothing here imports couplepause: setup.py
compiles with it while the package is being built (see setup.py); the bundle
(packaging/couplepause.spec) takes the .mo files from the installed package.
Needs polib (pip install polib).
"""

from __future__ import annotations

import re
import string
import sys
import tomllib
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
WORDS = ROOT / "resources" / "words.toml"
LOCALE = ROOT / "resources" / "locale"
DOMAIN = "couplepause"
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
_KEY = re.compile(r'^("[^"]+"|[A-Za-z0-9_-]+)\s*=\s*(.*)$')
_SECTION = re.compile(r"^\[([A-Za-z0-9_-]+)\]\s*$")


def _open_brackets(text: str) -> int:
    """How many [ stay open in ``text`` (brackets inside "strings" do not count)."""
    depth, quoted = 0, False
    for ch in re.sub(r"\\.", "", text):
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            depth += {"[": 1, "]": -1}.get(ch, 0)
    return depth


def comments(text: str) -> dict[tuple[str, str], list[str]]:
    """The comments of words.toml that belong to each (section, key): the block just
    above a [section] (for its first key: translators read it there), and a block
    above keys (for the keys that follow it up to the next blank line or comment).
    Each block is one paragraph."""
    found: dict[tuple[str, str], list[str]] = {}
    pending: list[str] = []
    section_notes: list[str] = []
    group: list[str] = []
    name, first = "", True
    lines = iter(text.splitlines())
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            if not pending:
                group = []
            pending.append(stripped.lstrip("#").strip())
            continue
        header = _SECTION.match(stripped)
        if header:
            name, group, first = header.group(1), [], True
            section_notes, pending = ([" ".join(pending)] if pending else []), []
            continue
        if not stripped:
            group = []
            if not first:
                pending = []
            continue
        key = _KEY.match(stripped)
        if key is None:
            continue
        if pending and first:  # a block before the section's first key is about the section
            section_notes, pending = [*section_notes, " ".join(pending)], []
        elif pending:
            group, pending = [" ".join(pending)], []
        found[(name, key.group(1).strip('"'))] = [*section_notes, *group]
        section_notes, first = [], False
        value = key.group(2)
        if value.startswith('"""') and value.count('"""') == 1:
            for more in lines:
                if '"""' in more:
                    break
        elif value.startswith("["):
            depth = _open_brackets(value)
            while depth > 0:
                depth += _open_brackets(next(lines))
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


def catalogues(locale: Path = LOCALE) -> dict[str, Path]:
    """Each language's .po, by language code."""
    return {path.parent.parent.name: path for path in sorted(locale.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))}


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
        po.save(str(path))
        written.append(path)
    return written


def compile_catalogues(target: Path, locale: Path = LOCALE) -> list[Path]:
    """Compile each resources/locale/<lang>/LC_MESSAGES/couplepause.po to
    ``target``/<lang>/LC_MESSAGES/couplepause.mo (fuzzy and untranslated texts left
    out, so they stay English). The one compile step: setup.py and anyone packaging
    call it."""
    written = []
    for code, po_path in catalogues(locale).items():
        mo = Path(target) / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        polib.pofile(str(po_path)).save_as_mofile(str(mo))
        written.append(mo)
    return written


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
    elif command == "compile" and len(argv) == 2:
        for path in compile_catalogues(Path(argv[1])):
            print(path)
    else:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
