"""What the style sheet draws, looked at in every scheme: a ticked box shows a tick,
a control that cannot be used is drawn hollow and dim, a problem sits on its band.
(test_themes.py checks the colours; these check that the style uses them.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QRect, Qt
from PySide6.QtGui import QBitmap, QColor, QImage, QRegion
from PySide6.QtWidgets import QCheckBox, QDateEdit, QDialog, QLineEdit, QPushButton, QSpinBox, QVBoxLayout

from couplepause.ui import theme
from couplepause.ui.fields import Dropdown, pad_spin_box
from couplepause.ui.widgets import ChoiceButton, label, say_in

SCHEMES = tuple(theme.TABLES)


def where(image: QImage, colour: str) -> QRect:
    """The box around the pixels of exactly ``colour`` (empty when there are none)."""
    mask = image.createMaskFromColor(QColor(colour).rgb(), Qt.MaskMode.MaskOutColor)
    return QRegion(QBitmap.fromImage(mask)).boundingRect()


@pytest.fixture
def scheme(request, qapp):
    theme.apply(qapp, request.param)
    yield request.param
    theme.apply(qapp, "light")


def shown(qtbot, widget):
    """``widget`` on a dialog's surface, as the dialogs show it; its picture."""
    holder = QDialog()
    qtbot.addWidget(holder)
    QVBoxLayout(holder).addWidget(widget)
    holder.show()
    qtbot.waitExposed(holder)
    widget.holder = holder  # kept while the test looks
    return widget.grab().toImage()


@pytest.mark.parametrize("scheme", SCHEMES, indirect=True)
def test_a_ticked_box_shows_a_tick_on_its_fill(qtbot, scheme):
    box = QCheckBox("Show a turn timer")
    box.setChecked(True)
    image = shown(qtbot, box)
    fill = where(image, theme.colors()["accent"])
    assert not fill.isEmpty() and fill.width() <= 30, fill
    inside = image.copy(fill.adjusted(4, 4, -4, -4))  # clear of the rounded corners
    assert not where(inside, theme.TICKS[theme.tick(scheme)]).isEmpty(), f"{scheme}: no tick"
    box.setChecked(False)
    assert where(box.grab().toImage(), theme.colors()["accent"]).isEmpty()  # an empty box is hollow


def _line() -> QLineEdit:
    return QLineEdit("Maximiliane")


def _spin() -> QSpinBox:
    spin = QSpinBox()
    spin.setValue(20)
    pad_spin_box(spin)
    return spin


def _date() -> QDateEdit:
    edit = QDateEdit(QDate(2026, 3, 2))
    edit.setCalendarPopup(True)
    return edit


def _dropdown() -> Dropdown:
    box = Dropdown("Colours")
    box.addItem("High contrast", "high_contrast")
    return box


def _button() -> QPushButton:
    return QPushButton("Export")


def _primary() -> QPushButton:
    button = QPushButton("Save")
    button.setProperty("role", "primary")
    return button


def _check() -> QCheckBox:
    return QCheckBox("Our notes")


def _chip() -> ChoiceButton:
    return ChoiceButton("Pull back", "choice", "Pull back")


CONTROLS = [_line, _spin, _date, _dropdown, _button, _primary, _check, _chip]


@pytest.mark.parametrize("make", CONTROLS, ids=lambda make: make.__name__.strip("_"))
@pytest.mark.parametrize("scheme", SCHEMES, indirect=True)
def test_a_control_that_cannot_be_used_looks_so(qtbot, scheme, make):
    """Hollow and dim: a dashed edge in the disabled colour, its words in the disabled
    colour, nothing in the colour of enabled words, where an enabled one has its edge."""
    colours = theme.colors()
    enabled = make()
    enabled_image = shown(qtbot, enabled)
    assert not where(enabled_image, colours["edge"]).isEmpty() or not where(enabled_image, colours["accent"]).isEmpty()
    disabled = make()
    disabled.setEnabled(False)
    image = shown(qtbot, disabled)
    assert not where(image, colours["disabled_edge"]).isEmpty(), f"{scheme}: no dim edge"
    assert where(image, colours["text"]).isEmpty(), f"{scheme}: words as bright as an enabled control's"
    assert where(image, colours["accent"]).isEmpty(), f"{scheme}: filled like an enabled control"


@pytest.mark.parametrize("scheme", SCHEMES, indirect=True)
def test_a_problem_sits_on_its_band_and_a_notice_does_not(qtbot, scheme):
    colours = theme.colors()
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    line = label("", "small")
    line.hide()
    layout.addWidget(line)
    dialog.show()
    qtbot.waitExposed(dialog)
    say_in(dialog, line, "The two passphrases are not the same.")
    image = line.grab().toImage()
    assert not where(image, colours["error_edge"]).isEmpty() and not where(image, colours["error_back"]).isEmpty()
    assert line.accessibleName() == "Problem"
    band = line.contentsMargins()
    assert min(band.left(), band.top(), band.bottom()) >= 6  # the words inside the band, clear of its edge
    say_in(dialog, line, "Encrypting everything again…", problem=False)
    image = line.grab().toImage()
    assert where(image, colours["error_edge"]).isEmpty() and where(image, colours["error_back"]).isEmpty()
    assert line.accessibleName() == "Notice"
