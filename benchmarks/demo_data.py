"""Realistic histories for benchmarks, screenshots and trying the app.

A couple that pauses a few times a week at first and less often later,
finds its way back faster over the months (with a harder stretch in the
middle, because progress is not a straight line), sometimes needs a longer
break, and sometimes leaves a pause open.

    python benchmarks/demo_data.py DATA_DIR [--episodes N] [--days D] [--seed S]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from couplepause.core.episode import CYCLES, Break, Episode, Turn, round_ms

NOTES = (
    "Money, again. It started with the card bill.",
    "Who does the dishes. Tired after work.",
    "Your mother's visit; I felt left out.",
    "Late home without a message.",
    "Planning the holidays.",
    "Phone at dinner.",
)


def realistic(
    count: int, *, days: float = 365, seed: int = 7, end: datetime | None = None, evenly: bool = False
) -> list[Episode]:
    """``count`` episodes spread over the ``days`` before ``end`` (default: now): more
    often early on, or ``evenly`` (every month then holds about as many, as the
    benchmarks want: the month a new pause is archived into has a known size)."""
    rng = random.Random(seed)
    end = end or datetime.now(UTC)
    start = end - timedelta(days=days)
    zone = timezone(timedelta(hours=1))
    episodes = []
    for index in range(count):
        # More pauses early on, fewer later: place them on a bent time line.
        fraction = (index + rng.random()) / count
        when = start + timedelta(days=days * (fraction if evenly else fraction ** 1.25))
        when = when.replace(hour=rng.choice((7, 8, 18, 19, 20, 21, 22, 23)), minute=rng.randrange(60))
        if when > end:
            when = end - timedelta(minutes=rng.uniform(1, 60))
        paused = round_ms(when.astimezone(zone))
        progress = (paused - start).total_seconds() / max(1.0, (end - start).total_seconds())
        # Typical repair time falls from ~35 to ~9 minutes, with a harder stretch at 55-65 %.
        typical = 35.0 * math.exp(-1.4 * progress)
        if 0.55 < progress < 0.65:
            typical *= 2.2
        minutes = max(1.5, rng.lognormvariate(math.log(typical), 0.45))
        long_break = rng.random() < 0.22 - 0.12 * progress
        breaks: tuple[Break, ...] = ()
        if long_break:
            minutes += rng.choice((20, 30, 30, 45, 60))
            b_start = paused + timedelta(minutes=rng.uniform(2, 6))
            agreed = rng.choice((20, 30, 45))
            b_end = b_start + timedelta(minutes=agreed + rng.uniform(-3, 8))
            breaks = (Break(b_start, b_start + timedelta(minutes=agreed), b_end),)
            # They come back after the break, so the repair follows its end.
            minutes = max(minutes, (b_end - paused).total_seconds() / 60 + rng.uniform(3, 12))
        breathing = rng.choice((60.0, 120.0, 120.0, 180.0))
        turns = tuple(Turn("ab"[t % 2], round(rng.uniform(40, 150), 3)) for t in range(rng.choice((2, 2, 4, 6))))
        activation = {
            "a": rng.randint(3, 9) if rng.random() < 0.7 else None,
            "b": rng.randint(2, 9) if rng.random() < 0.7 else None,
        }
        episode = Episode(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            paused_at=paused,
            paused_by=rng.choice(("a", "b", "both", None)),
            activation=activation,
            breathing_pattern=rng.choice(("slow", "slow", "box", "sigh")),
            breathing_seconds=breathing,
            first_turn_seconds=breathing + rng.uniform(5, 40),
            turns=turns,
            breaks=breaks,
            cycle=rng.choice((*CYCLES, None, None)),
            note=rng.choice(NOTES) if rng.random() < 0.35 else None,
            closed=True,
        )
        if rng.random() < 0.06:  # left open: never reached "we're back"
            episodes.append(episode)
            continue
        episode = episode.with_changes(repair_answers={"a": "yes", "b": "yes"})
        repaired = episode.repaired(wall_now=paused, monotonic_seconds=minutes * 60)
        episodes.append(repaired.with_changes(wall_timed=long_break))
    return episodes


def fill(data_dir: Path, episodes: list[Episode]) -> None:
    from couplepause.store.repository import Repository

    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    repo = Repository(data_dir / "store")
    repo.open()
    repo.merge(episodes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--episodes", type=int, default=150)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    fill(args.data_dir, realistic(args.episodes, days=args.days, seed=args.seed))
    print(f"{args.episodes} episodes over {args.days} days in {args.data_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
