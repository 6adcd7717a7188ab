"""The window-manager walk's checks themselves (checks.py), on widgets made to fail
them and made to pass: offscreen, in the everyday run. Sizes are taken from each
widget's own font once it is shown (whatever style sheet the process has)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QPushButton, QTabWidget, QWidget

from tests.wm import checks

WORDS = "When a conversation gets hard, either of you presses Pause"


@pytest.fixture
def window(qtbot):
    widget = QWidget()
    widget.resize(600, 400)
    qtbot.addWidget(widget)
    return widget


def shown(qtbot, widget: QWidget) -> QWidget:
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def kinds(problems) -> list[str]:
    return [p.kind for p in problems]


def test_a_label_that_does_not_wrap_must_fit_its_width(qtbot, window):
    line = QLabel(WORDS, window)
    shown(qtbot, window)
    needed = line.fontMetrics().horizontalAdvance(WORDS)
    line.setGeometry(0, 0, needed + 4, 2 * line.fontMetrics().height())
    assert checks.label_fits(line) == []
    line.setFixedWidth(needed // 2)
    (problem,) = checks.label_fits(line)
    assert problem.kind == "text" and "does not wrap" in problem.what and WORDS[:20] in problem.what


def test_a_wrapping_label_must_be_tall_enough_for_its_lines_and_wide_enough_for_its_words(qtbot, window):
    text = QLabel(WORDS, window)
    text.setWordWrap(True)
    word = QLabel("Verabredungsschwierigkeiten", window)
    word.setWordWrap(True)
    shown(qtbot, window)
    width = text.fontMetrics().horizontalAdvance(WORDS) // 2
    text.setGeometry(0, 0, width, text.heightForWidth(width))
    assert checks.label_fits(text) == []
    text.setFixedHeight(text.fontMetrics().height())  # one line of several
    assert "cut" in checks.label_fits(text)[0].what
    word.setGeometry(0, 200, word.fontMetrics().horizontalAdvance("Verabredungs"), 200)
    assert any("the word" in p.what for p in checks.label_fits(word))
    column = text.fontMetrics().horizontalAdvance("conversation ")
    text.setFixedSize(column, text.heightForWidth(column))  # whole, but one word a line
    (problem,) = checks.label_fits(text)
    assert f"is squeezed to {column} px: its 10 words" in problem.what


def test_a_button_must_hold_its_words(qtbot, window):
    wide = QPushButton("Try a practice pause", window)
    narrow = QPushButton("Try a practice pause", window)
    box = QCheckBox("Log scale (for long breaks)", window)
    shown(qtbot, window)
    wide.setGeometry(0, 0, wide.sizeHint().width(), wide.sizeHint().height())
    narrow.setGeometry(0, 100, wide.sizeHint().width() // 2, wide.sizeHint().height())
    box.setGeometry(0, 200, box.sizeHint().width() // 2, box.sizeHint().height())
    assert checks.button_fits(wide) == []
    assert kinds(checks.button_fits(narrow)) == ["text"]
    assert kinds(checks.button_fits(box)) == ["text"]


def test_the_pause_button_must_read_as_the_main_action(qtbot, window):
    pause = QPushButton("Pause", window)
    pause.setObjectName("pauseButton")
    shown(qtbot, window)
    metrics = pause.fontMetrics()
    roomy = max(checks.PAUSE_SMALLEST, metrics.horizontalAdvance("Pause") + 2 * metrics.height())
    pause.setGeometry(0, 0, roomy, roomy)
    assert checks.round_button_fits(pause) == []
    pause.setGeometry(0, 0, metrics.horizontalAdvance("Pause"), roomy)  # its word to the very edges
    assert kinds(checks.round_button_fits(pause))[0] == "text"
    pause.setGeometry(0, 0, checks.PAUSE_SMALLEST - 1, roomy)
    assert "pause" in kinds(checks.round_button_fits(pause))


def test_a_group_title_and_tabs_must_show_their_words(qtbot, window):
    group = QGroupBox("Maximiliane Oberhausen-Kleiner", window)
    tabs = QTabWidget(window)
    for name in ("Chart", "Figures as a table", "Pauses", "Patterns", "Cycles"):
        tabs.addTab(QWidget(), name)
    shown(qtbot, window)
    group.setGeometry(0, 0, 60, 80)
    assert kinds(checks.group_title_fits(group)) == ["text"]
    tabs.setGeometry(0, 100, tabs.tabBar().sizeHint().width() + 40, 200)
    assert checks.tabs_fit(tabs.tabBar()) == []
    tabs.setFixedWidth(tabs.tabBar().sizeHint().width() // 3)
    assert checks.tabs_fit(tabs.tabBar())


def test_siblings_may_touch_but_not_overlap(qtbot, window):
    one, other = QLabel("one", window), QLabel("other", window)
    one.setGeometry(0, 0, 100, 30)
    other.setGeometry(100, 0, 100, 30)  # side by side
    shown(qtbot, window)
    assert checks.overlaps(window) == []
    other.move(90, 10)
    (problem,) = checks.overlaps(window)
    assert problem.kind == "overlap" and "10x20" in problem.what


def test_a_widget_cut_by_its_parent_and_a_window_off_the_screen(qtbot, window):
    card = QWidget(window)
    card.setGeometry(0, 0, 300, 100)
    inside = QWidget(card)
    inside.setGeometry(10, 80, 150, 40)  # its bottom below the card's
    far = QLabel("All", window)
    far.setGeometry(500, 350, 60, 30)  # in the window's bottom right corner
    shown(qtbot, window)
    area = window.frameGeometry().adjusted(-10, -10, 10, 10)
    found = checks.widgets_outside(window, area)
    assert [p.kind for p in found] == ["outside"] and "cut by its parent" in found[0].what
    assert checks.window_outside(window, area) == []
    small = QRect(area.topLeft(), area.size() / 2)
    assert kinds(checks.window_outside(window, small)) == ["outside"]
    (off,) = [p.what for p in checks.widgets_outside(window, small) if "off the screen" in p.what]
    assert 'QLabel "All"' in off


def test_the_pacer_must_keep_room_for_the_breathing_shape(qtbot, window):
    pacer = QWidget(window)
    pacer.setObjectName("pacer")
    shown(qtbot, window)
    pacer.setGeometry(0, 0, 400, checks.PACER_SMALLEST)
    assert checks.pacers_fit(window) == []
    pacer.setGeometry(0, 0, 400, checks.PACER_SMALLEST - 1)  # wide, but too short for the shape
    (problem,) = checks.pacers_fit(window)
    assert problem.kind == "pacer" and f"{checks.PACER_SMALLEST - 1} px across" in problem.what
    pacer.hide()
    assert checks.pacers_fit(window) == []


def test_a_column_of_words_that_scrolls_inside_a_screen_is_seen(qtbot, window):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QScrollArea, QVBoxLayout

    screen = QScrollArea(window)
    screen.setWidgetResizable(True)
    page = QWidget()
    column = QScrollArea(page)
    column.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    words = QLabel("\n".join(["a few words"] * 6))
    column.setWidget(words)
    column.setWidgetResizable(True)
    QVBoxLayout(page).addWidget(column)
    screen.setWidget(page)
    shown(qtbot, window)
    whole = words.sizeHint().height() + 40
    column.setFixedHeight(whole)  # every line in view
    window.resize(600, whole + 200)
    screen.setGeometry(0, 0, 600, whole + 200)
    qtbot.waitUntil(lambda: column.verticalScrollBar().maximum() == 0)
    assert checks.widgets_outside(window, QRect(0, 0, 2000, 2000)) == []
    column.setFixedHeight(words.fontMetrics().height() * 3)
    qtbot.waitUntil(lambda: column.verticalScrollBar().maximum() > 0)
    (problem,) = checks.widgets_outside(window, QRect(0, 0, 2000, 2000))
    assert problem.kind == "outside" and "must be scrolled to be read whole" in problem.what
