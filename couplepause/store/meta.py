"""``meta.json``: what a store (or a backup) says about itself: its schema version, a
protected store's header, and its **manifest**: which parts it holds and the generation
each one had when it was last recorded.

The manifest is how a missing file is found. It is written in the same step as the
parts it describes: inside a journaled transaction, or after the parts it lists
(``archive`` writes the month, then ``active.json``, then the manifest), so a crash
leaves a part that is not listed yet (harmless: it is read, and listed at the next
write) and never a listed part that is not there. A listed part that is not there was
removed by something other than couplepause; a part whose generation is lower than the
one listed is an older copy put back. Both are told, never read as "no pauses".

Where the store is protected, the header and the manifest are authenticated together
with a MAC whose key only the passphrase opens (``vault.mac_of``): an edited header or
manifest is found at unlock.

Qt-free.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeGuard

from couplepause.store import envelope
from couplepause.store.envelope import FileDamaged, Format

META_TABLE = "meta"
PROTECTION_TABLE = "protection"
MANIFEST_TABLE = "manifest"
ACTIVE = "active"
NAMES = "names"
PLAN = "plan"
SEALED = "sealed"
LOOSE = (PLAN, SEALED)  # parts written while a protected history is locked: listed outside its MAC
MONTH_PREFIX = f"{envelope.MONTHS_FOLDER}/"
FIRST_CHECKED_VERSION = 4  # the schema version from which every file carries its part and check


@dataclass(frozen=True)
class Meta:
    """One meta.json. ``parts``: part -> generation last recorded; ``accepted``: losses the
    couple chose to go on without ({"part", "file", "at"}); ``mac``: a protected store's.
    ``loose``: the parts that are written while a protected history is locked (its plan,
    when the names are not protected, and the sealed records), listed outside the MAC so
    that listing them needs no passphrase."""

    schema_version: int
    header: dict[str, Any] | None = None
    parts: dict[str, int] = field(default_factory=dict)
    accepted: tuple[dict[str, str], ...] = ()
    mac: str | None = None
    loose: dict[str, int] = field(default_factory=dict)

    # ------------------------------------------------------------ the parts
    def months(self) -> list[str]:
        """The months listed ("2026-03"), oldest first."""
        return sorted(part[len(MONTH_PREFIX):] for part in self.parts if part.startswith(MONTH_PREFIX))

    def listed(self) -> dict[str, int]:
        """Every part listed, signed or loose."""
        return {**self.parts, **self.loose}

    def with_parts(self, changed: dict[str, int], removed: Set[str] = frozenset()) -> Meta:
        """The manifest with parts changed and removed; the MAC is dropped only when a
        signed part changes (loose ones are outside it)."""
        parts = {part: gen for part, gen in self.parts.items() if part not in removed}
        loose = {part: gen for part, gen in self.loose.items() if part not in removed}
        for part, gen in changed.items():
            (loose if part in LOOSE else parts)[part] = gen
        mac = self.mac if parts == self.parts else None
        return replace(self, parts=parts, loose=loose, mac=mac)

    def accepting(self, part: str, file: str, at: str) -> Meta:
        """The couple go on without ``part`` (its file ``file`` stays set aside, if any)."""
        entry = {"part": part, "file": file, "at": at}
        found = self.with_parts({}, {part})
        return replace(found, accepted=(*self.accepted, entry), mac=None)

    # ----------------------------------------------------------- protection
    def authenticated(self) -> dict[str, Any]:
        """What the MAC covers: everything but the MAC."""
        return {
            "schema_version": self.schema_version,
            "header": self.header,
            "parts": self.parts,
            "accepted": list(self.accepted),
        }

    def signed(self, keys: Any) -> Meta:
        """With the MAC of a protected store's keys (unchanged where there is no MAC key)."""
        from couplepause.store import vault

        if self.header is None:
            return replace(self, mac=None)
        if keys is None or keys.mac is None:
            return self  # locked (only loose parts change then), or an old header without a MAC key
        return replace(self, mac=vault.mac_of(keys, self.authenticated()))

    def verified_by(self, keys: Any) -> bool:
        """Whether the header and manifest are as the keys' holder wrote them (an old
        header without a MAC key cannot say, and is believed)."""
        from couplepause.store import vault

        if keys is None or keys.mac is None:
            return True
        return vault.mac_matches(keys, self.authenticated(), self.mac)

    # --------------------------------------------------------------- tables
    def tables(self) -> dict[str, list[dict[str, Any]]]:
        tables: dict[str, list[dict[str, Any]]] = {META_TABLE: [{"schema_version": self.schema_version}]}
        if self.header is not None:
            tables[PROTECTION_TABLE] = [dict(self.header)]
        if self.schema_version >= FIRST_CHECKED_VERSION:
            manifest: dict[str, Any] = {"parts": dict(sorted(self.parts.items())), "accepted": list(self.accepted)}
            if self.mac is not None:
                manifest["mac"] = self.mac
            manifest["loose"] = dict(sorted(self.loose.items()))
            tables[MANIFEST_TABLE] = [manifest]
        return tables


