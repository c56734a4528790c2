"""Launch to first card, beside a minimal Textual app showing one Static, in the same run.

    python benchmarks/bench_tui.py [--cards 10000] [--runs 5] [--keep DIR] [--no-tmux]

Generates a notes folder (one bold term per block, so every card is its own
block), builds it into a fresh collection, then times, from process start to first paint:

- flashcards: `python -m flashcards --db X review`, to the first card on screen;
- the floor: a minimal Textual app (`App` + one `Static`), to the Static on screen.

Each is measured two ways, their runs interleaved so that the machine's load falls on both:

- headless: a fresh Python process runs the app under Textual's `run_test` and reports,
  one refresh after the first card (the Static) is mounted, its wall seconds since
  spawning and its CPU seconds (`time.process_time`, which a busy machine cannot inflate);
- tmux: `tmux new-session -d -x 100 -y 30 'exec python ...'`, polling `capture-pane`
  every 10 ms until the card's "Show answer" bar (the Static's text) appears; then the
  process's CPU seconds from /proc.

Both run with compiled bytecode, as an installed package does: the children write and
read their `.pyc` files under the work folder (PYTHONPYCACHEPREFIX), whatever
PYTHONDONTWRITEBYTECODE says (with it, each start would compile every flashcards module
from source, ~40 ms of CPU the floor, whose Textual came compiled, would not pay).

Target (issue 16 item 6): flashcards ≤ 1.5x the floor. Prints min/median/max of every
figure, the ratio of the medians and the load average; nothing is asserted. The machine
may be shared: CPU seconds are the figure to compare, and rerun when the spread is wide.
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

TARGET_RATIO = 1.5
TOPICS = ["latency", "throughput", "caching", "sharding", "replication", "consensus", "backoff"]
NEEDLE = "Show answer"  # the review screen's bar under a card's front; the floor shows it too

# flashcards, headless: the app the CLI makes (make_app), until the review shows its first card
CHILD = r"""
import os, sys, time
t0 = float(os.environ["BENCH_T0"])
from pathlib import Path
from flashcards.tui.app import make_app
import asyncio

async def main():
    from flashcards.tui.screens.review import ReviewScreen

    app = make_app(Path(sys.argv[1]), study=True)
    async with app.run_test(size=(100, 30)) as pilot:
        while not (isinstance(app.screen, ReviewScreen) and app.screen.card is not None):
            if time.time() - t0 > 30:
                sys.exit(f"no card after 30 s; the app shows {type(app.screen).__name__}")
            await asyncio.sleep(0.001)
        await pilot.pause()  # one refresh: the card is on the (virtual) screen
        t_card = time.time()
        cpu = time.process_time()
    print(f"{t_card - t0:.4f} {cpu:.4f}")

asyncio.run(main())
"""

# the floor, headless: the least a Textual app does to paint one widget, waited for the same way
FLOOR_CHILD = r"""
import os, sys, time
t0 = float(os.environ["BENCH_T0"])
from textual.app import App
from textual.widgets import Static
import asyncio

class Floor(App):
    def compose(self):
        yield Static("__NEEDLE__")

async def main():
    app = Floor()
    async with app.run_test(size=(100, 30)) as pilot:
        while not app.query(Static):
            await asyncio.sleep(0.001)
        await pilot.pause()
        t_card = time.time()
        cpu = time.process_time()
    print(f"{t_card - t0:.4f} {cpu:.4f}")

asyncio.run(main())
""".replace("__NEEDLE__", NEEDLE)

# the floor in a terminal: the same app, run for real until tmux kills it
FLOOR_SCRIPT = f"""
from textual.app import App
from textual.widgets import Static

class Floor(App):
    def compose(self):
        yield Static({NEEDLE!r})

Floor().run()
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


