"""Benchmark `flashcards import` of a phone's .colpkg: 50,000 notes, 500,000 answers.

The collection is a synthetic one of 50,000 cards (benchmarks/synthetic_collection.py).
The package is written by the real `anki` library (`export_collection_package`, the
latest format: zstd `collection.anki21b`, schema 18) from an Anki collection of cloze
notes carrying those cards' GUIDs, whose revlog holds 10 answers per card (set with
SQLite while Anki has the file closed, as benchmarks/anki_peer.py does).

Each run, in child processes (so each peak RSS and CPU time is its own, from wait4):
- flashcards: `python -m flashcards --db COPY import phone.colpkg --json` into a fresh
  copy of the collection; target <= 10 s and <= 500 MiB; then "flashcards again": the
  same file imported a second time (it adds nothing: every answer is recognised);
- floor: what any importer into this collection must do, with sqlite3 alone: unpack the
  package's collection, read its revlog by card, append that many rows to `reviews`
  (insert trigger off, constant states) in one transaction of a fresh copy, commit;
- anki: the real Anki library importing the same file into a fresh collection
  (`import_anki_package` with scheduling: 50,000 notes, cards and 500,000 revlog rows).
Prints min/median/max of wall and CPU seconds and peak RSS of each, the ratios of the
medians against the floor and against Anki, and the load average (the machine is
shared: CPU seconds are the steadier figure under load).

    python benchmarks/bench_import.py [--runs 3] [--notes 50000] [--answers 10]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

DAY_MS = 86_400_000
START_MS = 1_750_000_000_000  # June 2025, after the synthetic collection's "today"


def make_package(db: Path, out: Path, per_card: int, seed: int = 5) -> int:
    """A .colpkg written by Anki whose notes carry the GUIDs of `db`'s cards; its answers."""
    from anki.collection import AddNoteRequest, Collection

    rng = random.Random(seed)
    guids = [g for (g,) in sqlite3.connect(db).execute("SELECT guid FROM cards ORDER BY id")]
    src = out.with_suffix(".anki2")
    col = Collection(str(src))
    deck_id = col.decks.id("Phone")
    model = col.models.by_name("Cloze")
    requests = []
    for i in range(len(guids)):
        note = col.new_note(model)
        note["Text"] = f"{{{{c1::answer {i}}}}} of note {i}"
        requests.append(AddNoteRequest(note=note, deck_id=deck_id))
    col.add_notes(requests)
    col.close()
    conn = sqlite3.connect(src)
    note_ids = [n for (n,) in conn.execute("SELECT id FROM notes ORDER BY id")]
    conn.executemany("UPDATE notes SET guid = ? WHERE id = ?", zip(guids, note_ids, strict=True))
    card_ids = [c for (c,) in conn.execute("SELECT id FROM cards ORDER BY nid")]

    def card_rows(k: int, cid: int):
        day = 0
        for n in range(per_card):
            day += rng.randint(1, 3)  # days apart, in order; k * 1000 ms < a day: ids unique
            yield (
                START_MS + k * 1000 + day * DAY_MS,
                cid,
                rng.choice((1, 3, 3, 4)),
                rng.randint(2000, 20000),
                1 if n else 0,
            )

    conn.executemany(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
        "VALUES (?, ?, -1, ?, 1, 1, 2500, ?, ?)",
        (row for k, cid in enumerate(card_ids) for row in card_rows(k, cid)),
    )
    conn.commit()
    answers = conn.execute("SELECT COUNT(*) FROM revlog").fetchone()[0]
    conn.close()
    col = Collection(str(src))
    col.export_collection_package(str(out), include_media=True, legacy=False)
    col.close()
    return answers


# -- the children --------------------------------------------------------------------


def setup_child(folder: Path, notes: int, per_card: int) -> int:
    """The collection (base.sqlite) and the package (phone.colpkg) in `folder`; answers."""
    from synthetic_collection import make_collection

    base = folder / "base.sqlite"
    make_collection(base, cards=notes, reviews=0, decks=1)
    return make_package(base, folder / "phone.colpkg", per_card)


