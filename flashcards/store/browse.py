"""The card browser's SQL: a page of the cards a search matches, their count, a card's
history, and the flags the browser changes.

A search is one SELECT with a WHERE built from the search (`flashcards.browse`),
an ORDER BY on one of the indexed state columns and a LIMIT, so a page costs the
same on 100,000 cards as on 100: nothing is loaded into Python but the page. The
count stops at `COUNT_CAP`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from flashcards.browse import COUNT_CAP, STATES, FoundCard, PastReview, Search
from flashcards.faces import front
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
    "leech": f"s.lapses >= {LEECH_LAPSES}",
    "retired": "c.retired = 1",
}
_ORDER = {
    "card": "d.name {dir}, c.source {dir}, c.position {dir}, c.id {dir}",
    "due": "s.due {dir} NULLS LAST, c.id",
    "interval": "s.interval {dir}, c.id",
    "ease": "s.ef {dir}, c.id",
    "lapses": "s.lapses {dir}, c.id",
    "last": "s.last_day {dir} NULLS LAST, c.id",
}
_FROM = (
    "FROM cards c JOIN card_state s ON s.card_id = c.id JOIN decks d ON d.id = c.deck_id "
    "JOIN blocks b ON b.id = c.block_id"
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
            for column in ("b.norm", "c.answers", "d.name", "b.tags", _FILE_NAME)
        )
        state = word.lower()
        if state in STATES:
            fields += f" OR {_STATE_SQL[state]}"
        terms.append(f"({fields})")
    return (" WHERE " + " AND ".join(terms)) if terms else "", params


def search(store: Store, query: Search, today: str, limit: int, offset: int = 0) -> list[FoundCard]:
    """The page of cards `query` matches, in its order."""
    where, params = _where(query, today)
    order = _ORDER[query.sort].format(dir="DESC" if query.descending else "ASC")
    rows = store.execute(
        f"SELECT {_COLUMNS} {_FROM}{where} ORDER BY {order} LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    ).fetchall()
    counts = _review_counts(store, [r[0] for r in rows])
    return [_found(row, today, counts.get(row[0], 0)) for row in rows]


def count(store: Store, query: Search, today: str) -> int:
    """How many cards `query` matches, counted up to COUNT_CAP."""
    where, params = _where(query, today)
    return int(
        store.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 {_FROM}{where} LIMIT {COUNT_CAP})", params
        ).fetchone()[0]
    )


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
    states = []
    for state in STATES:
        if _has(state, due, reps, lapses, last_day, retired, suspended, buried_until, drill, today):
            states.append(state)
    return FoundCard(
        id=card_id,
        deck=deck,
        source=source,
        line=line,
        text=" ".join(
            front(body, [Deletion(*m) for m in json.loads(marks)], json.loads(hidden)).split()
        ),
        answers=tuple(json.loads(answers)),
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
