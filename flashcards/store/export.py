"""The queries exports read: decks, their cards with state, and their reviews.

Read-only. Rows come back as plain tuples in the order of their column lists
(cards by the tens of thousands, reviews by the million, streamed): the
export modules name them as they unpack them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from flashcards import sm2
from flashcards.store.db import Store


class LoggedReview(NamedTuple):
    """A review as the optimizer's log needs it."""

    card_id: int
    time_ms: int
    day: str
    q: int
    duration_ms: int | None
    kind: str  # review or drill
    was_new: int  # the card had never been scheduled before it


def _marks(ids: Sequence[int]) -> str:
    return ",".join("?" * len(ids))


# A card as the exports read it, its block's columns apart (BLOCK_EXPORT_COLUMNS): a
# block's cards share them, and each block is read, and its JSON parsed, once.
CARD_EXPORT_COLUMNS = (
    "c.id, c.guid, d.name, c.block_hash, c.kind, c.source, c.position, c.hidden, "
    "CASE WHEN c.retired THEN 'retired' WHEN c.suspended THEN 'suspended' "
    "WHEN c.buried_until IS NOT NULL THEN 'buried' ELSE 'active' END, "
    "c.updated_at, c.block_id"
)
# the two JSON lists (context, tags) as stored: a file's blocks share the same text
BLOCK_EXPORT_COLUMNS = "b.id, b.line, b.norm, b.body, b.children, b.marks, b.context, b.tags"


def _card_filter(deck_ids: Sequence[int], include_retired: bool) -> str:
    retired = "" if include_retired else "AND c.retired = 0"
    return f"c.deck_id IN ({_marks(deck_ids)}) {retired}"


def card_rows(store: Store, deck_ids: Sequence[int], include_retired: bool = False) -> list[tuple]:
    """Cards of the decks (CARD_EXPORT_COLUMNS), by deck, source, position: those with a
    scheduling state, as the json export (every card, in a sound collection)."""
    if not deck_ids:
        return []
    return store.execute(
        f"SELECT {CARD_EXPORT_COLUMNS} "
        "FROM cards c JOIN decks d ON d.id = c.deck_id "
        "JOIN card_state s ON s.card_id = c.id "
        f"WHERE {_card_filter(deck_ids, include_retired)} "
        "ORDER BY d.name, c.source, c.position",
        tuple(deck_ids),
    ).fetchall()


def block_rows(
    store: Store, deck_ids: Sequence[int], include_retired: bool = False
) -> Iterator[tuple]:
    """The blocks of the cards `card_rows` reads (BLOCK_EXPORT_COLUMNS), each once."""
    if not deck_ids:
        return iter(())
    return store.execute(
        f"SELECT {BLOCK_EXPORT_COLUMNS} FROM blocks b WHERE b.id IN "
        f"(SELECT c.block_id FROM cards c WHERE {_card_filter(deck_ids, include_retired)})",
        tuple(deck_ids),
    )


def card_count(store: Store, deck_ids: Sequence[int], include_retired: bool = False) -> int:
    return sum(deck_card_counts(store, deck_ids, include_retired).values())


def review_rows(store: Store, deck_ids: Sequence[int]) -> Iterator[LoggedReview]:
    """Every review of the decks' cards (retired ones too), by card then time.

    Read along the reviews(card_id, id) index, so the rows come sorted without a sort.
    """
    if not deck_ids:
        return iter(())
    rows = store.execute(
        "SELECT card_id, time_ms, day, q, duration_ms, kind, due_before IS NULL FROM reviews "
        f"WHERE card_id IN (SELECT id FROM cards WHERE deck_id IN ({_marks(deck_ids)})) "
        "AND kind != 'import' "  # a schedule imported from another tool: no answer
        "ORDER BY card_id, id",
        tuple(deck_ids),
    )
    return map(LoggedReview._make, rows)


