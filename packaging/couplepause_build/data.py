"""The words and the look, compiled while building: resources/words.toml and
resources/theme.toml become words.json and theme.json beside them, which is what the
app reads at every start (couplepause/common/texts.py: the standard library's json,
in C; TOML is for the people who write them). setup.py runs it with the catalogues;
`python packaging/messages.py compile DIR` by hand."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
COMPILED = ("words", "theme")


def compile_data(target: Path, source: Path = RESOURCES) -> list[Path]:
    """Each of COMPILED from ``source``/NAME.toml to ``target``/NAME.json."""
    written = []
    for name in COMPILED:
        data = tomllib.loads((Path(source) / f"{name}.toml").read_text("utf-8"))
        out = Path(target) / f"{name}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
        written.append(out)
    return written
