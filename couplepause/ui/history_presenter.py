"""Between the history view and the store: loading, the figures of each range,
and edits and deletes as undoable commands (undo lasts while the view is
open). Every change goes through the background writer; the view only ever
shows what it is told. With no writer (an export opened read-only) it only
computes figures."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from couplepause.common.formatting import month_name, when
from couplepause.common.texts import words
from couplepause.core import chart, stats
from couplepause.core.episode import Episode
from couplepause.export.patterns_text import pattern_text
from couplepause.ui.history import Deletion, HistoryView, NoteEdit
from couplepause.ui.history_tables import RangeView

log = logging.getLogger(__name__)

RECENT_MONTHS = 4  # month files read first: the default range (3 months) and a little more


def compute(
    episodes: list[Episode],
    key: str,
    now: datetime,
    version: int,
    make_way: Callable[[], None] = lambda: None,
    summary: list[str] | None = None,
) -> RangeView:
    """The figures of one range of ``episodes`` (the whole history), pure:
    safe on any thread. ``summary`` is the history's summary
    (:func:`summarise`), the same for every range; ``make_way`` is called
    between the steps (the reader lets a pause's write go first)."""
    shown = stats.in_range(episodes, key, now)  # the list shows practice pauses too, marked
    figured = stats.counted(shown)  # every figure leaves them out
    make_way()
    window = stats.trend_window(len(figured))  # as the report's, for the same pauses
    points = stats.series(figured, window=window)
    make_way()
    weeks = stats.weekly(figured)
    make_way()
    overview = stats.overview(figured)
    make_way()
    found = pattern_text(figured, now)
    start, end = stats.span(stats.counted(episodes), key, now) or (None, None)
    drawn = None if start is None or end is None else chart.build(points, weeks, start, end, window)
    return RangeView(
        key=key,
        version=version,
        episodes=shown,
        points=points,
        weeks=weeks,
        overview=overview,
        summary=list(summary or []),
        start=start,
        end=end,
        counted=len(figured),
        patterns=found,
        trend_window=window,
        chart=drawn,
    )


def summarise(episodes: list[Episode], now: datetime) -> list[str]:
    """The summary sentences, from the whole history: a month reads the same whatever range is shown
    (practice pauses left out)."""
    return stats.summary(stats.counted(episodes), now, month_name=month_name)


T = TypeVar("T")
Answer = Callable[[Any, "Exception | None"], None]  # (result, error), on the UI thread


class HistoryStore(Protocol):
    """What the history asks of the store, in its own terms; every answer comes back on
    the UI thread as ``done(result, error)``. The app provides it (app/history_store.py)."""

    def load_recent(self, months: int, done: Answer) -> None: ...
    def load_all(self, done: Answer) -> None: ...
    def work(self, fn: Callable[[Callable[[], None]], T], done: Answer) -> None:
        """``fn(make_way)`` on the reader thread: long work that makes way for writes."""
    def save(self, episode: Episode, done: Answer) -> None: ...
    def delete(self, episode_id: str, done: Answer) -> None: ...
    def reading(self) -> bool:
        """Whether reads still run (not once the app has shut down)."""


class HistoryPresenter(QObject):
    loaded = Signal()  # the view shows the store's episodes (the recent ones at least)
    complete = Signal()  # the whole history is in the view
    changed = Signal(object)  # an episode was edited, deleted or restored (its id)
    failed = Signal(str)  # a plain sentence for a notice

    def __init__(
        self,
        view: HistoryView,
        store: HistoryStore | None = None,
        now: Callable[[], datetime] | None = None,
        parent=None,
    ):
        super().__init__(parent)
        self.view = view
        self.store = store  # loading, figures, edits, deletes and undo (None: a read-only view)
        self._now = now or (lambda: datetime.now().astimezone())
        self._cache: list[Episode] | None = None  # the whole history, once loaded
        self._version = 0
        self._kept = 0  # counts forget(): a read asked before the last one is for nobody
        self._figures: dict[str, RangeView] = {}
        self._summary: tuple[int, list[str]] = (-1, [])  # (version, sentences)
        self._shown = False
        self._deleted: set[str] = set()
        self.undo_stack = QUndoStack(self)
        self.undo_stack.canUndoChanged.connect(view.set_can_undo)
        view.figures_from(self.figures_for)
        view.edit_requested.connect(self.edit)
        view.delete_requested.connect(self.delete)
        view.undo_requested.connect(self.undo_stack.undo)

    # ------------------------------------------------------------- figures
    def figures_for(self, key: str, version: int) -> RangeView:
        cached = self._figures.get(key)
        if cached is None or cached.version != version:
            cached = compute(self.view.episodes(), key, self._now(), version, summary=self._summary_for(version))
            self._figures[key] = cached
        return cached

    def _summary_for(self, version: int) -> list[str]:
        """The history's summary; none while only the recent months are in
        (it looks back a year: the rest of the history could change it)."""
        if self._cache is None:
            return []
        if self._summary[0] != version:
            self._summary = (version, summarise(self.view.episodes(), self._now()))
        return self._summary[1]

    def _set(self, episodes: list[Episode]) -> None:
        """Give the view a new set of episodes; figures are recomputed as needed."""
        self._version += 1
        self.view.set_episodes(episodes, self._version)

    def _precompute(self) -> None:
        """Work out every range on the reader thread, so switching is instant."""
        if self.store is None:
            return
        episodes, version, now = self.view.episodes(), self._version, self._now()
        summary = self._summary_for(version)

        def done(result, error) -> None:
            if error is None:
                self._store_figures(result, version)

        self.store.work(
            lambda make_way: [compute(episodes, k, now, version, make_way, summary) for k in stats.RANGES], done
        )

    def _store_figures(self, computed: list[RangeView], version: int) -> None:
        if version != self._version:
            return  # the episodes changed meanwhile; these figures are stale
        for figures in computed:
            current = self._figures.get(figures.key)
            if current is None or current.version != version:
                self._figures[figures.key] = figures

    # ---------------------------------------------------------------- load
    def show_episodes(self, episodes: list[Episode]) -> None:
        """Read-only use: show these episodes, nothing to load or save."""
        self._cache = list(episodes)
        self._set(self._cache)
        self._shown = True
        self.loaded.emit()
        self.complete.emit()

    def load(self) -> None:
        """Show the history. The first time, the recent months come first and
        the rest follows; afterwards the copy kept here (updated by every
        change the app makes) is shown at once, redrawn only if it changed."""
        if self._cache is not None:
            if self.view.version() != self._version:
                self.view.set_episodes(self._cache, self._version)
            self.loaded.emit()
            self.complete.emit()
            return
        self.view.set_loading()
        self._deleted = set()

        kept = self._kept
        self.store.load_recent(RECENT_MONTHS, lambda found, error: self._loaded(found, error, kept, complete=False))

    def _load_everything(self, kept: int) -> None:
        """The rest of the history, asked for once the recent part is on screen."""
        if kept == self._kept and self.store.reading():  # not once locked again, or shut down
            self.store.load_all(lambda found, error: self._loaded(found, error, kept, complete=True))

    def _loaded(self, episodes, error, kept: int, *, complete: bool) -> None:
        if kept != self._kept:
            return  # read before the history was locked again or deleted: not to be shown
        if error is not None:
            log.error("the history could not be read (%s)", type(error).__name__)
            self.failed.emit(words("history", "saving_failed", reason=str(error)))
            episodes = []
        episodes = list(episodes or [])
        if complete:
            # Changes made while the rest was loading win over what was read.
            current = {e.id: e for e in self.view.episodes()} if self._shown else {}
            episodes = [current.get(e.id, e) for e in episodes if e.id not in self._deleted]
            known = {e.id for e in episodes}
            episodes += [e for i, e in current.items() if i not in known]
            self._cache = episodes
        self._set(episodes)
        if not self._shown:
            self._shown = True
            self.loaded.emit()
        if not complete:
            # After the first picture is painted: reading the rest at the same
            # time would only slow that picture down. A zero timer fires once the
            # events already posted (the layout and the paint it asked for) are handled.
            QTimer.singleShot(0, self, lambda: self._load_everything(kept))
        else:
            self.complete.emit()
            self._precompute()

    def episode_saved(self, episode: Episode) -> None:
        """The live flow saved an episode: keep the kept copy current."""
        if self._cache is not None:
            self._cache = [e for e in self._cache if e.id != episode.id] + [episode]
            self._version += 1

    def close(self) -> None:
        """Leaving the view: what was done stays done; undo ends here."""
        self.undo_stack.clear()

    def forget(self) -> None:
        """Drop the history kept here (the history was locked again, or deleted)."""
        self.undo_stack.clear()
        self._kept += 1
        self._cache = None
        self._figures = {}
        self._version += 1
        self._shown = False
        self.view.set_episodes([], self._version)

    # --------------------------------------------------------------- edits
    def find(self, episode_id: str) -> Episode | None:
        return next((e for e in self.view.episodes() if e.id == episode_id), None)

    def edit(self, change: NoteEdit) -> None:
        before = self.find(change.episode_id)
        if before is None or self.store is None:
            return
        after = change.reflection.applied_to(before)
        if after != before:
            self.undo_stack.push(_Replace(self, before, after))

    def delete(self, change: Deletion) -> None:
        episode = self.find(change.episode_id)
        if episode is not None and self.store is not None:
            self.undo_stack.push(_Delete(self, episode))

    # ------------------------------------------------- applied by commands
    def _show(self, episodes: list[Episode], changed_id: str) -> None:
        if self._cache is not None:
            self._cache = list(episodes)
        self._set(episodes)
        self.changed.emit(changed_id)

    def _stored(self, _result, error: Exception | None) -> None:
        if error is not None:
            self._store_failed(error)

    def _store_failed(self, error: Exception) -> None:
        log.error("a change in the history was not saved (%s)", type(error).__name__)
        self.failed.emit(words("history", "saving_failed", reason=str(error)))
        self._cache = None
        self.load()  # show what is really stored

    def put(self, episode: Episode) -> None:
        self._deleted.discard(episode.id)
        episodes = [e for e in self.view.episodes() if e.id != episode.id] + [episode]
        self._show(episodes, episode.id)
        self.store.save(episode, self._stored)

    def remove(self, episode: Episode) -> None:
        self._deleted.add(episode.id)
        episodes = [e for e in self.view.episodes() if e.id != episode.id]
        self._show(episodes, episode.id)
        self.store.delete(episode.id, self._stored)


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
        super().__init__(words("history", "deleted", when=when(episode.paused_at)))
        self.presenter, self.episode = presenter, episode

    def redo(self) -> None:
        self.presenter.remove(self.episode)

    def undo(self) -> None:
        self.presenter.put(self.episode)
