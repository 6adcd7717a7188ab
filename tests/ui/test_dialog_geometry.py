"""Every dialog whole on a small laptop (1024x600) and on 1280x800, in English and
German, with 28-character names: inside the screen with its frame, nothing to scroll,
no word cut, nothing overlapping (tests/ui/dialog_geometry.py looks; it runs in a
process of its own, on an offscreen screen of that size with window frames)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tiers import everyday

LOOK = Path(__file__).with_name("dialog_geometry.py")


@pytest.mark.parametrize(("width", "height", "language"), everyday([
    (1024, 600, "de"), (1024, 600, "en"), (1280, 800, "en"), (1280, 800, "de"),
], (1024, 600, "de"), unpack=True))
def test_every_dialog_is_whole(tmp_path, width, height, language):
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({
        "windowFrameMargins": True,
        "screens": [{"name": "laptop", "x": 0, "y": 0, "width": width, "height": height,
                     "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}],
    }))
    # The installed package, never the source tree (whose resources folder is not a package).
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}", "LANGUAGE": language}
    done = subprocess.run([sys.executable, str(LOOK), str(tmp_path / "data"), language], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    problems = json.loads(done.stdout.strip().splitlines()[-1])
    assert problems == [], "\n".join(problems)
