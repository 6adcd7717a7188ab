"""Wrap the bundle in a Debian package, so that couplepause installs like any desktop app.

    python packaging/make_deb.py dist/couplepause build/bundle/icons dist

writes ``dist/couplepause_VERSION-1_ARCH.deb`` (its path is the last line printed):

- ``/opt/couplepause/``: the one-folder bundle, and ``/usr/bin/couplepause`` linking to it;
- ``/usr/share/applications/`` and ``/usr/share/metainfo/``: the desktop entry and the
  AppStream metainfo from packaging/;
- ``/usr/share/icons/hicolor/``: the icons that make_icons.py rendered;
- ``/usr/share/doc/couplepause/``: the machine-readable ``copyright`` listing every part of
  the bundle and its licence, and ``changelog.Debian.gz`` (packaging/deb_copyright.py);
- ``DEBIAN/md5sums`` of every file.

``Depends`` lists the system libraries that the bundle's binaries link to but that the
bundle leaves to the system (the C library, the C++ and GCC runtimes, OpenGL and EGL,
libxcb, Wayland, fontconfig and FreeType), found with ``ldd`` and named by ``dpkg -S``;
libc6 and libstdc++6 at least at the build machine's version. The package's version is
the app's with a Debian revision (0.1.0-1).
The icon cache and the menu are refreshed by the dpkg triggers of the desktop's own
packages, so the package has no maintainer scripts. Built with ``dpkg-deb
--root-owner-group`` (no fakeroot needed).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from deb_copyright import HOMEPAGE, changelog, copyright_file

APP = "couplepause"
APP_ID = "io.github.couplepause.couplepause"
HERE = Path(__file__).resolve().parent
PREFIX = Path("opt") / APP
MAINTAINER = "The couplepause team <maintainers@couplepause.invalid>"
DEBIAN_REVISION = "1"
# Asked for although no binary links to them: a font for Qt to draw with (fontconfig's
# configuration already brings one).
RECOMMENDS = ["fonts-dejavu-core"]
# At least the build machine's version: symbols are versioned, newer ones are missing on
# an older system.
VERSIONED = ("libc6", "libstdc++6", "libgcc-s1")
DOC = Path("usr") / "share" / "doc" / APP


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def system_libraries(bundle: Path) -> tuple[set[str], set[str]]:
    """(paths of system libraries the bundle links to, names that are not on this machine),
    as the bundle's own loader path (the bootloader puts _internal first) resolves them."""
    internal = (bundle / "_internal").resolve()
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}
    resolved: set[str] = set()
    missing: set[str] = set()
    for path in elf_files(bundle):
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        for line in out.splitlines():
            match = re.match(r"\s*(\S+) => (not found|(\S+))", line)
            if not match:
                continue
            if match.group(2) == "not found":
                missing.add(match.group(1))
            elif not Path(match.group(3)).resolve().is_relative_to(internal):
                resolved.add(match.group(3))
    return resolved, missing


def owning_package(path: str) -> str | None:
    """The Debian package that ships ``path`` (merged /usr or not)."""
    candidates = [path, str(Path(path).resolve())]
    candidates += [c.removeprefix("/usr") if c.startswith("/usr/") else "/usr" + c for c in list(candidates)]
    for candidate in dict.fromkeys(candidates):
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.split(":", 1)[0].strip()
    return None


def package_by_soname(soname: str) -> str:
    """Debian's name for a library package: libwayland-egl.so.1 -> libwayland-egl1."""
    match = re.fullmatch(r"(lib[^.]+)\.so\.?([0-9]*).*", soname)
    if not match:
        raise SystemExit(f"make_deb: cannot name a package for {soname}")
    name, version = match.group(1).lower(), match.group(2)
    return f"{name}-{version}" if name[-1].isdigit() and version else f"{name}{version}"


def upstream_version(package: str) -> str | None:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True)
    if out.returncode != 0 or not out.stdout:
        return None
    return re.sub(r"^[0-9]+:", "", out.stdout).split("-")[0].split("+")[0]


