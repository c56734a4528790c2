"""Benchmark `flashcards import` of a phone's .colpkg: 50,000 notes, 500,000 answers.

The collection is a synthetic one of 50,000 cards (benchmarks/synthetic_collection.py);
the package is an Anki collection (schema 11, `collection.anki21`) written with sqlite3,
whose notes carry those cards' GUIDs and whose revlog holds 10 answers per card.
Each run imports into a fresh copy of the collection in a child process, so its peak
RSS is the import's own. Target: <= 10 s and <= 500 MiB. Prints min/median/max of the
runs and the load average (the machine is shared).

    python benchmarks/bench_import.py [--runs 3] [--notes 50000] [--answers 10]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic_collection import make_collection  # noqa: E402

DAY_MS = 86_400_000
START_MS = 1_750_000_000_000  # June 2025, after the synthetic collection's "today"


def make_package(db: Path, out: Path, per_card: int, seed: int = 5) -> int:
    rng = random.Random(seed)
    guids = [g for (g,) in sqlite3.connect(db).execute("SELECT guid FROM cards ORDER BY id")]
    scratch = out.with_suffix(".anki21")
    conn = sqlite3.connect(scratch)
    conn.executescript(
        """
        CREATE TABLE col (id INTEGER PRIMARY KEY, crt INTEGER, mod INTEGER, scm INTEGER,
            ver INTEGER, dty INTEGER, usn INTEGER, ls INTEGER, conf TEXT, models TEXT,
            decks TEXT, dconf TEXT, tags TEXT);
        CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, mid INTEGER, mod INTEGER,
            usn INTEGER, tags TEXT, flds TEXT, sfld TEXT, csum INTEGER, flags INTEGER, data TEXT);
        CREATE TABLE cards (id INTEGER PRIMARY KEY, nid INTEGER, did INTEGER, ord INTEGER,
            mod INTEGER, usn INTEGER, type INTEGER, queue INTEGER, due INTEGER, ivl INTEGER,
            factor INTEGER, reps INTEGER, lapses INTEGER, left INTEGER, odue INTEGER,
            odid INTEGER, flags INTEGER, data TEXT);
        CREATE TABLE revlog (id INTEGER PRIMARY KEY, cid INTEGER, usn INTEGER, ease INTEGER,
            ivl INTEGER, lastIvl INTEGER, factor INTEGER, time INTEGER, type INTEGER);
        """
    )
    models = {"1": {"name": "flashcards cloze", "type": 1, "flds": [{"name": "Text", "ord": 0}]}}
    conn.execute(
        "INSERT INTO col VALUES (1, 0, 0, 0, 11, 0, 0, 0, '{}', ?, ?, '{}', '{}')",
        (json.dumps(models), json.dumps({"1": {"name": "Default"}})),
    )
    conn.executemany(
        "INSERT INTO notes VALUES (?, ?, 1, 0, 0, '', ?, '', 0, 0, '')",
        ((i, g, f"{{{{c1::answer {i}}}}}") for i, g in enumerate(guids, 1)),
    )
    conn.executemany(
        "INSERT INTO cards VALUES (?, ?, 1, 0, 0, 0, 2, 2, 0, 1, 2500, 0, 0, 0, 0, 0, 0, '')",
        ((i, i) for i in range(1, len(guids) + 1)),
    )

    def card_rows(cid: int):
        day = 0
        for n in range(per_card):
            day += rng.randint(1, 3)  # days apart, in order; cid * 1000 ms < a day: ids unique
            yield (
                START_MS + cid * 1000 + day * DAY_MS,
                cid,
                0,
                rng.choice((1, 3, 3, 4)),
                1,
                1,
                2500,
                rng.randint(2000, 20000),
                1 if n else 0,
            )

    rows = (row for cid in range(1, len(guids) + 1) for row in card_rows(cid))
    conn.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.commit()
    answers = conn.execute("SELECT COUNT(*) FROM revlog").fetchone()[0]
    conn.close()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(scratch, "collection.anki21")
        z.writestr("media", "{}")
    scratch.unlink()
    return answers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--notes", type=int, default=50_000)
    parser.add_argument("--answers", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = folder / "base.sqlite"
        make_collection(base, cards=args.notes, reviews=0, decks=1)
        package = folder / "phone.colpkg"
        answers = make_package(base, package, args.answers)
        print(f"package: {args.notes} notes, {answers} answers, {package.stat().st_size >> 20} MiB")
        walls, rss = [], []
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for run in range(args.runs):
            db = folder / f"run{run}.sqlite"
            shutil.copy(base, db)
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            started = time.perf_counter()
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "flashcards",
                    "--db",
                    str(db),
                    "import",
                    str(package),
                    "--json",
                ],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            walls.append(time.perf_counter() - started)
            rss.append(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024)
            report = json.loads(done.stdout)
            assert report["reviews"] == answers, report
        print(
            f"import: min {min(walls):.2f} s, median {statistics.median(walls):.2f} s, "
            f"max {max(walls):.2f} s (target <= 10 s); peak RSS {max(rss):.0f} MiB (target <= 500 MiB)"
        )
        print("load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
