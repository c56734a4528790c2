"""The SQL of syncing through journals (`flashcards.sync`): this device's id and what
it has written, the other devices' reviews merged in, and those that wait.

Every function runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from flashcards.store import deck_summaries, history, summaries
from flashcards.store.db import chunks, marks

if TYPE_CHECKING:
    from flashcards.store.db import Store


class OwnReview(NamedTuple):
    """One of this device's reviews, as its journal line needs it."""

    id: int
    guid: str
    deck: str
    content_hash: str
    time_ms: int
    day: str
    q: int
    duration_ms: int | None
    kind: str


class Pending(NamedTuple):
    device: str
    guid: str
    deck: str
    content_hash: str
    time_ms: int
    day: str
    q: int
    duration_ms: int | None
    kind: str


def device_id(store: Store) -> str:
    return str(store.get_config("device_id"))


def written_mark(store: Store) -> int:
    return int(store.get_config("sync_written", "0") or 0)


def set_written_mark(store: Store, review_id: int) -> None:
    store.execute("UPDATE config SET value = ? WHERE key = 'sync_written'", (str(review_id),))


_OWN = (
    "SELECT r.id, c.guid, d.name, c.content_hash, r.time_ms, r.day, r.q, r.duration_ms, r.kind "
    "FROM reviews r JOIN cards c ON c.id = r.card_id JOIN decks d ON d.id = c.deck_id "
)


def has_news(store: Store) -> bool:
    """Whether this device has reviews (or undos) its journal does not hold yet."""
    mark = written_mark(store)
    return (
        store.one("SELECT 1 FROM reviews WHERE id > ? AND device IS NULL LIMIT 1", (mark,))
        is not None
        or store.one("SELECT 1 FROM sync_outbox LIMIT 1") is not None
    )


def own_reviews_after(store: Store, mark: int) -> list[OwnReview]:
    return list(
        map(
            OwnReview._make,
            store.execute(_OWN + "WHERE r.id > ? AND r.device IS NULL ORDER BY r.id", (mark,)),
        )
    )


def last_review_id(store: Store) -> int:
    return int(store.one("SELECT COALESCE(MAX(id), 0) FROM reviews") or 0)  # type: ignore[arg-type]


def outbox(store: Store) -> list[OwnReview]:
    """This device's journaled reviews undone since (their undo lines to write)."""
    return list(
        map(
            OwnReview._make,
            store.execute(
                "SELECT o.rowid, c.guid, d.name, c.content_hash, o.time_ms, o.day, o.q, "
                "o.duration_ms, 'undo' FROM sync_outbox o JOIN cards c ON c.id = o.card_id "
                "JOIN decks d ON d.id = c.deck_id ORDER BY o.rowid"
            ),
        )
    )


def clear_outbox(store: Store) -> None:
    store.execute("DELETE FROM sync_outbox")


def peers(store: Store) -> dict[str, tuple[int, int, int, int, bytes]]:
    """{device: (offset, lines, size, mtime_ns, tail)}: how far each other device's
    journal was read, and how it looked then (`flashcards.sync.journal.Seen`)."""
    return {
        row[0]: tuple(row[1:])
        for row in store.execute(
            "SELECT device, offset, lines, size, mtime_ns, tail FROM sync_peers"
        )
    }


def set_peer(store: Store, device: str, seen: Sequence) -> None:
    store.execute(
        "INSERT INTO sync_peers(device, offset, lines, size, mtime_ns, tail) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(device) DO UPDATE SET offset = excluded.offset, "
        "lines = excluded.lines, size = excluded.size, mtime_ns = excluded.mtime_ns, "
        "tail = excluded.tail",
        (device, *seen),
    )