# A card as the JSON export writes it (card-export.schema.json, $defs/card), all but
# its reviews. Built by SQLite, like the reviews below: ~5x faster than Python
# objects through json.dumps, which matters at 50,000 cards.
# The faces (front, back, cloze) are rendered from the block in Python, between the two.
CARD_JSON_HEAD = (
    "json_object('id', c.id, 'guid', c.guid, 'deck', d.name, 'content_hash', c.content_hash, "
    "'kind', c.kind, 'deletion', c.deletion, "
    "'status', CASE WHEN c.retired THEN 'retired' WHEN c.suspended THEN 'suspended' "
    "WHEN c.buried_until IS NOT NULL THEN 'buried' ELSE 'active' END, "
    "'buried_until', c.buried_until, 'source', c.source, 'line', b.line, "
    "'context', json(b.context), 'text', b.norm)"
)
CARD_JSON_TAIL = (
    "json_object('answers', json(c.answers), 'hint', c.hint, 'tags', json(b.tags), "
    "'created_at', c.created_at, 'updated_at', c.updated_at, "
    "'state', json_object('repetitions', s.repetitions, 'ef', s.ef / 1000.0, "
    "'interval', s.interval, 'due', s.due, 'lapses', s.lapses, 'last_day', s.last_day))"
)


def card_json_rows(
    store: Store, deck_ids: Sequence[int], include_retired: bool = True
) -> Iterator[tuple[str, str, str, str, str, str, str, str | None]]:
    """(the card's JSON head and tail, its kind, body, marks JSON, hidden JSON, children,
    its reviews as JSON objects joined by commas or None), by card id: the JSON export
    renders the faces between head and tail."""
    if not deck_ids:
        return iter(())
    retired = "" if include_retired else "AND c.retired = 0"
    # `+c.deck_id`: not the deck index, whose rows would then be sorted by id (a 50,000
    # card sort of built JSON); the table itself is in id order
    return store.execute(
        f"SELECT {CARD_JSON_HEAD}, {CARD_JSON_TAIL}, c.kind, b.body, b.marks, c.hidden, "
        f"b.children, ({CARD_REVIEWS_JSON}) FROM cards c JOIN decks d ON d.id = c.deck_id "
        "JOIN blocks b ON b.id = c.block_id JOIN card_state s ON s.card_id = c.id "
        f"WHERE +c.deck_id IN ({_marks(deck_ids)}) {retired} ORDER BY c.id",
        tuple(deck_ids),
    )


def deck_card_counts(
    store: Store, deck_ids: Sequence[int], include_retired: bool = False
) -> dict[int, int]:
    if not deck_ids:
        return {}
    retired = "" if include_retired else "AND retired = 0"
    return dict(
        store.execute(
            f"SELECT deck_id, COUNT(*) FROM cards WHERE deck_id IN ({_marks(deck_ids)}) "
            f"{retired} GROUP BY deck_id",
            tuple(deck_ids),
        ).fetchall()
    )


def _state_json(when: str) -> str:
    return (
        f"json_object('repetitions', reps_{when}, 'ef', ef_{when} / 1000.0, "
        f"'interval', interval_{when}, 'due', due_{when}, 'lapses', lapses_{when})"
    )


# sm2.rating (q 0-5 -> 1-4) as SQL, generated from it so the two cannot disagree
_RATING = f"CASE q {' '.join(f'WHEN {q} THEN {sm2.rating(q)}' for q in range(6))} END"

# A review as the JSON export writes it (card-export.schema.json, $defs/review). Built
# by SQLite: a large collection has millions of reviews, and this is C speed.
REVIEW_JSON = (
    "json_object('id', id, 'time_ms', time_ms, "
    "'time', strftime('%Y-%m-%dT%H:%M:%fZ', time_ms / 1000.0, 'unixepoch'), "
    f"'day', day, 'q', q, 'rating', {_RATING}, 'duration_ms', duration_ms, "
    f"'kind', kind, 'before', {_state_json('before')}, 'after', {_state_json('after')})"
)
# A card's reviews, oldest first, as one text: their objects joined by commas (None: no
# reviews). Joined by SQLite, in the card's own row: one row a card reaches Python, not
# one a review. The subquery's ORDER BY is kept by the aggregate around it (SQLite does
# not flatten an ordered subquery into an aggregate), and it is the index's own order:
# reviews_replay (card_id, time_ms), its rowid last.
CARD_REVIEWS_JSON = (
    f"SELECT group_concat(j, ',') FROM (SELECT {REVIEW_JSON} AS j FROM reviews "
    "WHERE card_id = c.id ORDER BY time_ms, id)"
)


def review_count(store: Store, deck_ids: Sequence[int]) -> int:
    if not deck_ids:
        return 0
    return int(
        store.execute(
            "SELECT COUNT(*) FROM reviews "
            f"WHERE card_id IN (SELECT id FROM cards WHERE deck_id IN ({_marks(deck_ids)}))",
            tuple(deck_ids),
        ).fetchone()[0]
    )
