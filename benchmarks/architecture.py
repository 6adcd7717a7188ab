"""The shape of the package, as figures: import circles, modules outside a layer, lines per
layer, the largest modules, noqa codes, and what ruff and mypy find.

    python benchmarks/architecture.py

Circles are the strongly connected components of the module import graph as grimp builds
it (imports under TYPE_CHECKING count). Not a pass/fail benchmark: the closing notes of the
architecture work quote it before and after.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "couplepause"


def circles(graph) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(module: str) -> None:
        nonlocal counter
        index[module] = low[module] = counter
        counter += 1
        stack.append(module)
        on_stack.add(module)
        for other in graph.find_modules_directly_imported_by(module):
            if not other.startswith("couplepause"):
                continue
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for module in sorted(graph.modules):
        if module.startswith("couplepause") and module not in index:
            visit(module)
    return found


def layer_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else "(top level)"


def tool(command: list[str]) -> str:
    if shutil.which(command[0]) is None:
        return "not installed"
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    output = (result.stdout + result.stderr).strip().splitlines()
    summary = [line for line in output if line.startswith(("Found", "Success", "All checks passed"))]
    return summary[0] if summary else f"exit {result.returncode}"


def main() -> int:
    graph = grimp.build_graph("couplepause")
    found = circles(graph)
    files = sorted(PACKAGE.rglob("*.py"))
    lines = {path: len(path.read_text("utf-8").splitlines()) for path in files}
    per_layer: dict[str, int] = defaultdict(int)
    for path, count in lines.items():
        per_layer[layer_of(path)] += count
    top = [p for p in files if p.parent == PACKAGE and p.name not in ("__init__.py", "__main__.py")]
    noqa = sum(len(re.findall(r"#\s*noqa", path.read_text("utf-8"))) for path in files)

    print(f"import circles: {len(found)}")
    for component in found:
        print("   ", " <-> ".join(name.removeprefix("couplepause.") for name in component))
    print(f"modules at the top of the package (besides __init__/__main__): {len(top)}")
    print("   ", ", ".join(p.stem for p in top))
    print("lines per layer:")
    for layer, count in sorted(per_layer.items(), key=lambda item: -item[1]):
        print(f"    {layer:<14} {count:>6}")
    print(f"    {'total':<14} {sum(lines.values()):>6} in {len(files)} modules")
    print("largest modules:")
    for path, count in sorted(lines.items(), key=lambda item: -item[1])[:8]:
        print(f"    {count:>4}  {path.relative_to(ROOT)}")
    print(f"noqa comments: {noqa}")
    print(f"ruff: {tool(['ruff', 'check', '--statistics', '.'])}")
    print(f"mypy: {tool(['mypy'])}")  # the folders and settings of [tool.mypy]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
