"""The card browser's SQL: a page of the cards a search matches, their count, a card's
history, and the flags the browser changes.

A search is one SELECT with a WHERE built from the search (`flashcards.browse`),
an ORDER BY and a LIMIT: nothing is loaded into Python but the page. The outline
order and the due date walk an index and stop at the LIMIT, on 100,000 cards as
on 100. The other sorts (interval, ease, lapses, last review) have no index since
schema step m019 (each was a page more for every answer to write and sync): the
matching cards' ids and sort keys are read and only the top of the order kept,
then the page's rows are read for those ids alone. The count stops at `COUNT_CAP`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from flashcards.browse import COUNT_CAP, STATES, FoundCard, PastReview, Search
from flashcards.faces import front_text
from flashcards.notes.markers import Deletion
from flashcards.sm2 import LEECH_LAPSES

if TYPE_CHECKING:
    from flashcards.store.db import Store

# each state as a condition; `:today` is the study day (ISO)
_STATE_SQL = {
    "new": "s.due IS NULL",
    "due": "(s.due <= :today AND c.suspended = 0 "
    "AND (c.buried_until IS NULL OR c.buried_until <= :today) AND c.retired = 0)",
    "learning": "(s.due IS NOT NULL AND (s.repetitions = 0 OR (s.drill = 1 AND s.last_day = :today)))",
    "suspended": "c.suspended = 1",
    "buried": "(c.buried_until IS NOT NULL AND c.buried_until > :today)",
    # unlikely(): leeches are few, so SQLite reads the states first and looks up the
    # cards of the few (no index of lapses since m019: ~5x faster than the other way)
    "leech": f"unlikely(s.lapses >= {LEECH_LAPSES})",
    "retired": "c.retired = 1",
}
# each order ends on the state row's id: a total order, the same page whichever way it is
# read; `due` and `last` put the cards without one last
_ORDER = {
    "card": "d.name {dir}, c.source {dir}, c.position {dir}, c.id {dir}",
    "due": "s.due {dir}, s.card_id {dir}",
    "interval": "s.interval {dir}, s.card_id {dir}",
    "ease": "s.ef {dir}, s.card_id {dir}",
    "lapses": "s.lapses {dir}, s.card_id {dir}",
    "last": "s.last_day {dir}, s.card_id {dir}",
}
_MAYBE_NULL = {"due": "s.due", "last": "s.last_day"}
_FROM = (
    "FROM cards c JOIN card_state s ON s.card_id = c.id JOIN decks d ON d.id = c.deck_id "
    "JOIN blocks b ON b.id = c.block_id"
)
_FROM_NO_BLOCKS = _FROM.removesuffix(" JOIN blocks b ON b.id = c.block_id")
# the outline order, read in it: the decks by name, each deck's cards by cards_order,
# stopping at the LIMIT. A collection has no planner statistics (nothing runs ANALYZE),
# and left to guess SQLite read every card to sort them: ~100 ms a page at 100k cards
# (300 ms descending), against 0.4 ms.
_FROM_BY_DECK = (
    "FROM decks d CROSS JOIN cards c ON c.deck_id = d.id "
    "CROSS JOIN card_state s ON s.card_id = c.id CROSS JOIN blocks b ON b.id = c.block_id"
)
_COLUMNS = (
    "c.id, d.name, c.source, b.line, b.body, b.marks, c.hidden, c.answers, b.tags, s.due, "
    "s.interval, s.ef, s.lapses, s.repetitions, s.last_day, c.retired, c.suspended, "
    "c.buried_until, s.drill"
)


# the source file's name (after its last /): the folders above it would match every card
_FILE_NAME = "replace(c.source, rtrim(c.source, replace(c.source, '/', '')), '')"


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(search: Search, today: str) -> tuple[str, dict[str, object]]:
    params: dict[str, object] = {"today": today}
    terms: list[str] = []
    if not search.with_retired:
        terms.append("c.retired = 0")
    if search.states:
        terms.append("(" + " OR ".join(_STATE_SQL[s] for s in sorted(search.states)) + ")")
    if search.decks:
        names = []
        for i, name in enumerate(search.decks):
            params[f"deck{i}"] = name
            names.append(f":deck{i}")
        terms.append(f"d.name COLLATE NOCASE IN ({', '.join(names)})")
    for i, tag in enumerate(search.tags):
        # tags are a JSON list of strings: the quoted tag is a whole element
        params[f"tag{i}"] = _like(json.dumps(tag, ensure_ascii=False))
        terms.append(f"b.tags LIKE :tag{i} ESCAPE '\\'")
    for i, word in enumerate(search.words):
        params[f"w{i}"] = _like(word)
        fields = " OR ".join(
            f"{column} LIKE :w{i} ESCAPE '\\'"
            for column in ("b.norm", "c.answers", "d.name", "b.tags")
        )
        # the file's name is cut from its path only where the path has the word at all
        fields += f" OR (c.source LIKE :w{i} ESCAPE '\\' AND {_FILE_NAME} LIKE :w{i} ESCAPE '\\')"
        state = word.lower()
        if state in STATES:
            fields += f" OR {_STATE_SQL[state]}"
        terms.append(f"({fields})")
    return (" WHERE " + " AND ".join(terms)) if terms else "", params


def search(store: Store, query: Search, today: str, limit: int, offset: int = 0) -> list[FoundCard]:
    """The page of cards `query` matches, in its order."""
    where, params = _where(query, today)
    direction = "DESC" if query.descending else "ASC"
    column = _MAYBE_NULL.get(query.sort)
    if column is None:
        order = _ORDER[query.sort].format(dir=direction)
        # the outline order read in it, unless the search is for leeches: it reads the
        # few of them first (`unlikely`) and sorts those
        outline = query.sort == "card" and "leech" not in query.states
        rows = _page(
            store, where, params, order, limit, offset, _FROM_BY_DECK if outline else _FROM
        )
    else:
        # the dated cards in order, then the undated ones (new, never reviewed) by id:
        # two index walks, where one ORDER BY with NULLS LAST would sort every card
        join = " AND " if where else " WHERE "
        order = _ORDER[query.sort].format(dir=direction)
        rows = _page(store, f"{where}{join}{column} IS NOT NULL", params, order, limit, offset)
        if len(rows) < limit:
            skip = 0
            if not rows and offset:
                skip = offset - _count(store, f"{where}{join}{column} IS NOT NULL", params, None)
            rows += _page(
                store,
                f"{where}{join}{column} IS NULL",
                params,
                "s.card_id",
                limit - len(rows),
                max(0, skip),
            )
    counts = _review_counts(store, [r[0] for r in rows])
    return [_found(row, today, counts.get(row[0], 0)) for row in rows]


# the orders an index gives (cards_order, card_state_due, card_state's own key)
_INDEXED = ("d.name", "s.due", "s.card_id")


def _page(
    store: Store,
    where: str,
    params: dict[str, object],
    order: str,
    limit: int,
    offset: int,
    source: str = _FROM,
) -> list[tuple]:
    """A page in an indexed order, read from `source` (the joins that walk its index);
    in any other, the top of a sort of the matching ids, then the page's rows."""
    values = {**params, "limit": limit, "offset": offset}
    if order.startswith(_INDEXED):
        return store.execute(
            f"SELECT {_COLUMNS} {source}{where} ORDER BY {order} LIMIT :limit OFFSET :offset",
            values,
        ).fetchall()
    # No index for this order: a top-N sort (SQLite keeps only LIMIT + OFFSET rows) of the
    # ids alone, then the wide rows of the page's cards. Sorting the page's own columns,
    # SQLite read every matching card's block text to keep two hundred (~8x slower). The
    # blocks are joined first only when the search reads them: every card has its block
    # (a foreign key, which doctor checks), and looking 100,000 of them up is 3/4 of the
    # sort's time.
    ids = _FROM if "b." in where else _FROM_NO_BLOCKS
    return store.execute(
        f"SELECT {_COLUMNS} FROM (SELECT s.card_id AS page_id {ids}{where} "
        f"ORDER BY {order} LIMIT :limit OFFSET :offset) AS page "
        "CROSS JOIN cards c ON c.id = page.page_id JOIN card_state s ON s.card_id = c.id "
        "JOIN decks d ON d.id = c.deck_id JOIN blocks b ON b.id = c.block_id "
        f"ORDER BY {order}",
        values,
    ).fetchall()


