"""`couplepause export --format csv|pdf`: flags, privacy, filters, overwrite rules,
exit codes, and a PDF made without a display or a platform set by the caller."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest

from couplepause.export import EXPORTERS

from ..factory import NOTE, make_episode, sample
from .conftest import Result, assert_one_error_line, seed, snapshot


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed, so the PDF cannot be read back; "
                    "install it with: apt-get install poppler-utils")
    done = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def pdf_pages(path: Path) -> int:
    tool = shutil.which("pdfinfo")
    if tool is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed; install it with: apt-get install poppler-utils")
    done = subprocess.run([tool, str(path)], capture_output=True, check=True, text=True)
    return int(next(line for line in done.stdout.splitlines() if line.startswith("Pages:")).split()[1])


def headless(data_dir: Path, *args: str | Path, **extra_env: str) -> Result:
    """Run the CLI in a new process with no display and no QT_QPA_PLATFORM at all."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "COUPLEPAUSE_DEBUG")}
    env["COUPLEPAUSE_DATA_DIR"] = str(data_dir)
    env.update(extra_env)
    proc = subprocess.run([sys.executable, "-m", "couplepause", *map(str, args)],
                          env=env, capture_output=True, text=True, timeout=120)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def test_the_formats_offered_are_the_registered_ones(run, tmp_path):
    result = run("export", "--format", "docx", "--output", tmp_path / "o.docx")
    assert result.code == 2
    assert all(name in result.err for name in EXPORTERS)


def test_help_lists_the_formats(run):
    result = run("export", "--help")
    assert result.code == 0
    assert "--format FORMAT" in result.out
    assert all(name in result.out for name in EXPORTERS)  # the help's words name every format


# ---------------------------------------------------------------------- CSV
def test_csv_export(run, data_dir, tmp_path):
    episodes = sample()
    seed(data_dir, episodes)
    out = tmp_path / "log.csv"
    result = run("--data-dir", data_dir, "export", "--format", "csv", "--output", out)
    assert (result.code, result.err) == (0, "")
    assert result.out.strip() == f"Exported 4 pauses to {out}."
    got = rows(out)
    assert sorted(r["id"] for r in got) == sorted(e.id for e in episodes)
    assert "note" not in got[0]
    assert NOTE.encode() not in out.read_bytes()


def test_csv_include_notes_and_guarded_cells(run, data_dir, tmp_path):
    seed(data_dir, [make_episode("2026-03-01T21:04:05.123+01:00", note='=HYPERLINK("http://x")'),
                    make_episode("2026-03-02T21:04:05.123+01:00", note=NOTE)])
    out = tmp_path / "notes.csv"
    result = run("--data-dir", data_dir, "export", "--format", "csv", "--output", out, "--include-notes")
    assert result.code == 0, result.err
    assert [r["note"] for r in rows(out)] == ["'=HYPERLINK(\"http://x\")", NOTE]


def test_csv_since_until(run, data_dir, tmp_path, local_tz):
    local_tz("UTC0")
    seed(data_dir, [make_episode(f"2026-03-{day:02d}T12:00:00.000+00:00") for day in range(1, 11)])
    out = tmp_path / "range.csv"
    result = run("--data-dir", data_dir, "export", "--format", "csv", "--output", out,
                 "--since", "2026-03-03", "--until", "2026-03-05")
    assert result.code == 0, result.err
    assert [r["paused_at"][:10] for r in rows(out)] == ["2026-03-03", "2026-03-04", "2026-03-05"]


def test_csv_names_from_settings_only_with_include_names(run, data_dir, tmp_path):
    from couplepause.settings import Settings

    seed(data_dir, [make_episode("2026-03-01T21:04:05.123+01:00", paused_by="b")])
    Settings.for_data_dir(data_dir).update({"partner_a": "Ana", "partner_b": "Bernardo"})
    plain = tmp_path / "plain.csv"
    assert run("--data-dir", data_dir, "export", "--format", "csv", "--output", plain).code == 0
    assert rows(plain)[0]["paused_by"] == "Partner B"
    named = tmp_path / "named.csv"
    assert run("--data-dir", data_dir, "export", "--format", "csv", "--output", named,
               "--include-names").code == 0
    assert rows(named)[0]["paused_by"] == "Bernardo"


