"""Where a store keeps its files: their names, the month a pause is filed in, and the
paths of one store folder (``Layout``). The bottom of store/: it imports nothing of it,
so every module can ask it. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

META_FILE = "meta.json"  # table "meta": {"schema_version": N}
ACTIVE_FILE = "active.json"  # table "episodes": the pauses still in progress
MONTHS_DIR = "episodes"  # YYYY-MM.json, table "episodes": closed pauses by UTC month
SEALED_FILE = "sealed.json"  # table "sealed": what the live flow wrote while the history was locked
NAMES_FILE = "names.json"  # table "names": the partners' names, when they are protected too
PLAN_FILE = "plan.json"  # table "plan": our plan for hard moments (plan_file.py)
BACKUPS_DIR = "backups"  # beside the store folder, in the data folder


def month_key(moment: datetime) -> str:
    """The month file a pause belongs to: UTC year-month of its pause."""
    return moment.astimezone(UTC).strftime("%Y-%m")


@dataclass(frozen=True)
class Layout:
    """The paths of the store at ``folder`` (a listing-free, I/O-free value)."""

    folder: Path

    @property
    def root(self) -> Path:
        """The data folder: journaled changes may span the store and its backups."""
        return self.folder.parent

    @property
    def meta_path(self) -> Path:
        return self.folder / META_FILE

    @property
    def active_path(self) -> Path:
        return self.folder / ACTIVE_FILE

    @property
    def months_dir(self) -> Path:
        return self.folder / MONTHS_DIR

    @property
    def sealed_path(self) -> Path:
        return self.folder / SEALED_FILE

    @property
    def names_path(self) -> Path:
        return self.folder / NAMES_FILE

    @property
    def plan_path(self) -> Path:
        return self.folder / PLAN_FILE

    def month_path(self, moment: datetime) -> Path:
        """The month file of a pause made at ``moment``."""
        return self.months_dir / f"{month_key(moment)}.json"