def _count(store: Store, where: str, params: dict[str, object], cap: int | None) -> int:
    limit = f" LIMIT {cap}" if cap is not None else ""
    source = _FROM if "b." in where else _FROM_NO_BLOCKS  # as in `_page`
    sql = f"SELECT COUNT(*) FROM (SELECT 1 {source}{where}{limit})"
    return int(store.execute(sql, params).fetchone()[0])


def count(store: Store, query: Search, today: str) -> int:
    """How many cards `query` matches, counted up to COUNT_CAP."""
    where, params = _where(query, today)
    return _count(store, where, params, COUNT_CAP)


def _review_counts(store: Store, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    return dict(
        store.execute(
            f"SELECT card_id, COUNT(*) FROM reviews WHERE card_id IN ({marks}) GROUP BY card_id",
            ids,
        ).fetchall()
    )


def _found(row: tuple, today: str, reviews: int) -> FoundCard:
    (
        card_id,
        deck,
        source,
        line,
        body,
        marks,
        hidden,
        answers,
        tags,
        due,
        interval,
        ef,
        lapses,
        reps,
        last_day,
        retired,
        suspended,
        buried_until,
        drill,
    ) = row
    found = tuple(json.loads(answers))
    states = []
    for state in STATES:
        if _has(state, due, reps, lapses, last_day, retired, suspended, buried_until, drill, today):
            states.append(state)
    return FoundCard(
        id=card_id,
        deck=deck,
        source=source,
        line=line,
        # the front as the study screen shows it (rendered: no `**` or link syntax)
        text=" ".join(
            front_text(
                body, [Deletion(*m) for m in json.loads(marks)], json.loads(hidden), found
            ).split()
        ),
        answers=found,
        tags=tuple(json.loads(tags)),
        states=tuple(states),
        due=date.fromisoformat(due) if due else None,
        interval=interval,
        ease=ef / 1000,
        lapses=lapses,
        repetitions=reps,
        last_review=date.fromisoformat(last_day) if last_day else None,
        reviews=reviews,
    )


def _has(
    state: str,
    due: str | None,
    reps: int,
    lapses: int,
    last_day: str | None,
    retired: int,
    suspended: int,
    buried_until: str | None,
    drill: int,
    today: str,
) -> bool:
    """`_STATE_SQL[state]` for one row (the page's rows say which states they are in)."""
    buried = buried_until is not None and buried_until > today
    if state == "new":
        return due is None
    if state == "due":
        return due is not None and due <= today and not (suspended or buried or retired)
    if state == "learning":
        return due is not None and (reps == 0 or (bool(drill) and last_day == today))
    if state == "suspended":
        return bool(suspended)
    if state == "buried":
        return buried
    if state == "leech":
        return lapses >= LEECH_LAPSES
    return bool(retired)


def history(store: Store, card_id: int) -> list[PastReview]:
    """A card's reviews, oldest first."""
    return [
        PastReview(
            time_ms=t,
            day=date.fromisoformat(day),
            q=q,
            kind=kind,
            duration_ms=duration,
            interval_before=before,
            interval_after=after,
            ease_after=ef / 1000,
            due_after=date.fromisoformat(due) if due else None,
        )
        for t, day, q, kind, duration, before, after, ef, due in store.execute(
            "SELECT time_ms, day, q, kind, duration_ms, interval_before, interval_after, "
            "ef_after, due_after FROM reviews WHERE card_id = ? ORDER BY id",
            (card_id,),
        )
    ]


def unknown_ids(store: Store, ids: list[int]) -> list[int]:
    """Those of `ids` that name no card, in the order given."""
    known: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        known.update(
            r[0]
            for r in store.execute(
                f"SELECT id FROM cards WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            )
        )
    return [i for i in ids if i not in known]
