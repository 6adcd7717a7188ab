"""The package's own source, parsed once per test process: tests that read the code
(every Problem raised, every command-line word used) walk these trees."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import couplepause

SOURCE = Path(couplepause.__file__).resolve().parent


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text("utf-8"))


@cache
def nodes(path: Path) -> tuple[ast.AST, ...]:
    """Every node of the module at ``path``, as ast.walk gives them."""
    return tuple(ast.walk(tree(path)))


def modules() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))
