"""The window's side of privacy on a shared laptop: the history's lock (unlock with
the passphrase, locked again after some idle minutes or when the window is hidden),
setting, changing and removing the passphrase, the partners' names when they are
protected too, and deleting all our data.

The store's work runs on the writer thread; this only asks and shows.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from couplepause.app import errorlog
from couplepause.common import paths
from couplepause.common.texts import words

if TYPE_CHECKING:
    from couplepause.app.care import Care
    from couplepause.app.planning import Planning
    from couplepause.app.safekeeping import Keeper
    from couplepause.app.store_port import StorePort
    from couplepause.settings import Settings
    from couplepause.ui.controller import Controller
    from couplepause.ui.history_presenter import HistoryPresenter
    from couplepause.ui.main_window import MainWindow

RELOCK_IDLE_MS = 5 * 60 * 1000
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel, QEvent.Type.MouseMove}


class Privacy(QObject):
    """Everything about the passphrase for one running window; ``protection_changed``
    when the history got or lost its passphrase."""

    protection_changed = Signal(bool)

    def __init__(
        self,
        window: MainWindow,
        store: StorePort,
        controller: Controller,
        settings: Settings,
        *,
        care: Care,
        planning: Planning,
        history: Callable[[], HistoryPresenter | None],
        keeper: Callable[[], Keeper | None],
        data_dir: Path,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.controller = controller
        self.settings = settings
        self.care = care
        self.planning = planning
        self.history = history
        self.keeper = keeper
        self.data_dir = data_dir
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(RELOCK_IDLE_MS)
        self.idle.timeout.connect(self.relock)
        self.dialog = None
        window.installEventFilter(self)

    # ------------------------------------------------------------------ lock
    def show_lock(self, presenter) -> None:
        """The history view shows the passphrase field; the Pause stays beside it."""
        presenter.forget()
        presenter.view.show_locked()  # its passphrase comes to unlock() (wired in App.open_history)

    def unlock(self, passphrase: str) -> None:
        from couplepause.store.vault import WrongPassphrase

        presenter = self.history()
        panel = presenter.view.lock_panel
        panel.working()

        def job(repo):
            from couplepause.app.safekeeping import take_in_rescues

            repo.unlock(passphrase)
            take_in_rescues(repo, self.data_dir)  # a sealed rescue copy opens now
            return repo.protected_names(), repo.protection.changed

        def done(result, error) -> None:
            if isinstance(error, WrongPassphrase):
                panel.failed(words("lock", "wrong"))
                return
            if error is not None:
                panel.failed(words("protect", "failed", reason=_reason(error)))
                return
            names, changed = result
            self._unlocked(names)
            presenter.load()
            self.care.tell_history_what_is_missing()
            if self.controller.idle():
                # The pauses in progress could not be read while locked: one interrupted
                # by a quit or a crash is offered now, as an unprotected store does at start.
                self.controller.load_from_store()
            if changed:  # found at unlock, and mended: said once, before any loss it caused
                self.window.show_notice(words("notices", "header_mended"), on_dismiss=self.care.show_losses)
            else:
                self.care.show_losses()

        self.store.write(job, done)

    def _unlocked(self, names) -> None:
        self.controller.set_protected_names(names)
        self.planning.load()  # a plan protected with the names opens too
        history = self.history()
        if history is not None:
            history.view.set_names(self.controller.names())
        self.idle.start()

    def relock(self) -> None:
        """Lock the history again (idle, or the window hidden); the live flow goes on."""
        self.idle.stop()
        if not self.store.protected() or self.store.locked() or not self.store.writing():
            return

        def done(_result, _error) -> None:
            self.controller.set_protected_names(None)
            self.planning.load()
            history = self.history()
            if history is not None:
                self.show_lock(history)
                if self.window.current_view() is history.view:
                    self.window.show_notice(words("lock", "locked_again"), linger=True)

        self.store.write(lambda repo: repo.lock_history(), done)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind in _ACTIVITY and self.idle.isActive():
            self.idle.start()  # someone is here: the idle minutes start again
        elif kind == QEvent.Type.Hide or (kind == QEvent.Type.WindowStateChange and watched.isMinimized()):
            self.relock()
        return False

    def stop(self) -> None:
        self.idle.stop()

    # ------------------------------------------------------------ passphrase
    def open_passphrase(self, mode: str) -> None:
        from couplepause.ui.privacy_dialogs import PassphraseDialog
        from couplepause.ui.widgets import show_beside

        dialog = PassphraseDialog(mode, self.window)
        dialog.chosen.connect(lambda values: self._passphrase(dialog, values))
        self.dialog = show_beside(dialog)

    def _passphrase(self, dialog, values: dict) -> None:
        from couplepause.store.vault import WrongPassphrase

        settings = self.settings
        mode = values["mode"]
        names = None
        if mode == "set" and values["names"]:
            a, b = settings.partner_names("", "")
            names = {"a": a, "b": b}

        def job(repo):
            if mode == "set":
                repo.protect(values["new"], names)
                return None
            if repo.locked:
                repo.unlock(values["current"])
            else:  # unlocked already: the passphrase is still asked for, and checked
                from couplepause.store import vault

                vault.open_keys(repo.protection.header, values["current"])
            if mode == "change":
                repo.change_passphrase(values["new"])
                return repo.protected_names()
            return repo.unprotect()

        def done(result, error) -> None:
            if isinstance(error, WrongPassphrase):
                dialog.show_result(words("lock", "wrong"), ok=False)
                return
            if error is not None:
                dialog.show_result(words("protect", "failed", reason=_reason(error)), ok=False)
                return
            if mode == "set" and names is not None:
                settings.update({"partner_a": "", "partner_b": "", "names_protected": True})
                self._unlocked(names)
            elif mode == "set":
                self._unlocked(None)
            elif mode == "change":
                self._unlocked(result)
            else:
                if result:
                    settings.update({"partner_a": result["a"], "partner_b": result["b"]})
                settings.update({"names_protected": False})
                self.controller.set_protected_names(None)
                self.idle.stop()
            self.controller.apply_settings()
            dialog.show_result(words("protect", f"done_{'protect' if mode == 'set' else mode}"), ok=True)
            self.protection_changed.emit(mode != "remove")

        self.store.write(job, done)

    # ------------------------------------------------------------ delete all
    def open_delete_all(self) -> None:
        from couplepause.ui.privacy_dialogs import DeleteAllDialog
        from couplepause.ui.widgets import show_beside

        dialog = DeleteAllDialog(self.window)
        dialog.confirmed.connect(lambda: self._delete_all(dialog))
        self.dialog = show_beside(dialog)

    def _delete_all(self, dialog) -> None:
        """Everything couplepause keeps for this data folder goes; the app starts fresh."""
        from couplepause.app.safekeeping import rescue_files

        data_dir = self.data_dir
        keeper, history = self.keeper(), self.history()
        if keeper is not None:
            keeper.stop()
        errorlog.stop()
        if history is not None:
            history.forget()

        def job(repo):
            removed = []
            if repo.erase():
                removed.append(words("delete_all_parts", "history"))
            for path, part in ((paths.logs_dir(data_dir), "log"), (paths.qt_settings_dir(data_dir), None)):
                if path.exists():
                    shutil.rmtree(path)
                    if part:
                        removed.append(words("delete_all_parts", part))
            rescues = rescue_files(data_dir, include_saved=True)
            for path in rescues:
                path.unlink(missing_ok=True)
            if rescues:
                removed.append(words("delete_all_parts", "rescue"))
            return removed

        def done(removed, error) -> None:
            settings = self.settings
            had_settings = settings.file.exists()
            settings.clear()
            settings.file.unlink(missing_ok=True)
            if had_settings:
                removed = [*(removed or []), words("delete_all_parts", "settings")]
            self.controller.set_protected_names(None)
            self.controller.forget_offer_entirely()
            self.controller.apply_settings()
            errorlog.start(data_dir)
            if error is not None:
                dialog.show_result(words("delete_all", "failed", reason=_reason(error)), ok=False)
                return
            text = words("delete_all", "done", what=", ".join(removed)) if removed else words("delete_all", "nothing")
            dialog.show_result(text, ok=True)
            self.protection_changed.emit(False)
            self.window.show_notice(text, linger=True)

        self.store.write(job, done)


def _reason(error: BaseException) -> str:
    from couplepause.store.errors import cause

    return cause(error)
