"""Benchmark of a cold build's memory: the peak RSS summed over its process tree.

    python benchmarks/bench_build_memory.py                   # 5,000 files (~90,000 cards), temp folder
    python benchmarks/bench_build_memory.py --files 50000     # ~911,000 cards (target: <= 500 MiB)
    python benchmarks/bench_build_memory.py --vault DIR       # generate into DIR (kept) or reuse it
    python benchmarks/bench_build_memory.py --against TREE    # also the same build with TREE's code

Runs `python -m flashcards --db NEW build VAULT` for the vault of benchmarks/vault.py
(`generate(root, files, seed=7)`) into a fresh collection, --runs times, and samples
every 0.1 s the RSS of the build's process and of every process below it (the
parallel reader's worker), summed — as /proc shows them, the way `ps` would. Prints,
min/median/max over the runs:
- the peak summed RSS, and the main process's own peak;
- the floor measured in the same run the same way: the same command building an empty
  folder (the interpreter, the imports, an open collection), and the ratio;
- MiB per 100,000 cards, of the peak and above the floor (issue 16's target: a cold
  build of 1,000,000 cards peaks at <= 500 MiB; a build that streams its cards is not
  linear in them: measure at --files 50000, ~911,000 cards);
- CPU seconds of the whole tree (user + system, the worker's included) and wall;
- with --against: each figure for TREE's code too (PYTHONPATH=TREE), runs alternating,
  and the ratios this / that.
Figures are printed, never asserted; the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vault import vault_folder  # noqa: E402

HERE = Path(__file__).resolve().parent.parent
SAMPLE_S = 0.1


def _tree(pid: int) -> list[int]:
    """`pid` and every process below it."""
    found = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    found.extend(_tree(int(child)))
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return 0


class Run:
    """One build: peak summed RSS and main-process RSS (MiB), CPU and wall seconds, cards."""

    def __init__(self, code: Path, notes: Path, db: Path) -> None:
        for path in db.parent.glob(db.name + "*"):
            path.unlink()
        env = {**os.environ, "PYTHONPATH": str(code)}
        command = [sys.executable, "-m", "flashcards", "--db", str(db), "build", str(notes)]
        start = time.perf_counter()
        # run from `code`: `python -m` puts the working directory first on the path
        proc = subprocess.Popen(command, env=env, cwd=code, stdout=subprocess.PIPE, text=True)
        peak = peak_main = 0
        while True:
            # sampled while it runs; wait4 reaps it (and gives its tree's CPU) once it ends
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, sum(_rss_kib(p) for p in _tree(proc.pid)))
            peak_main = max(peak_main, _rss_kib(proc.pid))
            time.sleep(SAMPLE_S)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out = proc.stdout.read() if proc.stdout else ""
        if proc.returncode != 0:
            raise SystemExit(f"build failed ({proc.returncode}): {' '.join(command)}\n{out}")
        self.wall = time.perf_counter() - start
        # the build's own CPU and that of the workers it waited for
        self.cpu = usage.ru_utime + usage.ru_stime
        self.peak, self.main = peak / 1024, peak_main / 1024
        found = re.search(r"(\d[\d,]*) cards", out)
        self.cards = int(found[1].replace(",", "")) if found else 0


def _mmm(values: list[float], unit: str = "", digits: int = 0) -> str:
    return (
        f"{min(values):,.{digits}f}/{statistics.median(values):,.{digits}f}/"
        f"{max(values):,.{digits}f}{unit}"
    )


def _report(name: str, runs: list[Run], floor: list[Run]) -> dict[str, float]:
    cards = runs[0].cards
    peaks = [r.peak for r in runs]
    floor_peak = statistics.median(r.peak for r in floor)
    per_100k = [r.peak / cards * 100_000 for r in runs] if cards else [0.0]
    above = [(r.peak - floor_peak) / cards * 100_000 for r in runs] if cards else [0.0]
    print(f"{name}")
    print(f"  cards                {cards:,}")
    print(f"  peak RSS, tree       {_mmm(peaks, ' MiB')}   (min/median/max of {len(runs)})")
    print(f"  peak RSS, main       {_mmm([r.main for r in runs], ' MiB')}")
    print(
        f"  floor (empty build)  {_mmm([r.peak for r in floor], ' MiB')}   "
        f"ratio of medians {statistics.median(peaks) / floor_peak:.2f}x"
    )
    print(
        f"  per 100k cards       {_mmm(per_100k, ' MiB', 1)}, {_mmm(above, ' MiB', 1)} above the floor"
    )
    print(f"  CPU, whole tree      {_mmm([r.cpu for r in runs], ' s', 2)}")
    print(f"  wall                 {_mmm([r.wall for r in runs], ' s', 2)}")
    return {
        "peak": statistics.median(peaks),
        "cpu": statistics.median(r.cpu for r in runs),
        "wall": statistics.median(r.wall for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=5000, help="files in the vault (5000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--vault", type=Path, help="generate into (or reuse) this folder")
    parser.add_argument("--runs", type=int, default=3, help="cold builds of each code (3)")
    parser.add_argument("--against", type=Path, help="a checkout whose code to compare with")
    args = parser.parse_args()
    codes = {"this tree": HERE}
    if args.against is not None:
        codes[f"{args.against}"] = args.against.resolve()
    with (
        vault_folder(args.vault, args.files, args.seed) as vault,
        tempfile.TemporaryDirectory(prefix="flashcards-mem-") as tmp,
    ):
        empty = Path(tmp) / "empty"
        empty.mkdir()
        db = Path(tmp) / "collection.sqlite"
        runs: dict[str, list[Run]] = {name: [] for name in codes}
        floors: dict[str, list[Run]] = {name: [] for name in codes}
        loads = []
        for _ in range(args.runs):
            for name, code in codes.items():  # alternating: load drifts alike for both
                floors[name].append(Run(code, empty, db))
                runs[name].append(Run(code, vault, db))
                loads.append(os.getloadavg()[0])
        print(f"vault {vault}: {sum(1 for _ in vault.rglob('*.md')):,} files")
        figures = {name: _report(name, runs[name], floors[name]) for name in codes}
        if len(figures) == 2:
            this, that = figures.values()
            print(
                f"ratios this / {args.against}: peak RSS {this['peak'] / that['peak']:.2f}x, "
                f"CPU {this['cpu'] / that['cpu']:.2f}x, wall {this['wall'] / that['wall']:.2f}x "
                "(medians)"
            )
        print(f"load avg (1 min)       {_mmm(loads, '', 2)}   (2 cores shared: wall is noisy)")


if __name__ == "__main__":
    main()
