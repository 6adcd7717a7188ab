"""Our plan for hard moments, as the window handles it: read once the store is
open (and again when a protected history is unlocked or locked), edited in its
dialog, kept by the writer thread like every other write, and handed to the
live flow (Controller.set_plan)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from couplepause.common.problems import Problem, in_window
from couplepause.common.texts import words

if TYPE_CHECKING:
    from couplepause.app.store_port import StorePort
    from couplepause.core.plan import Plan
    from couplepause.ui.controller import Controller
    from couplepause.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class Planning:
    """The plan, between its dialog, the store (``store``) and the live flow (``controller``);
    ``window`` says what happened and holds the dialog."""

    def __init__(self, window: MainWindow, store: StorePort, controller: Controller) -> None:
        self.window = window
        self.store = store
        self.controller = controller
        self.plan: Plan | None = None
        self.readable = True  # False while the plan is protected and the history locked
        self.loaded = False  # the plan has been read (the dialog never opens before: it would show none)
        self._open_when_loaded = False
        self._reading = False  # a read is on its way
        self.dialog = None

    def load(self) -> None:
        """Read the plan (off the UI thread) and hand it to the live flow."""
        self._reading = True

        def job(repo):
            return repo.plan_within_reach(), repo.plan()

        def done(result, error) -> None:
            self._reading = False
            wanted, self._open_when_loaded = self._open_when_loaded, False
            if error is not None:
                # Never an empty plan offered over one that could not be read: the
                # dialog waits for a read that works (tried again when asked for).
                from couplepause.store.errors import cause

                log.warning("the plan could not be read (%s)", type(error).__name__)
                self.loaded = False
                if wanted:
                    self.window.show_notice(words("plan", "not_read", reason=cause(error)))
                return
            self.readable, self.plan = result
            self.loaded = True
            self.controller.set_plan(self.plan)
            if wanted:
                self.open()

        self.store.read(job, done)

    def open(self):
        """The plan's dialog (one at a time), once the plan has been read; a plan
        protected with the names says, while locked, why it is not shown."""
        from couplepause.ui.plan_dialog import PlanDialog
        from couplepause.ui.widgets import bring_forward, show_beside

        if not self.loaded:  # just started (it opens once read), or the last read failed
            self._open_when_loaded = True
            if not self._reading:
                self.load()
            return None
        if not self.readable:
            self.window.show_notice(in_window(Problem("plan_locked")), linger=True)
            return None
        if self.dialog is not None and self.dialog.isVisible():
            return bring_forward(self.dialog)
        dialog = PlanDialog(self.plan, self.controller.names(), self.window)
        dialog.saved.connect(lambda plan: self.save(plan, dialog))
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        return show_beside(dialog)

    def save(self, plan: Plan, dialog) -> None:
        plan = plan.with_changes(updated_at=self.controller.wall())

        def done(error) -> None:
            if error is not None:
                from couplepause.store.errors import cause

                dialog.not_kept(cause(error))
                return
            self.plan = plan
            self.controller.set_plan(plan)
            dialog.kept()
            self.window.show_notice(words("plan", "saved"), linger=True)

        self.store.write(lambda repo: repo.save_plan(plan), lambda _result, error: done(error))
