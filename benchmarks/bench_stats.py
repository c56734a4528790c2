"""Benchmark: every progress figure for 1,000,000 reviews over 100,000 cards.

    python benchmarks/bench_stats.py                 # generate into a temporary folder
    python benchmarks/bench_stats.py --db big.sqlite # keep (and next time reuse) the file

The collection is written straight through SQL by `synthetic_collection.py`
(the summary triggers fill `review_days` / `review_slots` as it goes). Then
`Collection.stats()` runs several times, for all decks and for one deck; the
script prints wall-clock and CPU time (min, median, max), the load average and
the figures. The target is 0.5 s for all figures. On a shared machine, wall
time includes waiting for a core; CPU time is what the computation itself costs.

The peer: Anki's `graphs()` over a collection this size would first need a million
notes imported into Anki (far longer than the figures themselves), so the floor is
the figure measured before (issue 16, same script, same machine, load 2): 2.28 s
for 1,000,000 cards / 10,000,000 reviews, beside Anki's 2.35 s. At that size the
script prints the ratio to both.

    python benchmarks/bench_stats.py --db /tmp/s1m.sqlite --cards 1000000 --reviews 10000000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from synthetic_collection import make_collection  # noqa: E402

from flashcards.collection import Collection  # noqa: E402

TARGET_S = 0.5
# measured before (issue 16): flashcards' stats and Anki's graphs() at 1M cards / 10M reviews
EARLIER = {(1_000_000, 10_000_000): (2.28, 2.35)}
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
ZONE = "Europe/Berlin"  # two daylight-saving changes inside the year shown


def timed(col: Collection, deck: str | None, runs: int) -> tuple[list[float], list[float], dict]:
    walls, cpus = [], []
    figures: dict = {}
    for _ in range(runs):
        col.refresh()  # every run pays for the day's queue as a fresh session would
        wall, cpu = time.perf_counter(), time.process_time()
        figures = col.stats(deck, now=NOW)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, figures


def spread(values: list[float]) -> str:
    return f"{min(values):.3f}/{statistics.median(values):.3f}/{max(values):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="collection file to keep and reuse")
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.sqlite"
        if path.exists():
            print(f"reusing {path}")
        else:
            print(f"generating {args.cards:,} cards and {args.reviews:,} reviews into {path} …")
            started = time.perf_counter()
            make_collection(path, cards=args.cards, reviews=args.reviews, today=NOW.date())
            print(f"  generated in {time.perf_counter() - started:.1f} s")
        with Collection.open(path, timezone=ZONE) as col:
            reviews = col.review_count()
            cards = len(col.cards())
            print(f"collection: {cards:,} cards, {reviews:,} reviews, {len(col.decks(NOW))} decks")
            print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
            col.stats(now=NOW)  # warm the page cache: the figures are about SQL, not the disk
            deck = col.deck_names()[0]
            results = {}
            for label, name in (("all decks", None), (f"one deck ({deck})", deck)):
                walls, cpus, figures = timed(col, name, args.runs)
                results[label] = figures
                verdict = "ok" if min(walls) <= TARGET_S else "OVER"
                print(
                    f"stats, {label}, {args.runs} runs: wall min/median/max {spread(walls)} s; "
                    f"CPU {spread(cpus)} s  [{verdict}, target {TARGET_S} s]"
                )
                earlier = EARLIER.get((args.cards, args.reviews))
                if earlier and name is None:
                    ours, anki = earlier
                    median = statistics.median(walls)
                    print(
                        f"  median wall / earlier {ours} s: {median / ours:.2f}x; "
                        f"/ Anki graphs() {anki} s: {median / anki:.2f}x"
                    )
            print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    figures = results["all decks"]
    print_figures(figures)


def print_figures(f: dict) -> None:
    history, streak, today = f["history"], f["streak"], f["today"]
    print(f"\nfigures, all decks, study day {f['day']} ({f['timezone']}):")
    print(f"  cards: {f['cards']}")
    print(f"  today: {today}")
    print(f"  streak: {streak}")
    print(
        f"  last 365 days: {sum(history['answers']):,} answers on "
        f"{sum(1 for n in history['answers'] if n)} days, "
        f"{sum(history['time_ms']) / 3_600_000:.1f} h"
    )
    for period, groups in f["retention"].items():
        cells = ", ".join(
            f"{g} {c['rate']:.1%} of {c['reviews']:,}" if c["rate"] is not None else f"{g} —"
            for g, c in groups.items()
        )
        print(f"  retention {period} days: {cells}")
    print(f"  forecast (30 days from today): {f['forecast']['due']}")
    print(f"  buttons [again, hard, good, easy]: {f['buttons']}")
    print(f"  intervals: {[(b['from'], b['to'], b['cards']) for b in f['intervals']]}")
    print(f"  ease: {[(b['from'], b['cards']) for b in f['ease']]}")
    print(f"  answers by hour: {[h['answers'] for h in f['hours']]}")


if __name__ == "__main__":
    main()
