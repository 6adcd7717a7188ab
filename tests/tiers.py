"""The everyday run and the whole one.

``pytest`` alone is the everyday run: it leaves out the tests marked ``slow``, ``atspi``,
``wm``, ``matrix`` and ``process`` (pyproject.toml says why each is left out); CI runs them
all (``pytest -m ""``). A sweep keeps its hardest case in the everyday run (a small laptop,
German) and marks the others ``matrix``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest


def everyday(cases: Iterable, *kept, unpack: bool = False) -> list:
    """``cases`` of a sweep, those not in ``kept`` marked ``matrix``. ``unpack``: each
    case is the tuple of several arguments' values (``parametrize(("a", "b"), ...)``)."""
    chosen = []
    for case in cases:
        if case in kept:
            chosen.append(case)
        else:
            values = case if unpack else (case,)
            chosen.append(pytest.param(*values, marks=pytest.mark.matrix))
    return chosen
