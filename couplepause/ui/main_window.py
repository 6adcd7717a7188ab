"""The main window: a notice line on top and one screen at a time below."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from couplepause.texts import words
from couplepause.ui.after import AfterView
from couplepause.ui.breathing import BreathingView
from couplepause.ui.pause_break import BreakChoiceView, BreakView
from couplepause.ui.repair import RepairView
from couplepause.ui.talking import TalkingView
from couplepause.ui.turns import TurnsView
from couplepause.ui.widgets import button, label

NOTICE_LINGER_MS = 5000


class MainWindow(QMainWindow):
    def __init__(self, wall, parent=None):
        super().__init__(parent)
        self.setWindowTitle(words("app", "title"))
        self.setMinimumSize(960, 680)
        self.resize(1120, 780)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        self.notice = QFrame()
        self.notice.setProperty("role", "notice")
        notice_layout = QHBoxLayout(self.notice)
        notice_layout.setContentsMargins(18, 10, 12, 10)
        self.notice_text = label()
        self.notice_text.setAccessibleName(words("accessible", "notice"))
        self.notice_dismiss = button(words("notices", "dismiss"))
        self.notice_dismiss.clicked.connect(self.hide_notice)
        notice_layout.addWidget(self.notice_text, 1)
        notice_layout.addWidget(self.notice_dismiss)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(16, 12, 16, 0)
        holder_layout.addWidget(self.notice)
        self.notice_holder = holder
        holder.hide()
        layout.addWidget(holder)

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.talking = TalkingView()
        self.breathing = BreathingView()
        self.turns = TurnsView()
        self.repair = RepairView()
        self.break_choice = BreakChoiceView(wall)
        self.on_break = BreakView()
        self.after = AfterView()
        self._pages: dict[QWidget, QWidget] = {}
        for view in self.flow_views():
            self.add_view(view)
        self.show_view(self.talking)

        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.hide_notice)
        # Asked before the window closes; returns False to keep it open.
        self.close_guard: Callable[[], bool] | None = None

    def flow_views(self) -> tuple[QWidget, ...]:
        return (self.talking, self.breathing, self.turns, self.repair, self.break_choice, self.on_break, self.after)

    def add_view(self, view: QWidget, *, scroll: bool = True) -> None:
        """Add a screen. It scrolls when it cannot fit (large text, small screen);
        a screen that scrolls its own parts (the history's tables) does not."""
        if not scroll:
            self._pages[view] = view
            self.stack.addWidget(view)
            return
        area = QScrollArea()
        area.setWidget(view)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        area.viewport().setAutoFillBackground(False)
        view.setAutoFillBackground(False)
        self._pages[view] = area
        self.stack.addWidget(area)

    def show_view(self, view: QWidget) -> None:
        area = self._pages[view]
        if self.stack.currentWidget() is not area:
            self.stack.setCurrentWidget(area)

    def current_view(self) -> QWidget:
        page = self.stack.currentWidget()
        return page.widget() if isinstance(page, QScrollArea) else page

    def show_notice(self, text: str, *, linger: bool = False) -> None:
        """A calm line at the top. ``linger``: it fades out by itself."""
        self.notice_text.setText(text)
        self.notice_holder.show()
        if linger:
            self._notice_timer.start(NOTICE_LINGER_MS)
        else:
            self._notice_timer.stop()

    def hide_notice(self) -> None:
        self._notice_timer.stop()
        self.notice_holder.hide()

    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        if QGuiApplication.platformName() != "offscreen":  # nothing to raise there
            self.raise_()
            self.activateWindow()
        QApplication.alert(self)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        if self.close_guard is not None and not self.close_guard():
            event.ignore()
            return
        self._notice_timer.stop()
        event.accept()
