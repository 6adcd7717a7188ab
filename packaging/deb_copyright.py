"""The .deb's /usr/share/doc/couplepause/copyright and changelog.Debian.gz, made at build time.

The copyright file is machine-readable (Debian's copyright format 1.0) and made from
what the bundle holds, so it cannot drift from it. Each file of the bundle is traced to
where PyInstaller took it from (bundle-sources.json, which packaging/couplepause.spec
writes), and that source decides its paragraph:

- a file of an installed Python distribution (importlib.metadata's file lists): that
  distribution, with its licence expression and the full text of its licence files;
  parts that a licence file describes in blocks of its own (numpy's OpenBLAS, LAPACK and
  GCC runtime: "Name:", "Files:", "License:") get a paragraph of their own;
- a file of a Debian package (``dpkg -S``), e.g. a system library PyInstaller collected:
  that package and version, with its own copyright file in full;
- the build's Python itself (a Python not installed by dpkg): Python, with its LICENSE.txt;
- the executable: PyInstaller's bootloader.

A file that none of these claims stops the build. ICU, which comes inside PySide6's Qt
libraries without a licence file of its own, is named in VENDORED. Run by make_deb.py
with the build environment's Python (its distributions are the bundle's).
"""

from __future__ import annotations

import fnmatch
import gzip
import importlib.metadata
import json
import re
import subprocess
import sys
import sysconfig
import textwrap
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP = "couplepause"
HOMEPAGE = "https://github.com/couplepause/couplepause"
FORMAT = "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
OUR_LICENCE = "GPL-3.0-or-later"
# Licences whose text every Debian system has in /usr/share/common-licenses.
COMMON_LICENCES = {
    "GPL-3.0-or-later": "GPL-3", "GPL-3.0-only": "GPL-3", "GPL-3.0": "GPL-3",
    "GPL-2.0-or-later": "GPL-2", "GPL-2.0-only": "GPL-2", "GPL-2.0": "GPL-2",
    "LGPL-3.0-or-later": "LGPL-3", "LGPL-3.0-only": "LGPL-3", "LGPL-3.0": "LGPL-3",
    "LGPL-2.1-or-later": "LGPL-2.1", "LGPL-2.1-only": "LGPL-2.1",
    "Apache-2.0": "Apache-2.0", "MPL-2.0": "MPL-2.0", "CC0-1.0": "CC0-1.0",
}
# Trove classifiers for distributions that declare no licence expression.
CLASSIFIER_LICENCES = {
    "MIT License": "MIT", "BSD License": "BSD-3-Clause", "Apache Software License": "Apache-2.0",
    "Python Software Foundation License": "PSF-2.0", "ISC License (ISCL)": "ISC",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
}
# Parts that come inside a distribution's files without a licence file of their own:
# (distribution, name, files under _internal (a pattern), licence, text in packaging/licences/).
VENDORED = [
    ("PySide6_Essentials", "ICU (International Components for Unicode), inside Qt", "PySide6/Qt/lib/libicu*",
     "Unicode-DFS-2016 and ICU", "ICU.txt"),
]
# The full texts Debian keeps in /usr/share/common-licenses, as a licence file includes
# them: replaced by where they are (lintian: copyright-file-contains-full-*-license).
FULL_TEXTS = [
    (re.compile(r"^[ \t]*GNU (LESSER |LIBRARY )?GENERAL PUBLIC LICENSE\s+Version (\d(?:\.\d)?), [\w ]+ \d{4}"
                r".*?END OF TERMS AND CONDITIONS", re.DOTALL | re.MULTILINE),
     lambda m: ("LGPL-" if m[1] else "GPL-") + m[2].removesuffix(".0")),
    (re.compile(r"^[ \t]*Apache License\s+Version 2\.0, January 2004.*?END OF TERMS AND CONDITIONS",
                re.DOTALL | re.MULTILINE), lambda m: "Apache-2.0"),
]
COPYRIGHT_LINE = re.compile(r"^\s*(Copyright\b|\(c\)|©).*\d{4}.*$", re.IGNORECASE | re.MULTILINE)


class Untraced(SystemExit):
    pass


