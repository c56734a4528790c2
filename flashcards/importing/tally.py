"""The review summaries (`store.summaries`) an import's new rows add, counted as the
rows are made and written once, by one upsert per table.

The keys are the summaries' own (`summaries._keys`): review_days per (day, deck,
kind, q, new, mature) the answers and their time, review_slots per (day, deck,
quarter hour) the answers and those passed. `doctor` (`summary_problems`) holds
the two to agreement. Used inside `summaries.appending_in_bulk`, whose insert
trigger is off meanwhile.
"""

from __future__ import annotations

from flashcards.store import Store

_DAYS = (
    "INSERT INTO review_days(day, deck_id, kind, q, new, mature, answers, duration_ms) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
    "answers = answers + excluded.answers, duration_ms = duration_ms + excluded.duration_ms"
)
_SLOTS = (
    "INSERT INTO review_slots(day, deck_id, slot, answers, passed) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT DO UPDATE SET answers = answers + excluded.answers, "
    "passed = passed + excluded.passed"
)


class Tally:
    """`days`: {(day, deck, kind, q, new, mature): [answers, duration ms]}; `slots`:
    {(day, deck, quarter hour): [answers, passed]} — filled by the caller's loop."""

    def __init__(self) -> None:
        self.days: dict[tuple, list[int]] = {}
        self.slots: dict[tuple, list[int]] = {}

    def write(self, store: Store) -> None:
        """Add the counts to the summary tables, inside the caller's transaction."""
        store.executemany(_DAYS, [(*k, *v) for k, v in self.days.items()])
        store.executemany(_SLOTS, [(*k, *v) for k, v in self.slots.items()])
