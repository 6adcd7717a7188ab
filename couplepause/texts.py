"""The words on screen, read once from resources/words.toml.

Qt-free, so the core (summaries) and the views share one source of words.

The TOML files in resources/ are what people edit. Beside each one ships a
packed copy (NAME.packed.json: the same data and the TOML's checksum), which
loads ~3 ms faster than tomllib can parse (json is quicker to import, and
tomllib brings in datetime too): time the first window waits for. A packed
copy is used only while its checksum matches the TOML, so an edited TOML is
never shadowed by a stale copy. ``python -m couplepause.texts`` refreshes
the copies; a test checks they are current.
"""

from __future__ import annotations

import json
import zlib
from functools import lru_cache
from importlib import resources
from typing import Any

PACKED = ("words", "theme")  # the TOML resources that ship a packed copy


def resource_folder():
    """resources/ as shipped in the package (importlib.resources)."""
    return resources.files("couplepause.resources")


def resource_data(name: str) -> dict[str, Any]:
    """resources/NAME.toml as a dict, from its packed copy when that is current."""
    raw = resource_folder().joinpath(f"{name}.toml").read_bytes()
    try:
        packed = json.loads(resource_folder().joinpath(f"{name}.packed.json").read_bytes())
        if packed["toml_crc32"] == _checksum(raw) and isinstance(packed["data"], dict):
            return packed["data"]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing or unreadable: the TOML itself is the truth
    import tomllib

    return tomllib.loads(raw.decode("utf-8"))


def _checksum(raw: bytes) -> int:
    return zlib.crc32(raw.replace(b"\r\n", b"\n"))  # the same whatever the checkout's line endings


def pack(name: str) -> str:
    """The packed copy of resources/NAME.toml, as text."""
    import tomllib

    raw = resource_folder().joinpath(f"{name}.toml").read_bytes()
    packed = {"toml_crc32": _checksum(raw), "data": tomllib.loads(raw.decode("utf-8"))}
    return json.dumps(packed, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    return resource_data("words")


def words(section: str, key: str, **values: Any) -> str:
    """One text, with ``{placeholders}`` filled from ``values``."""
    text = _words()[section][key]
    return text.format(**values) if values else text


def word_list(section: str, key: str) -> list[str]:
    return list(_words()[section][key])


def section(name: str) -> dict[str, Any]:
    return dict(_words()[name])


def default_names() -> dict[str, str]:
    """The partners' names when they have not set their own."""
    return {"a": words("app", "partner_a"), "b": words("app", "partner_b")}


def duration(seconds: float) -> str:
    """A duration in plain words: "less than a minute", "12 minutes", "1 h 20 min"."""
    minutes = int(round(seconds / 60.0))
    if seconds < 60:
        return words("durations", "seconds")
    if minutes < 60:
        return words("durations", "one_minute") if minutes == 1 else words("durations", "minutes", n=minutes)
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return words("durations", "one_hour") if hours == 1 else words("durations", "hours", n=hours)
    return words("durations", "hours_minutes", h=hours, m=rest)


def pauses(n: int) -> str:
    """ "1 pause", "12 pauses"."""
    return words("counts", "one_pause") if n == 1 else words("counts", "pauses", n=n)


def clock_time(seconds: float) -> str:
    """A countdown as m:ss."""
    seconds = max(0, int(seconds + 0.999))
    return f"{seconds // 60}:{seconds % 60:02d}"


if __name__ == "__main__":  # python -m couplepause.texts: refresh the packed copies
    from pathlib import Path

    for name in PACKED:
        target = Path(str(resource_folder().joinpath(f"{name}.packed.json")))
        target.write_text(pack(name), encoding="utf-8")
        print(f"wrote {target}")
