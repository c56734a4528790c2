"""Helpers any test may import (`from helpers import ...`): measures that never read a clock."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


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


def reviews_in(path) -> list[tuple]:  # noqa: ANN001 - a collection file's path
    """Every review row of a collection file as (card_id, q, day, kind, time_ms,
    duration_ms, id), by card then time: read with sqlite3, past the code under test."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT card_id, q, day, kind, time_ms, duration_ms, id FROM reviews "
            "ORDER BY card_id, id"
        ).fetchall()
    finally:
        conn.close()
