"""The scheduling an `.apkg` carries: each card's state and its review log, in Anki's terms.

Written into the package's collection after its notes (kept apart from the note
writing in `apkg.py`): card type/queue/due/ivl/factor/reps/lapses, and one revlog
row per answer (`id` its time in ms, bumped past a clash, so importing the package
back recognises the answers as ours). Review dues are days since the collection's
creation (`crt`), which is set to noon of the day before the export's: Anki's importer
moves them onto its own calendar, so the due dates stay.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

from flashcards.export.job import ExportJob
from flashcards.store import history

NEW, REVIEW = 0, 2  # Anki card types (and queues); a suspended card's queue is -1
LEARN_LOG, REVIEW_LOG = 0, 1  # revlog types
CRT_DAYS_BACK = 1  # the collection's day 0, a day before the export's
MAX_DURATION_MS = 3_600_000  # the longest answer time a revlog row records


def write_scheduling(job: ExportJob, conn: sqlite3.Connection) -> None:
    """Give the package's cards (written already, GUIDs = our card guids) their state
    and history, inside the package's own transaction."""
    anki_cards = {
        guid: card_id
        for card_id, guid in conn.execute(
            "SELECT c.id, n.guid FROM cards c JOIN notes n ON n.id = c.nid"
        )
    }
    today = job.now.astimezone(UTC).date()
    day0 = date.fromordinal(today.toordinal() - CRT_DAYS_BACK)
    # noon: the same study day whatever the rollover hour Anki counts days from
    crt = int(datetime(day0.year, day0.month, day0.day, 12, tzinfo=UTC).timestamp())
    conn.execute("UPDATE col SET crt = ?", (crt,))
    by_id = {c.id: anki_cards[c.guid] for c in job.cards if c.guid in anki_cards}
    answers = history.answer_counts(job.store, list(by_id))
    updates = []
    for card_id, reps, ef, interval, due, lapses in history.states_of(job.store, list(by_id)):
        if due is None:
            continue  # new: genanki's new card, in outline order
        days = (date.fromisoformat(due) - day0).days
        updates.append(
            (REVIEW, REVIEW, days, interval, ef, answers.get(card_id, reps), lapses, by_id[card_id])
        )
    conn.executemany(
        "UPDATE cards SET type = ?, queue = CASE WHEN queue = -1 THEN -1 ELSE ? END, due = ?, "
        "ivl = ?, factor = ?, reps = ?, lapses = ? WHERE id = ?",
        updates,
    )
    answers_ = history.revlog_answers(
        job.store, list(by_id), MAX_DURATION_MS, LEARN_LOG, REVIEW_LOG
    )
    times = {a[0] for a in answers_}
    if len(times) == len(answers_):  # no two answers at the same millisecond: ids as they are
        rows = [(t, by_id[c], -1, r, ia, ib, ef, d, k) for t, c, r, ia, ib, ef, d, k in answers_]
    else:
        used: set[int] = set()
        rows = []
        for t, c, r, ia, ib, ef, d, k in answers_:
            while t in used:
                t += 1
            used.add(t)
            rows.append((t, by_id[c], -1, r, ia, ib, ef, d, k))
    conn.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
