"""Benchmark of the card browser on 100,000 cards: one page of a search, against a floor.

    python benchmarks/bench_browse.py                  # generate into a temporary folder
    python benchmarks/bench_browse.py --db big.sqlite  # keep (and next time reuse) the file

The collection comes from `synthetic_collection.py` (100,000 cards, 1,000,000 reviews).
Each case is one `Collection.find(...)` — a page of 200 rows and the count of matches
(capped) — as the browser runs it after a key. The floor, measured in the same run, is
the cheapest way to touch every card once: `SELECT COUNT(*)` over the cards joined to
their states. The peer is what the browser avoids: loading every card into Python
(`Collection.cards()`). Printed: min / median / max of the runs in ms, each as a ratio
to the floor's median, and the load average. Nothing is asserted.
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

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)  # synthetic_collection's today
CASES = {
    "all cards, outline order": {},
    "sort by due": {"sort": "due"},
    "sort by ease, descending": {"sort": "ease", "descending": True},
    "sort by last review": {"sort": "last"},
    "is:suspended": {"text": "is:suspended"},
    "is:leech, by lapses": {"text": "is:leech", "sort": "lapses", "descending": True},
    "a word in 1 card in 10": {"text": "card 7"},
    "a word no card has": {"text": "zzzqqq"},
    "is:due": {"text": "is:due"},
}


def timed(fn, runs: int) -> list[float]:  # noqa: ANN001 - any callable
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="collection file to make (or reuse)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    folder = tempfile.TemporaryDirectory()
    path = args.db or Path(folder.name) / "browse.sqlite"
    if not path.exists():
        print(f"generating 100,000 cards and 1,000,000 reviews in {path} …", flush=True)
        make_collection(path)
    runs = max(3, args.runs)
    with Collection.open(path, timezone="UTC", backup=False) as col:
        store = col._store  # the floor is plain SQL on the same connection
        floor = timed(
            lambda: store.one(
                "SELECT COUNT(*) FROM cards c JOIN card_state s ON s.card_id = c.id "
                "WHERE c.retired = 0"
            ),
            runs,
        )
        base = statistics.median(floor)
        print(f"load average {os.getloadavg()[0]:.2f}; {runs} runs each; ms min/median/max")
        print(f"{'floor: count every card':32} {min(floor):7.1f} {base:7.1f} {max(floor):7.1f}")
        for name, case in CASES.items():
            text = case.get("text", "")
            options = {k: v for k, v in case.items() if k != "text"}
            found = col.find(text, now=NOW, **options)
            times = timed(lambda t=text, o=options: col.find(t, now=NOW, **o), runs)
            median = statistics.median(times)
            print(
                f"{name:32} {min(times):7.1f} {median:7.1f} {max(times):7.1f}  "
                f"×{median / base:5.2f} of the floor  ({found.total_text} match)"
            )
        peer = timed(lambda: col.cards(now=NOW), 3)
        print(
            f"{'peer: load every card':32} {min(peer):7.1f} {statistics.median(peer):7.1f} "
            f"{max(peer):7.1f}  ×{statistics.median(peer) / base:5.2f} of the floor"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