def from_tables(tables: dict[str, list[Any]], gen: int) -> Meta:
    """The Meta in meta.json's tables (``gen``: the file's generation, 0 for one without
    a check). Raises ValueError when they are not a meta.json we wrote."""
    from couplepause.store import migrations

    version = migrations.version_in({META_TABLE: {str(i): dict(d) for i, d in enumerate(tables.get(META_TABLE, []))}})
    headers = tables.get(PROTECTION_TABLE) or []
    header = dict(headers[0]) if headers else None
    if version > migrations.SCHEMA_VERSION or version < FIRST_CHECKED_VERSION:
        return Meta(version, header)
    if gen == 0:
        raise ValueError("meta.json carries no check of its contents")
    manifests = tables.get(MANIFEST_TABLE) or []
    if len(manifests) != 1:
        raise ValueError("meta.json holds no manifest")
    manifest = dict(manifests[0])
    parts = manifest.get("parts")
    accepted = manifest.get("accepted", [])
    mac = manifest.get("mac")
    loose = manifest.get("loose", {})
    if not _generations(parts) or not _generations(loose):
        raise ValueError("meta.json's manifest is damaged")
    if not isinstance(accepted, list) or not all(isinstance(a, dict) for a in accepted):
        raise ValueError("meta.json's manifest is damaged")
    if mac is not None and not isinstance(mac, str):
        raise ValueError("meta.json's manifest is damaged")
    return Meta(version, header, dict(parts), tuple(dict(a) for a in accepted), mac, dict(loose))


def version_of(tables: dict[str, list[Any]] | None) -> int | None:
    """The schema version a meta.json's tables give (a backup's, being restored), or None."""
    from couplepause.store import migrations

    documents = (tables or {}).get(META_TABLE, [])
    try:
        return migrations.version_in({META_TABLE: {str(i): dict(d) for i, d in enumerate(documents)}})
    except ValueError:
        return None


def read(path: Path) -> Meta | None:
    """The Meta in ``path``; None when there is none. Raises ValueError (FileDamaged
    included) when it is damaged."""
    try:
        data, gen = envelope.read_file(path, Format(legacy=True))
    except FileNotFoundError:
        return None
    if data is None:
        raise FileDamaged("the file is empty")
    tables = {name: list(table.values()) for name, table in data.items() if isinstance(table, dict)}
    return from_tables(tables, gen)


def listed(path: Path, folder: Path) -> bool:
    """Whether the file at ``path`` is a part the manifest of the store at ``folder`` lists:
    the pauses in progress, a month, the protected names, the plan, the sealed records."""
    path, folder = Path(path), Path(folder)
    if path.parent == folder:
        return path.name in (f"{ACTIVE}.json", f"{NAMES}.json", f"{PLAN}.json", f"{SEALED}.json")
    return path.parent == folder / envelope.MONTHS_FOLDER and path.name.endswith(".json")


def part_path(folder: Path, part: str) -> Path:
    """Where ``part`` lives in the store (or backup) at ``folder``."""
    return Path(folder) / f"{part}.json"


def _generations(listing: object) -> TypeGuard[dict[str, int]]:
    """A listing of files and their generations, as the manifest keeps it."""
    return isinstance(listing, dict) and all(isinstance(k, str) and _is_gen(v) for k, v in listing.items())


def _is_gen(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
