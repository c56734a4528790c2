"""Benchmark of `flashcards sync`: three other devices' journals into a big collection.

    python benchmarks/bench_sync.py                   # 100,000 cards, 3 journals x 100,000
    python benchmarks/bench_sync.py --cards 20000 --reviews 20000
    python benchmarks/bench_sync.py --history 300000  # the collection has reviews of its own

Prints min/median/max of --repeat runs (each into a fresh copy of the collection), in
wall-clock and in CPU seconds of this process, of:
- merging 3 journals of --reviews reviews each into a --cards-card collection
  (target ≤ 5 s), beside two floors measured in the same run: reading and
  JSON-parsing the same lines alone, and sqlite3 alone inserting the rows the merge
  added into a fresh copy of the collection (one executemany, one commit);
- a sync with no news (target ≤ 50 ms);
and the load average. Figures are printed, never asserted: the machine is shared.
With --history the collection holds that many reviews of its own beforehand, as a
device in use does: the merged cards are replayed with them, and the sync journals them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_collection import make_collection  # noqa: E402

from flashcards.store import Store  # noqa: E402
from flashcards.sync import sync  # noqa: E402
from flashcards.sync.journal import Entry, encode, header  # noqa: E402

DAY0 = 1_717_243_200_000  # 2024-06-01T12:00Z


def write_journals(db: Path, folder: Path, devices: int, reviews: int, seed: int) -> None:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    cards = conn.execute(
        "SELECT c.guid, d.name, c.content_hash FROM cards c JOIN decks d ON d.id = c.deck_id"
    ).fetchall()
    conn.close()
    rng = random.Random(seed)
    for n in range(devices):
        device = f"{n:016x}"
        with open(folder / f"{device}.jsonl", "wb") as f:
            f.write(header(device))
            for i in range(reviews):
                guid, deck, content_hash = cards[i % len(cards)]
                day = i // len(cards) * 3 + n
                t = DAY0 + day * 86_400_000 + i
                f.write(
                    encode(
                        Entry(
                            device,
                            "remote" + guid,
                            deck,
                            content_hash,
                            t,
                            time.strftime("%Y-%m-%d", time.gmtime(t / 1000)),
                            rng.choice((1, 3, 4, 4, 5)),
                            rng.randrange(500, 9000),
                            "review",
                        )
                    )
                )


class Timer:
    """Wall-clock and this process's CPU seconds of a `with` block: on a shared machine
    the CPU figure moves less with the load than the wall one."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def floor(folder: Path) -> Timer:
    """The time to merely read and JSON-parse the journals, line by line."""
    with Timer() as timer:
        for path in folder.glob("*.jsonl"):
            with open(path, "rb") as f:
                for line in f:
                    json.loads(line)
    return timer


_COLUMNS = (
    "card_id, time_ms, day, q, duration_ms, kind, reps_before, ef_before, interval_before, "
    "due_before, lapses_before, reps_after, ef_after, interval_after, due_after, "
    "lapses_after, device"
)


def merged_rows(db: Path) -> list[tuple]:
    """The review rows a sync added, as it inserted them."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(
            f"SELECT {_COLUMNS} FROM reviews WHERE device IS NOT NULL ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def insert_floor(template: Path, db: Path, rows: list[tuple]) -> Timer:
    """The time for sqlite3 alone to insert those rows into a fresh copy of the collection
    (its indexes as they are, the per-row summary trigger off as the sync has it), in one
    transaction committed with synchronous=FULL: what any merge has to pay."""
    shutil.copyfile(template, db)
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DROP TRIGGER reviews_summary_insert")
        marks = ", ".join("?" * len(rows[0]))
        with Timer() as timer:
            conn.executemany(f"INSERT INTO reviews({_COLUMNS}) VALUES ({marks})", rows)
            conn.execute("COMMIT")
    finally:
        conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return timer


def spread(values: list[float]) -> str:
    return f"min {min(values):.3f}  median {statistics.median(values):.3f}  max {max(values):.3f} s"


def figures(name: str, timers: list[Timer], target: str = "") -> None:
    print(f"{name:<19}: wall {spread([t.wall for t in timers])}{target}")
    print(f"{'':<19}  cpu  {spread([t.cpu for t in timers])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        help="reviews of its own in the collection before the sync (which journals them too)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        template = root / "template.sqlite"
        make_collection(template, cards=args.cards, reviews=args.history)
        folder = root / "sync"
        folder.mkdir()
        write_journals(template, folder, 3, args.reviews, seed=1)
        merges: list[Timer] = []
        nones: list[Timer] = []
        floors: list[Timer] = []
        inserts: list[Timer] = []
        for run in range(args.repeat):
            db = root / f"run{run}.sqlite"
            shutil.copyfile(template, db)
            floors.append(floor(folder))  # beside each run: the load moves
            store = Store(db)
            try:
                with Timer() as merging:
                    report = sync(store, folder)
                merges.append(merging)
                assert report.added == 3 * args.reviews, report
                with Timer() as none:
                    again = sync(store, folder)
                nones.append(none)
                assert again.added == again.written == again.journals == 0
            finally:
                store.close()
            rows = merged_rows(db)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            inserts.append(insert_floor(template, db, rows))
            (folder / f"{report.device}.jsonl").unlink(missing_ok=True)
    print(
        f"collection: {args.cards:,} cards, {args.history:,} reviews of its own; "
        f"3 journals of {args.reviews:,} reviews each"
    )
    figures("sync merging them", merges, "   (target ≤ 5 s)")
    figures("floor: read+parse", floors)
    figures("floor: insert rows", inserts)
    for kind in ("wall", "cpu"):
        merge = statistics.median(getattr(t, kind) for t in merges)
        parse = statistics.median(getattr(t, kind) for t in floors)
        insert = statistics.median(getattr(t, kind) for t in inserts)
        print(
            f"{'':<19}  {kind} medians: merge/parse {merge / parse:.1f}x, "
            f"merge/insert {merge / insert:.1f}x, merge/(parse+insert) "
            f"{merge / (parse + insert):.1f}x"
        )
    figures("sync with no news", nones, "   (target ≤ 0.050 s)")
    print("load average       : " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
