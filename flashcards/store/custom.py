"""Custom study's SQL: the cards each kind of custom study offers, practice reviews,
and today's extra new cards.

A practice review (kind `cram` or `ahead`) is logged like any answer but leaves the
card's state as it is — its before and after are the state in force — so the
replay of the log skips it and `doctor` still finds state = replay. Extra new cards
for a study day are a config entry per deck and day (`extra_new:DAY:DECK_ID`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flashcards.store.db import Store

PRACTICE_KINDS = ("cram", "ahead")  # reviews that move no schedule and test no recall
CUSTOM_LIMIT = 1000  # cards one custom session offers at most

_ACTIVE = (
    "c.retired = 0 AND c.suspended = 0 AND (c.buried_until IS NULL OR c.buried_until <= :today)"
)


def _decks(deck_ids: Sequence[int]) -> tuple[str, dict[str, int]]:
    params = {f"d{i}": d for i, d in enumerate(deck_ids)}
    return f"c.deck_id IN ({', '.join(':' + k for k in params)})", params


def ahead(store: Store, deck_ids: Sequence[int], today: str, until: str) -> list[int]:
    """Cards due after today and by `until`, soonest first (not the ones answered today)."""
    where, params = _decks(deck_ids)
    return [
        r[0]
        for r in store.execute(
            "SELECT c.id FROM card_state s JOIN cards c ON c.id = s.card_id "
            f"WHERE s.due > :today AND s.due <= :until AND {where} AND {_ACTIVE} "
            "AND (s.last_day IS NULL OR s.last_day < :today) "
            f"ORDER BY s.due, c.source, c.position, c.id LIMIT {CUSTOM_LIMIT}",
            {**params, "today": today, "until": until},
        )
    ]


def failed_on(store: Store, deck_ids: Sequence[int], today: str) -> list[int]:
    """Cards answered below 3 on `today` (any answer of the day), in the order they failed."""
    where, params = _decks(deck_ids)
    return [
        r[0]
        for r in store.execute(
            "SELECT r.card_id FROM reviews r JOIN cards c ON c.id = r.card_id "
            f"WHERE r.day = :today AND r.q < 3 AND {where} AND {_ACTIVE} "
            f"GROUP BY r.card_id ORDER BY MIN(r.id) LIMIT {CUSTOM_LIMIT}",
            {**params, "today": today},
        )
    ]


def cram(store: Store, deck_ids: Sequence[int], today: str, tag: str | None) -> list[int]:
    """Every active card of the decks (with `tag`, if given), in outline order."""
    import json

    where, params = _decks(deck_ids)
    extra = ""
    if tag is not None:
        pattern = json.dumps(tag, ensure_ascii=False)
        pattern = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["tag"] = f"%{pattern}%"  # type: ignore[assignment]
        extra = " AND b.tags LIKE :tag ESCAPE '\\'"
    return [
        r[0]
        for r in store.execute(
            "SELECT c.id FROM cards c JOIN blocks b ON b.id = c.block_id "
            f"WHERE {where} AND {_ACTIVE}{extra} "
            f"ORDER BY c.deck_id, c.source, c.position, c.id LIMIT {CUSTOM_LIMIT}",
            {**params, "today": today},
        )
    ]


_PRACTICE = (
    "INSERT INTO reviews(card_id, time_ms, day, q, duration_ms, kind, reps_before, ef_before, "
    "interval_before, due_before, lapses_before, reps_after, ef_after, interval_after, "
    "due_after, lapses_after) SELECT ?, ?, ?, ?, ?, ?, repetitions, ef, interval, due, lapses, "
    "repetitions, ef, interval, due, lapses FROM card_state WHERE card_id = ?"
)


def add_practice(
    store: Store, card_id: int, time_ms: int, day: str, q: int, duration_ms: int | None, kind: str
) -> int | None:
    """Log a practice answer with the card's state as before and after (inside the caller's
    transaction); the review's id, or None when there is no such card."""
    assert kind in PRACTICE_KINDS
    cur = store.execute(_PRACTICE, (card_id, time_ms, day, q, duration_ms, kind, card_id))
    return int(cur.lastrowid) if cur.rowcount else None  # type: ignore[arg-type]


def _extra_key(day: str, deck_id: int) -> str:
    return f"extra_new:{day}:{deck_id}"


def extra_new(store: Store, day: str) -> dict[int, int]:
    """Extra new cards allowed on `day`, per deck."""
    prefix = f"extra_new:{day}:"
    return {
        int(key[len(prefix) :]): int(value)
        for key, value in store.execute(
            "SELECT key, value FROM config WHERE key >= ? AND key < ?", (prefix, prefix + "\uffff")
        )
    }


def set_extra_new(store: Store, day: str, counts: dict[int, int]) -> None:
    """Today's extra new cards per deck, replacing today's (and past days') entries."""
    store.execute(
        "DELETE FROM config WHERE key >= 'extra_new:' AND key < ?", (f"extra_new:{day}:\uffff",)
    )
    store.executemany(
        "INSERT INTO config(key, value) VALUES (?, ?)",
        [(_extra_key(day, deck_id), str(n)) for deck_id, n in counts.items() if n > 0],
    )
