"""Our plan for hard moments in the store: ``store/plan.json``, table ``plan``, one
document, ``Plan.to_dict()``.

* **No plan** is no file: saving an empty plan removes ``plan.json``, so
  :func:`read` returns None for a plan never made and for one emptied again.
* **It follows the partners' names.** When the couple protected their names too
  (``names.json``, encrypted), the plan is encrypted with the data key as well and
  can only be read while the history is unlocked: :func:`read` returns None while
  locked (the live flow then uses its general prompts, as it uses "Partner A"
  for the names), and :func:`save` raises ``Locked("plan_locked")``. Otherwise the
  plan stays a readable file, in a protected store too, so the live flow can use it
  without the passphrase. A reader never guesses: an encrypted plan is told by its
  bytes (``files.format_of``). Setting, changing and removing the passphrase carry
  the plan along in the same transaction (``protected.rewrite``).
* Every write is atomic (``files.write_tables``); a damaged file is set aside and
  reported like any other (``files.PLAN_PART``), never overwritten, and can come
  back from a backup (``recovery.bring_back``).

:class:`PlanFile` is the repository's collaborator for it: it is handed the store's
layout, its files, its protection and its manifest, and knows nothing of the
repository (which holds its lock and checks that it may write). Qt-free.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from couplepause.core.plan import Plan, PlanError
from couplepause.store import files, meta
from couplepause.store.atomic import fsync_dir
from couplepause.store.envelope import generation_of
from couplepause.store.errors import StoreError
from couplepause.store.files import PLAN_FILE, PLAN_TABLE, EpisodeFiles, Format, Sealed, Unreadable
from couplepause.store.journal import Transaction
from couplepause.store.layout import Layout
from couplepause.store.manifest import Manifest
from couplepause.store.protection import Protection
from couplepause.store.vault import Locked


class InvalidPlan(StoreError):
    """A plan that would not read back: never written."""

    key = "invalid_plan"


def path_of(folder: Path) -> Path:
    return Path(folder) / PLAN_FILE


def tables(path: Path, fmt: Format) -> dict[str, list] | None:
    """The plan file's tables, read in the format its bytes say (None: no file).
    Raises Unreadable for a damaged file, Sealed for an encrypted one without its key."""
    return files.read_tables(path, files.format_of(path, fmt))


def document(plan: Plan) -> dict[str, Any]:
    """The record to store, read back first (a plan that would not read back is refused)."""
    try:
        return Plan.from_dict(plan.to_dict()).to_dict()
    except (PlanError, ValueError, TypeError, AttributeError) as exc:
        raise InvalidPlan(detail=exc) from exc


def _plan(path: Path, fmt: Format) -> Plan | None:
    documents = files.read_documents(path, PLAN_TABLE, files.format_of(path, fmt))
    if not documents:
        return None
    try:
        plan = Plan.from_dict(dict(documents[-1]))
    except PlanError as exc:
        raise Unreadable(path, f"the plan could not be read: {exc}") from exc
    return None if plan.is_empty else plan


def _fails(path: Path, fmt: Format) -> bool:
    try:
        _plan(path, fmt)
    except Unreadable:
        return True
    except Sealed:
        return False
    return False


class PlanFile:
    """The plan of one store: read, kept, and rewritten with the store's keys."""

    def __init__(self, layout: Layout, episode_files: EpisodeFiles, protection: Protection, manifest: Manifest) -> None:
        self._layout = layout
        self._files = episode_files
        self._protection = protection
        self._manifest = manifest

    @property
    def path(self) -> Path:
        return self._layout.plan_path

    def within_reach(self) -> bool:
        """Whether the plan can be read and changed now: not while it is protected with the
        names and the history is locked."""
        return not (self._protection.locked and self._layout.names_path.exists())

    def read(self) -> Plan | None:
        """The couple's plan, or None: none made, an empty one, protected and locked, or
        damaged (then set aside and reported). The store is open."""
        source = self._files.view.source(self.path)  # read-only: as the last committed change left it
        if source is None or not source.exists():
            return None
        fmt = self._protection.fmt
        try:
            return _plan(source, fmt)
        except Sealed:
            return None  # protected with the names, and locked
        except Unreadable:
            self._files.handle_unreadable(self.path, still_bad=lambda: _fails(self.path, fmt))
            return None

    def save(self, plan: Plan) -> None:
        """Keep ``plan`` (one atomic write); an empty plan removes the file. The caller
        holds the store's lock and has checked that it may write."""
        record = None if plan.is_empty else document(plan)
        fmt = files.plan_format(self._layout.folder, self._protection.fmt)
        if not self.within_reach():
            raise Locked("plan_locked")
        path = self.path
        self._set_aside_if_damaged(path)
        if record is None:  # unlisted first, then removed: never a listed plan that is not there
            if meta.PLAN in self._manifest.meta.loose:
                self._manifest.write(self._manifest.meta.with_parts({}, {meta.PLAN}))
            if path.exists():
                path.unlink()
                fsync_dir(path.parent)
            return
        gen = files.write_tables(path, {PLAN_TABLE: [record]}, fmt)  # written, then listed
        self._manifest.write(self._manifest.meta.with_parts({meta.PLAN: gen}))

    def _set_aside_if_damaged(self, path: Path) -> None:
        """Never write over (or remove) a damaged plan: it is set aside, and told, first."""
        try:
            _plan(path, self._protection.fmt)
        except Sealed:
            pass  # encrypted, and the keys are here when it is written: see save
        except Unreadable:
            self._files.handle_unreadable(path)

    def put_rewritten(self, transaction: Transaction, old: Format, new: Format, names: bool) -> int | None:
        """The plan in its new format, into the transaction that sets, changes or removes the
        passphrase (``names``: the names are protected after it); returns its generation (None:
        no plan). A damaged plan is set aside."""
        path = self.path
        try:
            found = tables(path, old)
        except Unreadable:
            self._files.handle_unreadable(path)
            return None
        if found is None:
            return None
        gen = generation_of(path) + 1
        transaction.put(path, found, files.plan_format(self._layout.folder, new, names=names), gen=gen)
        return gen
