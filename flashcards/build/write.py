"""A build's last step: write what matching decided, inside the build's transaction.

Blocks first (a block's text once for its cards; an unchanged block keeps its
row), then cards: new ones with fresh random guids, matched ones updated,
vanished ones retired. Content hashes are unique per deck, so hashes changing
hands are parked first, and a card left behind gives its hash up. Nothing here
deletes a card or a review; blocks no card shows any more are dropped.
"""

from __future__ import annotations

import json
import re
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from flashcards import faces
from flashcards.cards import BlockText, Card
from flashcards.clock import iso_utc
from flashcards.identity import block_hash, retired_hash, with_copy
from flashcards.notes.markers import Deletion
from flashcards.store import Store, deck_summaries, matching
from flashcards.store import cards as rows
from flashcards.store.matching import CardKey, Stored

from .hashset import HashSet
from .json_columns import Json
from .match import assign, pair_edits
from .spool import ParsedCards, card_count


class Guids:
    """Fresh random guids, drawn from the OS in batches (a cold build makes thousands).

    Random: a card's guid (its identity in exported Anki decks) is made once and kept;
    content and time would repeat across quick builds of identical blocks."""

    def __init__(self) -> None:
        self._left: list[str] = []

    def __call__(self) -> str:
        if not self._left:
            drawn = secrets.token_bytes(8 * 1024).hex()
            self._left = [drawn[i : i + 16] for i in range(0, len(drawn), 16)]
        return self._left.pop()


BATCH = 4096  # a new deck's cards are inserted this many at a time


class Writer:
    """Rows of one build: block ids handed out as blocks are first written."""

    def __init__(self, store: Store, deck_id: int, stream: bool = False) -> None:
        """`stream`: write cards in batches as they come (a new deck: no hash can clash)."""
        self.store, self.deck_id, self.stream = store, deck_id, stream
        self.stamp = iso_utc()
        self.to_json = Json()
        self.new_guid = Guids()
        self.next_block, self.next_card = rows.next_ids(store)
        self.block_ids: dict[int, int] = {}  # id(BlockText) -> its row
        self.blocks: list[tuple] = []
        self.cards: list[tuple] = []  # in CARD_COLUMNS order
        self.new_hashes: set[str] = set()  # the content hashes new cards take

    def shown(self, block: BlockText) -> tuple[str, str, str, str, str]:
        """What a block shows, as stored (compared to tell an updated card)."""
        j = self.to_json
        return (block.body, j.marks(block.marks), block.children, j(block.context), j(block.tags))

    def block_id(self, block: BlockText, reuse: Stored | None = None) -> int:
        """The row of a block: an unchanged stored one (same file, line and text), else new."""
        found = self.block_ids.get(id(block))
        if found is not None:
            return found
        shown = self.shown(block)
        if (
            reuse is not None
            and reuse.source == block.source
            and reuse.line == block.line
            and reuse.norm == block.norm
            and (reuse.body, reuse.marks, reuse.children, reuse.context, reuse.tags) == shown
        ):
            self.block_ids[id(block)] = reuse.block_id
            return reuse.block_id
        new = self.next_block
        self.next_block += 1
        self.block_ids[id(block)] = new
        body, marks, children, context, tags = shown
        self.blocks.append(
            (
                new,
                self.deck_id,
                block.source,
                block.line,
                body,
                marks,
                children,
                context,
                tags,
                block.norm,
            )
        )
        return new

    def new_card(self, card: Card, content_hash: str, shared: str) -> None:
        card_id = self.next_card
        self.next_card += 1
        if not self.stream:  # a new deck's hashes clash with none
            self.new_hashes.add(content_hash)
        self.cards.append(
            (
                card_id,
                self.new_guid(),
                self.deck_id,
                content_hash,
                card.content_hash,
                shared,
                card.kind,
                card.deletion,
                card.source,
                card.position,
                self.block_id(card.block),
                self.to_json(card.hidden),
                self.to_json(card.answers),
                card.hint,
                self.stamp,
                self.stamp,
                lineage(card),
                card.dialect,
            )
        )
        if self.stream and len(self.cards) >= BATCH:
            self.flush()

    def new_packed(self, packed: tuple[list[tuple], list[tuple]], seen: _SeenHashes) -> int:
        """A new deck's cards of one file as `reading.pack_cards` holds them (a spooled
        file's), written as `new_card` writes the cards `reading.unpack_cards` would make
        of them, copy numbers from `seen` — without making those objects. The count."""
        assert self.stream  # a new deck's: no hash of it clashes with another
        blocks, cards = packed
        j, marks = self.to_json, self.to_json.marks
        deck_id, stamp, new_guid, copy_of = self.deck_id, self.stamp, self.new_guid, seen.copy
        ids: list[int | None] = [None] * len(blocks)  # a block's row, once its first card is
        for (
            content_hash,
            kind,
            at,
            hidden,
            answers,
            hint,
            shared,
            deletion,
            position,
            _,
            dialect,
        ) in cards:
            block = blocks[at]
            block_id = ids[at]
            if block_id is None:
                block_id = ids[at] = self.next_block
                self.next_block += 1
                source, line, body, marks_, children, context, tags, norm, _ = block
                self.blocks.append(
                    (
                        block_id,
                        deck_id,
                        source,
                        line,
                        body,
                        marks(marks_),
                        children,
                        j(context),
                        j(tags),
                        norm,
                    )
                )
            copy = copy_of(content_hash)
            card_id = self.next_card
            self.next_card += 1
            self.cards.append(
                (
                    card_id,
                    new_guid(),
                    deck_id,
                    with_copy(content_hash, copy),
                    content_hash,
                    with_copy(shared, copy),
                    kind,
                    deletion,
                    block[0],
                    position,
                    block_id,
                    j(hidden),
                    j(answers),
                    hint,
                    stamp,
                    stamp,
                    " ".join(block[8]),
                    dialect,
                )
            )
            if len(self.cards) >= BATCH:
                self.flush()
        return len(cards)

    def flush_blocks(self) -> None:
        if self.blocks:
            rows.insert_blocks(self.store, self.blocks)
            self.blocks = []

    def flush(self) -> None:
        self.flush_blocks()  # blocks before the cards that show them
        if self.cards:
            rows.insert_cards(self.store, self.cards)
            self.cards = []


