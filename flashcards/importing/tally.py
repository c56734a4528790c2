"""The review summaries (`store.summaries`) an import's new rows add, counted as the
rows are made and written once, by one upsert (`summaries.write_counts`).

The keys are the summaries' own (`summaries._keys`): review_days per (day, deck,
kind, q, new, mature) the answers and their time, review_slots per (day, deck,
quarter hour) the answers and those passed. `doctor` (`summary_problems`) holds
the two to agreement. Used inside `summaries.appending_in_bulk`, whose insert
trigger is off meanwhile.
"""

from __future__ import annotations

from flashcards.store import Store
from flashcards.store.summaries import write_counts


class Tally:
    """`days`: {(day, deck, kind, q, new, mature): [answers, duration ms]}; `slots`:
    {(day, deck, quarter hour): [answers, passed]} — filled by the caller's loop."""

    def __init__(self) -> None:
        self.days: dict[tuple, list[int]] = {}
        self.slots: dict[tuple, list[int]] = {}

    def write(self, store: Store) -> None:
        """Add the counts to the summary tables, inside the caller's transaction."""
        write_counts(store, self.days, self.slots)
