"""The optional tone at each breathing phase (the ``sound`` extra)."""

from __future__ import annotations

from array import array

import pytest

from couplepause.ui import sound


def test_a_tone_swells_in_and_fades_out_softly():
    samples = array("h")
    samples.frombytes(sound.tone(392.0))
    assert len(samples) == int(sound.SECONDS * sound.RATE)
    assert abs(samples[0]) < 50 and abs(samples[-1]) < 50  # no click at either end
    assert max(abs(s) for s in samples) <= 32767 * sound.VOLUME + 1
    assert max(abs(s) for s in samples[len(samples) // 2 - 200: len(samples) // 2 + 200]) > 32767 * sound.VOLUME * 0.9


@pytest.fixture
def played(monkeypatch):
    kinds: list[str] = []
    monkeypatch.setattr(sound, "available", lambda: True)
    monkeypatch.setattr(sound.Chime, "_play", lambda self, kind: kinds.append(kind))
    return kinds


def test_a_tone_only_when_the_phase_changes_and_only_when_chosen(played):
    chime = sound.Chime()
    for kind in ("in", "in", "out"):
        chime.phase(kind)
    assert played == []  # off by default
    chime.set_on(True)
    chime.reset()
    for kind in ("in", "in", "in", "hold", "out", "out", "rest", "in"):
        chime.phase(kind)
    assert played == ["in", "hold", "out", "in"]  # "rest" has no tone


def test_without_the_extra_the_setting_is_not_offered(app, qtbot, monkeypatch):
    from couplepause.ui.dialogs import SettingsDialog

    monkeypatch.setattr(sound, "available", lambda: False)
    dialog = SettingsDialog(app.settings, app.window)
    qtbot.addWidget(dialog)
    assert dialog.sound is None and "sound" not in dialog.changes()
    app.settings.update({"sound": True})
    app.controller.apply_settings()
    assert not app.controller.chime.is_on()  # a setting left from elsewhere stays silent


def test_with_the_extra_breathing_chimes_at_each_phase(app, qtbot, clock, played):
    from couplepause.ui.dialogs import SettingsDialog

    dialog = SettingsDialog(app.settings, app.window)
    qtbot.addWidget(dialog)
    assert dialog.sound is not None and not dialog.sound.isChecked()
    dialog.sound.setChecked(True)
    dialog.save()
    app.controller.apply_settings()
    app.controller.pause()
    for _ in range(12):  # the slow pattern: in 4, out 6
        clock.advance(1)
        app.window.breathing.tick()
    assert played[:3] == ["in", "out", "in"]
