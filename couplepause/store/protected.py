"""A store protected with a passphrase: locked and unlocked, sealed writes, and
setting, changing or removing the passphrase.

While **locked**, the store's files stay closed: what the live flow writes (a new
pause, its breathing, turns, break and repair) is sealed to the store's public key
and kept in ``sealed.json``, one opaque record per pause, so a pause never waits
for the passphrase. **Unlocking** opens the keys (``vault.py``) and, in one
journaled transaction, files every sealed record where it belongs.

Setting, changing and removing the passphrase rewrite every file of the store and
of every backup (the plan as the names: encrypted only when they are protected too,
see plan_file.py), all or nothing (one transaction over the data folder), so no
copy of the history is left readable, or unreadable, behind.

Each function here is handed what it works with (the store's layout, files,
protection, manifest, backups: the repository's collaborators) and knows nothing of
the repository, whose methods (``unlock``, ``protect``, ``change_passphrase``,
``unprotect``, ``file_sealed_records``) hold its lock and reopen it after. The
protection state itself is ``protection.py``. Qt-free.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from couplepause.core.episode import Episode
from couplepause.store import files, meta, vault
from couplepause.store.backups import Backups
from couplepause.store.envelope import generation_of, part_of
from couplepause.store.files import NAMES_TABLE, PLAIN, EpisodeFiles, Format
from couplepause.store.journal import Transaction
from couplepause.store.layout import Layout
from couplepause.store.manifest import Manifest
from couplepause.store.meta import Meta
from couplepause.store.opening import Opening
from couplepause.store.plan_file import PlanFile
from couplepause.store.protection import ACTIVE, ARCHIVE, Protection, file_records, open_sealed  # noqa: F401 - ACTIVE, ARCHIVE: this module's API too
from couplepause.store.vault import HeaderChanged, Keys, Locked


# ------------------------------------------------------- locking, unlocking
def open_keys(protection: Protection, opening: Opening, passphrase: str) -> Keys:
    """Open the keys with ``passphrase``: with the store's header, else with a backup's
    (another one than the store's) that opens and whose MAC says it is genuine (the
    store's header was damaged: told, and mended where writable). Raises what the store's
    own header said (WrongPassphrase, HeaderChanged) otherwise."""
    try:
        return protection.unlock(passphrase)
    except (vault.WrongPassphrase, HeaderChanged) as error:
        tried = [protection.header]
        for found in opening.backup_metas():
            if found.header is None or found.header in tried:
                continue
            tried.append(found.header)
            try:
                keys = vault.open_keys(found.header, passphrase)
            except (vault.WrongPassphrase, HeaderChanged):
                continue
            if keys.public == vault.public_key(found.header) and found.verified_by(keys):
                protection.header, protection.provisional, protection.keys = found.header, found, keys
                protection.changed = True
                return keys
        raise error


def judge(protection: Protection, described: Meta, keys: Keys) -> None:
    """Whether the header and the manifest ``described`` are as we wrote them; a changed
    one is told (``Protection.changed``)."""
    genuine = keys.public == vault.public_key(protection.header)
    if protection.provisional is not None:
        genuine = genuine and protection.provisional.verified_by(keys)
    if not (genuine and protection.provisional is None and described.verified_by(keys)):
        protection.changed = True


def rewrap(
    layout: Layout,
    protection: Protection,
    manifest: Manifest,
    backups: Backups,
    opening: Opening,
    keys: Keys,
    passphrase: str,
    *,
    mend: bool = False,
) -> None:
    """A new header for the same keys (today's key derivation, a MAC key where an old
    header had none), in the store's meta.json and every backup's, in one transaction.
    ``mend``: the header or manifest was found changed: the manifest is made again from
    what it listed, what is there and what the newest backup lists."""
    if keys.mac is None:
        keys = keys._replace(mac=os.urandom(32))
    header = vault.header_for(keys, passphrase)
    parts = dict(manifest.meta.parts)
    if mend:
        for part, gen in opening.present_parts().items():
            parts[part] = max(parts.get(part, 0), gen)
        newest = next(iter(opening.backup_metas()), None)
        for part, gen in (newest.parts if newest is not None else {}).items():
            parts.setdefault(part, gen)
    transaction = Transaction(layout.root, protection.fmt)
    backups.reheader_into(transaction, header, keys)
    described = replace(manifest.meta, header=header, parts=parts).signed(keys)
    transaction.put(layout.meta_path, described.tables(), PLAIN)
    transaction.commit()
    protection.header, protection.keys, protection.provisional = header, keys, None
    manifest.use(described)


# ------------------------------------------------------------ sealed records
def sealed_to_file(protection: Protection, episode_files: EpisodeFiles) -> list[tuple[str, dict[str, Any]]] | None:
    """The sealed records to file (unlocked); None when there are none to file, or
    sealed.json does not open (then it is set aside, and told)."""
    if not protection.protected or not protection.sealed_path.exists():
        return None
    try:
        return protection.sealed_records()
    except files.Unreadable:
        episode_files.handle_unreadable(protection.sealed_path)
        protection.forget_sealed()
        return None


def sealed_tables(
    records: list[tuple[str, dict[str, Any]]], layout: Layout, tables_of: Callable[[Path], dict[str, list]]
) -> dict[Path, dict[str, list]]:
    """The store files that change when ``records`` are filed, with their new tables
    (``tables_of``: a store file's tables now; a damaged one is set aside)."""
    puts: dict[Path, dict[str, list]] = {}
    for _op, record in records:
        for path in {layout.active_path, layout.month_path(Episode.from_dict(record).paused_at)}:
            if path not in puts:
                puts[path] = tables_of(path)
    file_records(records, puts, layout.folder)
    return puts


def seal(
    protection: Protection, episode_files: EpisodeFiles, manifest: Manifest, op: str, record: dict[str, Any]
) -> None:
    """Seal one write of the live flow (one write of sealed.json; a new sealed.json is
    listed in the manifest after it); a damaged sealed.json is set aside (and told) first."""
    try:
        protection.seal(op, record)
    except files.Unreadable:
        episode_files.handle_unreadable(protection.sealed_path)
        protection.forget_sealed()
        protection.seal(op, record)
    if meta.SEALED not in manifest.meta.loose:
        manifest.write(manifest.meta.with_parts({meta.SEALED: 1}))


def names(layout: Layout, protection: Protection, episode_files: EpisodeFiles) -> dict[str, str] | None:
    """The protected names (None: none kept, or damaged: set aside and told); unlocked."""
    path = layout.names_path
    try:
        found = episode_files.documents(path, NAMES_TABLE, protection.fmt)  # read-only: as last committed
        return {"a": str(found[0].get("a", "")), "b": str(found[0].get("b", ""))} if found else None
    except (files.Unreadable, AttributeError, IndexError):
        episode_files.handle_unreadable(path)
        return None


def with_sealed(protection: Protection, episode_files: EpisodeFiles, active: dict[str, Episode]) -> dict[str, Episode]:
    """A read-only look at a protected store: what is still sealed counts too."""
    path = protection.sealed_path
    source = episode_files.view.source(path)  # as the last committed change left it
    if source is not None and source.exists():
        try:
            records = open_sealed(source, protection.open_keys(), PLAIN.reading_legacy(protection.legacy))
        except files.Unreadable:
            episode_files.handle_unreadable(path)  # read-only: noted, and told as missing
            return active
        for _op, record in records:
            episode = Episode.from_dict(record)
            active[episode.id] = episode
    return active


# ------------------------------------------------------ setting the passphrase
def require_unlocked(protection: Protection) -> None:
    """Changing or removing the passphrase needs a protected store, unlocked."""
    if not protection.protected:
        raise Locked("not_protected")
    if protection.locked:
        raise Locked("unlock_first")


def rewrite(
    layout: Layout,
    episode_files: EpisodeFiles,
    protection: Protection,
    manifest: Manifest,
    backups: Backups,
    plan_file: PlanFile,
    keys: Keys | None,
    names: dict[str, str] | None,
    passphrase: str | None,
) -> None:
    """Every file of the store and of its backups in the new format (``keys``: the new
    ones, None: no protection; ``names``: the partners' names to protect too), in one
    transaction. The sealed records are filed before, and the store reopened after."""
    header = vault.header_for(keys, passphrase) if keys is not None and passphrase is not None else None
    old, new = protection.fmt, Format(keys.data) if keys else PLAIN
    transaction = Transaction(layout.root, new)
    written: dict[str, int] = {}
    described = manifest.meta

    def put(path: Path, found: tuple[dict, int]) -> int:
        tables, gen = found
        gen = max(gen, described.parts.get(part_of(path), 0)) + 1
        transaction.put(path, tables, new, gen=gen)
        return gen

    for path in [layout.active_path, *episode_files.months()]:
        try:
            found = files.read_database(path, old)
        except files.Unreadable:  # set aside (and told) as at any read; never rewritten
            episode_files.handle_unreadable(path)
            continue
        if found is not None:
            written[part_of(path)] = put(path, found)
    names_path = layout.names_path
    gone = set()
    if names:
        written[meta.NAMES] = put(names_path, ({NAMES_TABLE: [dict(names)]}, generation_of(names_path)))
    elif names_path.exists():
        transaction.remove(names_path)
        gone.add(meta.NAMES)
    plan_gen = plan_file.put_rewritten(transaction, old, new, names=bool(names))
    if plan_gen is not None:
        written[meta.PLAN] = plan_gen
    if protection.sealed_path.exists():
        transaction.remove(protection.sealed_path)
    gone.add(meta.SEALED)
    plan_fmt = files.plan_format(layout.folder, new, names=bool(names))
    backups.rewrite_into(transaction, old, new, protection.keys, header, plan_fmt, keys)
    signed = replace(described.with_parts(written, gone), header=header).signed(keys)
    transaction.put(layout.meta_path, signed.tables(), PLAIN)
    transaction.commit()
    protection.header, protection.keys = header, keys
    protection.provisional, protection.changed = None, False