def depends(bundle: Path) -> list[str]:
    resolved, missing = system_libraries(bundle)
    packages = set()
    for path in resolved:
        package = owning_package(path)
        packages.add(package or package_by_soname(Path(path).name))
    packages.update(package_by_soname(name) for name in missing)
    result = []
    for package in sorted(packages):
        if package in VERSIONED and (version := upstream_version(package)):
            package = f"{package} (>= {version})"
        result.append(package)
    return result


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def bundle_version(bundle: Path) -> str:
    out = subprocess.run([str(bundle / APP), "--version"], capture_output=True, text=True, check=True)
    return out.stdout.split()[-1]


def summary_and_description() -> tuple[str, list[str]]:
    import xml.etree.ElementTree as ET

    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    root = ET.parse(HERE / f"{APP_ID}.metainfo.xml").getroot()
    # The English text: the elements without xml:lang (the translations carry one).
    summary = next(e for e in root.iterfind("summary") if lang not in e.attrib)
    paragraphs = [" ".join("".join(p.itertext()).split()) for p in root.iterfind("description/p")
                  if lang not in p.attrib]
    return summary.text.strip(), paragraphs


def control(version: str, arch: str, size_kib: int, deps: list[str]) -> str:
    summary, paragraphs = summary_and_description()
    body = "\n .\n".join(textwrap.fill(text, 79, initial_indent=" ", subsequent_indent=" ") for text in paragraphs)
    return (
        f"Package: {APP}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {size_kib}\n"
        f"Depends: {', '.join(deps)}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\n"
        "Section: utils\n"
        f"Homepage: {HOMEPAGE}\n"
        "Priority: optional\n"
        f"Description: {summary}\n"
        f"{body}\n"
    )


def stage(bundle: Path, icons: Path, root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bundle, root / PREFIX, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / APP).symlink_to(Path("/") / PREFIX / APP)
    share = root / "usr" / "share"
    for folder, name in (("applications", f"{APP_ID}.desktop"), ("metainfo", f"{APP_ID}.metainfo.xml")):
        (share / folder).mkdir(parents=True)
        shutil.copyfile(HERE / name, share / folder / name)
    shutil.copytree(icons / "hicolor", share / "icons" / "hicolor")
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        # Shared libraries and plugins are loaded, not run: not executable (as Debian ships them).
        library = ".so" in path.suffixes or path.name.endswith(".so")
        executable = path.is_dir() or (os.access(path, os.X_OK) and not library)
        path.chmod(0o755 if executable else 0o644)


def write_doc(root: Path, version: str, sources: Path) -> None:
    """The copyright file (traced from the bundle's contents) and the changelog."""
    doc = root / DOC
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_file(root / PREFIX, sources, str(PREFIX), MAINTAINER), "utf-8")
    (doc / "changelog.Debian.gz").write_bytes(changelog(HERE / f"{APP_ID}.metainfo.xml", version, MAINTAINER))
    for path in (doc, doc / "copyright", doc / "changelog.Debian.gz"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def md5sums(root: Path) -> str:
    lines = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not path.is_symlink() and rel.parts[0] != "DEBIAN":
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            lines.append(f"{digest}  {rel}\n")
    return "".join(lines)


def installed_size_kib(root: Path) -> int:
    total = sum(p.lstat().st_size for p in root.rglob("*") if not p.is_dir())
    return (total + 1023) // 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the one-folder bundle (dist/couplepause)")
    parser.add_argument("icons", type=Path, help="the folder make_icons.py wrote")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--compression", default="xz", help="dpkg-deb -Z (default xz, readable everywhere)")
    parser.add_argument("--sources", type=Path,
                        default=Path("build/bundle/pyinstaller/couplepause/bundle-sources.json"),
                        help="where each file of the bundle came from (couplepause.spec writes it)")
    args = parser.parse_args(argv)

    version, arch = f"{bundle_version(args.bundle)}-{DEBIAN_REVISION}", architecture()
    name = f"{APP}_{version}_{arch}"
    root = Path("build") / "bundle" / "deb" / name
    stage(args.bundle, args.icons, root)
    write_doc(root, version, args.sources)
    deps = depends(root / PREFIX)
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(control(version, arch, installed_size_kib(root), deps))
    (root / "DEBIAN" / "md5sums").write_text(md5sums(root))
    target = args.out_dir / f"{name}.deb"
    args.out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["dpkg-deb", "--root-owner-group", f"-Z{args.compression}", "--build", str(root), str(target)],
                   check=True)
    shutil.rmtree(root)
    print("Depends:", ", ".join(deps))
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
