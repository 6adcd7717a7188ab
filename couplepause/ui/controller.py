"""Wires the live flow to the window and the store.

Views emit intents; the controller turns them into flow events, hands every
new snapshot of the episode to the background writer (the UI thread never
waits for the disk), and tells the views what to show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from couplepause.common.formatting import time_of_day
from couplepause.common.texts import clock_time, default_names, duration, words
from couplepause.core import flow as fl
from couplepause.core import prompts
from couplepause.core.episode import Episode
from couplepause.core.flow import Ev, Flow, FlowConfig, State
from couplepause.core.plan import Plan
from couplepause.core.resuming import ClockRun, settle_open
from couplepause.settings import Settings
from couplepause.ui.background import Answers
from couplepause.ui.main_window import FLOW_SCREENS, MainWindow
from couplepause.ui.models import KEYS_WAIT_SECONDS, Frame, TurnsScreen
from couplepause.ui.motion import DesktopMotion, still_effects
from couplepause.ui.sound import Chime

log = logging.getLogger(__name__)

TURN_TICK_MS = 250
# A break's end is checked at least this often against the wall clock: Qt's timers do
# not run while the laptop sleeps (one long timer would invite the couple back late).
BREAK_CHECK_MS = 60_000


def flow_config(settings: Settings, began_last_time: str | None = None, practice: bool = False) -> FlowConfig:
    return FlowConfig(
        pattern=settings.pattern(),
        breathing_seconds=60.0 * settings.get("breathing_minutes"),
        turn_seconds=60.0 * settings.get("turn_minutes") if settings.get("turn_timer") else None,
        began_last_time=began_last_time,
        practice=practice,
    )


class Controller(QObject):
    # Emitted after an episode snapshot was handed to the writer (tests, benchmarks).
    persisted = Signal(object)
    # Every write is durable again after one failed.
    all_saved = Signal()
    real_pause_closed = Signal()  # a pause that counts came to its end (finished, or let rest)

    def __init__(
        self,
        window: MainWindow,
        writer: Any,
        settings: Settings,
        *,
        clock: Callable[[], float],
        wall: Callable[[], datetime],
        run: ClockRun | None = None,
        open_pauses: Callable[[Callable[[Any, Exception | None], None]], None] | None = None,
        answers: Answers | None = None,
    ):
        super().__init__(window)
        self.window = window
        self.writer = writer
        self.open_pauses = open_pauses  # (open pauses, last repair) from the store, answered on this thread
        self.settings = settings
        self.clock = clock
        self.wall = wall
        self.began_last_time: str | None = None  # who spoke first in the last pause
        self.practising = False  # a practice pause: kept as practice, never counted
        self.chime = Chime(self)  # a tone at each breathing phase, when chosen
        self.flow = Flow(clock=clock, wall=wall, config=flow_config(settings), run=run or ClockRun())
        self.answers = answers or Answers()  # what other threads tell us, on this thread
        self.offered: Episode | None = None  # an open episode from before, on offer
        self.protected_names: dict[str, str] | None = None  # from the unlocked store
        self.plan: Plan | None = None  # our plan for hard moments, once read
        self.inviting = False  # the break is over: inviting them back
        self._save_failed = False
        self._unsaved_reason = ""
        self.cannot_save: str | None = None  # why nothing can be saved this run (read-only): said for a failed write

        self.turn_timer = QTimer(self)
        self.turn_timer.setInterval(TURN_TICK_MS)
        self.turn_timer.timeout.connect(self._render_turns)
        self.break_timer = QTimer(self)
        self.break_timer.setSingleShot(True)
        self.break_timer.timeout.connect(self.check_break_time)

        window.talking.pause_requested.connect(self.pause)
        window.talking.resume_requested.connect(self.pick_up)
        window.talking.let_rest_requested.connect(self.let_rest)
        # The desktop's own "reduce motion" counts as much as the setting.
        self.desktop_motion = DesktopMotion(self)
        self.desktop_motion.changed.connect(self.apply_settings)
        window.screen_built.connect(self._wire)
        for name in FLOW_SCREENS:
            built = window.built(name)
            if built is not None:
                self._wire(name, built)
        self.apply_settings()
        QTimer.singleShot(0, self.desktop_motion, self.desktop_motion.start)  # once the window runs

    def _wire(self, name: str, view) -> None:
        """Connect a screen's intents to flow events when it is first built."""
        if name == "breathing":
            view.skip_requested.connect(lambda: self.dispatch(Ev.END_BREATHING))
            view.extend_requested.connect(lambda: self.dispatch(Ev.EXTEND))
            view.break_requested.connect(self.choose_break)
            view.paused_by_chosen.connect(lambda v: self.dispatch(Ev.SET_PAUSED_BY, value=v))
            view.activation_chosen.connect(lambda p, v: self.dispatch(Ev.SET_ACTIVATION, p, v))
            self._apply_breathing_settings(view)
        elif name == "turns":
            view.swap_requested.connect(lambda: self.dispatch(Ev.SWAP))
            view.speaker_chosen.connect(lambda p: self.dispatch(Ev.CHOOSE_SPEAKER, p))
            view.repair_requested.connect(lambda: self.dispatch(Ev.TO_REPAIR))
            view.break_requested.connect(self.choose_break)
        elif name == "repair":
            view.answered.connect(lambda p, v: self.dispatch(Ev.ANSWER, p, v))
            view.more_turns_requested.connect(lambda: self.dispatch(Ev.MORE_TURNS))
            view.break_requested.connect(self.choose_break)
        elif name == "break_choice":
            view.start_requested.connect(lambda m: self.dispatch(Ev.START_BREAK, value=m))
            view.cancelled.connect(self.render)
        elif name == "on_break":
            view.come_back_requested.connect(lambda: self.dispatch(Ev.END_BREAK))
        elif name == "after":
            view.finished.connect(lambda reflection: self.dispatch(Ev.FINISH, value=reflection))

    # ------------------------------------------------------------- settings
    def names(self) -> dict[str, str]:
        """The partners' names: their own from the settings, or from the protected store
        while it is unlocked (names protected too); else "Partner A" / "Partner B"."""
        fallback = default_names()
        if self.protected_names:
            fallback = {p: self.protected_names.get(p) or fallback[p] for p in fallback}
        a, b = self.settings.partner_names(fallback["a"], fallback["b"])
        return {"a": a, "b": b}

    def set_protected_names(self, names: dict[str, str] | None) -> None:
        self.protected_names = dict(names) if names else None
        self.apply_settings()

    def set_plan(self, plan: Plan | None) -> None:
        """The plan the live flow speaks to (None or empty: the prompts of before)."""
        self.plan = None if plan is None or plan.is_empty else plan
        if self.flow.state in (State.TALKING, State.TURNS, State.REPAIR, State.BREAK):
            self.render()  # the screen that speaks to the plan, now with it

    def forget_offer_entirely(self) -> None:
        """Everything was deleted: nothing from before is offered or shown."""
        if self.offered is not None:
            self.forget_offer(self.offered.id)
        self.window.talking.set_last_time(None)

    def reduced_motion(self) -> bool:
        """Nothing moves: asked for in Settings, or by the desktop."""
        return self.settings.get("reduced_motion") or self.desktop_motion.reduces_motion()

    def _apply_breathing_settings(self, view) -> None:
        names = self.names()
        view.set_names(names["a"], names["b"])
        view.set_reduced_motion(self.reduced_motion())

    def apply_settings(self) -> None:
        self.chime.set_on(self.settings.get("sound"))
        still_effects(self.reduced_motion())
        breathing = self.window.built("breathing")
        if breathing is not None:
            self._apply_breathing_settings(breathing)
        if self.flow.state is State.TALKING:
            self.flow.config = flow_config(self.settings, self.began_last_time)
        self.render()

    def pausing(self) -> bool:
        """In the middle of a pause (breathing, turns, repair, a break or the note after)
        that counts; a practice pause can end any time."""
        return self.flow.state is not State.TALKING and not self.practising

    def practice(self) -> None:
        """The whole flow on a calm evening, to learn it: kept, marked as practice."""
        if self.flow.state is not State.TALKING:
            return
        if self.offered is not None:
            self._close_offered()
        self.practising = True
        self.flow.config = flow_config(self.settings, self.began_last_time, practice=True)
        self.dispatch(Ev.PAUSE)
        # Said, then out of the way of the live screens (a small laptop has little room).
        self.window.show_notice(words("welcome", "practice_notice"), linger=True)

    # --------------------------------------------------------------- intents
    def pause(self, at: tuple[float, datetime] | None = None) -> None:
        """The shared Pause button: a new rupture, saved at once. ``at`` is the
        (monotonic, wall) moment of a press made before the flow was ready. While a
        pause on a longer break waits to be picked up, the press comes back to it: the
        couple is still in that pause, and a second one would close it unrepaired."""
        if self.flow.state is not State.TALKING:
            return  # one press is exactly one pause
        if self.offered is not None and self.offered.on_break:
            since = time_of_day(self.offered.paused_at)
            self.pick_up()
            self.window.show_notice(words("talking", "came_back_to_break", time=since), linger=True)
            return
        if self.offered is not None:
            # An unfinished episode from before stays in the history as it was.
            self._close_offered()
        self.flow.config = flow_config(self.settings, self.began_last_time)
        self.dispatch(Ev.PAUSE, at=at)

    def pick_up(self) -> None:
        """Resume the open episode offered on the home screen."""
        episode = self.offered
        if episode is None or self.flow.state is not State.TALKING:
            return
        self.offered = None
        self.flow.config = flow_config(self.settings, self.began_last_time)
        self.dispatch(Ev.RESUME, value=episode)
        if self.flow.state is State.BREAK:
            self.dispatch(Ev.END_BREAK)

    def let_rest(self) -> None:
        if self.offered is not None:
            self._close_offered()
            self.real_pause_closed.emit()
        self.render()

    def choose_break(self) -> None:
        if not self.flow.accepts(Ev.START_BREAK):
            return
        self.window.break_choice.prepare(self.settings.get("break_minutes"))
        self.window.show_view(self.window.break_choice)

    def dispatch(self, kind: Ev, partner: str | None = None, value: Any = None,
                 at: tuple[float, datetime] | None = None) -> bool:
        """Apply one event; persist and show the result. False if refused."""
        try:
            self.flow.handle(kind, partner, value, at=at)
        except fl.InvalidTransition as exc:
            log.info("ignored: %s", exc)
            return False
        self._persist(self.flow.episode)
        if kind is Ev.START_BREAK:
            self.inviting = False
            self._schedule_break_end()
        elif kind in (Ev.END_BREAK, Ev.FINISH):
            self.break_timer.stop()
            self.inviting = False
        if self.practising and self.flow.state is State.TALKING:
            self.practising = False
            self.window.show_notice(words("welcome", "practice_done"), linger=True)
        elif kind is Ev.FINISH:
            self.real_pause_closed.emit()
        if self.flow.state is State.AFTER and not self.practising:
            self._show_last_time(self.flow.episode)
        self.render()
        return True

    # ------------------------------------------------------------- startup
    def load_from_store(self) -> None:
        """Ask the store for the open episodes and the last repair."""
        if self.open_pauses is not None:
            self.open_pauses(self._loaded)

    def _loaded(self, result, error: Exception | None) -> None:
        if error is not None or result is None:
            log.warning("the pauses in progress could not be read (%s)", type(error).__name__)
            return
        active, latest = result
        self._show_last_time(latest)
        pausing = self.flow.state is not State.TALKING or self.flow.episode is not None
        settled = settle_open(
            active, current=self.flow.episode if pausing else None,
            now=self.clock(), wall=self.wall(), run=self.flow.run,
        )
        for episode in settled.let_rest:
            self.writer.archive(episode)
        if pausing:
            return
        self.offered = settled.offered
        if self.offered is not None and self.offered.on_break:
            self._schedule_break_end()
        self.render()

    def forget_offer(self, episode_id: str) -> None:
        """An episode changed in the history: the offer on the home screen
        must not bring back an outdated copy of it."""
        if self.offered is not None and self.offered.id == episode_id:
            self.offered = None
            self.break_timer.stop()
            self.inviting = False
            self._render_offer()

    def _close_offered(self) -> None:
        episode = self.offered
        self.offered = None
        self.break_timer.stop()
        self.inviting = False
        if episode is not None:
            closed = episode.with_changes(closed=True)
            self.writer.archive(closed)
            self.persisted.emit(closed)

    # ------------------------------------------------------------- breaks
    def _break_return_at(self) -> datetime | None:
        episode = self.flow.episode if self.flow.state is State.BREAK else self.offered
        if episode is None or not episode.on_break:
            return None
        return episode.breaks[-1].return_at

    def _schedule_break_end(self) -> None:
        back = self._break_return_at()
        if back is None:
            return
        ms = max(0, int((back - self.wall()).total_seconds() * 1000))
        self.break_timer.start(min(ms, BREAK_CHECK_MS))

    def check_break_time(self) -> None:
        """What the break timer does: once the time to come back has come (on
        the wall clock), raise the window with a gentle invitation; until then,
        look again soon."""
        back = self._break_return_at()
        if back is None or self.inviting:
            return
        if self.wall() < back:
            self._schedule_break_end()
            return
        self.inviting = True
        self.render()
        self.window.bring_to_front()

    # ----------------------------------------------------------- persisting
    def _persist(self, episode: Episode | None) -> None:
        if episode is None:
            return
        if episode.closed:
            self.writer.archive(episode)
        else:
            self.writer.save_active(episode)
        self.persisted.emit(episode)

    def on_write_result(self, result) -> None:
        """Called on the main thread with each WriteResult from the writer."""
        if not result.ok:
            told = self._save_failed and result.error == self._unsaved_reason  # a retry that failed alike
            self._save_failed = True
            self._unsaved_reason = result.error or ""
            if not told:
                notice = self.cannot_save or words("notices", "save_failed", reason=self._unsaved_reason)
                self.window.show_notice(notice)
        elif self._save_failed and result.pending == 0:
            self._save_failed = False
            self._unsaved_reason = ""
            self.window.show_notice(words("notices", "saved_again"), linger=True)
            self.all_saved.emit()

    def idle(self) -> bool:
        """No pause is going on (the home screen, nothing offered to pick up)."""
        return self.flow.state is State.TALKING and self.offered is None

    @property
    def unsaved_reason(self) -> str:
        return self._unsaved_reason

    def _show_last_time(self, episode: Episode | None) -> None:
        if episode is not None and episode.turns:
            self.began_last_time = episode.turns[0].speaker  # the other one starts next time
        if episode is None or episode.repair_seconds is None:
            return
        self.window.talking.set_last_time(
            words("talking", "last_time", duration=duration(episode.repair_seconds))
        )

    # ------------------------------------------------------------ rendering
    def render(self) -> None:
        w = self.window
        state = self.flow.state
        if state is not State.BREATHING and w.built("breathing") is not None:
            w.breathing.stop()
        if state is not State.TURNS:
            self.turn_timer.stop()
        names = self.names()
        episode = self.flow.episode
        if state is State.TALKING:
            self._render_offer()
            w.talking.set_plan_lines(prompts.pause_signal(self.plan), prompts.early_signs(self.plan, names))
            if w.current_view() in w.flow_views():  # not over a side page such as the history
                w.show_view(w.talking)
                w.talking.focus_pause()
        elif state is State.BREATHING:
            w.breathing.reset_captures(episode.paused_by, episode.activation)
            back = w.current_view() is not w.breathing  # e.g. "Not now, go back" from the break's choice
            w.show_view(w.breathing)
            if not w.breathing.is_animating():
                self.chime.reset()
                w.breathing.start(self._breathing_frame)  # the focus on its main action
            elif back:
                w.breathing.focus_main()  # never on "We need a longer break", where one Space goes back
        elif state is State.TURNS:
            w.show_view(w.turns)
            self._render_turns()
            if self.flow.config.turn_seconds is not None:
                self.turn_timer.start()
            w.turns.swap_button.setFocus()
        elif state is State.REPAIR:
            needs = {p: prompts.needs_to_hear(self.plan, p, names) for p in names}
            w.repair.render(names, episode.repair_answers, needs)
            if w.current_view() is not w.repair:
                w.show_view(w.repair)
                w.repair.focus_first()
        elif state is State.BREAK:
            w.on_break.render(
                episode.breaks[-1].return_at, self.inviting,
                prompts.break_helps(self.plan, names), prompts.invitation(self.plan),
            )
            w.show_view(w.on_break)
            w.on_break.come_back_button.setFocus()
        elif state is State.AFTER and w.current_view() is not w.after:
            w.after.reset()
            w.show_view(w.after)

    def _render_offer(self) -> None:
        episode = self.offered
        talking = self.window.talking
        if episode is None:
            talking.show_open_episode(None)
        elif episode.on_break:
            back = time_of_day(episode.breaks[-1].return_at)
            text = words("break", "invite_heading") if self.inviting else words("talking", "resume_break", time=back)
            talking.show_open_episode(text, words("talking", "resume_come_back"))
        else:
            talking.show_open_episode(
                words("talking", "resume_open", time=time_of_day(episode.paused_at)),
                words("talking", "resume_pick_up"),
            )

    def _breathing_frame(self) -> Frame:
        model = self.flow.model
        now = self.clock()
        left = fl.breathing_remaining(model, now)
        if model.state is not State.BREATHING or left <= 0:
            self.window.breathing.stop()
            self.dispatch(Ev.END_BREATHING)
            return Frame(0.0, "out", 0.0, 0.0)
        elapsed = fl.breathing_elapsed(model, now)
        pattern = self.flow.config.pattern
        phase = pattern.phase_at(elapsed)
        kind = "rest" if phase.finished else phase.kind
        self.chime.phase(kind)
        phase_left = left if phase.finished else min(phase.seconds_left, left)
        return Frame(pattern.size_at(elapsed), kind, left, phase_left, elapsed >= KEYS_WAIT_SECONDS)

    def _render_turns(self) -> None:
        model = self.flow.model
        if model.state is not State.TURNS:
            self.turn_timer.stop()
            return
        now = self.clock()
        limit = self.flow.config.turn_seconds
        timer_text = None
        done = False
        if limit is not None:
            left = limit - fl.turn_elapsed(model, now)
            done = left <= 0
            timer_text = clock_time(max(0.0, left))
        names = self.names()
        speaker = model.speaker
        listener = fl.other(speaker)
        self.window.turns.render(
            TurnsScreen(
                names=names,
                speaker=model.speaker,
                can_choose=fl.can_choose_speaker(model),
                can_repair=fl.can_repair(model, now),
                timer_text=timer_text,
                timer_done=done,
                prompts={
                    speaker: prompts.speaker_prompts(self.plan, speaker),
                    listener: prompts.listener_prompts(self.plan, speaker, listener, names),
                },
            )
        )

    def stop_timers(self) -> None:
        self.chime.stop()
        self.turn_timer.stop()
        self.break_timer.stop()
        if self.window.built("breathing") is not None:
            self.window.breathing.stop()
