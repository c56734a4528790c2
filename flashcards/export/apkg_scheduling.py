"""The scheduling an `.apkg` carries: each card's state and its review log, in Anki's terms.

Kept apart from the note writing in `apkg.py`, which asks here for each card's
state as it writes the card's row (type/queue/due/ivl/factor/reps/lapses), then for
the review log: one revlog row per answer (`id` its time in ms, bumped past a clash,
so importing the package back recognises the answers as ours). Review dues are days
since the collection's creation (`crt`), which is set to noon of the day before the
export's: Anki's importer moves them onto its own calendar, so the due dates stay.

The review log goes from the collection's cursor straight into the package's
`INSERT`, which finds each answer's Anki card in a temporary table of the card ids:
no Python object per answer, of which a large collection has millions.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import UTC, date, datetime

from flashcards.export.job import ExportJob
from flashcards.store import history
from flashcards.store.db import CHUNK

NEW, REVIEW = 0, 2  # Anki card types (and queues)
SUSPENDED = -1  # a suspended card's queue
LEARN_LOG, REVIEW_LOG = 0, 1  # revlog types
CRT_DAYS_BACK = 1  # the collection's day 0, a day before the export's
MAX_DURATION_MS = 3_600_000  # the longest answer time a revlog row records

# (type, due in days since crt, ivl, factor, reps, lapses): a scheduled card's columns
CardState = tuple[int, int, int, int, int, int]


def day_zero(job: ExportJob) -> date:
    """The package collection's day 0 (its `crt`): the day before the export's."""
    today = job.now.astimezone(UTC).date()
    return date.fromordinal(today.toordinal() - CRT_DAYS_BACK)


def card_states(job: ExportJob) -> dict[int, CardState]:
    """Our card id -> its Anki card's scheduling columns, for every scheduled card of the
    job's decks (a new card has none: genanki's new card, in outline order). `reps`
    counts the card's answers (its repetitions when it has none: an imported schedule)."""
    day0 = day_zero(job).toordinal()
    fromisoformat = date.fromisoformat
    return {
        card_id: (
            REVIEW,
            fromisoformat(due).toordinal() - day0,
            interval,
            ef,
            answers or reps,
            lapses,
        )
        for card_id, reps, ef, interval, due, lapses, answers in history.scheduled_states(
            job.store, job.deck_ids
        )
    }


def write_scheduling(
    job: ExportJob, conn: sqlite3.Connection, anki_ids: Sequence[tuple[int, int]]
) -> None:
    """The collection's day 0 and the review log of the package's cards (written already
    with their states; `anki_ids`: (our card id, its Anki card id) in export order),
    inside the package's own transaction. `conn` was opened with URIs allowed."""
    day0 = day_zero(job)
    # noon: the same study day whatever the rollover hour Anki counts days from
    crt = int(datetime(day0.year, day0.month, day0.day, 12, tzinfo=UTC).timestamp())
    conn.execute("UPDATE col SET crt = ?", (crt,))
    uri = job.store.reader_uri()
    if uri is not None:
        try:
            # read-only; detached when `conn` closes (not inside its write transaction)
            conn.execute("ATTACH DATABASE ? AS collection", (uri,))
        except sqlite3.Error:
            uri = None  # e.g. a read-only folder that cannot hold the -shm a reader needs
    if uri is None:
        _write_revlog_rows(job, conn, dict(anki_ids))
        return
    conn.execute(
        "CREATE TEMP TABLE export_ids (card INTEGER PRIMARY KEY, anki INTEGER, rank INTEGER)"
    )
    try:
        conn.executemany(
            "INSERT INTO temp.export_ids VALUES (?, ?, ?)",
            ((card, anki, rank) for rank, (card, anki) in enumerate(anki_ids)),
        )
        _copy_revlog(conn)
    finally:
        conn.execute("DROP TABLE temp.export_ids")


