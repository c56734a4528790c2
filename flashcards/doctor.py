"""`flashcards doctor`: the collection checked against itself, and derived rows rebuilt.

Checked: SQLite's integrity, the schema steps, rows that point nowhere, every
card's state against a replay of its reviews, and the stats' per-day summaries
against the review log. Repair rebuilds only what is derived (card states,
file records, summaries); it never touches a review.
"""

from __future__ import annotations

from flashcards.store import Store, integrity, summaries
from flashcards.store import queue as queue_rows
from flashcards.study.state import replay_row


def check(store: Store, repair: bool = False) -> list[str]:
    """Problems found, each saying what to do; with `repair`, derived rows are rebuilt
    (in one transaction) — the problems returned are those found before."""
    problems, replayable = integrity.problems(store)
    if not replayable:
        return problems  # the reviews cannot be replayed from a broken file
    wrong = states_off(store)
    if wrong:
        problems.append(
            f"{len(wrong)} card states differ from a replay of their reviews "
            f"(e.g. card {next(iter(wrong))}); run `flashcards doctor --repair`"
        )
    stale = summaries.summary_problems(store)  # the per-day tables behind the stats
    problems += stale
    if repair and problems:
        with store.atomic("repairing the collection"):
            integrity.repair_rows(store)
            for card_id, state in states_off(store).items():
                queue_rows.write_state(store, card_id, state)
            if stale:
                summaries.rebuild_summaries(store)
    return problems


def states_off(store: Store) -> dict[int, tuple]:
    """Cards whose stored state is not the replay of their reviews: {id: replayed}."""
    expected: dict[int, tuple] = {}
    current: list[tuple] = []
    current_id = None
    for row in queue_rows.all_reviews(store):
        if row.card_id != current_id:
            if current_id is not None:
                expected[current_id] = replay_row(current)
            current_id, current = row.card_id, []
        current.append((row.q, row.day, row.kind, *row.after))
    if current_id is not None:
        expected[current_id] = replay_row(current)
    fresh = replay_row([])
    return {
        card_id: expected.get(card_id, fresh)
        for card_id, state in queue_rows.all_states(store).items()
        if tuple(state) != expected.get(card_id, fresh)
    }