def compiled(work: Path) -> None:
    """The children (and the tmux server that starts them) read compiled bytecode."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")


def package_root() -> Path:
    """The folder holding the `flashcards` package this script imports: the children run
    there, as `python -c` and `-m` put their working folder first on sys.path (elsewhere
    they could import another checkout than the one measured)."""
    import flashcards

    return Path(flashcards.__file__).resolve().parent.parent


def headless_run(code: str, *args: str) -> tuple[float, float]:
    """Wall seconds from spawning Python to the first paint, and the child's CPU seconds."""
    env = dict(os.environ, BENCH_T0=repr(time.time()))
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=package_root(),
    )
    if done.returncode != 0:
        raise RuntimeError(f"the headless run failed:\n{done.stderr}")
    wall, cpu = (float(x) for x in done.stdout.split()[-2:])
    return wall, cpu


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc), 0.0 when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tmux_run(command: str, socket: Path) -> tuple[float, float]:
    """Seconds from `tmux new-session` to NEEDLE on the pane; the program's CPU seconds then."""
    tmux = shutil.which("tmux")
    assert tmux
    # a fresh private server each run (no race with the last), its socket in the work folder
    base = [tmux, "-S", str(socket), "-f", "/dev/null"]
    started = time.monotonic()
    subprocess.run(
        [*base, "new-session", "-d", "-s", "b", "-x", "100", "-y", "30",
         "-c", str(package_root()), f"exec {command}"],
        check=True,
    )  # fmt: skip
    try:
        while True:
            screen = subprocess.run(
                [*base, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True
            ).stdout
            if NEEDLE in screen:
                elapsed = time.monotonic() - started
                pid = subprocess.run(
                    [*base, "display-message", "-p", "-t", "b", "#{pane_pid}"],
                    capture_output=True,
                    text=True,
                ).stdout.strip()
                return elapsed, cpu_seconds(int(pid)) if pid.isdigit() else 0.0
            if time.monotonic() - started > 30:
                raise RuntimeError(f"nothing shown after 30 s; the pane shows:\n{screen}")
            time.sleep(0.01)
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True)
        socket.unlink(missing_ok=True)


def spread(values: list[float]) -> str:
    return f"min {min(values):.3f}  median {statistics.median(values):.3f}  max {max(values):.3f} s"


def compare(label: str, ours: list[float], floor: list[float]) -> None:
    """One figure: flashcards, the floor and the ratio of their medians."""
    ratio = statistics.median(ours) / statistics.median(floor)
    verdict = "ok" if ratio <= TARGET_RATIO else "OVER"
    print(f"{label}")
    print(f"  flashcards   {spread(ours)}")
    print(f"  floor        {spread(floor)}")
    print(f"  ratio        {ratio:.2f}x  target ≤ {TARGET_RATIO:.1f}x: {verdict}")


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--no-tmux", action="store_true", help="headless runs only")
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
        compiled(work)
        # one unmeasured start of each: the day's backup, the file cache, .pyc files
        headless_run(CHILD, str(db))
        headless_run(FLOOR_CHILD)
        print(f"machine: {os.cpu_count()} cores, load average {load()} (before)")

        ours, floor = [], []
        for _ in range(args.runs):
            ours.append(headless_run(CHILD, str(db)))
            floor.append(headless_run(FLOOR_CHILD))
        compare("headless: wall to first paint", [r[0] for r in ours], [r[0] for r in floor])
        compare("headless: CPU to first paint", [r[1] for r in ours], [r[1] for r in floor])

        if args.no_tmux or not shutil.which("tmux"):
            print("tmux: skipped" + ("" if args.no_tmux else " (tmux is missing)"))
        else:
            script = work / "floor_app.py"
            script.write_text(FLOOR_SCRIPT, encoding="utf-8")
            python = sys.executable
            ours, floor = [], []
            for n in range(args.runs):
                socket = work / f"tmux-{n}.sock"
                ours.append(tmux_run(f"{python} -m flashcards --db {db} review", socket))
                floor.append(tmux_run(f"{python} {script}", socket))
            compare("tmux: wall to first paint", [r[0] for r in ours], [r[0] for r in floor])
            compare("tmux: CPU to first paint", [r[1] for r in ours], [r[1] for r in floor])
        print(f"machine: load average {load()} (after)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
