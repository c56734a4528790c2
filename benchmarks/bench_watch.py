"""Benchmark of the app following the notes: how soon a change is seen, what the
rebuild costs, how long an answer waits while it runs, and how soon watching stops.

    python benchmarks/bench_watch.py                 # 500 files of benchmarks/vault.py
    python benchmarks/bench_watch.py --files 2500 --runs 5

The same pieces the app runs (flashcards.tui.notes_watch and building.build_decks),
without Textual: a watch thread over the vault, a file edited and saved, the rebuild
on a thread with its own connection (as the app's worker), and meanwhile answers on
the main thread's connection, each one write transaction (as the review screen's).
Printed, with min/median/max of --runs:
- seen: from the save to the watcher's batch (the floor is the quiet step, STEP_MS);
- rebuild: the deck rebuilt after one file changed;
- answer: one answer's wall time with no rebuild running, and while one runs (the
  same run, same connection); their ratio says how long the rebuild holds the lock;
- stop: from the stop event to the watch thread's end (what quitting waits for).
Figures are printed, never asserted: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vault import generate  # noqa: E402

from flashcards.collection import Collection  # noqa: E402
from flashcards.tui.building import build_decks, rebuild_targets  # noqa: E402
from flashcards.tui.notes_watch import STEP_MS, watch_paths, watch_plan  # noqa: E402


def _spread(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{min(ms):9.1f} {statistics.median(ms):9.1f} {max(ms):9.1f}"


def _answers_while(col: Collection, cards: list[int], running: threading.Event) -> list[float]:
    """Answer cards one after another while `running` is set (at least one); each wall time."""
    took: list[float] = []
    i = 0
    while running.is_set() or not took:
        start = time.perf_counter()
        col.answer(cards[i % len(cards)], 4)
        took.append(time.perf_counter() - start)
        i += 1
    return took


def _rebuild(db: Path, targets: list, running: threading.Event, took: list[float]) -> None:
    """The app's rebuild worker: build_decks on its own connection; then `running` ends."""
    start = time.perf_counter()
    outcome = build_decks(db, targets, lambda *_: None)
    took.append(time.perf_counter() - start)
    running.clear()
    assert not outcome.errors, outcome.errors


def run(root: Path, files: int, runs: int) -> None:
    vault = root / "vault"
    generate(vault, files=files, seed=7)
    past = time.time() - 3600  # a vault not written the second before (see bench_build)
    notes = sorted(p for p in vault.rglob("*.md"))
    for path in notes:
        os.utime(path, (past, past))
    db = root / "collection.sqlite"
    with Collection.open(db, backup=False) as col:
        col.build(vault)
        plan = watch_plan(col)
        cards = [c.id for c in col.cards() if c.status == "active"][:200]
        batches: queue.Queue[tuple[float, set[str]]] = queue.Queue()
        stop = threading.Event()
        ready = threading.Event()
        watcher = threading.Thread(
            target=watch_paths,
            args=(
                plan,
                plan.tree_roots,
                True,
                stop,
                lambda paths: batches.put((time.perf_counter(), paths)),
                ready.set,
            ),
        )
        watcher.start()
        ready.wait(30)
        target = notes[len(notes) // 2]
        original = target.read_text(encoding="utf-8")
        texts = [original + "- a new **fact** here\n", original]
        seen, rebuilt, idle, during, stops = [], [], [], [], []
        for n in range(runs):
            # answers with nothing else running: the peer of the answers during a rebuild
            running = threading.Event()
            running.set()
            threading.Timer(0.3, running.clear).start()
            idle.extend(_answers_while(col, cards, running))

            saved = time.perf_counter()
            target.write_text(texts[n % 2], encoding="utf-8")
            at, paths = batches.get(timeout=30)
            seen.append(at - saved)
            decks = plan.decks_touched(paths)
            targets = rebuild_targets(col, sorted(decks))

            running.set()

            builder = threading.Thread(target=_rebuild, args=(db, targets, running, rebuilt))
            builder.start()
            during.extend(_answers_while(col, cards, running))
            builder.join()
            col.refresh()
            while not batches.empty():
                batches.get()
        stop.set()
        watcher.join()
        target.write_text(original, encoding="utf-8")
        for _ in range(runs):  # a watcher started, ready, stopped: what quitting waits for
            stop, ready = threading.Event(), threading.Event()
            args = (plan, plan.tree_roots, True, stop, lambda paths: None, ready.set)
            watcher = threading.Thread(target=watch_paths, args=args)
            watcher.start()
            ready.wait(30)
            start = time.perf_counter()
            stop.set()
            watcher.join()
            stops.append(time.perf_counter() - start)

    print(
        f"vault {files} files, {len(notes)} notes; runs {runs}; load average "
        f"{os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores"
    )
    print(f"{'ms':<32} {'min':>9} {'median':>9} {'max':>9}")
    print(f"{'seen (save -> batch)':<32} {_spread(seen)}   floor: step {STEP_MS} ms")
    print(f"{'rebuild (one file changed)':<32} {_spread(rebuilt)}")
    print(f"{'answer, nothing else running':<32} {_spread(idle)}   ({len(idle)} answers)")
    print(f"{'answer, during the rebuild':<32} {_spread(during)}   ({len(during)} answers)")
    ratio_med = statistics.median(during) / statistics.median(idle)
    ratio_max = max(during) / max(idle)
    print(f"{'  during / idle':<32} median ×{ratio_med:.2f}, max ×{ratio_max:.2f}")
    print(f"{'stop (event -> thread ended)':<32} {_spread(stops)}   floor: step {STEP_MS} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp), args.files, args.runs)


if __name__ == "__main__":
    main()
