"""The report's language and title for screen readers and PDF viewers.

QPdfWriter (Qt 6.11) writes the title into the document information and the XMP
metadata, but its document catalog has neither ``/Lang`` (the language a screen
reader speaks the text in) nor ``/ViewerPreferences`` with ``/DisplayDocTitle``
(a viewer's window shows the title, not the file name), and Qt offers no call for
either. :func:`amend_catalog` adds both to the bytes Qt wrote, as an incremental
update (ISO 32000-1, 7.5.6): Qt's bytes stay exactly as they are, and a new
revision of the catalog follows them with its own cross-reference section and a
trailer that points back to Qt's (``/Prev``), the way a PDF editor saves a change.

Qt-free. It reads only Qt's last cross-reference table and trailer and the catalog
object they point to; where any of them is not as Qt 6.11 writes it, or the
catalog already has the entries, the bytes are returned unchanged (a report
without ``/Lang`` still reads; tests/export/test_pdf_catalog.py checks, with qpdf
and poppler, that Qt's output takes the amendment).
"""

from __future__ import annotations

import re

# A BCP 47 language tag as the report's language is named: "en", "de", "pt-BR".
_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*\Z")
_SUBSECTION = re.compile(rb"(\d+) (\d+)[ \t]*\r?\n")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_ENTRY_SIZE = 20  # every cross-reference entry is 20 bytes, its line end included
_ROOT = re.compile(rb"/Root\s+(\d+)\s+(\d+)\s+R")
_PREV = re.compile(rb"/Prev\s+\d+")


def language_tag(language: str) -> str | None:
    """The words' language code as a PDF's ``/Lang`` names it (``pt_BR`` is
    ``pt-BR``), or None where it is no language tag."""
    tag = language.replace("_", "-")
    return tag if _TAG.fullmatch(tag) else None


def amend_catalog(pdf: bytes, language: str) -> bytes:
    """``pdf`` with ``/Lang`` and ``/DisplayDocTitle`` in its catalog (see the module
    docstring); unchanged where that cannot be done safely."""
    tag = language_tag(language)
    end = _STARTXREF.search(pdf)
    if tag is None or end is None:
        return pdf
    xref_at = int(end.group(1))
    trailer_at = pdf.find(b"trailer", xref_at, end.start())
    if not pdf.startswith(b"xref", xref_at) or trailer_at < 0:
        return pdf
    trailer = pdf[trailer_at + len(b"trailer") : end.start()].strip()
    root = _ROOT.search(trailer)
    if not (trailer.startswith(b"<<") and trailer.endswith(b">>")) or root is None:
        return pdf
    number, generation = int(root.group(1)), int(root.group(2))
    offset = _offset(pdf, xref_at + len(b"xref"), trailer_at, number, generation)
    if offset is None:
        return pdf
    catalog = re.compile(rb"\s*%d %d obj\s*<<(.*?)>>\s*endobj" % (number, generation), re.DOTALL)
    found = catalog.match(pdf, offset)
    if found is None:
        return pdf
    entries = found.group(1)
    added = b""
    if not re.search(rb"/Lang\b", entries):
        added += b"/Lang (%s)\n" % tag.encode("ascii")
    if not re.search(rb"/ViewerPreferences\b", entries):
        added += b"/ViewerPreferences << /DisplayDocTitle true >>\n"
    if not added:
        return pdf
    head = pdf if pdf.endswith(b"\n") else pdf + b"\n"
    revision = b"%d %d obj\n<<%s\n%s>>\nendobj\n" % (number, generation, entries.rstrip(), added)
    xref = b"xref\n%d 1\n%010d %05d n \n" % (number, len(head), generation)
    kept = _PREV.sub(b"", trailer[2:-2]).strip()
    return (
        head
        + revision
        + xref
        + b"trailer\n<<\n%s\n/Prev %d\n>>\n" % (kept, xref_at)
        + b"startxref\n%d\n%%%%EOF\n" % (len(head) + len(revision))
    )


def _offset(pdf: bytes, start: int, stop: int, number: int, generation: int) -> int | None:
    """Where object ``number`` starts, from the cross-reference table between
    ``start`` and ``stop`` (None where it is not there, or not in use)."""
    at = start
    while True:
        while at < stop and pdf[at : at + 1] in b" \t\r\n":
            at += 1
        section = _SUBSECTION.match(pdf, at, stop)
        if section is None:
            return None
        first, count = int(section.group(1)), int(section.group(2))
        at = section.end()
        if first <= number < first + count:
            entry = _ENTRY.match(pdf, at + (number - first) * _ENTRY_SIZE, stop)
            if entry is None or entry.group(3) != b"n" or int(entry.group(2)) != generation:
                return None
            return int(entry.group(1))
        at += count * _ENTRY_SIZE
