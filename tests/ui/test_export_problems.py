"""An export that cannot be written: the Export dialog says so in the window's words
(a file name, never a flag); the command line names --output and --force."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from couplepause.cli import commands as cli
from couplepause.common.texts import words
from couplepause.export import EXPORTERS

from ..factory import sample


def _dialog(app, qtbot, target: Path):
    app.writer.call(lambda repo: repo.merge(sample()), lambda *_: None)
    assert app.writer.flush(5)
    app.open_export()
    qtbot.waitUntil(lambda: app.export_dialog is not None)
    dialog = app.export_dialog
    dialog.format_buttons["json"].setChecked(True)
    dialog.path.setText(str(target))
    return dialog


def _refused_in(folder: Path, monkeypatch) -> None:
    """Nothing may be written in ``folder`` (as if it belonged to another account)."""
    real_open = os.open

    def denied(path, *args, **kwargs):
        if str(path).startswith(str(folder)):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)


def _export_clicked(dialog, qtbot) -> str:
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog) and dialog.error.text() != words("export", "writing"))
    return dialog.error.text()


def test_a_file_that_appears_while_writing_is_told_without_flags(app, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "ours.json"
    dialog = _dialog(app, qtbot, target)
    exporter = type(EXPORTERS["json"])
    real_write = exporter.write

    def someone_else_too(self, episodes, options, stream):
        target.write_bytes(b"theirs")  # another program saved a file of that name meanwhile
        real_write(self, episodes, options, stream)

    monkeypatch.setattr(exporter, "write", someone_else_too)
    text = _export_clicked(dialog, qtbot)
    assert text == "A file with this name is already there. Choose another name, or replace it."
    assert "--" not in text and dialog.isVisible()
    assert target.read_bytes() == b"theirs"
    dialog.close()


def test_a_folder_that_cannot_be_written_is_told_without_flags(app, qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    dialog = _dialog(app, qtbot, folder / "ours.json")
    _refused_in(folder, monkeypatch)
    text = _export_clicked(dialog, qtbot)
    assert "--" not in text and str(folder) in text and text.endswith(".")
    assert list(folder.iterdir()) == []
    dialog.close()


@pytest.fixture
def said(capsys):
    def run(*args) -> tuple[int, str]:
        capsys.readouterr()
        code = cli.main([str(a) for a in args])
        return code, capsys.readouterr().err.strip()

    return run


def test_the_command_line_names_its_flags_for_the_same_problems(said, tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    out = tmp_path / "out.json"
    out.write_bytes(b"keep")
    code, line = said("--data-dir", data, "export", "--output", out)
    assert code == 1 and line == f"couplepause: {out} already exists; choose another --output or add --force to replace it"
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    _refused_in(folder, monkeypatch)
    code, line = said("--data-dir", data, "export", "--output", folder / "out.json")
    assert code == 1
    assert line == f"couplepause: cannot write in the folder {folder} (permission denied); choose another --output"
