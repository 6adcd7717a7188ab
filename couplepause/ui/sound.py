"""A soft tone at each breathing phase, for couples who like to close their eyes.

Optional: it needs Qt Multimedia, which comes with ``pip install 'couplepause[sound]'``
(PySide6-Addons). Without it, or without a sound device, there is no tone and the
setting is not offered; nothing else changes. The tones are made here, in memory:
a short sine with a slow swell and fade, lower for the out-breath.
"""

from __future__ import annotations

import importlib.util
import logging
import math
from array import array
from functools import lru_cache

log = logging.getLogger(__name__)

RATE = 22050  # samples a second: plenty for a low, soft tone
SECONDS = 0.9
VOLUME = 0.18  # of full scale: a tone to notice, never to startle
# Phase kinds (core/breathing.py) and the tone each gets, in Hz.
PITCH = {"in": 392.0, "top_up": 440.0, "hold": 349.2, "out": 293.7}


@lru_cache(maxsize=1)
def available() -> bool:
    """Qt Multimedia is installed (the ``sound`` extra) and loads (it needs the
    system's sound library, e.g. libpulse0). Asked only when Settings opens or the
    tone is switched on, never on the way to the window."""
    if importlib.util.find_spec("PySide6.QtMultimedia") is None:
        return False
    try:
        import PySide6.QtMultimedia  # noqa: F401 - imported to see that it loads
    except ImportError as exc:
        log.info("no tone: Qt Multimedia does not load (%s)", exc)
        return False
    return True


def tone(pitch: float, seconds: float = SECONDS, rate: int = RATE, volume: float = VOLUME) -> bytes:
    """Mono 16-bit PCM: a sine that swells in over a third of its length and fades out."""
    count = int(seconds * rate)
    samples = array("h")
    for i in range(count):
        t = i / count
        envelope = math.sin(math.pi * t) ** 2  # from silence to silence, no click
        samples.append(int(32767 * volume * envelope * math.sin(2 * math.pi * pitch * i / rate)))
    return samples.tobytes()


class Chime:
    """Plays the tone of a phase when the phase changes; silent when switched off."""

    def __init__(self, parent=None) -> None:
        self._parent = parent
        self._on = False
        self._last: str | None = None
        self._sink = None
        self._buffer = None
        self._tones: dict[str, bytes] = {}

    def set_on(self, on: bool) -> None:
        self._on = on and available()
        if not self._on:
            self.stop()

    def is_on(self) -> bool:
        return self._on

    def phase(self, kind: str) -> None:
        """The pacer is in phase ``kind``: a tone when that is new."""
        if kind == self._last:
            return
        self._last = kind
        if self._on and kind in PITCH:
            self._play(kind)

    def reset(self) -> None:
        """A new session of breathing: its first phase gets its tone."""
        self._last = None

    def stop(self) -> None:
        if self._sink is not None:
            self._sink.stop()

    def _play(self, kind: str) -> None:
        try:
            from PySide6.QtCore import QBuffer, QByteArray, QIODevice
            from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices
        except ImportError:  # the extra went away since the start
            self._on = False
            return
        device = QMediaDevices.defaultAudioOutput()
        if device.isNull():
            return  # no speakers here: the pacer goes on without a sound
        if self._sink is None:
            audio = QAudioFormat()
            audio.setSampleRate(RATE)
            audio.setChannelCount(1)
            audio.setSampleFormat(QAudioFormat.SampleFormat.Int16)
            if not device.isFormatSupported(audio):
                log.info("the sound device does not take the tone's format")
                self._on = False
                return
            self._sink = QAudioSink(device, audio, self._parent)
        if kind not in self._tones:
            self._tones[kind] = tone(PITCH[kind])
        self._sink.stop()
        self._buffer = QBuffer(self._parent)
        self._buffer.setData(QByteArray(self._tones[kind]))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink.start(self._buffer)
