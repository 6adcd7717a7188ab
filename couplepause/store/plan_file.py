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
  the plan along in the same transaction (``protected._rewrite``).
* Every write is atomic (``files.write_tables``); a damaged file is set aside and
  reported like any other (``files.PLAN_PART``), never overwritten, and can come
  back from a backup (:func:`bring_back`).

Qt-free.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from couplepause.core.plan import Plan, PlanError
from couplepause.store import files, meta
from couplepause.store.atomic import fsync_dir
from couplepause.store.errors import StoreError
from couplepause.store.files import NAMES_FILE, PLAIN, PLAN_FILE, PLAN_TABLE, Format, Sealed, Unreadable
from couplepause.store.vault import Locked

if TYPE_CHECKING:
    from couplepause.store.repository import Repository


class InvalidPlan(StoreError):
    """A plan that would not read back: never written."""

    key = "invalid_plan"


def path_of(folder: Path) -> Path:
    return Path(folder) / PLAN_FILE


def write_format(folder: Path, fmt: Format, *, names: bool | None = None) -> Format:
    """How the plan of the store (or backup) at ``folder`` is written: with the data key
    when the names are protected there (``names``, else: names.json is there), else plain."""
    protected_names = (Path(folder) / NAMES_FILE).exists() if names is None else names
    return fmt if fmt.protected and protected_names else PLAIN


def format_in(path: Path, fmt: Format, puts: dict[Path, Any]) -> Format:
    """The format ``path`` is written in by a commit putting ``puts`` (a restore): the plan
    as the names say (names.json there, or coming), every other file by ``files.format_of``."""
    if Path(path).name != PLAN_FILE:
        return files.format_of(path, fmt)
    names = Path(path).parent / NAMES_FILE
    return write_format(Path(path).parent, fmt, names=names.exists() or names in puts)


def tables(path: Path, fmt: Format) -> dict[str, list] | None:
    """The plan file's tables, read in the format its bytes say (None: no file).
    Raises Unreadable for a damaged file, Sealed for an encrypted one without its key."""
    return files.read_tables(path, files.format_of(path, fmt))


def within_reach(repo: Repository) -> bool:
    """Whether the plan can be read and changed now: not while it is protected with the
    names and the history is locked."""
    return not (repo.protection.locked and (repo.folder / NAMES_FILE).exists())


def read(repo: Repository) -> Plan | None:
    """The couple's plan, or None: none made, an empty one, protected and locked, or
    damaged (then set aside and reported)."""
    repo.ensure_open()
    path = path_of(repo.folder)
    source = repo.episode_files.view.source(path)  # read-only: as the last committed change left it
    if source is None or not source.exists():
        return None
    try:
        return _plan(source, repo.protection.fmt)
    except Sealed:
        return None  # protected with the names, and locked
    except Unreadable:
        repo.episode_files.handle_unreadable(path, still_bad=lambda: _fails(path, repo.protection.fmt))
        return None


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


def document(plan: Plan) -> dict[str, Any]:
    """The record to store, read back first (a plan that would not read back is refused)."""
    try:
        return Plan.from_dict(plan.to_dict()).to_dict()
    except (PlanError, ValueError, TypeError, AttributeError) as exc:
        raise InvalidPlan(detail=exc) from exc


def save(repo: Repository, plan: Plan) -> None:
    """Keep ``plan`` (one atomic write); an empty plan removes the file."""
    with repo.lock:
        repo.ensure_writable()
        record = None if plan.is_empty else document(plan)
        fmt = write_format(repo.folder, repo.protection.fmt)
        if not within_reach(repo):
            raise Locked("plan_locked")
        path = path_of(repo.folder)
        _set_aside_if_damaged(repo, path)
        if record is None:  # unlisted first, then removed: never a listed plan that is not there
            if meta.PLAN in repo.meta.loose:
                repo.manifest.write(repo.meta.with_parts({}, {meta.PLAN}))
            if path.exists():
                path.unlink()
                fsync_dir(path.parent)
            return
        gen = files.write_tables(path, {PLAN_TABLE: [record]}, fmt)  # written, then listed
        repo.manifest.write(repo.meta.with_parts({meta.PLAN: gen}))


def _set_aside_if_damaged(repo: Repository, path: Path) -> None:
    """Never write over (or remove) a damaged plan: it is set aside, and told, first."""
    try:
        _plan(path, repo.protection.fmt)
    except Sealed:
        pass  # encrypted, and the keys are here when it is written: see save
    except Unreadable:
        repo.episode_files.handle_unreadable(path)


def put_rewritten(repo: Repository, transaction, old: Format, new: Format, names: bool) -> int | None:
    """The plan in its new format, into the transaction that sets, changes or removes the
    passphrase (``names``: the names are protected after it); returns its generation (None:
    no plan). A damaged plan is set aside."""
    from couplepause.store.envelope import generation_of

    path = path_of(repo.folder)
    try:
        found = tables(path, old)
    except Unreadable:
        repo.episode_files.handle_unreadable(path)
        return None
    if found is None:
        return None
    gen = generation_of(path) + 1
    transaction.put(path, found, write_format(repo.folder, new, names=names), gen=gen)
    return gen


def bring_back(repo: Repository, missing: files.MissingPart) -> bool:
    """The plan from the newest backup that holds one that reads, when the store has
    none now (its damaged file was set aside); True if it came back."""
    from couplepause.store.backups import BackupDamaged, BackupError

    with repo.lock:
        repo.require_unlocked()
        if read(repo) is not None:
            files.mark(missing, files.RECOVERED_SUFFIX)  # a plan was written since: it stays
            return False
        for info in repo.backups.list():
            if not info.has(files.PLAN_PART):
                continue
            try:
                found = tables(path_of(info.folder), repo.backups.fmt) or {}
                plan = Plan.from_dict(dict(found[PLAN_TABLE][-1]))
            except (Unreadable, Sealed, PlanError, KeyError, IndexError, ValueError, TypeError):
                continue
            save(repo, plan)
            back = read(repo)
            if (back.to_dict() if back else None) != (None if plan.is_empty else document(plan)):
                raise BackupDamaged("bring_back_incomplete")
            files.mark(missing, files.RECOVERED_SUFFIX)
            return True
        raise BackupError("no_backup_holds")
