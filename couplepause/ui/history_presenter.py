"""Between the history view and the store: loading, edits and deletes as
undoable commands (undo lasts while the view is open). Every change goes
through the background writer; the view only ever shows what it is told."""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from couplepause.core.episode import Episode
from couplepause.texts import words
from couplepause.ui.history import DATE_FORMAT, HistoryView

log = logging.getLogger(__name__)


class HistoryPresenter(QObject):
    loaded = Signal()  # the view shows the store's episodes
    changed = Signal(object)  # an episode was edited, deleted or restored (its id)
    failed = Signal(str)  # a plain sentence for a notice

    def __init__(self, view: HistoryView, writer, run_on_main: Callable[[Callable[[], None]], None], parent=None):
        super().__init__(parent)
        self.view = view
        self.writer = writer
        self._run_on_main = run_on_main
        self.undo_stack = QUndoStack(self)
        self.undo_stack.canUndoChanged.connect(view.set_can_undo)
        view.edit_requested.connect(self.edit)
        view.delete_requested.connect(self.delete)
        view.undo_requested.connect(self.undo_stack.undo)

    # ---------------------------------------------------------------- load
    def load(self) -> None:
        self.view.set_loading()

        def done(episodes, error) -> None:
            self._run_on_main(lambda: self._loaded(episodes, error))

        self.writer.call(lambda repo: repo.load_all(), done)

    def _loaded(self, episodes, error) -> None:
        if error is not None:
            log.error("history: %s", error)
            self.failed.emit(words("history", "saving_failed", reason=str(error)))
            episodes = []
        self.view.set_episodes(episodes or [])
        self.loaded.emit()

    def close(self) -> None:
        """Leaving the view: what was done stays done; undo ends here."""
        self.undo_stack.clear()

    # --------------------------------------------------------------- edits
    def find(self, episode_id: str) -> Episode | None:
        return next((e for e in self.view.episodes() if e.id == episode_id), None)

    def edit(self, episode_id: str, note, cycle) -> None:
        before = self.find(episode_id)
        if before is None:
            return
        after = before.with_changes(note=note, cycle=cycle)
        if after == before:
            return
        self.undo_stack.push(_Replace(self, before, after))

    def delete(self, episode_id: str) -> None:
        episode = self.find(episode_id)
        if episode is not None:
            self.undo_stack.push(_Delete(self, episode))

    # ------------------------------------------------- applied by commands
    def _show(self, episodes: list[Episode], changed_id: str) -> None:
        self.view.set_episodes(episodes)
        self.changed.emit(changed_id)

    def _store(self, job: Callable) -> None:
        def done(_result, error) -> None:
            if error is not None:
                self._run_on_main(lambda: self._store_failed(error))

        self.writer.call(job, done)

    def _store_failed(self, error: Exception) -> None:
        log.error("history change not saved: %s", error)
        self.failed.emit(words("history", "saving_failed", reason=str(error)))
        self.load()  # show what is really stored

    def put(self, episode: Episode) -> None:
        episodes = [e for e in self.view.episodes() if e.id != episode.id] + [episode]
        self._show(episodes, episode.id)
        self._store(lambda repo: _restore(repo, episode))

    def remove(self, episode: Episode) -> None:
        episodes = [e for e in self.view.episodes() if e.id != episode.id]
        self._show(episodes, episode.id)
        self._store(lambda repo: repo.delete(episode.id))


def _restore(repo, episode: Episode) -> None:
    """Write an episode back: replace it where it is, or put it back where it belongs."""
    if repo.get(episode.id) is not None:
        repo.update(episode)
    elif episode.closed:
        repo.archive(episode)
    else:
        repo.save_active(episode)


class _Replace(QUndoCommand):
    def __init__(self, presenter: HistoryPresenter, before: Episode, after: Episode):
        super().__init__(words("history", "edit"))
        self.presenter, self.before, self.after = presenter, before, after

    def redo(self) -> None:
        self.presenter.put(self.after)

    def undo(self) -> None:
        self.presenter.put(self.before)


class _Delete(QUndoCommand):
    def __init__(self, presenter: HistoryPresenter, episode: Episode):
        when = episode.paused_at.astimezone().strftime(DATE_FORMAT)
        super().__init__(words("history", "deleted", when=when))
        self.presenter, self.episode = presenter, episode

    def redo(self) -> None:
        self.presenter.remove(self.episode)

    def undo(self) -> None:
        self.presenter.put(self.episode)