# the answers of the package's cards, read from the attached collection
_ANSWERS = (
    "FROM collection.reviews r JOIN temp.export_ids m ON m.card = r.card_id "
    f"WHERE {history.REVLOG_ANSWERS}"
)
_LIMITS = (MAX_DURATION_MS, LEARN_LOG, REVIEW_LOG)


def _copy_revlog(conn: sqlite3.Connection) -> None:
    """The review log copied by SQLite: every answer under its own time as id; where two
    answers share a millisecond, their stretch of ids is then made again as
    `_write_revlog_rows` makes it."""
    values = history.REVLOG_VALUES
    # in time order, which is id order: rows appended to the table rather than put here
    # and there in it (~2x faster than in card order)
    copied = conn.execute(
        f"INSERT OR IGNORE INTO revlog SELECT time_ms, m.anki, -1, {values} {_ANSWERS} "
        "ORDER BY time_ms",
        _LIMITS,
    ).rowcount
    (answers,) = conn.execute(f"SELECT COUNT(*) {_ANSWERS}").fetchone()
    if copied == answers:
        return  # no two answers in one millisecond (the usual case)
    times = [t for (t,) in conn.execute(f"SELECT time_ms {_ANSWERS} ORDER BY time_ms")]
    spans = clash_spans(times)
    # the answers of those runs, in the order `_write_revlog_rows` takes them, all read
    # in one pass (the reviews have no index by time)
    conn.execute("CREATE TEMP TABLE clash_times (t INTEGER PRIMARY KEY)")
    try:
        for low, high in spans:
            conn.execute("DELETE FROM revlog WHERE id BETWEEN ? AND ?", (low, high))
            run = times[bisect_left(times, low) : bisect_right(times, high)]
            conn.executemany(
                "INSERT OR IGNORE INTO temp.clash_times VALUES (?)", ((t,) for t in run)
            )
        rows = conn.execute(
            f"SELECT m.rank / {CHUNK}, r.card_id, r.id, time_ms, m.anki, {values} "
            f"{_ANSWERS} AND time_ms IN temp.clash_times",
            _LIMITS,
        ).fetchall()
    finally:
        conn.execute("DROP TABLE temp.clash_times")
    rows.sort()
    used: set[int] = set()  # runs never meet: one set for all of them
    bumped = []
    for *_, t, anki, r, ia, ib, ef, d, k in rows:
        while t in used:
            t += 1
        used.add(t)
        bumped.append((t, anki, -1, r, ia, ib, ef, d, k))
    conn.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", bumped)


def clash_spans(times: Sequence[int]) -> list[tuple[int, int]]:
    """The stretches of ids that answers at these (sorted) times take where some share a
    millisecond: each taking the next id free at or after its time fills a run of ids,
    the same run whatever order they come in (linear probing). Answers in other runs
    keep their times; within one, which answer takes which id depends on the order."""
    spans: list[tuple[int, int]] = []
    low = last = -1  # the current run of taken ids, and whether two answers met in it
    met = False
    for t in times:
        if t > last + 1 or low < 0:  # a gap: a new run
            if met:
                spans.append((low, last))
            low, last, met = t, t, False
        elif t > last:
            last = t
        else:
            last += 1
            met = True
    if met:
        spans.append((low, last))
    return spans


def _write_revlog_rows(job: ExportJob, conn: sqlite3.Connection, by_id: dict[int, int]) -> None:
    """The review log through Python, row by row (when the collection cannot be attached):
    each id that an earlier answer took bumped to the next free millisecond, answers
    taken card by card in export order (CHUNK cards at a time, each chunk's by card id
    and time)."""
    used: set[int] = set()
    rows = []
    for t, c, r, ia, ib, ef, d, k in history.revlog_answers(job.store, list(by_id), *_LIMITS):
        while t in used:
            t += 1
        used.add(t)
        rows.append((t, by_id[c], -1, r, ia, ib, ef, d, k))
    conn.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