def field(name: str, value: str) -> str:
    """A deb822 field: continuation lines indented, empty ones as ' .'."""
    lines = value.strip("\n").splitlines() or [""]
    rest = [" " + line.rstrip() if line.strip() else " ." for line in lines[1:]]
    return "\n".join([f"{name}: {lines[0].rstrip()}", *rest])


def paragraph(**fields: str) -> str:
    return "\n".join(field(name.replace("_", "-"), value) for name, value in fields.items() if value) + "\n"


def dep5_expression(spdx: str) -> str:
    """SPDX's operators as the copyright format writes them."""
    return re.sub(r"\s+(OR|AND|WITH)\s+", lambda m: f" {m[1].lower()} ", spdx.strip())


def common_licence_note(expression: str) -> str:
    names = re.findall(r"[A-Za-z0-9.+-]+", expression)
    found = sorted({COMMON_LICENCES[n] for n in names if n in COMMON_LICENCES})
    if not found:
        return ""
    paths = ", ".join(f"/usr/share/common-licenses/{n}" for n in found)
    return f"On Debian systems the full text of {' and '.join(found)} is in {paths}."


def files_field(paths: list[str]) -> str:
    """DEP-5 writes a space in a file name as '?' (space separates the names)."""
    return "\n".join(p.replace(" ", "?") for p in paths)


# The bundle's files and where each came from.

def bundle_files(bundle: Path) -> list[str]:
    """Every regular file of the bundle, relative to it (symbolic links point inside)."""
    return sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())


def distribution_files() -> dict[str, importlib.metadata.Distribution]:
    owners: dict[str, importlib.metadata.Distribution] = {}
    for dist in importlib.metadata.distributions():
        for file in dist.files or []:
            owners.setdefault(str(Path(dist.locate_file(file)).resolve()), dist)
    return owners


def usr_aliases(path: str) -> list[str]:
    """A file's names on a merged-/usr system, as dpkg may know either."""
    names = [path, str(Path(path).resolve())]
    names += [n.removeprefix("/usr") if n.startswith("/usr/") else "/usr" + n for n in list(names)]
    return list(dict.fromkeys(names))


def debian_owners(paths: list[str]) -> dict[str, str]:
    """{path: Debian package} for the paths dpkg knows (one dpkg -S for all of them)."""
    if not paths:
        return {}
    alias_of = {alias: path for path in paths for alias in usr_aliases(path)}
    try:
        out = subprocess.run(["dpkg", "-S", *alias_of], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return {}
    owners = {}
    for line in out.splitlines():
        packages, sep, found = line.partition(": ")
        if sep and found in alias_of and not line.startswith("diversion"):
            owners.setdefault(alias_of[found], packages.split(",")[0].split(":")[0].strip())
    return owners


def package_version(package: str) -> str:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True)
    return out.stdout.strip()


def python_licence_file() -> Path | None:
    found = Path(sysconfig.get_path("stdlib")) / "LICENSE.txt"
    return found if found.is_file() else None


def trace(bundle: Path, sources: dict[str, str]) -> dict[str, tuple[str, object]]:
    """{file in the bundle: (kind, owner)}; kind is "dist", "debian", "python" or "bootloader"."""
    internal = "_internal"
    by_dist = distribution_files()
    traced: dict[str, tuple[str, object]] = {}
    pending: dict[str, str] = {}
    stdlib_roots = {Path(sys.base_prefix).resolve(), Path(sysconfig.get_path("stdlib")).resolve()}
    for rel in bundle_files(bundle):
        inside = rel.removeprefix(internal + "/")
        src = sources.get(inside)
        if src is None and "/" not in rel and (bundle / rel).stat().st_mode & 0o111:
            traced[rel] = ("bootloader", importlib.metadata.distribution("pyinstaller"))
        elif src is None and inside == "base_library.zip":
            traced[rel] = ("python", None)
        elif src is None:
            pending[rel] = ""
        elif (dist := by_dist.get(str(Path(src).resolve()))) is not None:
            # PyInstaller's own run-time modules go with its bootloader, under its licence.
            traced[rel] = ("bootloader" if dist.metadata["Name"].lower() == "pyinstaller" else "dist", dist)
        else:
            pending[rel] = src
    owners = debian_owners([src for src in pending.values() if src])
    untraced = []
    for rel, src in pending.items():
        if src in owners:
            traced[rel] = ("debian", owners[src])
        elif src and any(Path(src).resolve().is_relative_to(root) for root in stdlib_roots) and python_licence_file():
            traced[rel] = ("python", None)
        else:
            untraced.append(rel)
    if untraced:
        raise Untraced("deb_copyright: no source known for these files of the bundle, so no licence: "
                       + ", ".join(untraced[:20]) + (" ..." if len(untraced) > 20 else ""))
    return traced