def floor_child(db: Path, package: Path) -> None:
    """sqlite3 alone: the package's revlog read by card and appended to `reviews`."""
    import zipfile

    import zstandard

    scratch = db.with_suffix(".package")
    with (
        zipfile.ZipFile(package) as z,
        z.open("collection.anki21b") as raw,
        open(scratch, "wb") as out,
    ):
        shutil.copyfileobj(zstandard.ZstdDecompressor().stream_reader(raw), out)
    pkg = sqlite3.connect(f"file:{scratch}?mode=ro", uri=True)
    rows = pkg.execute(
        "SELECT cid, id, ease, time FROM revlog WHERE type IN (0, 1, 2) ORDER BY cid, id"
    )
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    ours = [c for (c,) in conn.execute("SELECT id FROM cards ORDER BY id")]
    theirs = [c for (c,) in pkg.execute("SELECT id FROM cards ORDER BY id")]
    card_of = dict(zip(theirs, ours, strict=False))
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DROP TRIGGER reviews_summary_insert")
    conn.executemany(
        "INSERT INTO reviews(card_id, time_ms, day, q, duration_ms, kind, reps_before, "
        "ef_before, interval_before, due_before, lapses_before, reps_after, ef_after, "
        "interval_after, due_after, lapses_after) VALUES (?, ?, '2025-06-01', ?, ?, 'review', "
        "0, 2500, 0, NULL, 0, 1, 2500, 1, '2025-06-02', 0)",
        ((card_of[cid], ms, ease, dur) for cid, ms, ease, dur in rows),
    )
    conn.execute("COMMIT")
    scratch.unlink()


def anki_child(package: Path, target: Path) -> None:
    """The real Anki library importing the package into a fresh collection."""
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(target))
    options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))
    print(col.db.scalar("SELECT COUNT(*) FROM revlog"))
    col.close()


# -- measuring -----------------------------------------------------------------------


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MiB, stdout) of one child process."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        err = child.stderr.read().decode() if child.stderr else ""
        if child.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{err}")
        out.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read().decode()


def spread(values: list[float], unit: str) -> str:
    return (
        f"min {min(values):.2f}{unit}, median {statistics.median(values):.2f}{unit}, "
        f"max {max(values):.2f}{unit}"
    )


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--notes", type=int, default=50_000)
    parser.add_argument("--answers", type=int, default=10)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # the parent stays small: a child's peak RSS starts from its parent's
        kind, *paths = args.child
        if kind == "setup":
            print(setup_child(Path(paths[0]), args.notes, args.answers))
        elif kind == "floor":
            floor_child(Path(paths[0]), Path(paths[1]))
        else:
            anki_child(Path(paths[0]), Path(paths[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        me = [sys.executable, str(Path(__file__).resolve())]
        made = subprocess.run(
            [*me, "--notes", str(args.notes), "--answers", str(args.answers)]
            + ["--child", "setup", str(folder)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        answers = int(made.stdout.split()[-1])
        base, package = folder / "base.sqlite", folder / "phone.colpkg"
        apkg = folder / "phone.apkg"  # the same file: Anki's importer goes by the name
        shutil.copy(package, apkg)
        print(f"package: {args.notes} notes, {answers} answers, {package.stat().st_size >> 20} MiB")
        print(f"load average before: {load()}")
        me.append("--child")
        figures: dict[str, list[tuple[float, float, float]]] = {
            "flashcards": [],
            "flashcards again": [],
            "floor": [],
            "anki": [],
        }
        for run in range(args.runs):
            db = folder / f"run{run}.sqlite"
            shutil.copy(base, db)
            command = [sys.executable, "-m", "flashcards", "--db", str(db), "import"]
            wall, cpu, rss, out = measure([*command, str(package), "--json"], env)
            report = json.loads(out)
            assert report["reviews"] == answers, report
            figures["flashcards"].append((wall, cpu, rss))
            wall, cpu, rss, out = measure([*command, str(package), "--json"], env)
            report = json.loads(out)
            assert (report["reviews"], report["known"]) == (0, answers), report
            figures["flashcards again"].append((wall, cpu, rss))
            floor_db = folder / f"floor{run}.sqlite"
            shutil.copy(base, floor_db)
            figures["floor"].append(measure([*me, "floor", str(floor_db), str(package)], env)[:3])
            wall, cpu, rss, out = measure(
                [*me, "anki", str(apkg), str(folder / f"anki{run}.anki2")], env
            )
            assert int(out.strip()) == answers, out
            figures["anki"].append((wall, cpu, rss))
            for path in folder.glob(f"*{run}.*"):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        for name, rows in figures.items():
            walls, cpus, rsss = zip(*rows, strict=True)
            print(
                f"{name}: wall {spread(list(walls), ' s')}; CPU {spread(list(cpus), ' s')}; "
                f"peak RSS max {max(rsss):.0f} MiB"
            )
        med = {
            name: [statistics.median(r[i] for r in rows) for i in range(2)]
            for name, rows in figures.items()
        }
        for peer in ("floor", "anki"):
            print(
                f"flashcards / {peer} (medians): wall {med['flashcards'][0] / med[peer][0]:.2f}x, "
                f"CPU {med['flashcards'][1] / med[peer][1]:.2f}x"
            )
        fc = figures["flashcards"]
        print(
            f"target: wall <= 10 s (median {statistics.median(r[0] for r in fc):.2f} s), "
            f"peak RSS <= 500 MiB ({max(r[2] for r in fc):.0f} MiB)"
        )
        print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
