"""The window's side of keeping data safe: losses told with the offer of a backup
(and the history's line about what it cannot show), Restore from a backup, the
Keeper's news, and rescue copies of what could not be saved at quit.

The store's work runs on the writer thread; this only asks and shows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from couplepause.common import platform_support
from couplepause.common.texts import words

if TYPE_CHECKING:
    from couplepause.app.store_port import StorePort
    from couplepause.ui.background import Answers
    from couplepause.ui.controller import Controller
    from couplepause.ui.history_presenter import HistoryPresenter
    from couplepause.ui.main_window import MainWindow


class Care(QObject):
    """Keeping the data of one running window safe, as the couple sees it: ``window``
    tells them, ``store`` does the work, ``controller`` is the live flow (it takes in
    a changed store when idle), ``history()`` the progress view if it was opened,
    ``answers`` brings the Keeper's news to the UI thread."""

    def __init__(
        self,
        window: MainWindow,
        store: StorePort,
        controller: Controller,
        answers: Answers,
        *,
        history: Callable[[], HistoryPresenter | None],
        data_dir: Path,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.controller = controller
        self.answers = answers
        self.history = history
        self.data_dir = data_dir
        self.restore_dialog = None
        self.rescues: list[Path] = []  # rescue copies this run wrote
        self._rescued: list = []  # the snapshots in the newest of them

    def open_restore(self) -> None:
        """Restore from a backup: the list is read off the UI thread, then shown."""
        def show(backups, error) -> None:
            from couplepause.ui.restore_dialog import RestoreDialog
            from couplepause.ui.widgets import show_beside

            if error is not None:
                self.window.show_notice(words("restore", "failed", reason=_reason(error)))
                return
            dialog = RestoreDialog(backups, self.window)
            dialog.chosen.connect(lambda backup_id: self._restore(dialog, backup_id))
            self.restore_dialog = show_beside(dialog)

        self.store.read(lambda repo: repo.backups.list(), show)

    def _restore(self, dialog, backup_id: str) -> None:
        from couplepause.common.formatting import long_date_time
        from couplepause.common.texts import pauses
        from couplepause.store import recovery

        def done(report, error) -> None:
            if error is not None:
                dialog.show_result(words("restore", "failed", reason=_reason(error)), ok=False)
                return
            when = long_date_time(report.backup.created_at)
            dialog.show_result(words("restore", "done", pauses=pauses(report.restored), date=when), ok=True)
            self.store_changed()

        self.store.write(lambda repo: recovery.restore(repo, backup_id), done)

    def store_changed(self) -> None:
        """The store was changed beside the live flow (a restore, pauses brought back)."""
        if self.controller.idle():
            self.controller.load_from_store()
        history = self.history()
        if history is not None and self.window.current_view() is history.view:
            history.load()
            self.tell_history_what_is_missing()

    def show_losses(self) -> None:
        """Tell the couple about pauses that could not be read, or whose file is gone, with the
        offer of a backup that holds them, or, where none does, of going on without them."""
        def offer(result, error) -> None:
            if error is not None or not result:
                return
            from couplepause.common.formatting import long_date

            parts, backup = result
            plan = all(p.part == "plan" for p in parts)  # "it", not "them"
            text = loss_text(parts)
            if backup is None:
                text = f"{text} {words('notices', 'lost_plan_no_backup' if plan else 'lost_no_backup')}"
                action = (words("notices", "go_on_without_it" if plan else "go_on_without"), lambda: self._go_on(parts))
            else:
                held = words("notices", "lost_plan_in_backup" if plan else "lost_in_backup",
                             date=long_date(backup.created_at))
                text = f"{text} {held}"
                action = (words("notices", "bring_back_plan" if plan else "bring_back"),
                          lambda: self._bring_back(parts))
            self.window.show_notice(text, action=action, on_dismiss=lambda: self._noted(parts))

        def look(repo):
            parts = [p for p in repo.missing() if not p.noted]
            if not parts:
                return None
            holding = (i for i in repo.backups.list()
                       if any(i.has(p.part) or (p.part == "all" and i.pauses) for p in parts))
            backup = next(holding, None)  # the newest backup that holds any of them
            return parts, backup

        self.store.read(look, offer)

    def _go_on(self, parts) -> None:
        """The couple go on without what no backup holds: recorded, told once, never again."""
        plan = all(part.part == "plan" for part in parts)

        def done(_result, error) -> None:
            if error is not None:
                self.window.show_notice(words("notices", "go_on_failed", reason=_reason(error)))
                return
            self.window.show_notice(words("notices", "went_on_without_it" if plan else "went_on_without"), linger=True)
            self.store_changed()

        self.store.write(lambda repo: repo.accept_loss(parts), done)

    def _bring_back(self, parts) -> None:
        from couplepause.common.texts import pauses
        from couplepause.store import recovery
        from couplepause.store.backups import BackupError

        self.window.show_notice(words("notices", "bringing_back"))

        def job(repo):
            count = 0
            for part in parts:
                try:
                    count += recovery.bring_back(repo, part)
                except BackupError:
                    continue  # no backup has this one: it stays on the list
            return count

        def done(count, error) -> None:
            if error is not None:  # the backup could not give them back: going on without them stays open
                plan = all(part.part == "plan" for part in parts)
                go_on = (words("notices", "go_on_without_it" if plan else "go_on_without"), lambda: self._go_on(parts))
                self.window.show_notice(words("notices", "bring_back_failed", reason=_reason(error)), action=go_on)
                return
            if all(part.part == "plan" for part in parts):
                text = words("notices", "plan_brought_back")
            else:
                text = words("notices", "brought_back", pauses=pauses(count))
            self.window.show_notice(text, linger=True)
            self.store_changed()
            self.show_losses()  # any part that no backup had

        self.store.write(job, done)

    def _noted(self, parts) -> None:
        from couplepause.store import files

        self.store.write(lambda repo: [files.mark(part, files.NOTED_SUFFIX) for part in parts])

    def keeper_event(self, kind: str, value) -> None:
        """From the Keeper's thread: a rescue copy saved, a backup made, a problem."""
        from couplepause.common.texts import pauses

        if kind == "rescued":
            def told() -> None:
                self.window.show_notice(words("notices", "rescue_saved", pauses=pauses(value)))
                self.store_changed()  # a pause kept there may be one to pick up

            self.answers.post(told)
        elif kind in ("problem", "rescue_failed"):
            key = "backup_failed" if kind == "problem" else "rescue_waits"
            self.answers.post(lambda: self._tell_care_problem(key, value))

    def _tell_care_problem(self, key: str, reason: str) -> None:
        """A backup (or a rescue copy) that could not be saved now. The notice says the
        pauses are saved only while they are: while a write fails, that failure's notice
        stays (it says what matters), and this one waits for the next round."""
        if self.controller.unsaved_reason or self.store.unwritten():
            return
        self.window.show_notice(words("notices", key, reason=reason))

    def all_saved(self) -> None:
        """Every write is durable again: the rescue copies of this run hold nothing more."""
        from couplepause.app.safekeeping import SAVED_SUFFIX

        for path in self.rescues:
            if path.exists():
                platform_support.rename(path, path.with_name(path.name + SAVED_SUFFIX))
        self.rescues.clear()
        self._rescued = []

    def rescue(self) -> Path | None:
        """Keep what is not written yet in a rescue copy (unless the newest one holds it)."""
        from couplepause.app.safekeeping import write_rescue

        unwritten = self.store.unwritten()
        if not unwritten:
            return None
        if self.rescues and unwritten == self._rescued:
            return self.rescues[-1]
        protection = self.store.protection()
        sealed_to = None
        if protection.header is not None:
            from couplepause.store import vault

            sealed_to = vault.public_key(protection.header)
        elif protection.required:
            return None  # protected, with no key left to seal it to: never kept in the clear
        path = write_rescue(self.data_dir, unwritten, sealed_to=sealed_to)
        if path is not None:
            self.rescues.append(path)
            self._rescued = unwritten
        return path

    def tell_history_what_is_missing(self) -> None:
        def told(parts, error) -> None:
            history = self.history()
            if history is None or error is not None:
                return
            from couplepause.common.formatting import month_of_store

            months = [month_of_store(part) for part in parts if part[:1].isdigit()]
            lines = []
            if months:
                lines.append(words("history", "missing_months", months=", ".join(months)))
            if "active" in parts:
                lines.append(words("history", "missing_active"))
            if "all" in parts:
                lines.append(words("history", "missing_all"))
            history.view.set_missing(" ".join(lines) or None)

        self.store.read(lambda repo: sorted({p.part for p in repo.missing()}), told)


def loss_text(parts) -> str:
    """What is missing, in one sentence: a damaged file kept safe, or a file that is gone."""
    from couplepause.common.formatting import month_of_store

    kinds = {part.part for part in parts}
    months = [part.part for part in parts if part.part[:1].isdigit()]
    suffix = "_gone" if all(part.gone for part in parts) else ""
    if kinds == {"plan"}:
        return words("notices", "lost_plan" + suffix)
    if "all" in kinds:
        return words("notices", "lost_all" + suffix)
    if len(months) == 1:
        return words("notices", "lost_month" + suffix, month=month_of_store(months[0]))
    if months:
        return words("notices", "lost_months" + suffix, month=month_of_store(months[0]), more=len(months) - 1)
    if "sealed" in kinds:
        return words("notices", "lost_sealed" + suffix)
    if "names" in kinds:
        return words("notices", "lost_names" + suffix)
    return words("notices", "lost_active" + suffix)


def _reason(error: BaseException) -> str:
    from couplepause.store.errors import cause

    return cause(error)
