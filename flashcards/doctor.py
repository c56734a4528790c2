"""`flashcards doctor`: the collection checked against itself, and derived rows rebuilt.

Checked: SQLite's integrity, the schema steps, rows that point nowhere, every
card's state (and FSRS memory) against a replay of its reviews under its deck's
scheduler, the stats' per-day summaries against the review log, and the deck
list's per-deck counts against the cards. Repair rebuilds only what is derived
(card states, file records, summaries, counts); it never touches a review.
"""

from __future__ import annotations

from flashcards.store import Store, deck_summaries, integrity, pending, summaries
from flashcards.store import fsrs as fsrs_rows
from flashcards.store import queue as queue_rows
from flashcards.study.replay import states_off


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
    miscounted = deck_summaries.problems(store)  # the per-deck counts behind the deck list
    problems += miscounted
    if repair and problems:
        from flashcards.fsrs_scheduler import Memory

        with store.atomic("repairing the collection"):
            integrity.repair_rows(store)
            for card_id, (state, memory) in states_off(store).items():
                queue_rows.write_state(store, card_id, state)
                fsrs_rows.write_memory(store, card_id, Memory(*memory) if memory else None)
            if stale:
                summaries.rebuild_summaries(store)
            if miscounted:  # after the states above (their triggers keep the counts)
                deck_summaries.rebuild(store)
                pending.make_live_views(store)  # the views the counts are read through
    return problems
