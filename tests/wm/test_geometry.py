"""What a person sees on a real small laptop: every screen and dialog, measured.

Under a real window manager (openbox on Xvfb, see conftest.py), at 1024x600 and 1280x800,
in German and English, with a year of pauses (300), a plan and 30-character names,
the walker (walker.py) opens every screen of screens.py, one app per size and
language, and measures it (checks.py). Each test here reads one screen's findings
for one kind of fault: a window or widget outside the screen (or a screen that must
be scrolled), a text wider than its place, siblings that overlap, the progress
chart's plot under its minimum, the Pause button too small to read as the main
action, the breathing pacer too small to read as the breathing shape. Marked
``wm``: the everyday run leaves them out, CI runs them (``pytest -m wm`` here).
"""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest

from tests.wm import screens

pytestmark = pytest.mark.wm

PLOT_MINIMUM = 200  # issue 20: the progress chart's plot at least 200 px tall at 1024x600

# Faults these tests find in layouts that are being mended in parallel (issue 20):
# (kind, screens, sizes, languages, why). Remove a line once its fix is in.
SMALL, LARGE = [(1024, 600)], [(1280, 800)]
ANY, DE = None, ["de"]
EXPECTED: list[tuple[str, str, object, object, str]] = []


def expected(kind: str, name: str, size, language) -> list:
    for e_kind, pattern, sizes, languages, why in EXPECTED:
        if (e_kind == kind and fnmatchcase(name, pattern) and (sizes is ANY or size in sizes)
                and (languages is ANY or language in languages)):
            return [pytest.mark.xfail(strict=False, reason=f"issue 20: {why}")]
    return []


def cases(kind: str, names: list[str]) -> list:
    return list(_cases(kind, names))


def _cases(kind: str, names: list[str]):
    for size in screens.SIZES:
        for language in screens.LANGUAGES:
            # One walk per size and language: its tests run on one worker, which walks once.
            group = pytest.mark.xdist_group(f"wm-{size[0]}x{size[1]}-{language}")
            for name in names:
                yield pytest.param(size, language, name, id=f"{size[0]}x{size[1]}-{language}-{name}",
                                   marks=[group, *expected(kind, name, size, language)])


def findings(walked, size, language, name: str) -> dict:
    found = walked(size, language)["screens"].get(name)
    if found is None or "error" in found:
        pytest.fail(f"the walk did not come to {name}: {(found or {}).get('error', 'not in the report')}",
                    pytrace=False)
    return found


def problems(walked, size, language, name: str, kind: str) -> list[str]:
    return [p["what"] for p in findings(walked, size, language, name)["problems"] if p["kind"] == kind]


def said(found: list[str]) -> str:
    return "\n".join(f"- {line}" for line in found)


@pytest.mark.parametrize(("size", "language", "name"), cases("outside", screens.ALL))
def test_every_window_and_control_is_on_the_screen(walked, size, language, name):
    found = problems(walked, size, language, name, "outside")
    assert not found, f"{name} at {size[0]}x{size[1]} in {language}:\n{said(found)}"


@pytest.mark.parametrize(("size", "language", "name"), cases("text", screens.ALL))
def test_every_text_fits_its_place(walked, size, language, name):
    found = problems(walked, size, language, name, "text")
    assert not found, f"{name} at {size[0]}x{size[1]} in {language}:\n{said(found)}"


@pytest.mark.parametrize(("size", "language", "name"), cases("overlap", screens.ALL))
def test_nothing_lies_over_its_neighbour(walked, size, language, name):
    found = problems(walked, size, language, name, "overlap")
    assert not found, f"{name} at {size[0]}x{size[1]} in {language}:\n{said(found)}"


@pytest.mark.parametrize(("size", "language", "name"), cases("plot", screens.CHARTS))
def test_the_chart_plot_is_tall_enough_to_read(walked, size, language, name):
    height = findings(walked, size, language, name)["measures"].get("plot_height")
    assert height is not None, f"{name}: no chart was drawn"
    assert height >= PLOT_MINIMUM, f"{name} at {size[0]}x{size[1]} in {language}: the plot is {height:.0f} px tall"


@pytest.mark.parametrize(("size", "language", "name"), cases("pause", screens.PAUSE))
def test_the_pause_button_reads_as_the_main_action(walked, size, language, name):
    found = problems(walked, size, language, name, "pause")
    assert not found, f"{name} at {size[0]}x{size[1]} in {language}:\n{said(found)}"


@pytest.mark.parametrize(("size", "language", "name"), cases("pacer", screens.PACER))
def test_the_breathing_pacer_is_a_calm_clear_shape(walked, size, language, name):
    found = problems(walked, size, language, name, "pacer")
    assert not found, f"{name} at {size[0]}x{size[1]} in {language}:\n{said(found)}"
    assert findings(walked, size, language, name)["measures"].get("pacer") is not None, f"{name}: no pacer measured"


@pytest.mark.parametrize(("size", "language"), [
    pytest.param(size, language, id=f"{size[0]}x{size[1]}-{language}",
                 marks=pytest.mark.xdist_group(f"wm-{size[0]}x{size[1]}-{language}"))
    for size in screens.SIZES for language in screens.LANGUAGES
])
def test_the_walk_knows_every_tab_of_the_progress_view(walked, size, language):
    assert walked(size, language)["unvisited_tabs"] == [], "add them to screens.TABS and walker.TAB_WORDS"
