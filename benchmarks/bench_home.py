"""Benchmark of the home screen (the deck list) on a big collection, beside a tiny one.

    python benchmarks/bench_home.py --db big.sqlite [--runs 5]

Each run is a fresh Python process that starts the app (`make_app`, headless under
Textual's `run_test`, 100x30) on the collection and stops once the home screen's
deck table holds its rows and one refresh has painted them. It reports, from the
moment the app mounted its screen stack (Python and Textual are imported by then):

- `paint`: seconds to that first full paint of the deck list;
- `decks()`: how many times `Collection.decks` ran before it, and their seconds;

each in wall seconds and in the process's CPU seconds (all its threads): on a
shared machine the wall time includes the waits for a core.

The floor is the same run on a tiny collection (three decks of 12 cards, built from
notes in a temporary folder), measured interleaved in the same run: the ratio says
what the big collection's size costs. Target (issue 16 item 3): paint ≤ 0.3 s at
1,000,000 cards with one `decks()` call. A run on the big file first warms it
(migrations, the day's backup); it is not counted. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.3

CHILD = r"""
import asyncio, sys, time
from pathlib import Path
from flashcards.collection import Collection
from flashcards.tui.app import make_app
from flashcards.tui.screens.home import HomeScreen

calls = []
original = Collection.decks

def timed_decks(self, *args, **kwargs):
    started, cpu = time.perf_counter(), time.process_time()
    try:
        return original(self, *args, **kwargs)
    finally:
        calls.append((time.perf_counter() - started, time.process_time() - cpu))

Collection.decks = timed_decks

async def main():
    app = make_app(Path(sys.argv[1]))
    started, cpu = time.perf_counter(), time.process_time()
    async with app.run_test(size=(100, 30)) as pilot:
        mounted = started
        while True:
            screen = app.screen
            if isinstance(screen, HomeScreen):
                table = screen.query_one("#decks")
                if table.row_count:
                    break
            if time.perf_counter() - started > 120:
                sys.exit(f"no deck list after 120 s; the app shows {type(screen).__name__}")
            await asyncio.sleep(0.001)
        await pilot.pause()  # one refresh: the rows are on the (virtual) screen
        painted, used = time.perf_counter(), time.process_time() - cpu
    decks = sum(c[0] for c in calls), sum(c[1] for c in calls)
    print(f"{painted - mounted:.4f} {used:.4f} {len(calls)} {decks[0]:.4f} {decks[1]:.4f} {table.row_count}")

asyncio.run(main())
"""


class Run(NamedTuple):
    paint: float  # seconds from the mount to the first full paint
    paint_cpu: float  # the process's CPU seconds (all its threads) meanwhile
    calls: int  # Collection.decks calls before the paint
    decks: float  # their seconds
    decks_cpu: float  # and their CPU seconds
    rows: int


def run(db: Path) -> Run:
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    )
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(db)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=db.parent,
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    paint, cpu, calls, decks, decks_cpu, rows = out.stdout.split()[-6:]
    return Run(float(paint), float(cpu), int(calls), float(decks), float(decks_cpu), int(rows))


def tiny(folder: Path) -> Path:
    """Three decks of 12 cards each, built from notes."""
    from flashcards.collection import Collection

    db = folder / "tiny.sqlite"
    with Collection.open(db) as col:
        for d in range(3):
            notes = folder / f"deck{d}"
            notes.mkdir()
            lines = [f"- Fact {i} of deck {d} is **answer {d}-{i}**." for i in range(12)]
            (notes / "notes.md").write_text("\n".join(lines) + "\n")
            col.build(notes)
    return db


def spread(values: list[float]) -> str:
    return f"min {min(values):.3f} s, median {statistics.median(values):.3f} s, max {max(values):.3f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="the big collection (not changed)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-home-", dir=args.db.parent) as tmp:
        work = Path(tmp) / "big.sqlite"
        shutil.copyfile(args.db, work)  # opening may migrate it: the given file stays as it is
        floor_db = tiny(Path(tmp))
        run(work)  # warm: migrations, the day's backup, the page cache
        run(floor_db)
        big, small = [], []
        for _ in range(args.runs):
            big.append(run(work))
            small.append(run(floor_db))
    print(f"home screen, first full paint of the deck list, {args.runs} runs each, interleaved:")
    print(f"  {args.db.name}: wall {spread([b.paint for b in big])}  [target ≤ {TARGET_S} s]")
    print(f"  {'':{len(args.db.name)}}  CPU  {spread([b.paint_cpu for b in big])}")
    print(
        f"    decks() calls per run: {sorted({b.calls for b in big})}, their time: wall "
        f"{spread([b.decks for b in big])}; CPU {spread([b.decks_cpu for b in big])}"
    )
    print(f"  floor, 36 cards in 3 decks: wall {spread([s.paint for s in small])}")
    print(f"                              CPU  {spread([s.paint_cpu for s in small])}")
    for label, field in (("wall", "paint"), ("CPU", "paint_cpu")):
        ours = statistics.median(getattr(b, field) for b in big)
        floor = statistics.median(getattr(s, field) for s in small)
        print(f"  ratio big/floor, {label}: {ours / floor:.2f} (big − floor: {ours - floor:.3f} s)")
    print(
        f"  load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
