"""Helpers any test may import (`from helpers import ...`): the repository's root, the
sample deck, one fixed moment, a notes folder with controlled mtimes, `python -m flashcards` and `python -c` as
child processes, and measures that never read a clock."""

from __future__ import annotations

import functools
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository these tests belong to

# The sample deck (the README's first deck): its spec and its notes in this repository.
SAMPLE_SPEC = ROOT / "decks" / "designing-machine-learning-systems.md"
SAMPLE_NOTES = ROOT / "seeds" / "designing-machine-learning-systems.md"


@functools.cache
def sample_card_count() -> int:
    """How many cards the sample deck's notes make, as the notes reader reads them. The
    sample's cards are pinned once, in notes/test_cards.py; every other test compares
    with this, so an edit to the sample's notes fails that one test, not ten."""
    from flashcards.reading import extract_paths

    return len(extract_paths([SAMPLE_NOTES]).cards)


# "Some fixed moment" for every test that needs one: noon UTC, so the study day is the
# same in every time zone from UTC-12 to UTC+12 (days roll over at 04:00). A few tests
# spell it out where a format is what they check (the export timestamps
# "2025-03-10T12:00:00Z"); tests whose meaning hangs on a particular date keep their own,
# named constant beside them.
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


class Notes:
    """A notes folder. Every write gets a distinct mtime an hour in the past, so the
    incremental build sees each edit and trusts the mtime of files left alone."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._tick = time.time_ns() - 3600 * 10**9

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.touch(path)
        return path

    def touch(self, path: Path) -> None:
        self._tick += 10**9
        os.utime(path, ns=(self._tick, self._tick))

    def remove(self, name: str) -> None:
        (self.root / name).unlink()

    def rename(self, old: str, new: str) -> Path:
        target = self.root / new
        (self.root / old).rename(target)
        return target


def child_env(**overrides: str) -> dict[str, str]:
    """The environment of a child process that must import this checkout's flashcards,
    whatever else is installed: os.environ with the repository first on PYTHONPATH, and
    `overrides` on top."""
    path = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return {**os.environ, "PYTHONPATH": path, **overrides}


@contextmanager
def hearing_ctrl_c() -> Iterator[None]:
    """A child started inside hears Ctrl-C however this process was started: a suite run
    in the background of a script (`pytest ... &`) has SIGINT ignored, and an ignored
    signal stays ignored in children, where a handled one is reset to the default."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_flashcards(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    user: Sequence[str] = (),
    timeout: float = 120,
    **options: object,
) -> subprocess.CompletedProcess[str]:
    """`python -m flashcards ARGS` as a user runs it: this checkout's code (see child_env;
    `env` adds to it), after `user` (the `as_user` fixture: without root's privileges),
    with no stdin. Its output is captured as text unless `options` say otherwise (where
    stdout or stderr go, `text=False`). A hang fails after `timeout` seconds instead of
    stalling the suite."""
    command = [*user, sys.executable, "-m", "flashcards", *args]
    return _run_child(command, cwd, env, timeout, options)


def run_python(
    code: str,
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    **options: object,
) -> subprocess.CompletedProcess[str]:
    """`python -c CODE ARGS` (CODE dedented) as `run_flashcards` runs its child: this
    checkout's code, no stdin, output captured as text, a hang failing after `timeout`."""
    command = [sys.executable, "-c", textwrap.dedent(code), *args]
    return _run_child(command, cwd, env, timeout, options)


def _run_child(
    command: list[str],
    cwd: Path | None,
    env: dict[str, str] | None,
    timeout: float,
    options: dict[str, object],
) -> subprocess.CompletedProcess[str]:
    if "stdout" not in options and "stderr" not in options:
        options["capture_output"] = True
    options.setdefault("stdin", subprocess.DEVNULL)
    options.setdefault("text", True)
    return subprocess.run(
        command,
        cwd=cwd,
        env=child_env(**(env or {})),
        timeout=timeout,
        **options,  # type: ignore[arg-type]
    )


@contextmanager
def forking(allowed: bool) -> Iterator[None]:
    """The parallel reader (flashcards.reading) allowed to fork worker processes, or not.

    Not allowed: a second thread runs meanwhile, the real reason the reader stays in its
    own process (forking a process with threads is unsafe; the app builds on a thread).
    Allowed: forced through the private `flashcards.reading._can_fork`, the one patch of
    it the tests keep. A thread an earlier test left alive in this pytest worker (the
    app's, asyncio's) would otherwise turn a parallel read into a serial one unnoticed."""
    if allowed:
        import pytest

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("flashcards.reading._can_fork", lambda: True)
            yield
        return
    release = threading.Event()
    other = threading.Thread(target=release.wait, name="keeps the reader from forking")
    other.start()
    try:
        yield
    finally:
        release.set()
        other.join()


def count_steps(fn: Callable[[], object]) -> int:
    """Python lines run plus C functions called while `fn` runs: a measure of work that is
    the same on every run and every machine, where a stopwatch is not (no test may time
    anything: a busy laptop fails it)."""
    count = 0

    def tracer(frame, event, arg):  # noqa: ANN001, ANN202 - sys.settrace's signature
        nonlocal count
        count += 1
        return tracer

    def profiler(frame, event, arg):  # noqa: ANN001, ANN202
        nonlocal count
        if event == "c_call":
            count += 1

    sys.setprofile(profiler)
    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
        sys.setprofile(None)
    return count


def wait_until(condition: Callable[[], object], what: str, polls: int = 1200, every: float = 0.05):
    """Poll `condition` until it is true (returning its value); AssertionError naming
    `what` after `polls` tries. A counted number of polls, never a clock reading: a slow
    machine only waits longer for something that does happen."""
    for _ in range(polls):
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what} did not happen after {polls} polls")


def rows_in(path, sql: str) -> list[tuple]:  # noqa: ANN001 - a collection file's path
    """The rows `sql` reads from a collection file, with sqlite3, past the code under test."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def reviews_in(path) -> list[tuple]:  # noqa: ANN001 - a collection file's path
    """Every review row of a collection file as (card_id, q, day, kind, time_ms,
    duration_ms, id), by card then time: read with sqlite3, past the code under test."""
    return rows_in(
        path,
        "SELECT card_id, q, day, kind, time_ms, duration_ms, id FROM reviews ORDER BY card_id, id",
    )


# sqlite_stat1 as ANALYZE leaves it at 100,000 cards / 1,000,000 reviews: what the
# planner sees in a large collection that was analyzed (the benchmarks' are; a user's
# has none, as nothing runs ANALYZE)
_LARGE_STATS = {
    "reviews": {"reviews_replay": "1000000 13 1", "reviews_day": "1000000 15"},
    "cards": {
        "sqlite_autoindex_cards_1": "100000 1",
        "cards_block": "100000 2",
        "cards_order": "100000 25000 200 1",
        "cards_stats": "100000 25000 25000 25000 25000",
    },
    "card_state": {"card_state_due": "100000 13"},
    "blocks": {"blocks_source": "50000 12500 100"},
}


def analyzed_large(path) -> None:  # noqa: ANN001 - a collection file's path
    """Give a collection file the planner statistics of a large collection (read by the
    connections opened after)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("ANALYZE")
        for table, indexes in _LARGE_STATS.items():
            conn.execute("DELETE FROM sqlite_stat1 WHERE tbl = ?", (table,))
            for index, stat in indexes.items():
                conn.execute("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", (table, index, stat))
        conn.commit()
    finally:
        conn.close()
