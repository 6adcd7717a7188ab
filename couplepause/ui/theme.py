"""Colours, type sizes and the style sheet, from resources/theme.toml and style.qss."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from string import Template

from PySide6.QtGui import QColor, QIcon

from couplepause.texts import resource_data, resource_folder


@lru_cache(maxsize=1)
def _theme() -> dict:
    return resource_data("theme")


def icon() -> QIcon:
    return QIcon(str(Path(str(resource_folder())) / "icon.svg"))


def color(name: str) -> QColor:
    return QColor(_theme()["colors"][name])


def size(name: str) -> int:
    return int(_theme()["sizes"][name])


@lru_cache(maxsize=1)
def stylesheet() -> str:
    template = resource_folder().joinpath("style.qss").read_text("utf-8")
    values = {**_theme()["colors"], **{k: str(v) for k, v in _theme()["sizes"].items()}}
    # Icons are files of the installed package; the style sheet names them by path.
    values["icons"] = Path(str(resource_folder())).as_posix()
    return Template(template).substitute(values)
