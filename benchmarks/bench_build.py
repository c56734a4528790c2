"""Benchmark of building a synthetic vault into a collection: cold, unchanged, one file changed.

    python benchmarks/bench_build.py                 # 2,500 files (~200,000 lines), temp folder
    python benchmarks/bench_build.py --files 500     # a smaller vault
    python benchmarks/bench_build.py --vault DIR     # generate into DIR (kept) or reuse it
    python benchmarks/bench_build.py --cold 1        # one cold build instead of the best of 3
    python benchmarks/bench_build.py --profile       # also profile the cold build

Prints, for the vault of benchmarks/vault.py (`generate(root, files=2500, seed=7)`):
- cold build into a fresh collection (target ≤ 3 s; best of --cold, each into a new
  file), split into reading the notes into cards (flashcards.notes, flashcards.cards;
  in two processes, and a new deck's cards are written while the files are read) and
  what is left after the last file is read (the last cards written, the commit);
- a rebuild with nothing changed (targets: ≤ 0.05 s at 2,500 files, ≤ 0.5 s at 25,000)
  and with one file changed (≤ 0.5 s): wall and CPU, min/median/max of --repeat runs,
  beside the floor of any such check measured in the same run (os.walk + os.stat of
  every notes file) and the ratio of median CPUs;
- cards per second into the collection, beside the real Anki backend's import of
  50,000 cloze notes from its text format in 0.93 s on the reference machine
  (~54,000 notes/s);
- peak RSS of the process.

The vault's files get an mtime an hour in the past, as a vault that was not being
written the second before a build: a file modified in the last 2 s is re-hashed on the
next build (its mtime may not have caught its last change yet), which is not the
steady state the targets are about. Figures are printed, never asserted: the machine
is shared and timings are noisy.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vault import vault_folder  # noqa: E402

import flashcards.build.read  # noqa: E402
from flashcards import Collection  # noqa: E402
from flashcards.build.write import write_new_deck  # noqa: E402
from flashcards.reading import default_workers, extract_paths  # noqa: E402
from flashcards.store import Store  # noqa: E402
from flashcards.store import decks as deck_rows  # noqa: E402

ANKI_NOTES_PER_S = 50_000 / 0.93


def _peak_rss_mib() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _age(vault: Path, seconds: int = 3600) -> list[Path]:
    """Give every notes file an mtime in the past; returns them, sorted."""
    files = sorted(vault.rglob("*.md"))
    past = time.time_ns() - seconds * 10**9
    for i, path in enumerate(files):
        os.utime(path, ns=(past + i, past + i))
    return files


class _ReadTimer:
    """Time from the start of flashcards.build's `read_files` to its last file read (read,
    parse, extract; in a forked worker too, which this process's CPU time misses). A new
    deck's cards are written as their files come in: that writing is inside this time."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.cpu = 0.0
        self.workers = 1
        self._read_files = flashcards.build.read.read_files

    def __enter__(self) -> _ReadTimer:
        def timed(jobs, read, workers=None, progress=None, packed=False):  # type: ignore[no-untyped-def]
            n = default_workers(len(jobs)) if workers is None else workers
            self.workers = max(self.workers, n)
            start, cpu = time.perf_counter(), time.process_time()
            try:
                yield from self._read_files(jobs, read, workers, progress, packed)
            finally:
                self.seconds += time.perf_counter() - start
                self.cpu += time.process_time() - cpu

        flashcards.build.read.read_files = timed
        return self

    def __exit__(self, *exc: object) -> None:
        flashcards.build.read.read_files = self._read_files


