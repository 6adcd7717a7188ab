"""The application: the store, the window and what runs between them.

``build()`` wires store <-> controller <-> window and is what tests use (with
injected clocks); ``launch.run_gui()`` runs it as the desktop app (one instance
per data folder, the event loop).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from couplepause import APP_NAME
from couplepause.common import paths
from couplepause.common.texts import words
from couplepause.ui import theme
from couplepause.ui.main_window import FLOW_SCREENS, MainWindow

if TYPE_CHECKING:  # the heavy parts load after the window shows (see run_gui)
    from datetime import datetime

    from couplepause.app.safekeeping import FolderGuard
    from couplepause.app.store_port import StorePort
    from couplepause.common.problems import Problem
    from couplepause.settings import Settings
    from couplepause.store.reader import Reader
    from couplepause.store.repository import Repository
    from couplepause.store.writer import Writer
    from couplepause.ui.controller import Controller

log = logging.getLogger(__name__)

QUIT_FLUSH_S = 2.5
SETTINGS_KEY = "Ctrl+,"  # the usual shortcut for settings (Cmd+, on a Mac: Qt maps Ctrl there)


class App:
    """Everything one running window owns."""

    def __init__(
        self,
        window: MainWindow,
        controller: Controller,
        store: StorePort,
        settings: Settings,
        data_dir: Path,
        *,
        writer: Writer,
        reader: Reader,
        repository: Repository,
        guard: FolderGuard | None = None,
    ):
        self.window = window
        self.controller = controller
        self.store = store  # every read and write of the app's parts
        self.writer = writer  # flushed and closed at quit
        self.reader = reader  # the history, statistics and listings: never before a pause
        self.repository = repository
        self.settings = settings
        self.data_dir = data_dir
        self.guard = guard  # the data folder's guard (and lock), released at quit
        self.keeper = None  # the background Keeper
        self.history = None  # the HistoryPresenter, once the view was opened
        self.export_dialog = None
        from couplepause.app.care import Care
        from couplepause.app.planning import Planning
        from couplepause.app.privacy import Privacy

        # The parts are handed what they use (the window, the store's port, the flow, each other).
        self.care = Care(window, self.store, controller, controller.answers,  # losses, backups, rescue copies
                         history=lambda: self.history, data_dir=data_dir)
        self.planning = Planning(window, self.store, controller)  # our plan for hard moments
        self.privacy = Privacy(window, self.store, controller, settings,  # the passphrase, the lock, delete all
                               care=self.care, planning=self.planning, history=lambda: self.history,
                               keeper=lambda: self.keeper, data_dir=data_dir)
        self._closing = False
        self._following_theme = False
        self.desktop_scheme = None  # the desktop's light or dark, asked once the window shows
        self._leaving_the_pause = False  # the couple said yes to closing in the middle of a pause
        self.leave_question = None  # the question, while it is asked

    def on_main(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the UI thread (from any thread)."""
        self.controller.answers.post(fn)

    def put_welcome_away(self) -> None:
        """The couple has read the welcome: it does not come back."""
        self.window.talking.show_welcome(False)
        self.settings.update({"welcome_seen": True})
        self.window.talking.focus_pause()

    def real_pause_closed(self) -> None:
        """The couple have used the Pause for real: the welcome has done its work and
        goes by itself, without a word; "Last time…" shows in its place."""
        if not self.settings.get("welcome_seen"):
            self.put_welcome_away()

    def follow_theme(self) -> None:
        """Follow the desktop's light or dark (when the setting says so): as Qt hears it,
        and as the desktop's portal says it (asked now, answered later)."""
        from PySide6.QtCore import QTimer

        from couplepause.ui.desktop_scheme import DesktopScheme

        app = QApplication.instance()
        if app is not None and not self._following_theme:
            self._following_theme = True
            theme.follow(app, lambda: self.settings.get("theme"))
            desktop = self.desktop_scheme = DesktopScheme(self.window)
            desktop.changed.connect(lambda: theme.desktop_said(app, self.settings.get("theme"), desktop.said()))
            QTimer.singleShot(0, desktop, desktop.start)

    def apply_theme(self) -> None:
        app = QApplication.instance()
        if app is not None:
            theme.refresh(app, self.settings.get("theme"))

    def tell_language(self) -> None:
        """A language chosen in Settings speaks from the next start: say so, in the
        words spoken now."""
        from couplepause.common import texts

        chosen = self.settings.get("language")
        code = texts.system_language() if chosen == texts.SYSTEM else chosen
        if code != texts.language():
            self.window.show_notice(words("languages", "next_start", language=texts.language_name(code)), linger=True)

    def open_settings(self):
        from couplepause.ui.dialogs import SettingsDialog
        from couplepause.ui.widgets import show_beside

        dialog = SettingsDialog(self.settings, self.window, protected=self.repository.protection.protected,
                                desktop_still=self.controller.desktop_motion.reduces_motion())
        dialog.saved.connect(self._settings_saved)
        dialog.restore_requested.connect(self.care.open_restore)
        dialog.passphrase_requested.connect(self.privacy.open_passphrase)
        dialog.delete_all_requested.connect(self.privacy.open_delete_all)
        self.privacy.protection_changed.connect(dialog.set_protected)
        # What "like the desktop" follows, said anew when the desktop changes.
        QApplication.instance().styleHints().colorSchemeChanged.connect(dialog.follow_desktop)
        if self.desktop_scheme is not None:
            self.desktop_scheme.changed.connect(dialog.follow_desktop)
        return show_beside(dialog)

    def _settings_saved(self, _values) -> None:
        self.apply_theme()
        self.controller.apply_settings()
        self.tell_language()

    def open_safety(self):
        from couplepause.ui.safety_dialog import SafetyDialog
        from couplepause.ui.widgets import show_beside

        return show_beside(SafetyDialog(self.window))

    def offer_safety(self, _name: str, view) -> None:
        """Safety and help, one step away on every live screen that offers it."""
        if hasattr(view, "safety_requested"):
            view.safety_requested.connect(self.open_safety)

    def open_history(self):
        """Show our progress; built on first use (pyqtgraph loads only now)."""
        from couplepause.ui.history import HistoryView
        from couplepause.ui.history_presenter import HistoryPresenter

        if self.history is None:
            view = HistoryView()
            from couplepause.app.history_store import HistoryStorePort

            store = HistoryStorePort(self.store, self.reader)
            presenter = HistoryPresenter(view, store, now=self.controller.wall, parent=self.window)
            view.back_requested.connect(self.close_history)
            view.pause_requested.connect(self._pause_from_history)
            view.export_requested.connect(self.open_export)
            view.unlock_requested.connect(self.privacy.unlock)
            presenter.failed.connect(self.window.show_notice)
            presenter.changed.connect(self.controller.forget_offer)
            self.controller.persisted.connect(presenter.episode_saved)
            self.window.add_view(view, scroll=False)
            self.history = presenter
        self.history.view.set_names(self.controller.names())
        self.window.show_view(self.history.view)
        if self.repository.locked:
            self.privacy.show_lock(self.history)
        else:
            self.history.load()
            self.care.tell_history_what_is_missing()
        return self.history

    def open_export(self) -> None:
        """Export for the therapist, from the freshest copy of the store."""
        from couplepause.ui.export_dialog import ExportDialog
        from couplepause.ui.widgets import show_beside

        def show(found, error) -> None:
            if error is not None:
                self.window.show_notice(str(error))
                return
            episodes, plan = found
            first = min((e.paused_at.astimezone().date() for e in episodes), default=date.today())
            dialog = ExportDialog(first, Path.home(), parent=self.window)
            dialog.requested.connect(
                lambda kind, options, target: self._export(dialog, episodes, kind, replace(options, plan=plan), target)
            )
            dialog.exported.connect(lambda text: self.window.show_notice(text, linger=True))
            show_beside(dialog)
            self.export_dialog = dialog

        self.store.read(lambda repo: (repo.load_all(), repo.plan()), show)

    def _export(self, dialog, episodes: list, kind: str, options, target: Path) -> None:
        """Write the export the dialog asked for on a worker thread (the Pause
        button stays alive); the dialog hears how it went."""
        from couplepause.export import EXPORTERS
        from couplepause.ui.background import in_background

        names = self.controller.names()
        options = replace(options, partner_names=(names["a"], names["b"]))
        in_background(
            lambda: EXPORTERS[kind].export(episodes, options, target),
            dialog.finished,
            parent=dialog,
            finish_before_exit=True,
        )

    def open_export_file(self) -> None:
        from couplepause.ui.readonly import choose_and_open

        choose_and_open(self.window)

    def add_menus(self) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        file_menu = self.window.file_menu
        entries = (
            ("open_export", QKeySequence.StandardKey.Open, self.open_export_file, QAction.MenuRole.NoRole),
            ("export", None, self.open_export, QAction.MenuRole.NoRole),
            ("history", None, self.open_history, QAction.MenuRole.NoRole),
            ("plan", None, self.planning.open, QAction.MenuRole.NoRole),
            ("settings", QKeySequence(SETTINGS_KEY), self.open_settings,
             QAction.MenuRole.PreferencesRole),
            ("quit", QKeySequence.StandardKey.Quit, self.window.close, QAction.MenuRole.QuitRole),
        )
        for key, shortcut, handler, menu_role in entries:
            action = QAction(words("menu", key), self.window)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.setMenuRole(menu_role)  # where macOS puts it
            action.triggered.connect(handler)
            file_menu.addAction(action)
        # The practice pause, on a calm evening, also once the welcome is put away.
        practice = QAction(words("menu", "practice"), self.window)
        practice.triggered.connect(self.controller.practice)
        help_menu = self.window.help_menu
        help_menu.aboutToShow.connect(lambda: practice.setEnabled(self.controller.idle()))
        help_menu.addAction(practice)
        self.practice_action = practice
        safety = QAction(words("menu", "safety"), self.window)
        safety.setShortcut(QKeySequence.StandardKey.HelpContents)  # F1
        safety.triggered.connect(self.open_safety)
        help_menu.addAction(safety)

    def close_history(self) -> None:
        if self.history is not None:
            self.history.close()
        self.window.show_view(self.window.talking)
        self.controller.render()

    def _pause_from_history(self) -> None:
        self.close_history()
        self.controller.pause()

    def close_guard(self) -> bool:
        """Before closing: in the middle of a pause, ask (it is kept); make sure
        everything is on disk, or keep a rescue copy and ask."""
        if self._closing:
            return True
        if self.writer.flush(QUIT_FLUSH_S):
            if self.controller.pausing() and not self._leaving_the_pause:
                self._ask_before_leaving_the_pause()  # it is kept: say so
                return False
            self.shutdown()
            return True
        reason = self.controller.unsaved_reason
        path = self.care.rescue()
        kept = path is not None
        text = words("notices", "quit_rescued", reason=reason, path=path) if kept else \
            words("notices", "quit_unsaved", reason=reason)

        def close() -> None:
            self._closing = True
            self.shutdown()
            self.window.close()

        self._ask_before_closing(text, words("notices", "quit_rescued_close" if kept else "quit_unsaved_close"),
                                 words("notices", "quit_keep_open"), close, warning=True)
        return False

    def _ask_before_leaving_the_pause(self) -> None:
        def leave() -> None:
            self._leaving_the_pause = True
            self.window.close()

        self._ask_before_closing(words("notices", "quit_during_pause"), words("notices", "quit_during_pause_close"),
                                 words("notices", "quit_during_pause_stay"), leave)

    def _ask_before_closing(self, text: str, go: str, stay: str, gone: Callable[[], None], *, warning=False) -> None:
        """The question before the window closes, with buttons that say what they do;
        staying open is where Enter and Escape lead. ``gone`` runs if they close."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self.window)
        if warning:
            box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(APP_NAME)
        box.setText(text)
        role = QMessageBox.ButtonRole.DestructiveRole if warning else QMessageBox.ButtonRole.AcceptRole
        close = box.addButton(go, role)
        stay_button = box.addButton(stay, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay_button)
        box.setEscapeButton(stay_button)

        def answered(_result: int) -> None:
            if box.clickedButton() is close:
                gone()

        box.finished.connect(answered)
        box.open()
        self.leave_question = box

    def shutdown(self) -> None:
        """Stop, writing what is open one more time; what still cannot be written goes
        to a rescue copy, named on stderr. Safe to call more than once."""
        self._closing = True
        self.controller.answers.stop()  # a read or write answering now finds nobody to tell
        self.controller.stop_timers()
        self.privacy.stop()
        if self.keeper is not None:
            self.keeper.stop()
        self.reader.close(wait=False)
        if self.writer.is_alive() and not self.writer.close(QUIT_FLUSH_S):
            reason = self.controller.unsaved_reason or words("notices", "not_saved_reason")
            path = self.care.rescue()
            line = "rescued_on_quit" if path is not None else "lost_on_quit"
            print(words("notices", line, reason=reason, path=path), file=sys.stderr, flush=True)
        if self.guard is not None:
            self.guard.release()


def build(
    data_dir: Path,
    *,
    clock: Callable[[], float] | None = None,
    wall: Callable[[], datetime] | None = None,
    boot: str = "run:this",
    window: MainWindow | None = None,
    guard: FolderGuard | None = None,
    keep: bool = False,
    cannot_save: Problem | None = None,
) -> App:
    """Open the store and build (or complete) the window for ``data_dir``; no event loop.

    ``clock``: the clock durations are measured with (default: the system's clock
    that counts sleep, see core/clock.py), ``boot`` names its run when it is given;
    ``guard``: run before every write (the data folder's lock), released at quit;
    ``keep``: start the background Keeper (backups, checks);
    ``cannot_save``: why nothing can be saved in the data folder now (its lock could
    not be taken: a full disk, no permission, a read-only disk): the window says so,
    and on a read-only disk the store is opened read-only (its history is read, never
    mended or set aside there).
    """
    from couplepause.core.clock import boot_id, system_clock
    from couplepause.core.episode import now_local
    from couplepause.core.resuming import ClockRun
    from couplepause.settings import Settings
    from couplepause.store.errors import cause
    from couplepause.store.repository import Repository, StoreError, StoreTooNew
    from couplepause.store.writer import Writer
    from couplepause.ui.controller import Controller

    if clock is None:
        system = system_clock()
        clock, run = system, ClockRun(boot_id(), system.counts_sleep)
    else:
        run = ClockRun(boot)
    wall = wall or now_local
    notices: list[str] = []
    read_only = cannot_save is not None and cannot_save.key == "read_only_disk"
    if cannot_save is not None:
        notices.append(words("notices", "read_only_disk" if read_only else "not_saving", reason=cause(cannot_save)))
    try:
        data_dir = paths.ensure_data_dir(data_dir)
    except paths.DataDirError as exc:  # written as soon as it can be (the guard makes the folder)
        if not notices:
            notices.append(words("notices", "not_saving", reason=cause(exc)))
    folder_told = bool(notices)  # a store that cannot open for the same reason is not told again
    settings = Settings.for_data_dir(data_dir)
    theme.set_style(QApplication.instance(), settings.get("theme"))
    theme.set_icon(QApplication.instance())
    from couplepause.ui.background import Answers

    answers = Answers()  # what the store's threads tell the window, on its thread
    bundle: App | None = None  # made below, once the store is open

    def on_loss(_part) -> None:  # any thread
        answers.post(lambda: bundle is not None and bundle.care.show_losses())

    def store(read_only: bool = False) -> Repository:
        return Repository(
            paths.store_dir(data_dir),
            read_only=read_only,
            backups_dir=paths.backups_dir(data_dir),
            guard=guard,
            on_loss=on_loss,
        )

    repository = store(read_only=read_only)
    try:
        report = repository.open()
    except StoreTooNew:
        # Never touch data written by a newer version: run without saving.
        repository = store(read_only=True)
        notices.append(words("notices", "store_too_new"))
        report = None
    except StoreError as exc:
        # The folder cannot be used now (a full disk, no permission): the store opens at its first write.
        log.error("the store could not be opened (%s)", exc.key)
        if not folder_told:
            notices.append(words("notices", "not_saving", reason=cause(exc)))
        report = None
    if repository.protection.changed:
        notices.append(words("notices", "header_changed"))
    elif (report is not None
          and (repository.manifest.rebuilt or any(p.name.startswith("meta.json") for p in report.set_aside))
          and not repository.missing()):  # what is missing is told instead (care.show_losses); last: it reads
        notices.append(words("notices", "store_meta_set_aside"))

    if window is None:
        window = MainWindow(wall, welcome=not settings.get("welcome_seen"))
        # As in run_gui: the screen the Pause opens is built once the window shows.
        window.first_exposed.connect(window.ready_for_the_pause)
    else:
        window.set_wall(wall)
    writer = Writer(repository, lambda result: answers.post(lambda: controller.on_write_result(result)))
    from couplepause.app.store_port import StorePort
    from couplepause.store.reader import Reader

    reader = Reader(repository, writer)
    store = StorePort(repository, reader, writer, answers)

    def open_pauses(done) -> None:  # the pauses still open and the last repair, for the live flow
        store.read(lambda repo: (repo.active(), repo.latest_repaired()), done)

    controller = Controller(window, writer, settings, clock=clock, wall=wall, run=run,
                            open_pauses=open_pauses, answers=answers)
    bundle = App(window, controller, store, settings, data_dir, writer=writer, reader=reader, repository=repository,
                 guard=guard)
    controller.all_saved.connect(bundle.care.all_saved)
    window.talking.settings_requested.connect(bundle.open_settings)
    window.talking.safety_requested.connect(bundle.open_safety)
    window.screen_built.connect(bundle.offer_safety)
    for name in FLOW_SCREENS:
        if window.built(name) is not None:
            bundle.offer_safety(name, window.built(name))
    window.talking.practice_requested.connect(controller.practice)
    window.talking.names_requested.connect(bundle.open_settings)
    window.talking.plan_requested.connect(bundle.planning.open)
    window.talking.welcome_done.connect(bundle.put_welcome_away)
    controller.real_pause_closed.connect(bundle.real_pause_closed)
    window.talking.history_requested.connect(bundle.open_history)
    window.close_guard = bundle.close_guard
    window.first_exposed.connect(bundle.follow_theme)
    if window.windowHandle() is not None and window.windowHandle().isExposed():
        bundle.follow_theme()  # the window was on screen before the store opened
    bundle.add_menus()
    if read_only:
        controller.cannot_save = notices[0]
    if notices:
        mend = (words("notices", "unlock_to_mend"), bundle.open_history) if repository.protection.changed else None
        window.show_notice(" ".join(notices), action=mend)
    controller.load_from_store()
    bundle.planning.load()
    if report is not None:
        bundle.care.show_losses()
    if keep:
        from couplepause.app.safekeeping import Keeper

        bundle.keeper = Keeper(repository, data_dir, bundle.care.keeper_event)
        bundle.keeper.start()
    return bundle
