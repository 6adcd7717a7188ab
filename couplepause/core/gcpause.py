"""Making many objects in a row without setting off the cyclic garbage collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic collector while tens of thousands of objects that
    cannot form cycles (dicts of plain values, small records) are made.

    Otherwise it runs dozens of times, and often a full collection over every
    object of the app: tens of milliseconds with the GIL held, so a window
    waits even while the work runs on another thread. Objects without cycles
    are freed by reference counting alone, so nothing piles up meanwhile.
    The collector is left as it was (another thread may have paused it too).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
