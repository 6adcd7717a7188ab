"""Reads of the store on their own thread, so that a pause is never written later
because the history (or the statistics) were being read.

``call(fn, on_done)`` runs ``fn(repository)`` on the reader thread, then
``on_done(result, error)`` there too; calls run one after another, in order. The
repository's reads parse files without holding its write lock (see
``Repository._read_view``), so the writer thread goes on writing meanwhile.

Qt-free: the UI wraps ``on_done`` to get back to its own thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)


MAKE_WAY_S = 0.5  # the longest a read waits for the writes due before it goes on


class Reader:
    def __init__(self, repo: Any, writer: Any = None) -> None:
        self._repo = repo
        self._writer = writer
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="couplepause-reader")
        self._closed = False

    def call(self, fn: Callable[[Any], Any], on_done: Callable[[Any, Exception | None], None]) -> None:
        if self._closed:
            return  # the app is closing: nobody waits for this read any more

        def run() -> None:
            try:
                result, error = fn(self._repo), None
            except Exception as exc:  # noqa: BLE001 - handed to the caller, who knows what it means
                result, error = None, exc
            try:
                on_done(result, error)
            except Exception:
                log.exception("a read's on_done failed")

        self._pool.submit(run)

    def make_way(self) -> None:
        """Let the writes that are due go first. A long read calls it between its
        steps: two threads busy at once share one interpreter lock, and a write
        that must wait for it again after every system call is late."""
        if self._writer is not None:
            self._writer.wait_for_writes(MAKE_WAY_S)

    def is_alive(self) -> bool:
        return not self._closed

    def close(self, wait: bool = True) -> None:
        """Stop taking reads; with ``wait``, let the one that runs finish."""
        self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=True)
