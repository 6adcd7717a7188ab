"""What pyproject.toml cannot say: the translations are compiled while building, and
the package page's readme has whole links.

Every resources/locale/<language>/LC_MESSAGES/couplepause.po becomes a .mo
(packaging/messages.py, with polib from [build-system] requires): in a wheel
beside the package's resources (the .po, a source, left out); in an editable
install (pip install -e .) in place, beside the .po (git ignores it). The app
reads the .mo, or the .po where that is newer (see couplepause/texts.py).

The long description is README.md with its relative links (the screenshots, other
documents) pointing into the source repository at this version's tag
(packaging/pypi_readme.py): PyPI shows no file beside the readme.
"""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
LOCALE = Path("couplepause", "resources", "locale")  # where the package's catalogues go


def _packaging_module(name: str):
    """packaging/NAME.py, loaded by its path (packaging/ is not a package, and its
    name would hide the PyPI packaging module)."""
    spec = importlib.util.spec_from_file_location(f"couplepause_{name}", HERE / "packaging" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithTranslations(build_py):
    """build_py, then each .po compiled to its .mo."""

    def run(self):
        super().run()
        messages = _packaging_module("messages")
        if self.editable_mode:
            messages.compile_catalogues(messages.LOCALE)
            return
        target = Path(self.build_lib) / LOCALE
        messages.compile_catalogues(target, messages.LOCALE)
        for source in target.glob("*/LC_MESSAGES/*.po"):
            source.unlink()


setup(
    cmdclass={"build_py": BuildWithTranslations},
    long_description=_packaging_module("pypi_readme").description(HERE),
    long_description_content_type="text/markdown",
)
