"""Benchmark of the deck list: `Collection.decks()` beside Anki's `deck_due_tree()`.

Both on collections of the same shape (the study benchmark's: 100,000 cards in 4
decks, ~1M reviews; benchmarks/bench_study.py and benchmarks/anki_peer.py make
them), in the same run, interleaved: min/median/max over --rounds, the ratio of
the medians (wall and CPU time: on a shared machine wall time includes the wait for a
core) and the load average. Target (issue 16 item 3): ratio ≤ 1.

    python benchmarks/bench_decks.py --db big.sqlite   # reuses big.sqlite and big.anki2

Figures are printed, never asserted: the machine is shared and timings are noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # this checkout first

from bench_study import DUE_SHARE, NOW, _copy, generate  # noqa: E402

from flashcards.collection import Collection  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="collection file to generate into (and reuse)")
    args = parser.parse_args(argv)
    from anki.collection import Collection as AnkiCollection
    from anki_peer import make_anki_study

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-decks-")
        args.db = Path(tmp.name) / "bench.sqlite"
    if not args.db.exists():
        with Collection.open(args.db, timezone="UTC") as col:
            generate(col, args.cards, args.reviews, 4, args.seed)
    peer = args.db.with_suffix(".anki2")
    if not peer.exists():
        make_anki_study(peer, args.cards, args.reviews, args.seed, DUE_SHARE).close()
    work = args.db.with_name(args.db.stem + "-decks.sqlite")
    _copy(args.db, work)  # opening it may migrate it: the kept file stays as it was
    ours, theirs = [], []
    ours_cpu, theirs_cpu = [], []  # CPU time: what a machine shared with others cannot inflate
    try:
        with Collection.open(work, timezone="UTC") as col:
            anki = AnkiCollection(str(peer))
            try:
                for _ in range(args.rounds):
                    col.refresh()  # a fresh read, as a new screen makes
                    started, cpu = time.perf_counter(), time.process_time()
                    summaries = col.decks(NOW)
                    ours.append(time.perf_counter() - started)
                    ours_cpu.append(time.process_time() - cpu)
                    started, cpu = time.perf_counter(), time.process_time()
                    anki.sched.deck_due_tree()
                    theirs.append(time.perf_counter() - started)
                    theirs_cpu.append(time.process_time() - cpu)
            finally:
                anki.close()
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
        if tmp is not None:
            tmp.cleanup()

    def spread(values: list[float]) -> str:
        return (
            f"min {min(values) * 1000:.1f} ms, median {statistics.median(values) * 1000:.1f} ms, "
            f"max {max(values) * 1000:.1f} ms"
        )

    print(
        f"deck list of {sum(s.cards for s in summaries):,} cards in {len(summaries)} decks, "
        f"{args.rounds} rounds:"
    )
    print(f"  flashcards decks():       wall {spread(ours)}")
    print(f"                            CPU  {spread(ours_cpu)}")
    print(f"  Anki deck_due_tree():     wall {spread(theirs)}")
    print(f"                            CPU  {spread(theirs_cpu)}")
    print(
        f"  ratio flashcards/Anki, medians: wall "
        f"{statistics.median(ours) / statistics.median(theirs):.2f}, CPU "
        f"{statistics.median(ours_cpu) / statistics.median(theirs_cpu):.2f} (target ≤ 1)"
    )
    print(
        f"  load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