def compact(paths: list[str], owner_of: dict[str, object], key: object, prefix: str) -> list[str]:
    """The paths as few patterns: a top folder of _internal wholly one owner's becomes 'folder/*'."""
    by_top: dict[str, list[str]] = defaultdict(list)
    for rel in owner_of:
        parts = rel.split("/")
        if len(parts) > 2 and parts[0] == "_internal":
            by_top["/".join(parts[:2])].append(rel)
    result = []
    done = set()
    for rel in sorted(paths):
        parts = rel.split("/")
        top = "/".join(parts[:2])
        if len(parts) > 2 and parts[0] == "_internal" and all(owner_of[r] == key for r in by_top[top]):
            if top not in done:
                done.add(top)
                result.append(f"{prefix}/{top}/*")
        else:
            result.append(f"{prefix}/{rel}")
    return result


# What each kind of owner says.

def licence_files(dist: importlib.metadata.Distribution) -> list[Path]:
    files = [Path(dist.locate_file(f)) for f in dist.files or [] if ".dist-info" in str(f)]
    named = set(dist.metadata.get_all("License-File") or [])
    chosen = [p for p in files if any(str(p).endswith("/" + name) for name in named)]
    if not chosen:
        chosen = [p for p in files if re.match(r"(LICEN[CS]E|COPYING|NOTICE)", p.name, re.IGNORECASE)]
    return sorted(p for p in chosen if p.is_file())


def dist_licence(dist: importlib.metadata.Distribution) -> str:
    meta = dist.metadata
    if meta.get("License-Expression"):
        return meta["License-Expression"]
    short = (meta.get("License") or "").strip()
    if short and "\n" not in short and len(short) < 80 and " " not in short.replace(" OR ", "").replace(" AND ", ""):
        return short
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    known = [CLASSIFIER_LICENCES[c] for c in classifiers if c in CLASSIFIER_LICENCES]
    if known:
        return " OR ".join(dict.fromkeys(known))
    return f"LicenseRef-{meta['Name']}"


def shortened(text: str) -> str:
    """``text`` with the full texts Debian ships replaced by their place."""
    for pattern, name in FULL_TEXTS:
        text = pattern.sub(lambda m, name=name: f"[The full text of {name(m)}: on Debian systems in "
                           f"/usr/share/common-licenses/{name(m)}.]", text)
    return text


def copyright_lines(texts: list[str], fallback: str) -> str:
    lines = dict.fromkeys(" ".join(m.group(0).split()) for text in texts for m in COPYRIGHT_LINE.finditer(text))
    lines.pop("", None)
    return "\n".join(list(lines)[:40]) if lines else fallback


def authors(meta) -> str:
    who = meta.get("Author") or meta.get("Author-email") or meta.get("Maintainer") or meta.get("Maintainer-email")
    return f"The authors of {meta['Name']}" + (f": {' '.join(who.split())}" if who else "")


def licence_blocks(text: str) -> list[tuple[str, str, str, str]]:
    """(name, files, licence, text) for each block a licence file gives its bundled parts in."""
    blocks = []
    for block in re.split(r"\n(?=Name: )", text):
        head = dict(re.findall(r"^(Name|Files|License): *(.+)$", block, re.MULTILINE))
        if {"Name", "Files", "License"} <= head.keys():
            blocks.append((head["Name"], head["Files"], head["License"], block.strip()))
    return blocks


