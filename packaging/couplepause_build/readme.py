"""README.md as the package page on PyPI shows it: the same text, each relative link
(a screenshot, another document) made absolute, to that file in the source repository
at this version's tag (vVERSION), so the page shows the screenshots of its release.

setup.py gives it to setuptools as the long description (pyproject.toml: readme is
dynamic). The repository is pyproject's [project.urls] Source; a release is tagged
there as ``v`` + its version.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]

# [text](target) and ![alt](target); a target with a scheme or only an anchor stays.
LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")
WHOLE = re.compile(r"^([a-z][a-z0-9+.-]*:|#)", re.IGNORECASE)


def source_url(root: Path = ROOT) -> str:
    with open(root / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["urls"]["Source"].rstrip("/")


def version(root: Path = ROOT) -> str:
    """couplepause.__version__, read without importing the package."""
    text = (root / "couplepause" / "__init__.py").read_text("utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)[1]


def file_urls(source: str, tag: str) -> tuple[str, str]:
    """Where a file of the repository at ``tag`` is shown (a page) and served (its bytes)."""
    parts = urlsplit(source)
    if parts.netloc != "github.com":
        raise ValueError(f"packaging/couplepause_build/readme.py knows GitHub's file addresses, not {parts.netloc}'s")
    repository = parts.path.strip("/")
    return (f"https://github.com/{repository}/blob/{tag}/",
            f"https://raw.githubusercontent.com/{repository}/{tag}/")


def absolute(text: str, source: str, tag: str) -> str:
    """``text`` with each relative link made absolute: an image to the file's bytes,
    any other link to its page."""
    page, raw = file_urls(source, tag)

    def whole(match: re.Match) -> str:
        bang, words, target = match.groups()
        if WHOLE.match(target):
            return match[0]
        return f"{bang}[{words}]({raw if bang else page}{target.removeprefix('./')})"

    return LINK.sub(whole, text)


def relative_targets(text: str) -> list[str]:
    """The relative link targets of ``text`` (none should be left on the package page)."""
    return [target for _, _, target in LINK.findall(text) if not WHOLE.match(target)]


def description(root: Path = ROOT) -> str:
    return absolute((root / "README.md").read_text("utf-8"), source_url(root), "v" + version(root))