def test_empty_store_csv_is_a_header_and_exit_0(run, data_dir, tmp_path):
    data_dir.mkdir()
    out = tmp_path / "empty.csv"
    result = run("--data-dir", data_dir, "export", "--format", "csv", "--output", out)
    assert result.code == 0, result.err
    assert rows(out) == []
    assert list(data_dir.iterdir()) == []  # exporting creates nothing in the data folder


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_refuses_to_overwrite_without_force(run, data_dir, tmp_path, fmt, qapp):
    seed(data_dir, sample())
    out = tmp_path / f"existing.{fmt}"
    out.write_bytes(b"precious")
    result = run("--data-dir", data_dir, "export", "--format", fmt, "--output", out)
    assert result.code == 1
    assert "--force" in assert_one_error_line(result)
    assert out.read_bytes() == b"precious"
    result = run("--data-dir", data_dir, "export", "--format", fmt, "--output", out, "--force")
    assert result.code == 0, result.err
    assert out.read_bytes() != b"precious"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == [out.name]


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
@pytest.mark.parametrize(
    "extra",
    [["--since", "2026-13-01"], ["--until", "yesterday"], ["--bogus"],
     ["--since", "2026-03-05", "--until", "2026-03-01"]],
)
def test_usage_errors_exit_2_and_write_nothing(run, data_dir, tmp_path, fmt, extra):
    out = tmp_path / f"never.{fmt}"
    result = run("--data-dir", data_dir, "export", "--format", fmt, "--output", out, *extra)
    assert result.code == 2
    assert_one_error_line(result)
    assert not out.exists()


def test_output_in_a_missing_folder_is_one_line_exit_1(run, data_dir, tmp_path):
    seed(data_dir, sample())
    before = snapshot(data_dir)
    result = run("--data-dir", data_dir, "export", "--format", "csv", "--output", tmp_path / "nope" / "x.csv")
    assert result.code == 1
    assert "does not exist" in assert_one_error_line(result)
    assert snapshot(data_dir) == before


# ---------------------------------------------------------------------- PDF
@pytest.mark.process
def test_pdf_without_display_or_platform_set(tmp_path):
    data = tmp_path / "data"
    seed(data, sample())
    before = snapshot(data)
    out = tmp_path / "report.pdf"
    result = headless(data, "export", "--format", "pdf", "--output", out, "--include-notes")
    assert result.code == 0, result.err
    assert result.err == ""  # not a single Qt warning
    assert result.out.strip() == f"Exported 4 pauses to {out}."
    assert out.read_bytes().startswith(b"%PDF-")
    text = pdf_text(out)
    assert "Our pauses and repairs" in text
    assert "ZEBRA-NOTE-7f3a" in text
    assert f"page 1 of {pdf_pages(out)}" in text
    assert snapshot(data) == before