def dist_paragraphs(dist, paths: list[str], bundle_paths: list[str], prefix: str) -> list[str]:
    meta = dist.metadata
    expression = dist_licence(dist)
    texts = [shortened(p.read_text("utf-8", errors="replace")) for p in licence_files(dist)]
    body = "\n\n".join(t.strip("\n") for t in texts) or common_licence_note(expression)
    if not body:
        raise Untraced(f"deb_copyright: {meta['Name']} has no licence text and {expression} is not in "
                       "/usr/share/common-licenses")
    result = [paragraph(
        Files=files_field(paths),
        Copyright=copyright_lines(texts, authors(meta)),
        License=dep5_expression(expression) + "\n" + body,
        Comment=f"Python distribution {meta['Name']} {dist.version}"
        + (f"\n{common_licence_note(expression)}" if texts and common_licence_note(expression) else ""),
    )]
    by_files: dict[tuple, list] = defaultdict(list)  # parts in the same files: one paragraph
    for name, files, licence, block in (b for t in texts for b in licence_blocks(t)):
        inside = tuple(p for p in bundle_paths if fnmatch.fnmatch(p, "_internal/" + files)
                       or fnmatch.fnmatch(p, "_internal/" + files + ".*"))  # libgfortran*.so: .so.5.0.0 too
        if inside:
            by_files[inside].append((name, licence, block))
    for inside, blocks in by_files.items():
        names = " and ".join(name for name, _, _ in blocks)
        result.append(paragraph(Files=files_field([f"{prefix}/{p}" for p in inside]),
                                Copyright=copyright_lines([b for _, _, b in blocks], f"The authors of {names}"),
                                License=" and ".join(dep5_expression(lic) for _, lic, _ in blocks) + "\n"
                                + "\n\n".join(b for _, _, b in blocks),
                                Comment=f"{names}, bundled with {meta['Name']} (as its licence file says)"))
    for owner, name, pattern, licence, text_file in VENDORED:
        if meta["Name"].lower().replace("-", "_") == owner.lower():
            inside = [p for p in bundle_paths if fnmatch.fnmatch(p, "_internal/" + pattern)]
            if inside:
                text = (HERE / "licences" / text_file).read_text("utf-8")
                result.append(paragraph(Files=files_field([f"{prefix}/{p}" for p in inside]),
                                        Copyright=copyright_lines([text], f"The authors of {name}"),
                                        License=licence + "\n" + text,
                                        Comment=f"{name}, bundled with {meta['Name']}"))
    return result


def debian_notice(package: str) -> str:
    notice_path = Path("/usr/share/doc") / package / "copyright"
    notice = shortened(notice_path.read_text("utf-8", errors="replace")) if notice_path.is_file() else ""
    if not notice:
        raise Untraced(f"deb_copyright: the Debian package {package} has no {notice_path}")
    return notice


def debian_paragraph(packages: list[str], paths: list[str]) -> str:
    """One paragraph for Debian packages of one source, whose copyright files are the same."""
    package = packages[0]
    notice = debian_notice(package)
    licence, holders = f"LicenseRef-Debian-{package}", ""
    first = notice.split("\n\n")
    if notice.startswith("Format:"):  # machine-readable itself: its "Files: *" paragraph
        for part in first:
            if re.search(r"^Files:\s*\*\s*$", part, re.MULTILINE):
                lic = re.search(r"^License:\s*(.+)$", part, re.MULTILINE)
                cop = re.search(r"^Copyright:(.*(?:\n[ \t].*)*)", part, re.MULTILINE)
                licence = lic[1].strip() if lic else licence
                holders = "\n".join(line.strip() for line in cop[1].splitlines() if line.strip()) if cop else ""
                break
    return paragraph(
        Files=files_field(paths),
        Copyright=holders or copyright_lines([notice], f"The authors of Debian's {package}"),
        License=licence + "\n" + f"The Debian package's copyright file, in full:\n\n{notice}",
        Comment="From the Debian package" + ("s " if len(packages) > 1 else " ")
        + ", ".join(f"{p} {package_version(p)}" for p in packages) + ", as the build machine had them",
    )


def python_paragraph(paths: list[str]) -> str:
    licence = python_licence_file()
    text = shortened(licence.read_text("utf-8", errors="replace")) if licence else ""
    return paragraph(Files=files_field(paths), Copyright=copyright_lines([text], "Python Software Foundation"),
                     License="PSF-2.0\n" + text, Comment=f"Python {sys.version.split()[0]}, its library and modules")


