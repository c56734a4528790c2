"""What every export format reads: the decks, their cards as the exports see them.

`load_decks` reads the named decks and, for the formats that want them, their
cards in outline order, each with its block's text, gaps and children (the
faces are rendered from those: `ExportCard.front`, `.back`, `.cloze`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from json.scanner import make_scanner
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from flashcards import faces
from flashcards.export.files import ExportError
from flashcards.notes.markers import Deletion
from flashcards.store import export as queries

if TYPE_CHECKING:
    from flashcards.store import Store

Progress = Callable[[int, int], None]

_scan = make_scanner(json.JSONDecoder())
# a stored mark as its Deletion, without a Python call per mark (`Deletion(*d)` runs the
# named tuple's own __new__): a list of all seven fields, as the build writes them
_new_tuple = tuple.__new__
_FIELDS = len(Deletion._fields)


def stored_json(text: str) -> Any:
    """`json.loads` of a list the build stored (json.dumps' own, nothing around it),
    straight from the scanner: without loads' two Python calls and its whitespace
    searches either side (an export of 50,000 cards reads ~20,000 of these)."""
    try:
        return _scan(text, 0)[0]
    except StopIteration:  # not what the build writes: json.loads says what it is
        return json.loads(text)


@dataclass(slots=True)
class ExportCard:
    """One card as the Anki and Markdown exporters see it: its content and status.

    What those formats write and nothing more (the json and reviews-csv formats read
    state and reviews with their own queries): a 50,000-card export builds 50,000 of
    these, positionally, from the columns of their card and block queries,
    and every column costs. Cards with the same context or tags share one list
    (`load_decks` parses each text once): read them, never change them.
    """

    id: int
    guid: str
    deck: str
    block_hash: str
    kind: str
    source: str
    line: int
    position: int
    text: str  # the block's normalised text
    body: str  # the block's text as written
    hidden: tuple[int, ...]  # which of its marks this card hides
    children: str  # the block's children, as an outline
    status: str  # active, retired, suspended, buried
    updated_at: str
    marks: tuple[Deletion, ...]  # the block's deletions (shared by its cards)
    context: list[str]
    tags: list[str]

    @property
    def front(self) -> str:
        return faces.front(self.body, self.marks, self.hidden)

    @property
    def resolved(self) -> str:
        """The block as its back shows it, clozes resolved (without its children)."""
        return faces.resolved(self.body, self.marks)

    @property
    def back(self) -> str:
        return faces.back(self.body, self.marks, self.children)

    @property
    def cloze(self) -> str:
        return faces.cloze(self.kind, self.body, self.marks, self.hidden)


@dataclass
class ExportDeck:
    id: int
    name: str
    description: str
    settings: dict[str, object]
    spec_path: str | None
    notes: list[str]
    built_at: str | None
    cards: list[ExportCard] = field(default_factory=list)
    _shown: dict[str, str] = field(default_factory=dict, repr=False)  # short_source's cache

    def short_source(self, source: str) -> str:
        """A card's file as a reader of the export should see it: relative to the deck's
        notes folder (or the file's own name), not the exporting machine's home folder."""
        shown = self._shown.get(source)
        if shown is None:
            path = PurePath(source)
            shown = path.name
            for root in self.notes:
                base = PurePath(root)
                if path != base and path.is_relative_to(base):
                    shown = str(path.relative_to(base.parent))
                    break
            self._shown[source] = shown
        return shown


@dataclass
class ExportJob:
    """What a format writer gets: the decks (with their cards when its Format reads
    cards), the clock, the reviews, and where to report progress."""

    store: Store
    collection_path: Path
    decks: list[ExportDeck]
    now: datetime
    progress: Progress | None = None
    include_retired: bool = False
    target: Path | None = None  # the file being made (a writer writes to a temporary one)
    scheduling: bool = True  # apkg: each card's state and review log go along
    timezone: str | None = None  # the collection's time zone (None: the computer's)
    day_start: int = 4  # the hour study days start at

    @property
    def deck_ids(self) -> list[int]:
        return [d.id for d in self.decks]

    @property
    def cards(self) -> Iterator[ExportCard]:
        for deck in self.decks:
            yield from deck.cards

    @property
    def card_count(self) -> int:
        return sum(len(d.cards) for d in self.decks)

    def reviews(self) -> Iterator[queries.LoggedReview]:
        """Every review of the decks' cards, by card then time."""
        return queries.review_rows(self.store, self.deck_ids)

    def review_count(self) -> int:
        return queries.review_count(self.store, self.deck_ids)

    def tick(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


def load_decks(
    store: Store, names: Sequence[str] = (), include_retired: bool = False, cards: bool = True
) -> list[ExportDeck]:
    """The named decks (every deck when none is named), with their cards in outline
    order unless `cards` is False."""
    from flashcards.store import decks as deck_rows

    if names:
        ids = []
        for name in dict.fromkeys(names):
            row = deck_rows.by_name(store, name)
            if row is None:
                known = ", ".join(d.name for d in deck_rows.all_decks(store))
                raise ExportError(f"no deck named {name!r} (decks: {known or 'none yet'})")
            ids.append(row.id)
    else:
        ids = list(deck_rows.deck_ids(store))
    if not ids:
        raise ExportError("the collection has no decks yet; run `flashcards build` first")
    wanted = set(ids)
    decks = {
        row.name: ExportDeck(
            id=row.id,
            name=row.name,
            description=row.description,
            settings=row.settings,
            spec_path=row.spec_path,
            notes=row.notes,
            built_at=row.built_at,
        )
        for row in deck_rows.all_decks(store)  # by name
        if row.id in wanted
    }
    ordered = list(decks.values())
    if names:
        by_id = {d.id: d for d in ordered}
        ordered = [by_id[i] for i in ids]
    if not cards:
        return ordered
    loads = stored_json
    # each block once, its JSON columns parsed once: a block's cards share its text, marks
    # and lists, and a file's blocks their context and tags (read them, never change them)
    hiddens: dict[str, tuple[int, ...]] = {}
    lists: dict[str, list[str]] = {}
    all_marks: dict[str, tuple[Deletion, ...]] = {}
    blocks: dict[int, tuple] = {}
    for block_id, line, norm, body, children, marks, context, tags in queries.block_rows(
        store, ids, include_retired
    ):
        if (c := lists.get(context)) is None:
            c = lists[context] = loads(context)
        if (t := lists.get(tags)) is None:
            t = lists[tags] = loads(tags)
        if (m := all_marks.get(marks)) is None:  # "[]" and other short lists recur
            m = all_marks[marks] = tuple(
                [
                    _new_tuple(Deletion, d) if len(d) == _FIELDS else Deletion(*d)
                    for d in loads(marks)
                ]
            )
        blocks[block_id] = (line, norm, body, children, m, c, t)
    for (
        card_id,
        guid,
        deck,
        block_hash,
        kind,
        source,
        position,
        hidden,
        status,
        updated,
        block_id,
    ) in queries.card_rows(store, ids, include_retired):
        if (h := hiddens.get(hidden)) is None:
            h = hiddens[hidden] = tuple(loads(hidden))
        block = blocks.get(block_id)
        if block is None:
            continue  # a card without its block (a damaged collection): as the join did
        line, norm, body, children, m, c, t = block
        decks[deck].cards.append(
            ExportCard(
                card_id,
                guid,
                deck,
                block_hash,
                kind,
                source,
                line,
                position,
                norm,
                body,
                h,
                children,
                status,
                updated,
                m,
                c,
                t,
            )  # fmt: skip
        )
    for deck in ordered:
        # a deck's files in the order a build reads them (sorted paths), then outline order;
        # the query sorts by path text, which is usually the same order already
        sources = sorted({c.source for c in deck.cards})
        by_path = sorted(sources, key=PurePath)
        if by_path != sources:
            files = {s: i for i, s in enumerate(by_path)}
            deck.cards.sort(key=lambda c: (files[c.source], c.position))
    return ordered
