"""What pyproject.toml cannot say: the translations are compiled while building.

Every resources/locale/<language>/LC_MESSAGES/couplepause.po becomes a .mo
(packaging/messages.py, with polib from [build-system] requires): in a wheel
beside the package's resources (the .po, a source, left out); in an editable
install (pip install -e .) in place, beside the .po (git ignores it). The app
reads the .mo, or the .po where that is newer (see couplepause/texts.py).
"""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
LOCALE = Path("couplepause", "resources", "locale")  # where the package's catalogues go


def _messages():
    """packaging/messages.py, loaded by its path (packaging/ is not a package, and its
    name would hide the PyPI packaging module)."""
    spec = importlib.util.spec_from_file_location("couplepause_messages", HERE / "packaging" / "messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithTranslations(build_py):
    """build_py, then each .po compiled to its .mo."""

    def run(self):
        super().run()
        messages = _messages()
        if self.editable_mode:
            messages.compile_catalogues(messages.LOCALE)
            return
        target = Path(self.build_lib) / LOCALE
        messages.compile_catalogues(target, messages.LOCALE)
        for source in target.glob("*/LC_MESSAGES/*.po"):
            source.unlink()


setup(cmdclass={"build_py": BuildWithTranslations})
