"""The README's one apt line is complete for a minimal Debian or Ubuntu: every system
library that the Qt couplepause loads links to (outside the PySide6 wheel) comes from a
package on the line, or from one every system has. packaging/system_libraries.py
reads the NEEDED entries, ``ldd`` finds the files and ``dpkg -S`` their packages.
The table that names a missing library's package to the user is checked against
the same answers, and .ci/run installs the same line."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from couplepause.app import desktop

SCRIPT = Path(__file__).resolve().parent.parent / "packaging" / "system_libraries.py"

pytestmark = pytest.mark.skipif(not SCRIPT.is_file(), reason="runs from a source checkout")


def _script():
    spec = importlib.util.spec_from_file_location("system_libraries", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("system_libraries", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return _script()


@pytest.fixture(scope="module")
def verdict(script):
    why_not = script.can_check()
    if why_not:
        pytest.skip(why_not)
    return script.check()


def test_the_readme_line_brings_every_library_qt_links_to(verdict):
    missing = [f"{lib.name} ({lib.package or 'not found here'}, for {', '.join(lib.wanted_by)})"
               for lib in verdict.missing()]
    assert missing == [], "add their packages to the README's apt line (and .ci/run's APT_PACKAGES)"


def test_the_known_gap_is_closed(verdict):
    kerberos = [lib for lib in verdict.libraries if lib.name == "libgssapi_krb5.so.2"]
    assert kerberos and kerberos[0].wanted_by == ("libQt6Network.so.6",)
    assert verdict.is_listed("libgssapi-krb5-2")


def test_every_library_outside_the_base_system_has_its_package_in_the_table(verdict):
    wrong = {}
    for lib in verdict.libraries:
        if lib.package in verdict.base:
            continue
        named = desktop.PACKAGES.get(lib.name)
        if named is None or named not in verdict.names.get(lib.package, {lib.package}):
            wrong[lib.name] = (named, lib.package)
    assert wrong == {}, "couplepause/desktop.py PACKAGES: (what it says, what dpkg says)"


def test_the_table_names_only_libraries_qt_links_to(verdict):
    linked = {lib.name for lib in verdict.libraries}
    assert sorted(set(desktop.PACKAGES) - linked) == []


def test_the_table_s_packages_are_all_on_the_line(script):
    listed = set(script.readme_packages())
    assert sorted(set(desktop.PACKAGES.values()) - listed) == []


def test_ci_installs_the_readme_line(script):
    ci = script.ci_packages()
    assert len(ci) == len(set(ci))
    assert set(ci) - script.CI_ONLY == set(script.readme_packages())


def test_the_apt_lines_are_read_as_written(script):
    text = "x\n```sh\nsudo apt-get install -y liba libb-2\n```\n"
    assert script.readme_packages(text) == ["liba", "libb-2"]
    ci = 'APT_PACKAGES="liba \\\nlibb poppler-utils"\nSUDO=""\n'
    assert script.ci_packages(ci) == ["liba", "libb", "poppler-utils"]


@pytest.mark.skipif(sys.platform != "linux", reason="ELF files")
def test_the_needed_entries_are_read_from_the_elf_file(script):
    import PySide6

    network = next(Path(PySide6.__file__).parent.glob("Qt/lib/libQt6Network.so.*"), None)
    if network is None:
        pytest.skip("no libQt6Network in this PySide6")
    needed = script.needed(network)
    assert "libgssapi_krb5.so.2" in needed and "libQt6Core.so.6" in needed
    assert needed == list(dict.fromkeys(needed))
