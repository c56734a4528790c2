"""Launch to first card shown, with a 10,000-card collection: headless and in tmux.

    python benchmarks/bench_tui.py [--cards 10000] [--runs 5] [--keep DIR]

Generates a notes folder (one bold term per block, so every card is its own
block), builds it into a fresh collection, then times `flashcards review`
from process start to the first card on screen:

- headless: a fresh Python process runs the app made by `make_app` under
  Textual's `run_test` and reports when the first card has been rendered;
- tmux: `tmux new-session -d -x 100 -y 30 'flashcards --db X review'`, polling
  `capture-pane` every 10 ms until the card's "Show answer" bar appears.

Target: ≤ 1.0 s. Prints every run and the median; nothing is asserted.
The machine may be shared: compare medians, and rerun when the spread is wide.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 1.0
TOPICS = ["latency", "throughput", "caching", "sharding", "replication", "consensus", "backoff"]

CHILD = r"""
import os, sys, time
t0 = float(os.environ["BENCH_T0"])
t_python = time.time()
from pathlib import Path
from flashcards.tui.app import make_app
t_imported = time.time()
import asyncio
from flashcards.tui.screens.review import ReviewScreen

async def main():
    app = make_app(Path(sys.argv[1]), study=True)
    async with app.run_test(size=(100, 30)) as pilot:
        while not (isinstance(app.screen, ReviewScreen) and app.screen.card is not None):
            if time.time() - t0 > 30:
                sys.exit(f"no card after 30 s; the app shows {type(app.screen).__name__}")
            await asyncio.sleep(0.001)
        await pilot.pause()  # one refresh: the card is on the (virtual) screen
        t_card = time.time()
        cpu = time.process_time()  # this process's CPU time: what a busy machine cannot inflate
    print(f"{t_python - t0:.3f} {t_imported - t0:.3f} {t_card - t0:.3f} {cpu:.3f}")

asyncio.run(main())
"""


def generate_notes(folder: Path, cards: int, per_file: int = 50) -> int:
    """`cards` blocks with one bold term each, `per_file` to a file, with children for context."""
    folder.mkdir(parents=True, exist_ok=True)
    made = 0
    n_file = 0
    while made < cards:
        lines = [f"# Systems notes {n_file}", ""]
        for i in range(min(per_file, cards - made)):
            topic = TOPICS[(made + i) % len(TOPICS)]
            lines.append(f"- Section {i} on {topic}")
            lines.append(
                f"\t- In design {n_file}-{i}, the main trade-off of {topic} is "
                f"**term {n_file}x{i}** versus cost, measured under load."
            )
            lines.append(f"\t\t- a detail about {topic} that stays on the back of card {i}")
        made += min(per_file, cards - made)
        (folder / f"note-{n_file:04d}.md").write_text("\n".join(lines) + "\n")
        n_file += 1
    return n_file


def build(db: Path, notes: Path) -> tuple[int, float]:
    from flashcards.collection import Collection

    started = time.perf_counter()
    with Collection.open(db) as col:
        report = col.build(notes)
    return report.cards, time.perf_counter() - started


def headless_run(db: Path) -> tuple[float, float, float, float]:
    """Seconds from spawning Python to: interpreter up, app imported, first card; CPU seconds."""
    env = dict(os.environ, BENCH_T0=repr(time.time()))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(db)], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    python, imported, card, cpu = (float(x) for x in out[-4:])
    return python, imported, card, cpu


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc), 0.0 when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tmux_run(
    db: Path, flashcards: str, run: int, needle: str = "Show answer"
) -> tuple[float, float]:
    """Seconds from `tmux new-session` to the card on the pane; the app's CPU seconds then."""
    tmux = shutil.which("tmux")
    assert tmux
    # a fresh private server each run (no race with the last), its socket beside the collection
    socket = db.parent / f"tmux-{run}.sock"
    base = [tmux, "-S", str(socket), "-f", "/dev/null"]
    started = time.monotonic()
    subprocess.run(
        [*base, "new-session", "-d", "-s", "b", "-x", "100", "-y", "30",
         f"{flashcards} --db {db} review"],
        check=True,
    )  # fmt: skip
    try:
        while True:
            screen = subprocess.run(
                [*base, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True
            ).stdout
            if needle in screen:
                elapsed = time.monotonic() - started
                pid = subprocess.run(
                    [*base, "display-message", "-p", "-t", "b", "#{pane_pid}"],
                    capture_output=True,
                    text=True,
                ).stdout.strip()
                return elapsed, cpu_seconds(int(pid)) if pid.isdigit() else 0.0
            if time.monotonic() - started > 30:
                raise RuntimeError(f"no card after 30 s; the pane shows:\n{screen}")
            time.sleep(0.01)
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True)
        socket.unlink(missing_ok=True)


def line(label: str, values: list[float]) -> str:
    runs = " ".join(f"{v:.3f}" for v in values)
    median = statistics.median(values)
    verdict = "ok" if median <= TARGET_S else "OVER"
    return f"{label:<34} median {median:.3f} s  [{runs}]  target ≤ {TARGET_S:.1f} s: {verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-tui-"))
    work.mkdir(parents=True, exist_ok=True)
    notes, db = work / "notes", work / "collection.sqlite"
    try:
        if not db.exists():
            files = generate_notes(notes, args.cards)
            cards, seconds = build(db, notes)
            print(f"collection: {cards} cards from {files} files, built in {seconds:.2f} s ({db})")
        else:
            print(f"collection: reusing {db}")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")

        headless = [headless_run(db) for _ in range(args.runs)]
        print(line("python started", [h[0] for h in headless]))
        print(line("flashcards.tui.app imported", [h[1] for h in headless]))
        print(line("headless: first card shown", [h[2] for h in headless]))
        print(line("headless: CPU time to first card", [h[3] for h in headless]))

        flashcards = str(Path(sys.executable).parent / "flashcards")
        if shutil.which("tmux") and Path(flashcards).exists():
            runs = [tmux_run(db, flashcards, n) for n in range(args.runs)]
            print(line("tmux: first card shown", [r[0] for r in runs]))
            print(line("tmux: CPU time to first card", [r[1] for r in runs]))
        else:
            print("tmux: skipped (tmux or the flashcards command is missing)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
