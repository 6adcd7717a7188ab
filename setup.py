"""What pyproject.toml cannot say: the translations are compiled while building, and
the package page's readme has whole links. Both come from packaging/couplepause_build,
the project's build backend (pyproject.toml's backend-path), which is why it imports here.

Every resources/locale/<language>/LC_MESSAGES/couplepause.po becomes a .mo
(couplepause_build.catalogues, with polib from [build-system] requires): in a wheel
beside the package's resources (the .po, a source, left out); in an editable
install (pip install -e .) in place, beside the .po (git ignores it). The app reads
only the .mo (see couplepause/common/texts.py). The same way, resources/words.toml and
theme.toml become words.json and theme.json (couplepause_build.data), which the app
reads at every start.

The long description is README.md with its relative links (the screenshots, other
documents) pointing into the source repository at this version's tag
(couplepause_build.readme): PyPI shows no file beside the readme.
"""

from pathlib import Path

from couplepause_build import catalogues, data, readme
from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
LOCALE = Path("couplepause", "resources", "locale")  # where the package's catalogues go


class BuildWithTranslations(build_py):
    """build_py, then each .po compiled to its .mo, and the words and the look to JSON."""

    def run(self):
        super().run()
        if self.editable_mode:
            catalogues.compile_catalogues(HERE / "resources" / "locale", HERE / "resources" / "locale")
            data.compile_data(HERE / "resources")
            return
        data.compile_data(Path(self.build_lib) / LOCALE.parent)
        target = Path(self.build_lib) / LOCALE
        catalogues.compile_catalogues(target, HERE / "resources" / "locale")
        for source in target.glob("*/LC_MESSAGES/*.po"):
            source.unlink()


setup(
    cmdclass={"build_py": BuildWithTranslations},
    long_description=readme.description(HERE),
    long_description_content_type="text/markdown",
)