def card_keys(store: Store) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Every card by guid, and by (deck name, content hash)."""
    by_guid: dict[str, int] = {}
    by_hash: dict[tuple[str, str], int] = {}
    for card_id, guid, deck, content_hash in store.execute(
        "SELECT c.id, c.guid, d.name, c.content_hash FROM cards c JOIN decks d ON d.id = c.deck_id"
    ):
        by_guid[guid] = card_id
        by_hash[(deck, content_hash)] = card_id
    return by_guid, by_hash


def reviews_of_cards(store: Store, card_ids: Collection[int]) -> dict[int, list[tuple]]:
    """Every review of these cards, by card: (card, id, device, time_ms, day, q, kind), in no
    particular order (the merge sorts each card's with its new ones). For half the
    cards or more, one pass over the whole log beats a look-up of each card's reviews
    (its rows lie all over the table)."""
    found: dict[int, list[tuple]] = {}
    if len(card_ids) * 2 >= history.table_size(store, "cards"):
        wanted = card_ids if isinstance(card_ids, set | frozenset) else set(card_ids)
        for row in store.execute("SELECT card_id, id, device, time_ms, day, q, kind FROM reviews"):
            if row[0] in wanted:
                found.setdefault(row[0], []).append(row)
        return found
    store.execute("CREATE TEMP TABLE IF NOT EXISTS sync_cards (card_id INTEGER PRIMARY KEY)")
    store.execute("DELETE FROM sync_cards")
    store.executemany("INSERT INTO sync_cards VALUES (?)", ((c,) for c in card_ids))
    for row in store.execute(
        "SELECT r.card_id, r.id, r.device, r.time_ms, r.day, r.q, r.kind FROM sync_cards s "
        "JOIN reviews r ON r.card_id = s.card_id"
    ):
        found.setdefault(row[0], []).append(row)
    store.execute("DELETE FROM sync_cards")
    return found


_INSERT = (
    "INSERT INTO reviews(card_id, time_ms, day, q, duration_ms, kind, reps_before, ef_before, "
    "interval_before, due_before, lapses_before, reps_after, ef_after, interval_after, "
    "due_after, lapses_after, device) VALUES "
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def insert_reviews(store: Store, rows: Sequence[Sequence]) -> None:
    """Other devices' reviews: (card, time, day, q, duration, kind, *before, *after, device).
    Many at once are folded into the stats' summaries in Python, in one pass over the rows
    in hand (`summaries.appending_in_bulk`: a third of what grouping them again in SQL
    costs), and with half the log or more, its index by day is made again after
    (`history.bulk_writes`)."""
    if len(rows) < _BULK:
        store.executemany(_INSERT, rows)
        return
    with (
        history.bulk_writes(store, "reviews", len(rows)),
        summaries.appending_in_bulk(store) as fold,
    ):
        store.executemany(_INSERT, rows)
        fold(rows)


_BULK = 1000


def delete_reviews(store: Store, review_ids: Sequence[int]) -> None:
    """Other devices' reviews their device took back (its undo, replayed here)."""
    for part in chunks(review_ids):
        store.execute(f"DELETE FROM reviews WHERE id IN ({marks(len(part))})", tuple(part))


def undone(store: Store, devices: Sequence[str]) -> set[tuple[str, str, int]]:
    """(device, guid, time) of the reviews these devices took back."""
    found: set[tuple[str, str, int]] = set()
    for part in chunks(devices):
        found.update(
            store.execute(
                f"SELECT device, guid, time_ms FROM sync_undone WHERE device IN "
                f"({marks(len(part))})",
                tuple(part),
            )
        )
    return found


def add_undone(store: Store, keys: Iterable[tuple[str, str, int]]) -> None:
    store.executemany("INSERT OR IGNORE INTO sync_undone VALUES (?, ?, ?)", keys)


def has_pending(store: Store) -> bool:
    return store.one("SELECT 1 FROM sync_pending LIMIT 1") is not None


def pending(store: Store) -> list[Pending]:
    return list(map(Pending._make, store.execute("SELECT * FROM sync_pending")))


def add_pending(store: Store, rows: Iterable[Sequence]) -> None:
    store.executemany("INSERT OR IGNORE INTO sync_pending VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def drop_pending(store: Store, keys: Iterable[tuple[str, str, int]]) -> None:
    store.executemany(
        "DELETE FROM sync_pending WHERE device = ? AND guid = ? AND time_ms = ?", keys
    )


def pending_count(store: Store) -> int:
    return int(store.one("SELECT COUNT(*) FROM sync_pending") or 0)  # type: ignore[arg-type]


def write_states(store: Store, states: Sequence[tuple[int, Sequence]]) -> None:
    """The replayed card_state columns of each (card, state), in one statement. Many at
    once are counted into the deck summaries in bulk (`deck_summaries.updating_states`),
    and with half the table or more, its indexes are made again after
    (`history.bulk_writes`)."""
    with (
        deck_summaries.updating_states(store, len(states)) as moving,
        moving([card_id for card_id, _ in states]),
        history.bulk_writes(store, "card_state", len(states)),
    ):
        store.executemany(
            "UPDATE card_state SET repetitions = ?, ef = ?, interval = ?, due = ?, lapses = ?, "
            "last_day = ?, drill = ? WHERE card_id = ?",
            [(*state, card_id) for card_id, state in states],
        )
