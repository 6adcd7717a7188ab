"""Safety and help: where to turn when anyone is afraid for their own safety (first),
what couplepause is and is not, then its version and licence. Opened from the home
screen, from every live screen and from the Help menu; never modal, never in the way."""

from __future__ import annotations

from PySide6.QtCore import QLocale, QSize, Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from couplepause import __version__
from couplepause.common.texts import words
from couplepause.ui.widgets import button, dialog_frame, label, row

# The countries whose help lines we name, each checked against its official source
# (resources/words.toml [safety]); the couple's own comes first.
COUNTRIES = ("de", "at", "ch", "gb", "us")
WIDTH = 940  # wide enough that each country says its lines in one or two lines
SELECTABLE = Qt.TextInteractionFlag.TextSelectableByKeyboard | Qt.TextInteractionFlag.TextSelectableByMouse


def system_country() -> str:
    """The country the system's locale names, as a lower-case ISO code ("" for none)."""
    return QLocale.territoryToCode(QLocale.system().territory()).lower()


def countries_for(country: str) -> list[str]:
    """The countries to list, ``country`` (the couple's) first where we know its lines."""
    return sorted(COUNTRIES, key=lambda code: code != country)


def safety_link() -> QPushButton:
    """The small, calm "Safety and help" link on a live screen: reached by Tab, never
    by a click's focus (it does not take the focus from the screen's main action)."""
    link = button(words("safety", "link"), "link")
    link.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return link


class _Twin(QWidget):
    """Empty room as wide as another widget: it keeps a heading in the middle."""

    def __init__(self, other: QWidget):
        super().__init__()
        self._other = other
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(self._other.sizeHint().width(), 0)


def heading_with_link(heading: QLabel, link: QPushButton) -> QHBoxLayout:
    """A live screen's heading in the middle and the Safety and help link at its
    right, in the corner where the home screen has its links: no line of its own."""
    line = QHBoxLayout()
    line.setSpacing(8)
    line.addWidget(_Twin(link), 0)
    line.addWidget(heading, 1)
    line.addWidget(link, 0, Qt.AlignmentFlag.AlignTop)
    return line


def corner_link(link: QPushButton) -> QHBoxLayout:
    """The Safety and help link alone at the top right (a screen with room above)."""
    line = QHBoxLayout()
    line.addStretch(1)
    line.addWidget(link)
    return line


class SafetyDialog(QDialog):
    """Where to get help, first; what this app is and is not; the version and licence."""

    def __init__(self, parent=None, *, country: str | None = None):
        super().__init__(parent)
        layout = dialog_frame(self, words("safety", "title"), WIDTH, margins=(28, 18, 28, 14), spacing=10)
        body = QVBoxLayout()  # the words, their lines closer than the dialog's parts
        body.setSpacing(6)
        layout.addLayout(body)
        body.addWidget(label(words("safety", "title"), "heading"))
        self.first = label(words("safety", "first"))
        body.addWidget(self.first)
        country = system_country() if country is None else country
        self.countries = countries_for(country)
        self.lines: list[QWidget] = []
        for code in self.countries:
            # Their own country's lines in the full size; the others' a size smaller.
            line = label(words("safety", f"lines_{code}"), None if code == country else "compact")
            line.setProperty("country", code)
            self.lines.append(line)
            body.addWidget(line)
        self.elsewhere = label(words("safety", "elsewhere"), "compact")
        body.addWidget(self.elsewhere)
        body.addSpacing(8)
        body.addWidget(label(words("safety", "about_heading"), "title"))
        self.about = label(words("safety", "about"), "compact")
        body.addWidget(self.about)
        for text in (self.first, *self.lines, self.elsewhere, self.about):
            text.setTextInteractionFlags(SELECTABLE)  # a number can be copied
        layout.addStretch(1)
        close = button(words("safety", "close"), "primary")
        close.clicked.connect(self.accept)
        # The version and the licence (its text is LICENSE), beside Close: no taller.
        self.licence = label(words("safety", "licence", version=__version__), "small")
        bottom = row(self.licence, close, center=False)
        bottom.setStretchFactor(self.licence, 1)
        layout.addLayout(bottom)
        close.setFocus()

    def sizeHint(self) -> QSize:
        """As wide as WIDTH, as tall as its lines are at that width (a wrapped line's own
        hint guesses a narrower width, so a taller dialog)."""
        layout = self.layout()
        layout.activate()
        return QSize(WIDTH, layout.totalHeightForWidth(WIDTH))
