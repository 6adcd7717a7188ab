"""The cyclic collector is paused only while the work runs, and left as it was."""

import gc

import pytest

from couplepause.core.gcpause import collector_paused


def test_paused_inside_and_back_on_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_back_on_after_an_error_too():
    with pytest.raises(ValueError):
        with collector_paused():
            raise ValueError("the work failed")
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_stays_paused():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_exports_and_reading_leave_the_collector_on(tmp_path):
    from datetime import datetime, timezone

    from couplepause.core.episode import Episode
    from couplepause.export import EXPORTERS, ExportOptions, read_export_file

    episodes = [Episode.start(datetime(2026, 3, day, 20, tzinfo=timezone.utc)) for day in range(1, 6)]
    out = tmp_path / "x.json"
    EXPORTERS["json"].export(episodes, ExportOptions(), out)
    assert gc.isenabled()
    assert len(read_export_file(out).episodes) == 5
    assert gc.isenabled()
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(Exception):
        read_export_file(tmp_path / "bad.json")
    assert gc.isenabled()