def bootloader_paragraph(dist, paths: list[str]) -> str:
    texts = [shortened(p.read_text("utf-8", errors="replace")) for p in licence_files(dist)]
    return paragraph(Files=files_field(paths), Copyright=copyright_lines(texts, authors(dist.metadata)),
                     License="GPL-2.0-or-later with Bootloader exception\n" + "\n\n".join(texts),
                     Comment=f"The executable is PyInstaller {dist.version}'s bootloader "
                     "(Python distribution pyinstaller, not itself in the bundle)")


def copyright_file(bundle: Path, sources_json: Path, prefix: str, maintainer: str) -> str:
    """The copyright file for ``bundle`` installed at /``prefix``."""
    sources = json.loads(sources_json.read_text("utf-8"))
    traced = trace(bundle, sources)
    key_of = {rel: (kind, getattr(owner, "metadata", {"Name": owner})["Name"] if owner else "")
              for rel, (kind, owner) in traced.items()}
    bundle_paths = sorted(traced)
    groups: dict[tuple, list[str]] = defaultdict(list)
    owners: dict[tuple, object] = {}
    for rel, key in key_of.items():
        groups[key].append(rel)
        owners[key] = traced[rel][1]
    parts = [paragraph(
        Format=FORMAT, Upstream_Name=APP, Upstream_Contact=maintainer, Source=HOMEPAGE,
        Comment=f"Made when the package was built, from what /{prefix} holds: each file is traced to the Python "
        "distribution, the Debian package or the Python that PyInstaller took it from.",
    ), paragraph(Files="*", Copyright="The couplepause team", License=dep5_expression(OUR_LICENCE) + "\n"
                 + "couplepause is free software: you can redistribute it and/or modify it under the terms of "
                 "the GNU General Public License as published by the Free Software Foundation, either version 3 "
                 "of the License, or (at your option) any later version.\n\n" + common_licence_note(OUR_LICENCE))]
    same_notice: dict[str, list[str]] = defaultdict(list)  # Debian packages by their copyright file
    for kind, name in groups:
        if kind == "debian":
            same_notice[debian_notice(name)].append(name)
    for key in sorted(groups, key=lambda k: (k[0] != "python", k[0], k[1].lower())):
        kind, name = key
        if kind == "dist" and name.lower() == APP:
            continue  # ours: "Files: *"
        paths = compact(groups[key], key_of, key, prefix)
        if kind == "dist":
            parts += dist_paragraphs(owners[key], paths, bundle_paths, prefix)
        elif kind == "debian":
            packages = sorted(same_notice[debian_notice(name)])
            if name == packages[0]:
                paths = [p for package in packages for p in compact(groups[("debian", package)], key_of,
                                                                     ("debian", package), prefix)]
                parts.append(debian_paragraph(packages, paths))
        elif kind == "python":
            parts.append(python_paragraph(paths))
        else:
            parts.append(bootloader_paragraph(owners[key], paths))
    return "\n".join(parts)


def changelog(metainfo: Path, version: str, maintainer: str) -> bytes:
    """changelog.Debian.gz from the metainfo's releases (newest first), gzip -9n."""
    entries = []
    for release in ET.parse(metainfo).getroot().iterfind("releases/release"):
        upstream = release.get("version")
        revision = version.split("-", 1)[1] if upstream == version.split("-")[0] and "-" in version else "1"
        date = datetime.strptime(release.get("date"), "%Y-%m-%d").replace(hour=12, tzinfo=UTC)
        words = [" ".join("".join(p.itertext()).split()) for p in release.iterfind("description/p")
                 if "{http://www.w3.org/XML/1998/namespace}lang" not in p.attrib] or [f"Release {upstream}."]
        items = "\n".join(textwrap.fill(w, 78, initial_indent="  * ", subsequent_indent="    ") for w in words)
        entries.append(f"{APP} ({upstream}-{revision}) unstable; urgency=medium\n\n{items}\n\n"
                       f" -- {maintainer}  {date.strftime('%a, %d %b %Y %H:%M:%S +0000')}\n")
    text = "\n".join(entries).encode("utf-8")
    return gzip.compress(text, compresslevel=9, mtime=0)