@pytest.mark.process
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is an X11 (Linux) matter")
def test_pdf_with_a_display_that_is_not_there(tmp_path):
    # An SSH session may carry a DISPLAY nobody answers: the xcb platform would
    # abort the process; the report is drawn offscreen and never needs it.
    data = tmp_path / "data"
    seed(data, sample())
    out = tmp_path / "report.pdf"
    result = headless(data, "export", "--format", "pdf", "--output", out, DISPLAY=":87")
    assert result.code == 0, result.err
    assert result.err == ""
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.process
def test_pdf_from_an_empty_store_is_one_page_exit_0(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    out = tmp_path / "empty.pdf"
    result = headless(data, "export", "--format", "pdf", "--output", out,
                      "--since", "2026-01-01", "--until", "2026-01-31")
    assert result.code == 0, result.err
    assert result.out.strip() == f"Exported 0 pauses to {out}."
    assert pdf_pages(out) == 1
    assert "No pauses were recorded between 1 January 2026 and 31 January 2026." in pdf_text(out)
    assert list(data.iterdir()) == []


def test_pdf_in_process_keeps_notes_and_names_private(run, data_dir, tmp_path, qapp):
    from couplepause.settings import Settings

    seed(data_dir, sample())
    Settings.for_data_dir(data_dir).update({"partner_a": "Ana", "partner_b": "Bernardo"})
    out = tmp_path / "private.pdf"
    result = run("--data-dir", data_dir, "export", "--format", "pdf", "--output", out)
    assert result.code == 0, result.err
    text = pdf_text(out)
    assert "ZEBRA" not in text and "Ana" not in text.split() and "Bernardo" not in text
    assert "Partner A" in text
    shared = tmp_path / "shared.pdf"
    result = run("--data-dir", data_dir, "export", "--format", "pdf", "--output", shared,
                 "--include-notes", "--include-names")
    assert result.code == 0, result.err
    text = pdf_text(shared)
    assert "ZEBRA-NOTE-7f3a" in text and "Ana" in text.split()


def test_pdf_date_filter(run, data_dir, tmp_path, local_tz, qapp):
    local_tz("UTC0")
    seed(data_dir, [make_episode(f"2026-03-{day:02d}T12:00:00.000+00:00") for day in range(1, 11)])
    out = tmp_path / "range.pdf"
    result = run("--data-dir", data_dir, "export", "--format", "pdf", "--output", out,
                 "--since", "2026-03-03", "--until", "2026-03-05")
    assert result.code == 0, result.err
    assert result.out.strip() == f"Exported 3 pauses to {out}."
    text = pdf_text(out)
    assert "3 March 2026 – 5 March 2026" in text
    assert "Tue 3 Mar 2026, 12:00" in text and "Thu 5 Mar 2026, 12:00" in text
    assert "Mon 2 Mar 2026" not in text and "Fri 6 Mar 2026" not in text


@pytest.mark.parametrize(("name", "magic"), [("report.pdf", b"%PDF"), ("sheet.CSV", b"\xef\xbb\xbfid"), ("log.json", b"{")])
def test_without_format_the_file_name_says_which(run, data_dir, tmp_path, name, magic):
    seed(data_dir, sample())
    out = tmp_path / name
    result = run("--data-dir", data_dir, "export", "--output", out)
    assert result.code == 0, result.err
    assert out.read_bytes().startswith(magic)


@pytest.mark.parametrize("name", ["report.txt", "report", "report.pdf.bak"])
def test_without_format_an_unknown_ending_is_a_usage_error(run, data_dir, tmp_path, name):
    seed(data_dir, sample())
    result = run("--data-dir", data_dir, "export", "--output", tmp_path / name)
    assert result.code == 2
    line = assert_one_error_line(result)
    assert "--format" in line and ".pdf" in line
    assert not (tmp_path / name).exists()


def test_backups_lists_id_time_and_count_newest_first(run, data_dir):
    from datetime import datetime, timedelta

    from couplepause.common import paths
    from couplepause.store.repository import Repository

    data_dir.mkdir()
    result = run("--data-dir", data_dir, "backups")
    assert (result.code, result.out) == (0, "")
    assert assert_one_error_line(result) == (f"couplepause: there are no backups in {data_dir} yet; "
                                             "the app makes one each day it is open with pauses saved")
    repo = Repository(paths.store_dir(data_dir))
    repo.open()
    repo.merge(sample())
    first = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    older = repo.backup("daily", first)
    repo.merge([make_episode("2026-03-09T21:00:00.000+01:00")], now=first + timedelta(days=1))
    result = run("--data-dir", data_dir, "backups")
    lines = [line.split("\t") for line in result.out.splitlines()]
    assert result.code == 0 and result.err == ""
    assert [line[0] for line in lines] == [repo.backups.list()[0].id, older.id]
    assert [int(line[2]) for line in lines] == [4, 4]
    for _id, moment, _count in lines:
        assert datetime.fromisoformat(moment).utcoffset() is not None


def test_restore_brings_a_backup_back_and_keeps_the_present(run, data_dir):
    from couplepause.common import paths
    from couplepause.store.repository import Repository

    repo = Repository(paths.store_dir(data_dir))
    repo.open()
    repo.merge(sample())
    saved = repo.backup("daily")
    repo.merge([make_episode("2026-03-09T21:00:00.000+01:00")])
    result = run("--data-dir", data_dir, "restore", saved.id)
    assert result.code == 0, result.err
    assert result.out.startswith("Restored 4 pauses from the backup of ")
    fresh = Repository(paths.store_dir(data_dir), read_only=True)
    fresh.open()
    assert len(fresh.load_all()) == 4
    assert run("--data-dir", data_dir, "backups").out.count("\n") == 3


def test_restore_of_one_pause_says_one_pause(run, data_dir):
    from couplepause.common import paths
    from couplepause.store.repository import Repository

    repo = Repository(paths.store_dir(data_dir))
    repo.open()
    repo.merge([make_episode("2026-03-02T21:00:00.000+01:00")])
    saved = repo.backup("daily")
    result = run("--data-dir", data_dir, "restore", saved.id)
    assert result.code == 0, result.err
    assert result.out.startswith("Restored 1 pause from the backup of ")
    assert "The data as it was is kept as backup " in result.out


def test_restore_of_an_unknown_backup_is_exit_1_and_changes_nothing(run, data_dir):
    seed(data_dir, sample())
    before = snapshot(data_dir)
    result = run("--data-dir", data_dir, "restore", "20200101T000000Z")
    assert result.code == 1
    assert "nothing was changed" in assert_one_error_line(result).lower()
    assert snapshot(data_dir) == before
