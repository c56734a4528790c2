"""Benchmark of exporting: 50,000 cards to every format.

Generates a notes folder deterministically (100 Logseq-style pages: headings,
strong/highlight/cloze deletions with hints, children that are notes, question
cards), builds it into a fresh collection, writes a review history straight
through the store (SM-2 states replayed, so the log is consistent), then times
`export` to each format — targets: apkg ≤ 10 s, each other format ≤ 2 s.

    python benchmarks/bench_export.py                   # 50,000 cards in a temp folder
    python benchmarks/bench_export.py --cards 5000      # smaller
    python benchmarks/bench_export.py --keep /tmp/bench # keep (and reuse) notes and collection
    python benchmarks/bench_export.py --profile apkg    # also print where the time goes
    python benchmarks/bench_export.py --repeat 5        # each format 5 times: best and median
    python benchmarks/bench_export.py --only apkg       # one format (and its peer)

The peer: the apkg just written (states and reviews included) is imported into a
fresh collection of the real `anki` library, whose own `export_anki_package` (with
scheduling, Anki's current format) is then timed the same way, in the same run, and
the ratio printed (below 1.0: flashcards is faster).

Figures are printed, never asserted: the machine is shared and timings are noisy
(CPU seconds are printed next to wall seconds for that reason, and the load average
before the runs).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flashcards import sm2
from flashcards.collection import Collection
from flashcards.decks import DeckSpec
from flashcards.export import FORMATS, export
from flashcards.store import Store
from flashcards.study.state import state_tuple

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
TARGETS = {"apkg": 10.0}  # seconds; every other format: 2 s
CARDS_PER_GROUP = 5  # three strong/highlight deletions, one Logseq cloze, one question
GROUPS_PER_SECTION = 5
SECTIONS_PER_PAGE = 20
WORDS = [
    "model",
    "data",
    "feature",
    "pipeline",
    "latency",
    "drift",
    "label",
    "training",
    "serving",
    "batch",
    "stream",
    "metric",
    "baseline",
    "sample",
    "bias",
    "variance",
    "embedding",
    "cache",
    "shard",
    "replica",
    "queue",
    "schema",
    "monitor",
    "rollout",
    "canary",
    "ablation",
    "gradient",
    "loss",
    "tensor",
    "vector",
    "index",
    "retrieval",
]


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def write_notes(folder: Path, cards: int, seed: int = 7) -> int:
    """A notes folder that builds into about `cards` cards; returns the expected count."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    groups = -(-cards // CARDS_PER_GROUP)
    per_page = SECTIONS_PER_PAGE * GROUPS_PER_SECTION
    made = 0
    for page in range(-(-groups // per_page)):
        lines = [f"tags:: bench, topic {page}", ""]
        for section in range(SECTIONS_PER_PAGE):
            if made >= groups:
                break
            lines.append(f"- ## Topic {page} section {section}")
            for g in range(GROUPS_PER_SECTION):
                if made >= groups:
                    break
                key = f"{page}-{section}-{g}"
                lines += [
                    f"\t- {_words(rng, 4)} **term {key}a** {_words(rng, 3)} **term {key}b** "
                    f"and ==mark {key}c== {_words(rng, 6)}",
                    f"\t\t- {_words(rng, 10)}",
                    f"\t\t- a note with `code {key}` and a [[link {g}]] {_words(rng, 5)}",
                    f"\t- {_words(rng, 3)} {{{{cloze answer {key} \\\\ a cue}}}} {_words(rng, 8)}",
                    f"\t  {_words(rng, 6)} on a second line",
                    f"\t- What is question {key}? #card",
                    f"\t\t- the **answer {key}** is {_words(rng, 4)}",
                ]
                made += 1
        (folder / f"page-{page:03d}.md").write_text("\n".join(lines) + "\n")
    return made * CARDS_PER_GROUP


def add_reviews(col: Collection, seed: int = 11) -> int:
    """A review history for most cards, written in one transaction: 0–8 answers per
    card on successive due days, with same-day drills after answers below 4."""
    rng = random.Random(seed)
    store = Store(col.path)  # rows written straight through a connection of its own
    card_ids = [r[0] for r in store.execute("SELECT id FROM cards ORDER BY id")]
    start = date(2025, 1, 1)
    reviews: list[tuple] = []
    states: list[tuple] = []
    for card_id in card_ids:
        state = sm2.State()
        day = start + timedelta(days=rng.randrange(200))
        last = None
        for _ in range(rng.choice((0, 0, 1, 2, 3, 4, 5, 6, 8))):
            q = rng.choice((1, 3, 4, 4, 4, 5))
            before = state_tuple(state)
            state = sm2.apply(state, q, day)
            moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
            t = int(moment.timestamp() * 1000) + rng.randrange(3_600_000)
            dur = rng.randrange(1500, 20000)
            reviews.append(
                (card_id, t, day.isoformat(), q, dur, "review", *before, *state_tuple(state))
            )
            if q < 4:  # drilled until it earns a 4, the schedule stays
                after = state_tuple(state)
                reviews.append(
                    (card_id, t + 300_000, day.isoformat(), 4, dur, "drill", *after, *after)
                )
            last = day
            day = state.due
        if last is not None:
            states.append((*state_tuple(state), last.isoformat(), 0, card_id))
    with store.atomic():
        store.db.conn.executemany(
            "INSERT INTO reviews(card_id, time_ms, day, q, duration_ms, kind, reps_before, "
            "ef_before, interval_before, due_before, lapses_before, reps_after, ef_after, "
            "interval_after, due_after, lapses_after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            reviews,
        )
        store.db.conn.executemany(
            "UPDATE card_state SET repetitions = ?, ef = ?, interval = ?, due = ?, lapses = ?, "
            "last_day = ?, drill = ? WHERE card_id = ?",
            states,
        )
    store.close()
    col.refresh()
    return len(reviews)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, help="folder for the notes and collection (reused)")
    parser.add_argument("--profile", choices=list(FORMATS), help="profile one format's export")
    parser.add_argument("--repeat", type=int, default=3, help="runs per format (min, median, max)")
    parser.add_argument("--only", choices=list(FORMATS), help="time one format only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        base = args.keep or Path(scratch)
        base.mkdir(parents=True, exist_ok=True)
        notes, db = base / "notes", base / f"bench-{args.cards}.sqlite"
        fresh = not db.exists()
        with Collection.open(db, timezone="UTC") as col:
            if fresh:
                t = time.perf_counter()
                expected = write_notes(notes, args.cards)
                report = col.build(DeckSpec(name="bench", notes=[notes]))
                print(
                    f"generated {report.files} notes files, built {report.cards} cards "
                    f"(expected {expected}) in {time.perf_counter() - t:.1f} s"
                )
                t = time.perf_counter()
                n = add_reviews(col)
                print(f"wrote {n} reviews in {time.perf_counter() - t:.1f} s")
            cards = len(col.cards(include_retired=False))
            print(f"collection: {db} — {cards} cards, {col.review_count()} reviews\n")
            load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
            print(f"load average {load} on {os.cpu_count()} cores; {args.repeat} run(s) each\n")
            # CPU seconds too: on a shared machine the wall clock also counts waiting for a core
            print(
                f"{'format':<12} {'wall s':>7} {'cpu s':>6} {'med wall':>8} {'med cpu':>7} "
                f"{'max wall':>8} {'target':>7}  {'size':>9}  items"
            )
            out_dir = base / "exports"
            out_dir.mkdir(exist_ok=True)
            timings: dict[str, tuple[list[float], list[float]]] = {}
            for name, fmt in FORMATS.items():
                if args.only and name != args.only:
                    continue
                out = out_dir / f"bench{fmt.suffix}"
                walls, cpus = [], []
                for _ in range(max(1, args.repeat)):
                    t, cpu = time.perf_counter(), time.process_time()
                    result = export(col, [], name, out, force=True, now=NOW)
                    walls.append(time.perf_counter() - t)
                    cpus.append(time.process_time() - cpu)
                target = TARGETS.get(name, 2.0)
                flag = "ok" if min(walls) <= target else "SLOW"
                size = out.stat().st_size / 1e6
                print(
                    f"{name:<12} {min(walls):>7.2f} {min(cpus):>6.2f} "
                    f"{statistics.median(walls):>8.2f} {statistics.median(cpus):>7.2f} "
                    f"{max(walls):>8.2f} {target:>6.0f}s  {size:>7.1f}MB  {result.items} {flag}"
                )
                timings[name] = (walls, cpus)
            if "apkg" in timings:
                anki_peer(out_dir / "bench.apkg", base, *timings["apkg"], args.repeat)
            if args.profile:
                profiler = cProfile.Profile()
                out = out_dir / f"profile{FORMATS[args.profile].suffix}"
                profiler.runcall(export, col, [], args.profile, out, force=True, now=NOW)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0


def anki_peer(package: Path, base: Path, walls: list[float], cpus: list[float], runs: int) -> None:
    """Anki's own export of the same notes, states and reviews: the package imported into
    a fresh Anki collection, then `export_anki_package` timed as ours was."""
    import shutil

    from anki.collection import Collection as AnkiCollection
    from anki.collection import ExportAnkiPackageOptions, ImportAnkiPackageOptions
    from anki.import_export_pb2 import ImportAnkiPackageRequest

    folder = base / "anki-peer"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    anki = AnkiCollection(str(folder / "collection.anki2"))
    try:
        options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False)
        anki.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(package), options=options)
        )
        notes = anki.note_count()
        peer_walls, peer_cpus = [], []
        for _ in range(max(1, runs)):
            t, cpu = time.perf_counter(), time.process_time()
            anki.export_anki_package(
                out_path=str(folder / "anki.apkg"),
                options=ExportAnkiPackageOptions(with_scheduling=True, with_media=True),
                limit=None,
            )
            peer_walls.append(time.perf_counter() - t)
            peer_cpus.append(time.process_time() - cpu)
    finally:
        anki.close()
    print(f"\nanki {anki_version()} export_anki_package, {notes} notes with scheduling:")
    for label, ours, theirs in (("wall", walls, peer_walls), ("cpu", cpus, peer_cpus)):
        print(
            f"  {label}: anki min/median/max {min(theirs):.3f}/{statistics.median(theirs):.3f}/"
            f"{max(theirs):.3f} s; flashcards {min(ours):.3f}/{statistics.median(ours):.3f}/"
            f"{max(ours):.3f} s; ratio of minima {min(ours) / min(theirs):.2f}x, of medians "
            f"{statistics.median(ours) / statistics.median(theirs):.2f}x"
        )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"  load average after: {load}")


def anki_version() -> str:
    from importlib.metadata import version

    return version("anki")


if __name__ == "__main__":
    sys.exit(main())
