"""The history's side of the store: what the progress view asks (ui/history_presenter's
HistoryStore), done through the store's port. Reads make way for writes between their
steps (store/reader.py); edits and deletes go after the saves before them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from couplepause.app.store_port import Done, StorePort
    from couplepause.core.episode import Episode
    from couplepause.store.reader import Reader

T = TypeVar("T")


class HistoryStorePort:
    def __init__(self, port: StorePort, reader: Reader) -> None:
        self._port = port
        self._reader = reader

    def load_recent(self, months: int, done: Done) -> None:
        self._port.read(lambda repo: repo.load_recent(months, self._reader.make_way), done)

    def load_all(self, done: Done) -> None:
        self._port.read(lambda repo: repo.load_all(self._reader.make_way), done)

    def work(self, fn: Callable[[Callable[[], None]], T], done: Done) -> None:
        self._port.read(lambda _repo: fn(self._reader.make_way), done)

    def save(self, episode: Episode, done: Done) -> None:
        self._port.write(lambda repo: repo.save(episode), done)

    def delete(self, episode_id: str, done: Done) -> None:
        self._port.write(lambda repo: repo.delete(episode_id), done)

    def reading(self) -> bool:
        return self._reader.is_alive()


