"""The translations' one compile step: each
resources/locale/<language>/LC_MESSAGES/couplepause.po to its .mo, which is all the
app reads (couplepause/common/texts.py). setup.py runs it while building (a wheel, the
editable install); `python packaging/messages.py compile DIR` runs it by hand.
Needs polib only (pyproject.toml's [build-system] requires)."""

from __future__ import annotations

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "resources" / "locale"
DOMAIN = "couplepause"
# A catalogue names its language here ("Deutsch"): until it does, it is a language
# begun but not yet translated, and no .mo is made (Settings would offer it as "English").
NAME = ("languages.name", "English")


def catalogues(locale: Path = LOCALE) -> dict[str, Path]:
    """Each language's .po, by language code."""
    return {path.parent.parent.name: path for path in sorted(Path(locale).glob(f"*/LC_MESSAGES/{DOMAIN}.po"))}


def names_its_language(po: polib.POFile) -> bool:
    entry = po.find(NAME[1], msgctxt=NAME[0])
    return entry is not None and entry.translated()


def compile_catalogues(target: Path, locale: Path = LOCALE) -> list[Path]:
    """Compile each ``locale``/<lang>/LC_MESSAGES/couplepause.po that names its
    language to ``target``/<lang>/LC_MESSAGES/couplepause.mo (fuzzy and untranslated
    texts left out, so they stay English). Returns the .mo files written."""
    written = []
    for code, po_path in catalogues(locale).items():
        po = polib.pofile(str(po_path))
        mo = Path(target) / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if not names_its_language(po):
            mo.unlink(missing_ok=True)  # one compiled before, in place (pip install -e .)
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        po.save_as_mofile(str(mo))
        written.append(mo)
    return written
