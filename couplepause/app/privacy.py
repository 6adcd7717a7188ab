"""The window's side of privacy on a shared laptop: the history's lock (unlock with
the passphrase, locked again after some idle minutes or when the window is hidden),
setting, changing and removing the passphrase, the partners' names when they are
protected too, and deleting all our data.

The store's work runs on the writer thread; this only asks and shows.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from couplepause.app import errorlog
from couplepause.common import paths
from couplepause.common.texts import words

if TYPE_CHECKING:
    from couplepause.app.application import App

RELOCK_IDLE_MS = 5 * 60 * 1000
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel, QEvent.Type.MouseMove}


class Privacy(QObject):
    """Everything about the passphrase for one running window; ``protection_changed``
    when the history got or lost its passphrase."""

    protection_changed = Signal(bool)

    def __init__(self, app: App) -> None:
        super().__init__(app.window)
        self.app = app
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(RELOCK_IDLE_MS)
        self.idle.timeout.connect(self.relock)
        self.dialog = None
        app.window.installEventFilter(self)

    # ------------------------------------------------------------------ lock
    def show_lock(self, presenter) -> None:
        """The history view shows the passphrase field; the Pause stays beside it."""
        presenter.forget()
        panel = presenter.view.show_locked()
        if not getattr(panel, "_wired", False):
            panel.unlock_requested.connect(self.unlock)
            panel._wired = True

    def unlock(self, passphrase: str) -> None:
        from couplepause.store.vault import WrongPassphrase

        panel = self.app.history.view.lock_panel
        panel.working()

        def job(repo):
            from couplepause.app.safekeeping import take_in_rescues

            repo.unlock(passphrase)
            take_in_rescues(repo, self.app.data_dir)  # a sealed rescue copy opens now
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
            self.app.history.load()
            self.app.care.tell_history_what_is_missing()
            if self.app.controller.idle():
                # The pauses in progress could not be read while locked: one interrupted
                # by a quit or a crash is offered now, as an unprotected store does at start.
                self.app.controller.load_from_store()
            if changed:  # found at unlock, and mended: said once, before any loss it caused
                self.app.window.show_notice(words("notices", "header_mended"), on_dismiss=self.app.care.show_losses)
            else:
                self.app.care.show_losses()

        self.app.writer.call(job, lambda r, e: self.app.on_main(lambda: done(r, e)))

    def _unlocked(self, names) -> None:
        self.app.controller.set_protected_names(names)
        self.app.planning.load()  # a plan protected with the names opens too
        if self.app.history is not None:
            self.app.history.view.set_names(self.app.controller.names())
        self.idle.start()

    def relock(self) -> None:
        """Lock the history again (idle, or the window hidden); the live flow goes on."""
        self.idle.stop()
        repo = self.app.repository
        if not repo.protection.protected or repo.locked or not self.app.writer.is_alive():
            return

        def done(_result, _error) -> None:
            self.app.controller.set_protected_names(None)
            self.app.planning.load()
            history = self.app.history
            if history is not None:
                self.show_lock(history)
                if self.app.window.current_view() is history.view:
                    self.app.window.show_notice(words("lock", "locked_again"), linger=True)

        self.app.writer.call(lambda r: r.lock_history(), lambda r, e: self.app.on_main(lambda: done(r, e)))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
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

        dialog = PassphraseDialog(mode, self.app.window)
        dialog.chosen.connect(lambda values: self._passphrase(dialog, values))
        self.dialog = show_beside(dialog)

    def _passphrase(self, dialog, values: dict) -> None:
        from couplepause.store.vault import WrongPassphrase

        settings = self.app.settings
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
                self.app.controller.set_protected_names(None)
                self.idle.stop()
            self.app.controller.apply_settings()
            dialog.show_result(words("protect", f"done_{'protect' if mode == 'set' else mode}"), ok=True)
            self.protection_changed.emit(mode != "remove")

        self.app.writer.call(job, lambda r, e: self.app.on_main(lambda: done(r, e)))

    # ------------------------------------------------------------ delete all
    def open_delete_all(self) -> None:
        from couplepause.ui.privacy_dialogs import DeleteAllDialog
        from couplepause.ui.widgets import show_beside

        dialog = DeleteAllDialog(self.app.window)
        dialog.confirmed.connect(lambda: self._delete_all(dialog))
        self.dialog = show_beside(dialog)

    def _delete_all(self, dialog) -> None:
        """Everything couplepause keeps for this data folder goes; the app starts fresh."""
        from couplepause.app.safekeeping import rescue_files

        app = self.app
        data_dir = app.data_dir
        if app.keeper is not None:
            app.keeper.stop()
        errorlog.stop()
        if app.history is not None:
            app.history.forget()

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
            had_settings = app.settings.file.exists()
            app.settings.clear()
            app.settings.file.unlink(missing_ok=True)
            if had_settings:
                removed = [*(removed or []), words("delete_all_parts", "settings")]
            app.controller.set_protected_names(None)
            app.controller.forget_offer_entirely()
            app.controller.apply_settings()
            errorlog.start(data_dir)
            if error is not None:
                dialog.show_result(words("delete_all", "failed", reason=_reason(error)), ok=False)
                return
            text = words("delete_all", "done", what=", ".join(removed)) if removed else words("delete_all", "nothing")
            dialog.show_result(text, ok=True)
            self.protection_changed.emit(False)
            app.window.show_notice(text, linger=True)

        app.writer.call(job, lambda r, e: app.on_main(lambda: done(r, e)))


def _reason(error: BaseException) -> str:
    from couplepause.store.errors import cause

    return cause(error)
