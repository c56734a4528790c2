"""Benchmark of FSRS beside SM-2: answer + next card, optimize, evaluate.

- answer + next card p50/p99 on 100,000 cards / 1,000,000 reviews (bench_study's
  generated collection), once with its decks under SM-2 and once switched to FSRS
  (the switch itself — a replay of the whole log — is timed too); target: FSRS
  within 1.5x of SM-2;
- `optimize` on a deck of 100,000 reviews — target ≤ 5 s;
- `evaluate` on the same deck — target ≤ 10 s.

Each figure is the min / median / max of --runs runs (default 3), with the load
average, and a ratio against SM-2 measured in the same run.

    python benchmarks/bench_fsrs.py
    python benchmarks/bench_fsrs.py --cards 20000 --reviews 200000   # smaller, quicker
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_study import _copy, generate, measure_answers  # noqa: E402

from flashcards.collection import Collection  # noqa: E402
from flashcards.store import Store  # noqa: E402
from flashcards.study.replay import replay_deck  # noqa: E402


def _spread(values: list[float], unit: float = 1000.0, label: str = "ms") -> str:
    v = [x * unit for x in values]
    return f"min {min(v):.2f} / median {statistics.median(v):.2f} / max {max(v):.2f} {label}"


def _switch(path: Path, scheduler: str) -> float:
    """Every deck to `scheduler`, its log replayed in one transaction; returns seconds."""
    store = Store(path)
    try:
        started = time.perf_counter()
        with store.atomic():
            for deck_id, settings in store.execute("SELECT id, settings FROM decks").fetchall():
                data = json.loads(settings)
                data["scheduler"] = scheduler
                store.execute(
                    "UPDATE decks SET settings = ? WHERE id = ?", (json.dumps(data), deck_id)
                )
                replay_deck(store, deck_id)
        return time.perf_counter() - started
    finally:
        store.close()


def _answers(path: Path, runs: int, answers: int, seed: int) -> tuple[list[float], list[float]]:
    p50, p99 = [], []
    for run in range(runs):
        work = path.with_name(f"{path.stem}-run{run}.sqlite")
        _copy(path, work)
        try:
            with Collection.open(work, timezone="UTC") as col:
                result = measure_answers(col, answers, seed + run)
            p50.append(result["p50"])
            p99.append(result["p99"])
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(str(work) + suffix).unlink(missing_ok=True)
    return p50, p99


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--train-reviews", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="bench-fsrs-") as tmp:
        sm2_db = Path(tmp) / "sm2.sqlite"
        with Collection.open(sm2_db, timezone="UTC") as col:
            made = generate(col, args.cards, args.reviews, 4, args.seed)
        print(f"generated {made['cards']:,} cards, {made['reviews']:,} reviews")
        fsrs_db = Path(tmp) / "fsrs.sqlite"
        _copy(sm2_db, fsrs_db)
        print(
            f"switching every deck to FSRS (replay of the whole log): {_switch(fsrs_db, 'fsrs'):.1f} s"
        )
        sm2_p50, sm2_p99 = _answers(sm2_db, args.runs, args.answers, args.seed)
        fsrs_p50, fsrs_p99 = _answers(fsrs_db, args.runs, args.answers, args.seed)
        print(f"answer + next, SM-2: p50 {_spread(sm2_p50)}; p99 {_spread(sm2_p99)}")
        print(f"answer + next, FSRS: p50 {_spread(fsrs_p50)}; p99 {_spread(fsrs_p99)}")
        print(
            f"FSRS / SM-2 (medians): p50 {statistics.median(fsrs_p50) / statistics.median(sm2_p50):.2f}x, "
            f"p99 {statistics.median(fsrs_p99) / statistics.median(sm2_p99):.2f}x (target ≤ 1.5x)"
        )

        small = Path(tmp) / "train.sqlite"
        with Collection.open(small, timezone="UTC") as col:
            generate(col, args.train_reviews // 10, args.train_reviews, 1, args.seed)
            deck = col.deck_names()[0]
            optimize_s, evaluate_s, sm2_replay_s = [], [], []
            for _ in range(args.runs):
                started = time.perf_counter()
                found = col.optimize(deck, dry_run=True)
                optimize_s.append(time.perf_counter() - started)
                started = time.perf_counter()
                scores = col.evaluate(deck)
                evaluate_s.append(time.perf_counter() - started)
            # the peer measured in the same run: replaying the deck's log under SM-2
            for _ in range(args.runs):
                store = Store(small)
                started = time.perf_counter()
                with store.atomic():
                    replay_deck(store, store.one("SELECT id FROM decks"))
                sm2_replay_s.append(time.perf_counter() - started)
                store.close()
        print(
            f"optimize on {found.reviews:,} trainable reviews ({args.train_reviews:,} in all): "
            f"{_spread(optimize_s, 1, 's')} (target ≤ 5 s); "
            f"{statistics.median(optimize_s) / statistics.median(sm2_replay_s):.1f}x an SM-2 replay of the deck"
        )
        print(
            f"evaluate on {scores.reviews:,} scored reviews: {_spread(evaluate_s, 1, 's')} "
            f"(target ≤ 10 s); {statistics.median(evaluate_s) / statistics.median(sm2_replay_s):.1f}x an SM-2 replay"
        )
        print(f"SM-2 replay of the deck: {_spread(sm2_replay_s, 1, 's')}")
        print(f"evaluate scores: {json.dumps(scores.schedulers)}")
    print(f"load average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
