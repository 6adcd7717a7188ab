"""House rules checked on every test run."""

import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import couplepause

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold():
    """The import-linter contracts in pyproject.toml (layers, Qt-free core and store,
    views that never touch the store): every one is kept, none broken."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint is None:
        pytest.fail("import-linter is not installed: pip install '.[test]'")
    done = subprocess.run(
        [lint, "--config", str(ROOT / "pyproject.toml")],
        capture_output=True, text=True, cwd=ROOT / "tests",  # not the source tree: the installed package
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 broken" in done.stdout and "kept" in done.stdout


def test_core_and_store_do_not_load_qt_at_runtime():
    code = (
        "import sys; import couplepause.core.flow, couplepause.core.breathing, "
        "couplepause.store.repository, couplepause.store.writer, couplepause.store.storage; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT / "tests")
    assert done.returncode == 0, done.stdout + done.stderr


def test_resources_ship_inside_the_package():
    files = resources.files("couplepause.resources")
    for name in ("words.toml", "theme.toml", "style.qss", "couplepause-export.schema.json"):
        assert files.joinpath(name).is_file(), name


def test_tests_use_the_installed_package_not_a_stray_copy():
    assert Path(couplepause.__file__).resolve().parent.name == "couplepause"
    assert couplepause.__version__ != "0.0.0+unknown"


def _circles(modules: dict[str, set[str]]) -> list[list[str]]:
    """The import circles among ``modules`` (module -> modules it imports): each group of
    modules that reach one another, of two or more."""
    reach = {}
    for start in modules:
        seen, todo = set(), [start]
        while todo:
            for found in modules[todo.pop()]:
                if found not in seen:
                    seen.add(found)
                    todo.append(found)
        reach[start] = seen
    groups = {frozenset(m for m in modules if m in reach[start] and start in reach[m]) | {start} for start in modules}
    return sorted(sorted(group) for group in groups if len(group) > 1)


def test_the_store_has_no_import_circle():
    """No module of couplepause.store imports one that imports it back, directly or not,
    imports under TYPE_CHECKING and inside functions included: the repository's helpers
    are handed what they use."""
    import grimp

    graph = grimp.build_graph("couplepause")
    store = {m for m in graph.modules if m.startswith("couplepause.store.")}
    imports = {m: graph.find_modules_directly_imported_by(m) & store for m in store}
    assert _circles(imports) == []
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]  # the check sees one


def test_no_import_circle_in_the_package():
    """No module of couplepause imports one that imports it back, anywhere in the package
    (type hints and imports inside functions count): the application's parts are handed
    the window, the store's port and the live flow, never the App."""
    import grimp

    graph = grimp.build_graph("couplepause")
    ours = {m for m in graph.modules if m.startswith("couplepause.")}
    imports = {m: graph.find_modules_directly_imported_by(m) & ours for m in ours}
    assert _circles(imports) == []


def test_every_module_is_in_a_layer():
    """Every module of the package belongs to a layer of the import-linter contract."""
    import tomllib

    contract = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    layers = next(c["layers"] for c in contract["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    package = Path(couplepause.__file__).parent
    outside = []
    for source in sorted(package.rglob("*.py")):
        name = ".".join(("couplepause", *source.relative_to(package).with_suffix("").parts)).removesuffix(".__init__")
        if name in ("couplepause", "couplepause.resources"):  # the package, and its data folder (installed as one)
            continue
        if not any(name == layer or name.startswith(layer + ".") for layer in layers):
            outside.append(name)
    assert outside == []


def test_the_views_ask_the_store_in_their_own_terms():
    """No repository call is written in ui/: the views and the controller are handed
    what they ask of the store (HistoryStore, open_pauses), provided by the app."""
    import ast

    import couplepause.ui

    found = []
    for source in sorted(Path(couplepause.ui.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if isinstance(node, ast.Lambda) and any(a.arg in ("repo", "repository") for a in node.args.args):
                found.append(f"{source.name}:{node.lineno}")
            if isinstance(node, ast.FunctionDef) and any(a.arg in ("repo", "repository") for a in node.args.args):
                found.append(f"{source.name}:{node.lineno}")
    assert found == []
