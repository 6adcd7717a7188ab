"""The screenshots of our plan for hard moments (called by packaging/screenshots.py):
the plan, the home screen with their sign, and each live screen that speaks to it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from couplepause.app.application import build
from couplepause.common import paths, texts
from couplepause.core.flow import Ev
from couplepause.core.plan import PartnerPlan, Plan
from couplepause.store.repository import Repository

# A couple's own words, as they might write them (one pulls back, one reaches out).
SAMPLES = {
    "en": Plan(
        partners={
            "a": PartnerPlan("pull_back", "I go quiet and look away", "a walk round the block",
                             "You still love me, even now."),
            "b": PartnerPlan("reach_out", "my voice gets faster", "a cup of tea and music",
                             "I'm not going anywhere."),
        },
        pause_signal="a hand on the heart",
        way_back="we sit side by side and start with a hug",
    ),
    "de": Plan(
        partners={
            "a": PartnerPlan("pull_back", "ich werde still und schaue weg", "eine Runde um den Block",
                             "Du liebst mich, auch jetzt."),
            "b": PartnerPlan("reach_out", "ich rede immer schneller", "ein Tee und Musik",
                             "Ich gehe nicht weg."),
        },
        pause_signal="eine Hand aufs Herz",
        way_back="wir setzen uns nebeneinander und fangen mit einer Umarmung an",
    ),
}


def plan_shots(app, out: Path, *, named, place, centre, shoot, fake_clock) -> None:
    data = Path(tempfile.mkdtemp()) / "data"
    data.mkdir()
    named(data)
    repo = Repository(paths.store_dir(data))
    repo.open()
    repo.save_plan(SAMPLES.get(texts.language(), SAMPLES["en"]))
    clock = fake_clock()
    bundle = build(data, clock=lambda: clock.mono, wall=lambda: clock.wall)
    bundle.settings.update({"welcome_seen": True})
    bundle.window.talking.show_welcome(False)
    window, c = bundle.window, bundle.controller
    place(window)
    window.show()
    window.activateWindow()
    while not bundle.planning.loaded:  # the plan is read a moment after the start
        app.processEvents()
    dialog = bundle.planning.open()
    centre(dialog)
    shoot(app, out, "30-plan")
    dialog.close()
    shoot(app, out, "31-talking-with-plan")
    c.pause()
    c.dispatch(Ev.END_BREATHING)
    c.dispatch(Ev.CHOOSE_SPEAKER, "a")
    clock.advance(40)
    shoot(app, out, "32-turns-with-plan")
    c.dispatch(Ev.SWAP)
    clock.advance(40)
    c.render()
    shoot(app, out, "33-turns-swapped-with-plan")
    c.dispatch(Ev.TO_REPAIR)
    shoot(app, out, "34-repair-with-plan")
    c.dispatch(Ev.START_BREAK, value=30)
    shoot(app, out, "35-break-with-plan")
    clock.advance(30 * 60)
    c.check_break_time()
    shoot(app, out, "36-break-invite-with-plan")
    bundle.shutdown()
    window.close()
