"""couplepause: one shared Pause button for a couple in a hard conversation."""

# The one place the version is written (pyproject.toml reads it from here);
# asking importlib.metadata at run time would cost ~30 ms of start-up.
__version__ = "0.1.0"

APP_NAME = "couplepause"


def _resources_in_a_checkout() -> None:
    """Installed, ``couplepause.resources`` is the top-level resources/ folder
    mapped into the package (see pyproject.toml). Run from a source checkout
    (``python -m couplepause`` in the repository) the mapping does not exist,
    so the same folder is registered under the same name here."""
    import importlib.util
    import sys
    from pathlib import Path

    if "couplepause.resources" in sys.modules or importlib.util.find_spec("couplepause.resources"):
        return
    folder = Path(__file__).resolve().parent.parent / "resources"
    if not (folder / "__init__.py").is_file():
        return
    spec = importlib.util.spec_from_file_location(
        "couplepause.resources", folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["couplepause.resources"] = module
    spec.loader.exec_module(module)


_resources_in_a_checkout()
