"""Benchmark of reading notes into cards: a synthetic vault through `extract_paths`.

    python benchmarks/bench_parse.py                 # 2,500 files (~200,000 lines) in a temp folder
    python benchmarks/bench_parse.py --files 500     # a smaller vault
    python benchmarks/bench_parse.py --vault DIR     # generate into DIR (kept), or reuse it
    python benchmarks/bench_parse.py --workers 1     # only the single-process run
    python benchmarks/bench_parse.py --profile       # also print where the time goes

The vault is read as a deck lists it (`vault.note_paths`: the Logseq pages, the
Obsidian vault with the spaced-repetition plugin, the outlines). Prints files,
lines, blocks, cards, then min/median/max seconds of `--repeat` runs and lines/s for
one process and for `extract_paths` as users get it (`--workers` processes; by
default as many as it chooses: `flashcards.cards.default_workers`, 2 for a vault
this size on a machine with 2 CPUs or more), whether both gave the same cards, the
peak RSS, and the floor: reading and decoding the same files into lines, timed in
the same run, with each parse's ratio to it.
Target on a 2-core machine: the 2,500-file vault parsed into cards in ≤ 2 s.
Figures are printed, never asserted: the machine may be shared, and the load
average is printed with them.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import resource
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vault import note_paths, vault_folder  # noqa: E402

from flashcards.cards import Extraction
from flashcards.reading import default_workers, extract_paths  # noqa: E402


def _mib(kib: int) -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS
    return kib / (1024 * 1024) if sys.platform == "darwin" else kib / 1024


def _timed(vault: Path, workers: int | None, repeat: int) -> tuple[Extraction, list[float], float]:
    """The result, the wall seconds of each of `repeat` runs, and the best CPU seconds
    (of this process only)."""
    walls: list[float] = []
    best_cpu = float("inf")
    result = Extraction()
    for _ in range(repeat):
        result = Extraction()
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        result = extract_paths(note_paths(vault), workers=workers)
        walls.append(time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return result, walls, best_cpu


def _floor(vault: Path, repeat: int) -> list[float]:
    """Seconds to read and decode the same notes files into lines: no parser does less."""
    files = sorted(f for p in note_paths(vault) for f in p.rglob("*.md"))
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        for f in files:
            f.read_text(encoding="utf-8").splitlines()
        walls.append(time.perf_counter() - start)
    return walls


def _spread(walls: list[float]) -> str:
    return f"min {min(walls):.3f} / median {statistics.median(walls):.3f} / max {max(walls):.3f}"


def run(vault: Path, repeat: int, workers: int | None, profile: bool) -> None:
    floor = _floor(vault, repeat)
    result, walls, cpu = _timed(vault, 1, repeat)
    wall = statistics.median(walls)
    peak = _mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    print(f"files       {result.files:>10,}")
    print(f"lines       {result.lines:>10,}")
    print(f"blocks      {result.blocks:>10,}")
    print(f"cards       {len(result.cards):>10,}")
    print(f"warnings    {len(result.warnings):>10,}")
    print(
        f"floor       {statistics.median(floor):>10.3f}   read+decode the files ({_spread(floor)})"
    )
    print(f"seconds     {wall:>10.3f}   1 process, median ({_spread(walls)}; best CPU {cpu:.3f} s)")
    print(f"ratio       {wall / statistics.median(floor):>10.1f}   1 process / floor (medians)")
    print(f"lines/s     {result.lines / wall:>10,.0f}   1 process")
    n = default_workers(result.files + len(result.warnings)) if workers is None else workers
    if n > 1:
        parallel, walls_n, _ = _timed(vault, workers, repeat)
        wall_n = statistics.median(walls_n)
        same = [asdict(c) for c in parallel.cards] == [asdict(c) for c in result.cards]
        how = "the default" if workers is None else "--workers"
        print(
            f"seconds     {wall_n:>10.3f}   {n} processes, {how}, median ({_spread(walls_n)}; "
            "target ≤ 2 s)"
        )
        print(f"ratio       {wall_n / statistics.median(floor):>10.1f}   {n} processes / floor")
        print(f"lines/s     {result.lines / wall_n:>10,.0f}   {n} processes")
        print(f"same cards  {'yes' if same else 'NO':>10}")
    print(f"peak RSS    {peak:>10.1f} MiB   1 process")
    if n > 1:
        children = _mib(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        print(
            f"peak RSS    {children:>10.1f} MiB   largest worker (pages shared with this process count)"
        )
    print(
        f"load avg    {os.getloadavg()[0]:>10.2f}   (1 min, during the runs; other work slows them)"
    )
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        extract_paths(note_paths(vault), workers=1)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--files", type=int, default=2500, help="files in the generated vault (default 2500)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--vault", type=Path, help="generate into (or reuse) this folder instead of a temp one"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="time each parse this many times (at least 3)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes for the second run (default: extract_paths' own choice; 1 skips it)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of one more single-process run"
    )
    args = parser.parse_args()
    args.repeat = max(3, args.repeat)

    with vault_folder(args.vault, args.files, args.seed) as root:
        run(root, args.repeat, args.workers, args.profile)


if __name__ == "__main__":
    main()
