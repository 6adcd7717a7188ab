"""Every screen and dialog the walk visits, by name, in the order it visits them.

Shared by the walker (walker.py, which brings each one about and looks at it) and the
tests (test_geometry.py, one test per screen and check), so a screen the walker could
not reach is a failing test, never a silent gap.
"""

from __future__ import annotations

from itertools import product

# The home screen with every combination of its banners: the first-run welcome, the
# offer to pick up an open pause (an ordinary one, or one on a longer break) and the
# notice line on top (after a practice pause, or a long one with a button).
WELCOME = ("", "+welcome")
OFFERS = ("", "+pickup", "+pickup-break")
NOTICES = ("", "+practice-done", "+notice")
HOME = [f"home{w}{o}{n}" for w, o, n in product(WELCOME, OFFERS, NOTICES)]

# The live flow: as a pause; as a practice pause (its notice on top); and as a pause while
# nothing can be saved (the notice that stays on top, "We couldn't save just now").
FLOW_STEPS = ("breathing", "turns-start", "turns", "repair", "break-choice", "break", "break-invite", "after")
FLOW_KINDS = ("pause", "practice", "unsaved")
FLOW = [f"{kind}/{step}" for kind in FLOW_KINDS for step in FLOW_STEPS]

TABS = ("chart", "table", "pauses", "patterns", "cycles")  # in the order of the view's tabs
RANGES = ("4w", "3m", "12m", "all")
# Our progress, for a protected history: locked, then every tab at every range once unlocked.
PROGRESS = ["progress/locked"] + [f"progress/{tab}/{key}" for tab in TABS for key in RANGES]
# The therapist's read-only window (couplepause open FILE) and the plan the file holds.
READONLY = [f"readonly/{tab}/{key}" for tab in TABS for key in RANGES] + ["readonly/plan"]

DIALOGS = [
    "dialog/settings", "dialog/safety", "dialog/plan", "dialog/export", "dialog/restore",
    "dialog/note", "dialog/delete-question",
    "dialog/passphrase-set", "dialog/passphrase-change", "dialog/passphrase-remove", "dialog/delete-all",
]

ALL = [*HOME, *FLOW, *PROGRESS, *DIALOGS, *READONLY]
# Where the progress chart is drawn: its plot must be tall enough to read.
CHARTS = [name for name in ALL if "/chart/" in name]
# Where the Pause button is the main action.
PAUSE = HOME
# Where the breathing pacer is the heart of the screen.
PACER = [name for name in FLOW if name.endswith("/breathing")]

SIZES = ((1024, 600), (1280, 800))
LANGUAGES = ("de", "en")
# The look of each walk: the small laptop dark in German and light in English at 1280x800,
# as issue 20 asks to look; the other two in the other schemes.
THEMES = {((1024, 600), "de"): "dark", ((1024, 600), "en"): "high_contrast",
          ((1280, 800), "de"): "high_contrast", ((1280, 800), "en"): "light"}