def write_new_deck(
    store: Store, deck_id: int, files: Sequence[str | Path], parsed: Mapping[str, list[Card]]
) -> int:
    """A new deck: every card is new; identical blocks get copy numbers in outline order.
    Returns the number of cards. Into a collection with no cards yet (a first build),
    the cards and blocks tables' indexes are built after the rows are in, in the same
    transaction: ten indexes kept up row by row cost more than building them once.

    One file's cards at a time: what `parsed` holds on disk (`spool.ParsedCards`) is
    read back file by file and let go once written, and all that stays for the deck's
    other files is which content hashes it has seen."""
    total = card_count(parsed)
    indexes = _drop_indexes(store) if total >= BULK_CARDS and _no_cards(store) else []
    out = Writer(store, deck_id, stream=True)
    # the deck summaries' insert triggers off once for all the deck's batches, its new
    # cards counted in one grouped statement at the end (per batch, the triggers' drops
    # and creations made every statement prepare again)
    last = out.next_card + total - 1
    with deck_summaries.inserting(store, out.next_card, last):
        count = _write_files(out, files, parsed, total)
    if out.next_card - 1 > last:
        raise RuntimeError(f"a new deck's build wrote {count} cards where it counted {total}")
    for statement in indexes:
        store.execute(statement)
    return count


def _write_files(
    out: Writer, files: Sequence[str | Path], parsed: Mapping[str, list[Card]], total: int
) -> int:
    """`write_new_deck`'s rows, file by file; the number of cards."""
    seen = _SeenHashes(total)
    count = 0
    spool = parsed if isinstance(parsed, ParsedCards) else None
    for path in files:
        key = str(path)
        if spool is not None and key in spool and (packed := spool.packed(key)) is not None:
            count += out.new_packed(packed, seen)  # spooled: written from its tuples
            continue
        cards = parsed.get(key)
        if not cards:
            continue
        for card in cards:
            copy = seen.copy(card.content_hash)
            out.new_card(card, with_copy(card.content_hash, copy), with_copy(card.block_hash, copy))
        count += len(cards)
        # a file's blocks are its own: once its cards are written they are let go, and
        # the id() of a block let go may be taken by a block of the next file
        out.block_ids.clear()
        del cards
    out.flush()
    return count


BULK_CARDS = 5000  # from this many new cards into an empty collection, indexes come after


_HEX16 = re.compile("[0-9a-f]{16}").fullmatch  # what `identity.digest` makes


class _SeenHashes:
    """Copy numbers of a new deck's cards, in outline order: how many cards before this
    one have its content hash. Most hashes come once, so those are kept compactly (a
    hash of 16 hex digits as its number, in a `HashSet`); only repeated ones get a
    count."""

    def __init__(self, expected: int) -> None:
        self._once = HashSet(expected)
        self._other: set[str] = set()  # hashes not of 16 hex digits (none the reader makes)
        self._more: Counter[str] = Counter()  # hash -> its cards so far, from the second

    def copy(self, content_hash: str) -> int:
        if _HEX16(content_hash):
            new = self._once.add(int(content_hash, 16))
        else:
            new = content_hash not in self._other
            self._other.add(content_hash)
        if new:
            return 0
        copy = self._more[content_hash] or 1
        self._more[content_hash] = copy + 1
        return copy


def _no_cards(store: Store) -> bool:
    return store.execute("SELECT 1 FROM cards LIMIT 1").fetchone() is None


