"""The command line: parsing and the window's start (commands), the data commands:
import, backups, restore, protection, what is missing (data)."""

from couplepause.cli.commands import main, window_main

__all__ = ["main", "window_main"]