def _runs(
    repeat: int, setup: Callable[[], None], run: Callable[[], object]
) -> tuple[list[float], list[float], object]:
    """Wall and CPU seconds of each of `repeat` runs, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        setup()
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, result


def _spread(values: list[float]) -> str:
    """min/median/max, in seconds."""
    return f"{min(values):.3f}/{statistics.median(values):.3f}/{max(values):.3f}"


def _stat_floor(vault: Path) -> None:
    """The least any no-change check does: list the vault's folders and stat each
    notes file (os.walk + os.stat, nothing else)."""
    for root, _dirs, names in os.walk(vault):
        for name in names:
            if name.endswith(".md"):
                os.stat(os.path.join(root, name))


def _write_only(vault: Path, db: Path) -> tuple[float, int]:
    """Seconds to write the vault's cards, already read, into a fresh collection: the
    same rows and the same one transaction as a cold build, without the reading."""
    cards = extract_paths([vault]).cards
    files = sorted({Path(c.source) for c in cards})
    parsed: dict[str, list] = {}
    for card in cards:
        parsed.setdefault(card.source, []).append(card)
    Collection.open(db).close()
    store = Store(db)
    try:
        gc.collect()
        start = time.perf_counter()
        with store.atomic():
            deck_id = deck_rows.upsert(store, None, "write-only", None, None, [str(vault)], "", {})
            write_new_deck(store, deck_id, files, parsed)
        return time.perf_counter() - start, len(cards)
    finally:
        store.close()


def run(vault: Path, repeat: int, cold_runs: int, profile: bool) -> None:
    files = _age(vault)
    with tempfile.TemporaryDirectory(prefix="flashcards-bench-") as tmp:
        db = Path(tmp) / "collection.sqlite"
        cold_s = float("inf")
        for _ in range(cold_runs):
            for path in db.parent.glob(db.name + "*"):
                path.unlink()
            with Collection.open(db) as col:
                gc.collect()
                with _ReadTimer() as timer:
                    start, cpu = time.perf_counter(), time.process_time()
                    report = col.build(vault)
                    took, took_cpu = time.perf_counter() - start, time.process_time() - cpu
            if took < cold_s:
                cold, cold_s, cold_cpu, reading = report, took, took_cpu, timer
        rss = _peak_rss_mib()
        with Collection.open(db) as col:
            col.build(vault)  # warm: the first rebuild after a cold one hashes racy files
            nothing_w, nothing_c, unchanged = _runs(repeat, lambda: None, lambda: col.build(vault))
            floor_w, floor_c, _ = _runs(repeat, lambda: None, lambda: _stat_floor(vault))

            # one file changed: a sentence edited and a block added, then undone, in turn
            target = files[len(files) // 2]
            original = target.read_text(encoding="utf-8")
            lines = original.split("\n")
            at = next(
                i for i, line in enumerate(lines) if re.search(r"\w \*\*\w[^*]*\*\* \w", line)
            )
            lines[at] += " indeed"
            edited = "\n".join(lines) + "- a new **fact** here\n"
            texts = [original, edited]
            tick = [0]
            results = []

            def change_one_file() -> None:
                tick[0] += 1
                target.write_text(texts[tick[0] % 2], encoding="utf-8")
                past = time.time_ns() - 600 * 10**9 + tick[0]
                os.utime(target, ns=(past, past))

            def build_changed() -> object:
                results.append(col.build(vault))
                return results[-1]

            one_w, one_c, _ = _runs(repeat, change_one_file, build_changed)
            one = results[0]  # the edit (the next one undoes it)
            target.write_text(original, encoding="utf-8")
        size = db.stat().st_size
        write_s, written = _write_only(vault, Path(tmp) / "write-only.sqlite")

        print(f"files             {cold.files:>12,}")
        print(f"lines             {cold.lines:>12,}")
        print(f"cards             {cold.cards:>12,}")
        print(f"collection        {size / 2**20:>12.1f} MiB")
        # CPU seconds beside wall seconds: on a shared machine the wall clock also counts
        # the time other processes had the cores
        print(
            f"cold build        {cold_s:>12.3f} s    (target ≤ 3 s; best of {cold_runs}; "
            f"CPU {cold_cpu:.3f} s in this process)"
        )
        print(
            f"  reading notes   {reading.seconds:>12.3f} s    (read + parse + extract cards in "
            f"{reading.workers} process{'es' if reading.workers > 1 else ''}, the first "
            f"files' cards written meanwhile; CPU {reading.cpu:.3f} s in this one)"
        )
        print(
            f"  after reading   {cold_s - reading.seconds:>12.3f} s    "
            f"(the last cards written, committed; CPU {cold_cpu - reading.cpu:.3f} s)"
        )
        print(
            f"no-change rebuild  wall {_spread(nothing_w)} s, CPU {_spread(nothing_c)} s "
            f"(min/median/max of {repeat}; target ≤ 0.05 s at 2,500 files, ≤ 0.5 s at 25,000; "
            f"read {unchanged.read})"  # type: ignore[union-attr]
        )
        print(
            f"  floor: walk+stat wall {_spread(floor_w)} s, CPU {_spread(floor_c)} s; "
            f"ratio of median CPU {statistics.median(nothing_c) / statistics.median(floor_c):.2f}x"
        )
        print(
            f"one file changed   wall {_spread(one_w)} s, CPU {_spread(one_c)} s "
            f"(target ≤ 0.5 s; read {one.read}, "  # type: ignore[union-attr]
            f"new {one.new}, edited {one.edited}, retired {one.retired})"  # type: ignore[union-attr]
        )
        print(f"lines/s (cold)    {cold.lines / cold_s:>12,.0f}")
        print(f"cards/s (cold)    {cold.cards / cold_s:>12,.0f}")
        print(
            f"  Anki imports    {ANKI_NOTES_PER_S:>12,.0f} notes/s (50,000 cloze notes in 0.93 s, "
            "from its text format; the figure above includes reading the notes)"
        )
        print(
            f"  written alone   {written / write_s:>12,.0f} cards/s ({written:,} cards already "
            f"read, into a fresh collection in {write_s:.3f} s: what Anki's figure measures)"
        )
        print(f"peak RSS          {rss:>12.1f} MiB (after the cold builds)")
        print(
            f"load avg          {os.getloadavg()[0]:>12.2f}      (1 min, during the runs; other "
            "work on the machine slows them)"
        )

        if profile:
            for path in db.parent.glob(db.name + "*"):
                path.unlink()
            with Collection.open(db) as col:
                prof = cProfile.Profile()
                prof.enable()
                col.build(vault)
                prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=2500, help="files in the vault (2500)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--vault", type=Path, help="generate into (or reuse) this folder")
    parser.add_argument("--repeat", type=int, default=5, help="rebuild timings: N runs (5)")
    parser.add_argument("--cold", type=int, default=3, help="cold builds: best of N (3)")
    parser.add_argument("--profile", action="store_true", help="profile one more cold build")
    args = parser.parse_args()

    with vault_folder(args.vault, args.files, args.seed) as root:
        run(root, args.repeat, args.cold, args.profile)


if __name__ == "__main__":
    main()
