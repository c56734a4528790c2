"""The card summaries behind the deck list: two small tables kept by triggers.

The deck list shows, per deck, its cards, how many are retired and suspended,
and how many are new and due today. Counted from `cards` and `card_state`, that
is a pass over every card (a million for a heavy user) each time the list is
drawn; these tables hold the same counts folded per deck, so the list reads a
few rows per deck and per due day instead.

- `deck_cards` — cards per (deck, retired, suspended).
- `deck_due` — the cards that are neither retired nor suspended and have a
  state row, per (deck, due day), `due` '' for a new card (its due is NULL).

Triggers on `cards` and `card_state` keep them in step inside the very
statement (hence the transaction) that changes a card: a build, an answer, an
undo, an import, a sync, a repair all go through them, and a rolled-back write
rolls its counts back with it. A card counts in `deck_due` only while both its
rows exist, so whichever of the two is inserted or deleted first, the counts
come out the same.

Like the review summaries (`summaries.py`) they are derived: `rebuild` recomputes
them from the cards and `problems` compares the two (`flashcards doctor`, and
`--repair` rebuilds). Schema step m015 made them (`statements`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import NamedTuple, Protocol


class _Executes(Protocol):
    """What these functions need of the store: its `execute` (a Store, a connection)."""

    def execute(self, sql: str, params: Sequence[object] = ...) -> sqlite3.Cursor: ...


_TABLES = (
    "CREATE TABLE deck_cards (deck_id INTEGER NOT NULL, retired INTEGER NOT NULL, "
    "suspended INTEGER NOT NULL, n INTEGER NOT NULL, "
    "PRIMARY KEY (deck_id, retired, suspended)) WITHOUT ROWID",
    "CREATE TABLE deck_due (deck_id INTEGER NOT NULL, due TEXT NOT NULL, n INTEGER NOT NULL, "
    "PRIMARY KEY (deck_id, due)) WITHOUT ROWID",
)

# Per summary table: (its columns, the SELECT that counts it from the cards).
_FILLS = {
    "deck_cards": (
        "deck_id, retired, suspended, n",
        "SELECT deck_id, retired, suspended, COUNT(*) FROM cards GROUP BY 1, 2, 3",
    ),
    "deck_due": (
        "deck_id, due, n",
        "SELECT c.deck_id, COALESCE(s.due, ''), COUNT(*) FROM cards c "
        "JOIN card_state s ON s.card_id = c.id WHERE c.retired = 0 AND c.suspended = 0 "
        "GROUP BY 1, 2",
    ),
}


def _cards(sign: str, row: str) -> list[str]:
    """Add (sign '+') or take away ('-') a `cards` row (NEW or OLD) from deck_cards."""
    key = f"deck_id = {row}.deck_id AND retired = {row}.retired AND suspended = {row}.suspended"
    if sign == "+":
        return [
            "INSERT INTO deck_cards(deck_id, retired, suspended, n) "
            f"VALUES ({row}.deck_id, {row}.retired, {row}.suspended, 1) "
            "ON CONFLICT DO UPDATE SET n = n + 1"
        ]
    return [
        f"UPDATE deck_cards SET n = n - 1 WHERE {key}",
        f"DELETE FROM deck_cards WHERE {key} AND n <= 0",
    ]


def _due(sign: str, deck: str, due: str, where: str) -> list[str]:
    """Add or take away one card at (deck, due) in deck_due, if `where` holds; `deck` and
    `due` are expressions over the FROM of `where` (a join to the other table's row)."""
    if sign == "+":
        return [
            f"INSERT INTO deck_due(deck_id, due, n) SELECT {deck}, COALESCE({due}, ''), 1 "
            f"{where} ON CONFLICT DO UPDATE SET n = n + 1"
        ]
    key = f"(deck_id, due) IN (SELECT {deck}, COALESCE({due}, '') {where})"
    return [
        f"UPDATE deck_due SET n = n - 1 WHERE {key}",
        f"DELETE FROM deck_due WHERE {key} AND n <= 0",
    ]


def _card_due(sign: str, row: str) -> list[str]:
    """A `cards` row's part in deck_due: its state's due, if it has a state and is active."""
    return _due(
        sign,
        f"{row}.deck_id",
        "s.due",
        f"FROM card_state s WHERE s.card_id = {row}.id "
        f"AND {row}.retired = 0 AND {row}.suspended = 0",
    )


def _state_due(sign: str, row: str) -> list[str]:
    """A `card_state` row's part in deck_due: its card's deck, if that card is active."""
    return _due(
        sign,
        "c.deck_id",
        f"{row}.due",
        f"FROM cards c WHERE c.id = {row}.card_id AND c.retired = 0 AND c.suspended = 0",
    )


def _triggers() -> dict[str, str]:
    """{trigger name: its CREATE statement}."""
    flags = "OLD.deck_id IS NOT NEW.deck_id OR OLD.retired IS NOT NEW.retired OR " + (
        "OLD.suspended IS NOT NEW.suspended OR OLD.id IS NOT NEW.id"
    )
    bodies = {
        "deck_cards_insert": (
            "AFTER INSERT ON cards",
            "",
            _cards("+", "NEW") + _card_due("+", "NEW"),
        ),
        "deck_cards_delete": (
            "AFTER DELETE ON cards",
            "",
            _cards("-", "OLD") + _card_due("-", "OLD"),
        ),
        "deck_cards_update": (
            "AFTER UPDATE OF id, deck_id, retired, suspended ON cards",
            f"WHEN {flags} ",
            _cards("-", "OLD") + _card_due("-", "OLD") + _cards("+", "NEW") + _card_due("+", "NEW"),
        ),
        "deck_due_insert": ("AFTER INSERT ON card_state", "", _state_due("+", "NEW")),
        "deck_due_delete": ("AFTER DELETE ON card_state", "", _state_due("-", "OLD")),
        "deck_due_update": (
            "AFTER UPDATE OF card_id, due ON card_state",
            "WHEN OLD.due IS NOT NEW.due OR OLD.card_id IS NOT NEW.card_id ",
            _state_due("-", "OLD") + _state_due("+", "NEW"),
        ),
    }
    return {
        name: f"CREATE TRIGGER {name} {event} {when}BEGIN {'; '.join(body)}; END"
        for name, (event, when, body) in bodies.items()
    }


TRIGGERS = tuple(_triggers())


def statements() -> list[str]:
    """Schema step m015: the tables, filled from the cards, and their triggers."""
    fills = [f"INSERT INTO {table}({cols}) {select}" for table, (cols, select) in _FILLS.items()]
    return [*_TABLES, *fills, *_triggers().values()]


def rebuild(store: _Executes) -> None:
    """Recreate the tables and triggers and recount them from the cards, inside the
    caller's transaction (it heals a dropped table or trigger too)."""
    for trigger in TRIGGERS:
        store.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in _FILLS:
        store.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in statements():
        store.execute(statement)


def problems(store: _Executes) -> list[str]:
    """Where the tables disagree with a full recount of the cards ([] when they agree)."""
    present = {
        name
        for (name,) in store.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')"
        )
    }
    missing = [name for name in (*_FILLS, *TRIGGERS) if name not in present]
    if missing:
        return [
            f"the card counts behind the deck list lack {', '.join(missing)}; "
            "run `flashcards doctor --repair`"
        ]
    found = []
    for table, (columns, select) in _FILLS.items():
        wrong = store.execute(
            f"SELECT (SELECT COUNT(*) FROM ({select} EXCEPT SELECT {columns} FROM {table})) "
            f"+ (SELECT COUNT(*) FROM (SELECT {columns} FROM {table} EXCEPT {select}))"
        ).fetchone()[0]
        if wrong:
            found.append(
                f"{wrong} rows of {table} (the card counts behind the deck list) disagree "
                "with the cards; run `flashcards doctor --repair`"
            )
    return found


class Totals(NamedTuple):
    """A deck's cards: all of them, the retired, the suspended of those in use."""

    total: int
    retired: int
    suspended: int


def totals(store: _Executes) -> dict[int, Totals]:
    """Per deck id: its card totals (the same sums as a pass over `cards`)."""
    return {
        deck_id: Totals(int(total), int(retired), int(suspended))
        for deck_id, total, retired, suspended in store.execute(
            "SELECT deck_id, SUM(n), SUM(retired * n), SUM((retired = 0 AND suspended) * n) "
            "FROM deck_cards GROUP BY deck_id"
        )
    }


def waiting(store: _Executes, day: str) -> dict[tuple[int, bool], int]:
    """(deck id, new?) -> active cards that are new, or due on or before `day`."""
    found: dict[tuple[int, bool], int] = {}
    for deck_id, new, n in store.execute(
        "SELECT deck_id, due = '', SUM(n) FROM deck_due WHERE due <= ? GROUP BY 1, 2", (day,)
    ):
        found[deck_id, bool(new)] = int(n)
    return found
