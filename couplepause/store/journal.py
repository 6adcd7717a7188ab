"""Several store files changed all or nothing, through a journal.

A :class:`Transaction` writes each new file next to its target (``<name>.staged``,
fsync'ed; each folder once), then writes the journal (``journal.json``, a TinyDB
database whose table ``steps`` lists what to do): that write is the commit. Then the
staged files take their targets' names, the files and folders to drop go, and the
journal is removed. :func:`recover`, run when the store opens, finishes a committed
transaction that a crash interrupted and drops the staged files of one that
never committed, and the temp files that crashed writes left anywhere under the
journal's folder (backups included). Either all of it happens or none of it.

A read-only look cannot finish anything: :func:`pending` gives it a view of the
files as a committed transaction leaves them (each staged file in place of its
target, what goes gone), without writing a byte; an uncommitted one is ignored.

One transaction at a time per journal folder in this process (a lock), and one
process per data folder (the app's single-instance lock).

Qt-free.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from couplepause.common import platform_support
from couplepause.common.folders import make_private_dirs
from couplepause.store.atomic import fsync_dir, is_temp_name, remove_temp_file, write_durably
from couplepause.store.envelope import LEGACY, PLAIN, Format, generation_of, part_of
from couplepause.store.files import Unreadable, encode_tables, read_documents, set_aside, write_tables
from couplepause.store.view import STAGED_SUFFIX, View

__all__ = ["JOURNAL_FILE", "STAGED_SUFFIX", "Pending", "Transaction", "pending", "recover"]

JOURNAL_FILE = "journal.json"
JOURNAL_TABLE = "steps"
REPLACE, REMOVE, REMOVE_TREE = "replace", "remove", "remove_tree"

_locks: dict[str, threading.RLock] = {}
_locks_guard = threading.Lock()


def _lock(root: Path) -> threading.RLock:
    """The lock of the journal in ``root``: its transactions and recovery never overlap."""
    with _locks_guard:
        return _locks.setdefault(os.path.abspath(root), threading.RLock())


class Transaction:
    """Files of one folder tree replaced or removed all or nothing (see the module doc)."""

    def __init__(self, root: Path, fmt: Format = PLAIN) -> None:
        self.root = Path(root)
        self.fmt = fmt
        self._puts: dict[Path, tuple[dict[str, list[dict[str, Any]]], Format, int | None]] = {}
        self._removes: set[Path] = set()
        self._trees: list[Path] = []

    def put(
        self,
        path: Path,
        tables: Mapping[str, Iterable[dict[str, Any]]],
        fmt: Format | None = None,
        *,
        gen: int | None = None,
    ) -> None:
        """``path`` will be a database holding exactly ``tables`` (in ``fmt``, or the
        transaction's format), of generation ``gen`` (default: one more than now)."""
        self._removes.discard(path)
        self._puts[Path(path)] = ({name: list(docs) for name, docs in tables.items()}, fmt or self.fmt, gen)

    def remove(self, path: Path) -> None:
        """``path`` will be gone."""
        self._puts.pop(Path(path), None)
        self._removes.add(Path(path))

    def remove_tree(self, folder: Path) -> None:
        """``folder`` and everything in it will be gone (after the files are replaced; the
        folders in the order given)."""
        if Path(folder) not in self._trees:
            self._trees.append(Path(folder))

    def commit(self) -> None:
        """Stage, write the journal (the commit), apply, drop the journal."""
        if not self._puts and not self._removes and not self._trees:
            return
        with _lock(self.root):
            self._commit()

    def _commit(self) -> None:
        steps: list[dict[str, Any]] = []
        try:
            folders: set[Path] = set()
            for target, (tables, fmt, gen) in sorted(self._puts.items(), key=lambda item: item[0]):
                staged = target.with_name(target.name + STAGED_SUFFIX)
                if gen is None:
                    gen = generation_of(target) + 1
                make_private_dirs(staged.parent)
                write_durably(staged, encode_tables(tables, fmt, part_of(target), gen))
                folders.add(staged.parent)
                steps.append({"op": REPLACE, "staged": self._rel(staged), "target": self._rel(target)})
            for folder in sorted(folders):  # every staged file is durable before the journal names it
                fsync_dir(folder)
        except BaseException:
            drop_staged(self.root)
            raise
        steps += [{"op": REMOVE, "target": self._rel(path)} for path in sorted(self._removes)]
        steps += [{"op": REMOVE_TREE, "target": self._rel(path)} for path in self._trees]
        journal = self.root / JOURNAL_FILE
        try:
            write_tables(journal, {JOURNAL_TABLE: steps})
        except BaseException:
            _discard_journal(journal)
            drop_staged(self.root)
            raise
        _apply(self.root, steps)
        _discard_journal(journal)

    def _rel(self, path: Path) -> str:
        return Path(path).relative_to(self.root).as_posix()


def erase(root: Path, folders: list[Path]) -> None:
    """Remove ``folders`` (under ``root``) and everything in them, all or nothing, in this
    order: a read-only look sees them all, or none."""
    transaction = Transaction(root)
    for folder in folders:
        if folder.exists():
            transaction.remove_tree(folder)
    transaction.commit()


def recover(root: Path) -> bool:
    """Finish a committed transaction, or drop an uncommitted one, and remove what crashed
    writes left under ``root`` (staged and temp files); True if a transaction was finished."""
    with _lock(root):
        journal = root / JOURNAL_FILE
        try:
            steps = _steps(journal)
        except Unreadable:
            set_aside(journal)  # written atomically, so this is outside damage: keep it, commit nothing
            steps = None
        finished = bool(steps)
        if steps:
            _apply(root, steps)
        if steps is not None:
            _discard_journal(journal)  # applied now, or created and never filled: not committed
        drop_staged(root)
        return finished


def drop_staged(root: Path) -> None:
    """Remove staged files that no committed journal refers to, and the temp files of
    writes that crashed (any that this process is writing now stay), anywhere under ``root``."""
    for folder, _dirs, names in os.walk(root):
        for name in names:
            if name.endswith(STAGED_SUFFIX):
                Path(folder, name).unlink(missing_ok=True)
            elif is_temp_name(name):
                remove_temp_file(Path(folder, name))


def _apply(root: Path, steps: list[dict[str, Any]]) -> None:
    """Carry out the journal's steps; each one may already have been done."""
    folders: set[Path] = set()
    for step in steps:
        target = root / step["target"]
        if step["op"] == REPLACE:
            staged = root / step["staged"]
            if staged.exists():
                platform_support.replace(staged, target)
        elif step["op"] == REMOVE_TREE:
            if target.is_dir():
                shutil.rmtree(target)  # what a killed removal left: the rest of the tree
        else:
            target.unlink(missing_ok=True)
        folders.add(target.parent)
    for folder in sorted(folders):
        if folder.is_dir():
            fsync_dir(folder)


def _discard_journal(journal: Path) -> None:
    journal.unlink(missing_ok=True)
    if journal.parent.is_dir():
        fsync_dir(journal.parent)


# ------------------------------------------------------------ a read-only look
class Pending(View):
    """The files under a journal's folder as its committed transaction leaves them."""

    def __init__(self, root: Path, steps: list[dict[str, Any]]) -> None:
        self.root = Path(root)
        self._staged = {self._at(s["target"]): self._at(s["staged"]) for s in steps if s.get("op") == REPLACE}
        self._removed = {self._at(s["target"]) for s in steps if s.get("op") == REMOVE} | {self._at(JOURNAL_FILE)}
        self._trees = [self._at(s["target"]) for s in steps if s.get("op") == REMOVE_TREE]

    def _at(self, relative: Any) -> Path:
        return Path(os.path.abspath(self.root / str(relative)))

    def _gone(self, path: Path) -> bool:
        return path in self._removed or any(tree == path or tree in path.parents for tree in self._trees)

    def source(self, path: Path) -> Path | None:
        path = Path(os.path.abspath(path))
        if self._gone(path):
            return None
        staged = self._staged.get(path)
        return staged if staged is not None and staged.exists() else path  # applied already: the target

    def names(self, folder: Path) -> list[str]:
        folder = Path(os.path.abspath(folder))
        if self._gone(folder):
            raise FileNotFoundError(2, "No such file or directory", str(folder))
        names = set(super().names(folder))
        names |= {target.name for target in self._staged if target.parent == folder}
        return sorted(name for name in names if self.source(folder / name) is not None)

    def files_under(self, folder: Path) -> list[Path]:
        given, folder = Path(folder), Path(os.path.abspath(folder))
        if self._gone(folder) or not folder.is_dir():
            return []
        found = set(super().files_under(folder))
        found |= {target for target in self._staged if folder in target.parents}
        return sorted(given / path.relative_to(folder) for path in found if self.source(path) is not None)


def pending(root: Path) -> View | None:
    """A view through the committed transaction that waits in ``root``'s journal, or None
    when there is none (no journal, an empty one, or one that does not read: nothing was
    committed that can be trusted)."""
    try:
        steps = _steps(Path(root) / JOURNAL_FILE)
    except (Unreadable, OSError):
        return None  # not one we wrote: the next writable open sets it aside
    return Pending(root, steps) if steps else None


def _steps(journal: Path) -> list[dict[str, Any]] | None:
    """The journal's steps (None: no journal); raises Unreadable for one we did not write
    (a step of another shape, or a path that leaves its folder)."""
    found = read_documents(journal, JOURNAL_TABLE, LEGACY)
    if found is None:
        return None
    steps = [dict(step) for step in found]
    for step in steps:
        paths = [step.get("target")] + ([step.get("staged")] if step.get("op") == REPLACE else [])
        if step.get("op") not in (REPLACE, REMOVE, REMOVE_TREE) or not all(_inside(p) for p in paths):
            raise Unreadable(journal, "a step that this app does not write")
    return steps


def _inside(relative: Any) -> bool:
    """A path that stays inside the journal's folder."""
    if not isinstance(relative, str) or not relative:
        return False
    return not Path(relative).is_absolute() and ".." not in Path(relative).parts