def _drop_indexes(store: Store) -> list[str]:
    """Drop the cards and blocks tables' own indexes (not those of their constraints);
    returns the statements that make them again."""
    found = store.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name IN ('cards', 'blocks') AND sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    for name, _sql in found:
        store.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def match_and_write(
    store: Store,
    deck_id: int,
    index: list[CardKey],
    files: Sequence[str | Path],
    parsed: dict[str, list[Card]],
    kept_sources: set[str],
    touched: list[str],
) -> dict[str, int]:
    """Match the parsed cards against the stored ones and write the outcome; the counts
    (new, updated, edited, moved, restored, retired)."""
    counts = dict.fromkeys(("new", "updated", "edited", "moved", "restored", "retired"), 0)
    by_id = {k.id: k for k in index}
    plan = assign(index, files, parsed, kept_sources)
    out = Writer(store, deck_id)
    j = out.to_json
    renumbered = [
        s.kept for s in plan.slots if s.kept is not None and by_id[s.kept].content_hash != s.final
    ]
    matched = [s.card_id for s in plan.fresh if s.card_id is not None]
    full = matching.stored(store, [*matched, *plan.vanished, *renumbered])
    pairs = pair_edits(
        plan.appeared, {i: (full[i].kind, full[i].answers, full[i].norm) for i in plan.vanished}, j
    )

    updates: dict[int, dict[str, object]] = {}
    for s in plan.slots:
        if s.kept is not None:
            if by_id[s.kept].content_hash != s.final:
                # an unchanged card whose copy number changed: only its hashes follow
                updates[s.kept] = {
                    "content_hash": s.final,
                    "block_hash": with_copy(block_hash(full[s.kept].norm), s.copy),
                    "updated_at": out.stamp,
                }
            continue
        card = s.card
        assert card is not None
        shared = with_copy(card.block_hash, s.copy)
        if s.card_id is None and id(s) not in pairs:
            out.new_card(card, s.final, shared)
            counts["new"] += 1
            continue
        if s.card_id is None:
            s.card_id = pairs[id(s)]
            counts["edited"] += 1
        old = full[s.card_id]
        key = by_id[s.card_id]
        values = {
            "content_hash": s.final,
            "base_hash": card.content_hash,
            "block_hash": shared,
            "kind": card.kind,
            "deletion": card.deletion,
            "source": card.source,
            "position": card.position,
            "block_id": out.block_id(card.block, old),
            "hidden": j(card.hidden),
            "answers": j(card.answers),
            "hint": card.hint,
            "ancestors": lineage(card),
            "dialect": card.dialect,
        }
        if id(s) not in pairs:
            if key.retired:
                counts["restored"] += 1
            elif key.source != s.source:
                counts["moved"] += 1
            elif _faces(old) != _faces_of(card, values, out):
                counts["updated"] += 1
        change = {k: v for k, v in values.items() if getattr(old, k, None) != v}
        if key.retired:
            change["retired"] = 0
        if change:
            change["updated_at"] = out.stamp
            updates[s.card_id] = change

    paired = set(pairs.values())
    retire = [i for i in plan.vanished if i not in paired]
    counts["retired"] = len(retire)

    # Content hashes are unique per deck: hashes changing hands are parked first, and a
    # card left behind (retired) gives up a hash another card now takes.
    rehashed = [i for i, change in updates.items() if "content_hash" in change]
    taken = {str(updates[i]["content_hash"]) for i in rehashed}
    taken.update(out.new_hashes)
    by_hash = {k.content_hash: k for k in index}
    give_up = [
        (retired_hash(k.content_hash, k.id), k.id)
        for h in taken
        if (k := by_hash.get(h)) is not None and k.id not in updates and k.id not in plan.used
    ]
    out.flush_blocks()  # before the cards that show them
    rows.park_hashes(store, rehashed)
    rows.set_hashes(store, give_up)
    rows.retire(store, retire, out.stamp)
    rows.update_cards(store, updates)
    out.flush()  # new cards last: the hashes they take are free now
    rows.drop_unused_blocks(store, deck_id, touched)
    return counts


def lineage(card: Card) -> str:
    """A card's ancestors as the `ancestors` column stores them: block hashes, spaced."""
    return " ".join(card.block.ancestors)


def _faces(old: Stored) -> tuple:
    """What a reader of a stored card sees (a change here makes a matched card updated)."""
    marks = tuple(Deletion(*m) for m in json.loads(old.marks))
    hidden = tuple(json.loads(old.hidden))
    return (
        old.kind,
        old.answers,
        old.hint,
        old.context,
        old.tags,
        faces.front(old.body, marks, hidden),
        faces.back(old.body, marks, old.children),
        faces.cloze(old.kind, old.body, marks, hidden),
    )


def _faces_of(card: Card, values: dict[str, object], out: Writer) -> tuple:
    """The same for a card as the notes now make it."""
    j = out.to_json
    return (
        card.kind,
        values["answers"],
        card.hint,
        j(card.context),
        j(card.tags),
        card.front,
        card.back,
        card.cloze,
    )
