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
statement (hence the transaction) that changes a card: a build, an undo, an
import, a sync, a repair all go through them, and a rolled-back write rolls its
counts back with it. An answer does not: it is pending until `pending.fold` adds
it (the triggers stand still meanwhile), and readers read the summaries of states
through views that add the pending answers (`live`). A card counts in `deck_due` only while both its
rows exist, so whichever of the two is inserted or deleted first, the counts
come out the same. Bulk writes count in grouped statements instead, their
triggers off meanwhile: a big build's new cards (`inserting`), a big import's
new states (`updating_states`).

Like the review summaries (`summaries.py`) they are derived: `rebuild` recomputes
them from the cards and `problems` compares the two (`flashcards doctor`, and
`--repair` rebuilds). Schema step m015 made them (`statements`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import NamedTuple, Protocol

from flashcards.store import pending_mark


class _Executes(Protocol):
    """What these functions need of the store: its `execute` (a Store, a connection)."""

    def execute(self, sql: str, params: Sequence[object] = ...) -> sqlite3.Cursor: ...


MATURE_DAYS = 21  # card_intervals.mature: the stats' young/mature line (Anki's)
LEECH_LAPSES = 8  # card_intervals.leech: sm2.LEECH_LAPSES (a test holds the two equal)


class _Summary(NamedTuple):
    """A count of cards grouped by `keys` ({column: expression}; `{c}` is the `cards` row,
    `{s}` its `card_state` row), over the cards that meet `where`. `state`: the cards
    without a state row are left out (and `card_state`'s changes count too)."""

    keys: dict[str, str]
    where: str
    state: bool


SUMMARIES = {
    "deck_cards": _Summary(
        {"deck_id": "{c}.deck_id", "retired": "{c}.retired", "suspended": "{c}.suspended"},
        "1",
        state=False,
    ),
    "deck_due": _Summary(
        {"deck_id": "{c}.deck_id", "due": "COALESCE({s}.due, '')"},
        "{c}.retired = 0 AND {c}.suspended = 0",
        state=True,
    ),
    "card_intervals": _Summary(
        {
            "deck_id": "{c}.deck_id",
            "retired": "{c}.retired",
            "suspended": "{c}.suspended",
            "new": "({s}.due IS NULL)",
            "interval": "{s}.interval",
            "leech": f"({{s}}.lapses >= {LEECH_LAPSES})",
        },
        "1",
        state=True,
    ),
    "card_eases": _Summary(
        {
            "deck_id": "{c}.deck_id",
            "retired": "{c}.retired",
            "suspended": "{c}.suspended",
            "new": "({s}.due IS NULL)",
            "ef": "{s}.ef",
        },
        "1",
        state=True,
    ),
}
_TEXT_KEYS = {"due"}


def _columns(summary: _Summary) -> str:
    """A summary's columns, its keys then `n`."""
    return ", ".join([*summary.keys, "n"])


def _create(table: str, summary: _Summary) -> str:
    cols = [f"{k} {'TEXT' if k in _TEXT_KEYS else 'INTEGER'} NOT NULL" for k in summary.keys]
    return (
        f"CREATE TABLE {table} ({', '.join(cols)}, n INTEGER NOT NULL, "
        f"PRIMARY KEY ({', '.join(summary.keys)})) WITHOUT ROWID"
    )


def _fill(summary: _Summary, cards: str = "", count: str = "COUNT(*)") -> str:
    """The SELECT that counts the summary from the cards (those that meet `cards` too,
    a condition on `c`; `count`: what each group counts)."""
    keys = ", ".join(e.format(c="c", s="s") for e in summary.keys.values())
    join = " JOIN card_state s ON s.card_id = c.id" if summary.state else ""
    groups = ", ".join(str(i + 1) for i in range(len(summary.keys)))
    where = summary.where.format(c="c", s="s")
    if cards:
        where = f"{cards} AND {where}"
    return f"SELECT {keys}, {count} FROM cards c{join} WHERE {where} GROUP BY {groups}"


def _source(summary: _Summary, table: str, row: str) -> tuple[str, str]:
    """(key expressions, FROM-and-WHERE) of one changed row of `table` (NEW or OLD):
    the other table's row is joined to it."""
    if table == "cards":
        names = {"c": row, "s": "s"}
        link = f"FROM card_state s WHERE s.card_id = {row}.id AND " if summary.state else "WHERE "
    else:
        names = {"c": "c", "s": row}
        link = f"FROM cards c WHERE c.id = {row}.card_id AND "
    keys = ", ".join(e.format(**names) for e in summary.keys.values())
    return keys, link + summary.where.format(**names)


def _add(name: str, summary: _Summary, table: str, row: str) -> list[str]:
    keys, source = _source(summary, table, row)
    return [
        f"INSERT INTO {name}({_columns(summary)}) SELECT {keys}, 1 {source} "
        "ON CONFLICT DO UPDATE SET n = n + 1"
    ]


def _take(name: str, summary: _Summary, table: str, row: str) -> list[str]:
    # A row value `=` a scalar subquery, never `IN (SELECT ...)`: SQLite's planner looks
    # an IN list of row values up by the primary key's first column only when another
    # column of the list is an expression (`COALESCE(due, '')`, `lapses >= 8`), a scan of
    # the deck's thousands of due days on every answer (~0.2 ms each, two per summary).
    # The source is one row (cards and card_state by their key) or none, so the match is
    # the same: no row gives NULL, which matches nothing.
    keys, source = _source(summary, table, row)
    match = f"({', '.join(summary.keys)}) = (SELECT {keys} {source})"
    return [
        f"UPDATE {name} SET n = n - 1 WHERE {match}",
        f"DELETE FROM {name} WHERE {match} AND n <= 0",
    ]


def _used(summary: _Summary, table: str) -> list[str]:
    """The columns of `table` a summary reads."""
    text = " ".join([*summary.keys.values(), summary.where])
    mark = "{c}." if table == "cards" else "{s}."
    columns = {"id"} if table == "cards" else {"card_id"}
    for part in text.split(mark)[1:]:
        columns.add(part.split(" ")[0].rstrip(")").rstrip(","))
    return sorted(columns)


def _moved(summary: _Summary, table: str) -> str:
    """The WHEN of an update trigger: the row moves between groups (or in or out of the
    summary) only when its link to the other table, one of its key expressions or its
    condition differs between OLD and NEW. An answer moves the due day of a card, and
    with it every `{s}.due` column's trigger, but `new` ((due IS NULL)) and the ease
    stay: compared column by column, card_eases took the card out of its group and put
    it back, a page written for nothing on most answers (schema step m019)."""
    mark = "{c}." if table == "cards" else "{s}."
    link = "id" if table == "cards" else "card_id"
    terms = [f"OLD.{link} IS NOT NEW.{link}"]
    for expr in (*summary.keys.values(), summary.where):
        if mark in expr:  # each key and condition reads one of the two tables
            if not (expr.startswith("(") and expr.endswith(")")):
                expr = f"({expr})"
            names = (
                {"c": row, "s": "s"} if table == "cards" else {"c": "c", "s": row}
                for row in ("OLD", "NEW")
            )
            term = " IS NOT ".join(expr.format(**n) for n in names)
            if term not in terms:
                terms.append(term)
    return " OR ".join(terms)


def _triggers() -> dict[str, str]:
    """{trigger name: its CREATE statement}: per summary, on each table it reads."""
    out = {}
    for name, summary in SUMMARIES.items():
        for table in ("cards", "card_state") if summary.state else ("cards",):
            short = "cards" if table == "cards" else "state"
            used = _used(summary, table)
            changed = _moved(summary, table)
            # a summary of states stands still while answers are pending (`pending_mark`)
            live = f"WHEN {pending_mark.LIVE} " if summary.state else ""
            moved = (
                f"WHEN ({changed}) AND {pending_mark.LIVE} "
                if summary.state
                else f"WHEN {changed} "
            )
            bodies = {
                "insert": ("INSERT", live, _add(name, summary, table, "NEW")),
                "delete": ("DELETE", live, _take(name, summary, table, "OLD")),
                "update": (
                    f"UPDATE OF {', '.join(used)}",
                    moved,
                    _take(name, summary, table, "OLD") + _add(name, summary, table, "NEW"),
                ),
            }
            for event, (on, when, body) in bodies.items():
                trigger = f"{name}_{short}_{event}"
                out[trigger] = (
                    f"CREATE TRIGGER {trigger} AFTER {on} ON {table} {when}"
                    f"BEGIN {'; '.join(body)}; END"
                )
    return out


def live(name: str) -> str:
    """The view a state summary's readers read while answers are pending
    (`pending_mark.reading`; `pending.py` makes it): its rows and the pending answers'
    changes, which the readers' SUM adds up (a group that adds up to 0 has no card)."""
    return f"{name}_live"


def columns(name: str) -> str:
    """The columns of the summary `name`, its keys then `n`."""
    return _columns(SUMMARIES[name])


TABLES = tuple(SUMMARIES)
LIVE_VIEWS = tuple(live(name) for name, summary in SUMMARIES.items() if summary.state)
TRIGGERS = tuple(_triggers())
_FILLS = {name: (_columns(summary), _fill(summary)) for name, summary in SUMMARIES.items()}


# The two narrow indexes the deck list's counts read before these summaries (m012) go:
# nothing reads them now, every card write paid for them, and with cards_flags there the
# planner looked each due card of today's queue up in it once per deck, not by its id.
_UNUSED_INDEXES = ("cards_status", "cards_flags")


def statements() -> list[str]:
    """Schema step m015: the tables, filled from the cards, and their triggers; the
    indexes the deck list no longer reads dropped."""
    drops = [f"DROP INDEX IF EXISTS {name}" for name in _UNUSED_INDEXES]
    return [*_summary_statements(), *drops]


def _summary_statements() -> list[str]:
    creates = [_create(name, summary) for name, summary in SUMMARIES.items()]
    fills = [f"INSERT INTO {table}({cols}) {select}" for table, (cols, select) in _FILLS.items()]
    return [pending_mark.CREATE, *creates, *fills, *_triggers().values()]


BULK_ROWS = 200  # from this many new cards on, `inserting` counts them in one go


@contextmanager
def inserting(store: _Executes, first_id: int, last_id: int) -> Iterator[None]:
    """For a block that inserts new cards with ids first_id..last_id (none of them
    there before) and their states: with many, the per-row insert triggers are off for
    the block and the new cards are counted in one grouped statement per summary at its
    end (a build of 50,000 cards would otherwise run seven triggers per card). Inside
    the caller's transaction, which must roll back if the block fails."""
    names = [t for t in TRIGGERS if t.endswith("_insert")]
    present = {
        name for (name,) in store.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    if last_id - first_id + 1 < BULK_ROWS or not set(names) <= present:
        yield  # a few cards (or a damaged file: doctor reports it): the triggers count
        return
    for name in names:
        store.execute(f"DROP TRIGGER {name}")
    try:
        yield
        _count_new(store, first_id, last_id)
    finally:
        triggers = _triggers()
        for name in names:
            store.execute(triggers[name])


def _bulk_groups() -> tuple[str, dict[str, tuple[str, list[int], int, bool]]]:
    """One grouped pass over new cards for every summary at once: the SELECT (every key
    and condition of every summary as a column, then whether the card has a state row,
    then the count; a state row is at most one per card, so the LEFT JOIN keeps each card
    once), and per summary its insert and where its keys and condition are in a row."""
    columns: list[str] = []

    def at(expression: str) -> int:
        if expression not in columns:
            columns.append(expression)
        return columns.index(expression)

    adds = {}
    for table, summary in SUMMARIES.items():
        keys = [at(e.format(c="c", s="s")) for e in summary.keys.values()]
        where = at(f"({summary.where.format(c='c', s='s')})")
        names = ", ".join(summary.keys)
        insert = (
            f"INSERT INTO {table}({_columns(summary)}) VALUES ({', '.join('?' * (len(keys) + 1))}) "
            f"ON CONFLICT ({names}) DO UPDATE SET n = n + excluded.n"
        )
        adds[table] = (insert, keys, where, summary.state)
    at("(s.card_id IS NOT NULL)")  # the last but one column of a row: the count is last
    groups = ", ".join(str(i + 1) for i in range(len(columns)))
    select = (
        f"SELECT {', '.join(columns)}, COUNT(*) FROM cards c "
        "LEFT JOIN card_state s ON s.card_id = c.id "
        f"WHERE c.id BETWEEN ? AND ? GROUP BY {groups}"
    )
    return select, adds


_BULK_SELECT, _BULK_ADDS = _bulk_groups()


def _count_new(store: _Executes, first_id: int, last_id: int) -> None:
    """Count the cards first_id..last_id into every summary: one pass over them groups
    them by every summary's keys at once (four passes, one per summary, cost a build of
    50,000 cards ~0.1 s), and each summary adds up the groups it counts."""
    rows = store.execute(_BULK_SELECT, (first_id, last_id)).fetchall()
    for insert, keys, where, state in _BULK_ADDS.values():
        counts: dict[tuple, int] = {}
        for row in rows:
            if row[where] and (row[-2] or not state):  # as the WHERE and JOIN of `_fill`
                key = tuple([row[i] for i in keys])
                counts[key] = counts.get(key, 0) + row[-1]
        for key, n in counts.items():
            store.execute(insert, (*key, n))


# The per-row triggers a state update fires: three summaries, each a take-out of the old
# state's group and an add to the new one's.
_STATE_UPDATES = tuple(f"{name}_state_update" for name, s in SUMMARIES.items() if s.state)


@contextmanager
def updating_states(
    store: _Executes, cards: int
) -> Iterator[Callable[[Sequence[int]], AbstractContextManager[None]]]:
    """For a block that updates the states of about `cards` cards (an import's replay of
    half a million answers, a sync's of 100,000 merged cards): yields `moving`, inside
    which each batch of state rows is written, `with moving(card_ids): ...` (the batch
    changes no other card's state). With many cards (BULK_ROWS), the summaries' per-row
    state update triggers are off for the block and `moving` takes the batch's cards out
    of the counts before it and puts them back after (grouped statements per summary);
    with few, the triggers count. Inside the caller's transaction, which must roll back if
    the block fails."""
    present = {
        name for (name,) in store.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    if cards < BULK_ROWS or not set(_STATE_UPDATES) <= present:
        yield lambda card_ids: nullcontext()  # a few (or a damaged file): the triggers
        return

    @contextmanager
    def moving(card_ids: Sequence[int]) -> Iterator[None]:
        _count_states(store, card_ids, "-COUNT(*)")
        yield
        _count_states(store, card_ids, "COUNT(*)")

    for name in _STATE_UPDATES:
        store.execute(f"DROP TRIGGER {name}")
    try:
        yield moving
    finally:
        triggers = _triggers()
        for name in _STATE_UPDATES:
            store.execute(triggers[name])


def _count_states(store: _Executes, card_ids: Sequence[int], count: str) -> None:
    """Add `count` (COUNT(*) or its negative) of these cards to the summaries that read
    their states, by group; groups left with no card are removed."""
    ids = sorted(set(card_ids))
    for table, summary in SUMMARIES.items():
        if not summary.state:
            continue
        columns = _columns(summary)
        keys = columns.removesuffix(", n")
        for i in range(0, len(ids), _IDS):
            part = ids[i : i + _IDS]
            select = _fill(summary, f"c.id IN ({','.join('?' * len(part))})", count)
            store.execute(
                f"INSERT INTO {table}({columns}) {select} "
                f"ON CONFLICT ({keys}) DO UPDATE SET n = n + excluded.n",
                part,
            )
        store.execute(f"DELETE FROM {table} WHERE n <= 0")


_IDS = 900  # card ids in one IN (...) list: below SQLite's limit of 999 parameters


def remake_triggers(store: _Executes) -> None:
    """Each summary trigger the collection has, made again from its definition here
    (schema step m018); a missing one stays missing, for `problems` to name."""
    store.execute(pending_mark.CREATE)  # what the triggers' conditions read
    remake_present(store, _triggers())


def remake_present(store: _Executes, made: dict[str, str]) -> None:
    """Of the triggers `made` ({name: CREATE statement}), each the collection has, made
    again; those it lacks stay missing (the summaries' `problems` name them)."""
    present = {
        name for (name,) in store.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    for name, statement in made.items():
        if name in present:
            store.execute(f"DROP TRIGGER {name}")
            store.execute(statement)


def rebuild(store: _Executes) -> None:
    """Recreate the tables and triggers and recount them from the cards, inside the
    caller's transaction (it heals a dropped table or trigger too)."""
    for trigger in TRIGGERS:
        store.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in _FILLS:
        store.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _summary_statements():
        store.execute(statement)


def problems(store: _Executes) -> list[str]:
    """Where the tables disagree with a full recount of the cards ([] when they agree)."""
    present = {
        name
        for (name,) in store.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')"
        )
    }
    missing = [name for name in (*_FILLS, *TRIGGERS, *LIVE_VIEWS) if name not in present]
    if missing:
        return [
            f"the card counts behind the deck list and stats lack {', '.join(missing)}; "
            "run `flashcards doctor --repair`"
        ]
    found = []
    for table, (columns, select) in _FILLS.items():
        seen = f"SELECT {columns} FROM {table}"
        if SUMMARIES[table].state:  # as its readers add it up, the pending answers too
            keys = columns.removesuffix(", n")
            seen = f"SELECT {keys}, SUM(n) FROM {live(table)} GROUP BY {keys} HAVING SUM(n) != 0"
        wrong = store.execute(
            f"SELECT (SELECT COUNT(*) FROM ({select} EXCEPT {seen})) "
            f"+ (SELECT COUNT(*) FROM ({seen} EXCEPT {select}))"
        ).fetchone()[0]
        if wrong:
            found.append(
                f"{wrong} rows of {table} (the card counts behind the deck list and stats) disagree "
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
        "SELECT deck_id, due = '', SUM(n) "
        f"FROM {pending_mark.reading(store, 'deck_due')} WHERE due <= ? GROUP BY 1, 2",
        (day,),
    ):
        found[deck_id, bool(new)] = int(n)
    return found
