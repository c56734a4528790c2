"""Build a deck into the collection, keeping review history through every edit.

Incremental: a file whose size and mtime are unchanged is not re-read, and one
whose content hash is unchanged is not re-parsed; its cards stay as the
collection has them — unless the deck's deletion markers changed, or the cards
were made by another version of the reader (`flashcards.cards.READER_VERSION`):
then every file is read again, once. Many files are read in two processes.

Matching, per deck (DESIGN.md "Card identity"):
1. by content: a card whose block text and deletion are unchanged keeps its
   id wherever the block went — same file first, then another file of the deck
   (moved), then a retired card of the same content (restored). Identical
   blocks are matched copy by copy, their own file first, so deleting one copy
   never hands its history to the other;
2. by similarity: vanished and appeared cards with the same kind and answers
   and nearly the same text (a fixed typo, a reworded sentence) are paired —
   the edited card keeps its id, state and reviews;
3. the rest are new, or retired (history kept, out of the queue).

Every write of a build is one transaction. An existing deck's files are all
read first (matching needs all its cards); a new deck's cards, all new, are
written as their files are read, inside that transaction. Nothing here deletes
a card or a review.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from json.encoder import encode_basestring as _json_string  # type: ignore[attr-defined]
from pathlib import Path

from flashcards.cards import (
    READER_VERSION,
    Card,
    FileRead,
    _digest,
    extract,
    note_files,
    read_files,
)
from flashcards.clock import iso_utc
from flashcards.decks import DeckSpec
from flashcards.notes.files import Walk, read_bounded
from flashcards.notes.outline import NoteError, parse_note
from flashcards.store import CARD_WRITE_COLUMNS, CardKey, Store

SIMILAR = 0.6  # SequenceMatcher ratio from which an appeared card is a vanished one, edited
# A file modified this close to a build may change again within its mtime's granularity
# (2 s on FAT) without changing size: its mtime is not trusted next time ("racy git").
RACY_NS = 2_000_000_000
# Up to this share of a deck's files changed, a build looks only at their cards and at
# cards of the same content; above it, reading the whole deck's index is as quick.
FEW_FILES = 0.25
BUILD_ATTEMPTS = 3  # reads a build may redo when another build changed the deck meanwhile

Progress = Callable[[int, int], None]

_HASH_COLUMN = CARD_WRITE_COLUMNS.index("content_hash")
# what a reader of the card sees: a change here makes a matched card "updated"
_DISPLAY_FIELDS = ("context", "front", "back", "cloze", "answers", "hint", "tags", "kind")


@dataclass
class BuildReport:
    """What one build did. `cards` counts the deck's active cards afterwards."""

    deck: str
    files: int = 0
    read: int = 0  # files parsed in this build
    new: int = 0
    updated: int = 0
    edited: int = 0
    moved: int = 0
    retired: int = 0
    restored: int = 0
    unchanged: int = 0
    cards: int = 0
    lines: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


class _Json:
    """JSON text of the list columns; siblings share contexts and a file shares tags,
    so each distinct list is encoded once per build."""

    def __init__(self) -> None:
        self._encode = json.JSONEncoder(ensure_ascii=False).encode  # as json.dumps(..., False)
        self._seen: dict[tuple[str, ...], str] = {}

    def __call__(self, items: list[str]) -> str:
        key = tuple(items)
        text = self._seen.get(key)
        if text is None:
            if all(type(item) is str for item in key):
                # what the encoder writes for a list of strings, without its per-call setup
                text = "[" + ", ".join(map(_json_string, key)) + "]"
            else:
                text = self._encode(items)
            self._seen[key] = text
        return text


class _Guids:
    """Fresh random guids, drawn from the OS in batches (a cold build makes thousands)."""

    def __init__(self) -> None:
        self._left: list[str] = []

    def __call__(self) -> str:
        if not self._left:
            drawn = secrets.token_bytes(8 * 1024).hex()
            self._left = [drawn[i : i + 16] for i in range(0, len(drawn), 16)]
        return self._left.pop()


class _Slot:
    """A card the deck should have after this build, and the collection card it became."""

    __slots__ = ("base", "source", "card", "kept", "card_id", "order", "copy", "final")

    def __init__(
        self, base: str, source: str, card: Card | None, kept: int | None, order: tuple[int, int]
    ) -> None:
        self.base = base  # content hash before identical blocks are told apart
        self.source = source
        self.card = card  # from a parsed file; None for a card of an unchanged file
        self.kept = kept  # the card id, for a card of an unchanged file
        self.card_id: int | None = kept
        self.order = order  # (file number, position): the deck's outline order
        self.copy = 0  # 0 for a block's first copy in the deck, 1 for the second...
        self.final = base  # the content hash: copies of a block get their copy number in it


def build_deck(store: Store, spec: DeckSpec, progress: Progress | None = None) -> BuildReport:
    """Build one deck into the collection in one transaction; see the module docstring."""
    # A cold build makes hundreds of thousands of objects (blocks, tokens, cards) and keeps
    # them; the cycle collector would rescan them all again and again (~15% of the build).
    # They hold no cycles worth collecting mid-build, so it waits until the end.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(store, spec, progress)
    finally:
        if enabled:
            gc.enable()


class _Stale(Exception):
    """Another build changed the deck while this one read its files: read again."""


def _build(store: Store, spec: DeckSpec, progress: Progress | None) -> BuildReport:
    """Read what changed (no lock held), then match and write in one short transaction.

    What the reading was based on (the deck row, its file records, the reader version) is
    read again under the write lock; if another build changed it meanwhile, the build
    starts over, so no decision is ever made on state another process has replaced.
    """
    for _attempt in range(BUILD_ATTEMPTS - 1):
        try:
            return _build_once(store, spec, progress)
        except _Stale:
            continue
    # raced every time (builds of this deck in a loop elsewhere): read under the lock
    with store.atomic(f"building deck {spec.name}"):
        return _build_once(store, spec, progress)


def _snapshot(store: Store, spec: DeckSpec) -> tuple:
    """What a build's choice of files to read depends on."""
    row = store.deck_by_name(spec.name)
    if row is None:
        return (None, None, {}, None)
    return (row["id"], row["settings"], store.sources(row["id"]), store.deck_reader(row["id"]))


def _build_once(store: Store, spec: DeckSpec, progress: Progress | None) -> BuildReport:
    started = time.perf_counter()
    racy_after = time.time_ns() - RACY_NS
    report = BuildReport(deck=spec.name)
    snapshot = _snapshot(store, spec)
    deck_id, stored_settings, prior, reader = snapshot
    settings = spec.settings()
    # only the deletion markers, and the reader itself (a flashcards upgrade that reads
    # notes differently), change what an unchanged file's cards are
    reparse_all = (
        deck_id is None
        or json.loads(stored_settings).get("deletions") != settings["deletions"]
        or reader != str(READER_VERSION)
    )

    where = spec.path or spec.name
    present = []
    for notes in spec.notes:
        if Path(notes).exists():
            present.append(notes)
        else:
            report.warnings.append(
                f"{where}: notes path {notes} does not exist; fix the deck's 'notes:' list "
                "(its cards are retired until it is back)"
            )
    walk = Walk()
    files = [Path(os.path.abspath(p)) for p in note_files(present, walk)]
    report.files = len(files)
    # a folder that could not be listed: its files are not gone, just unseen this time
    unseen = [os.path.abspath(d) for d in walk.unreadable]
    for folder, why in sorted(walk.unreadable.items()):
        report.warnings.append(
            f"{folder}: folder cannot be read ({why}); check its permissions — the cards of "
            "its notes are kept as they were"
        )

    parsed: dict[str, list[Card]] = {}
    source_rows: list[tuple[str, int, int, str]] = []  # files read: their new size, mtime, hash
    kept_sources: set[str] = {
        key for key in prior if any(key.startswith(d.rstrip(os.sep) + os.sep) for d in unseen)
    }  # files whose cards stay as the collection has them

    def keep(key: str, row: tuple[int, int, str] | None) -> None:
        if row is not None:
            kept_sources.add(key)
            if row != prior.get(key):
                source_rows.append((key, *row))

    def keep_unread(key: str) -> None:
        """A file that could not be read keeps its cards. When every file was to be read
        again (new markers, new reader), its record is made stale so the next build reads
        it, however unchanged its size and mtime then are."""
        old = prior.get(key)
        keep(key, (old[0], 0, "") if old and reparse_all else old)

    # which files to read: those whose size or mtime changed (or all, when the cards a
    # file makes may have changed); then read them, in two processes when there are many
    unreadable: dict[str, str] = {}
    jobs: list[tuple[Path, str | None, frozenset[str], int]] = []
    for path in files:
        key = str(path)
        old = prior.get(key)
        try:
            st = path.stat()
        except OSError as exc:
            unreadable[key] = f"cannot be read ({exc.strerror or exc})"
            continue
        if old and not reparse_all and old[0] == st.st_size and old[1] == st.st_mtime_ns:
            continue
        jobs.append(
            (path, old[2] if old and not reparse_all else None, spec.deletions, spec.max_bytes)
        )
    skipped = len(files) - len(jobs)

    def reading(done: int) -> None:
        assert progress is not None
        progress(skipped + done, len(files))

    if progress:
        progress(0, len(files))
    reads = iter(read_files(jobs, _read_source, progress=reading if progress else None))
    to_read = {str(job[0]) for job in jobs}
    # each file's outcome, in file order (as its warnings are reported)
    for path in files:
        key = str(path)
        old = prior.get(key)
        if key not in to_read:
            if key in unreadable:
                report.warnings.append(
                    f"{key}: {unreadable[key]}; check its permissions — its cards are kept "
                    "as they were"
                )
                keep_unread(key)
            else:
                keep(key, old)
            continue
        read = next(reads)
        if read.error is not None:
            if read.unreadable:
                report.warnings.append(
                    f"{read.error}; check its permissions — its cards are kept as they were"
                )
            else:
                report.warnings.append(f"{read.error}; its cards are kept as they were")
            keep_unread(key)
            continue
        # 0 never equals a real mtime: a racy file is hashed again next time
        mtime = read.mtime_ns if read.mtime_ns < racy_after else 0
        if read.cards is None:
            keep(key, (read.size, mtime, read.digest))  # touched, not changed
            continue
        report.read += 1
        report.lines += read.lines
        report.warnings.extend(str(w) for w in read.warnings)
        parsed[key] = read.cards
        source_rows.append((key, read.size, mtime, read.digest))
    next(reads, None)  # the reader finishes: its last progress, its worker gone

    with store.atomic(f"building deck {spec.name}"):  # a savepoint when already locked
        if _snapshot(store, spec) != snapshot:
            raise _Stale  # rolled back before anything was written
        deck_id = store.upsert_deck(
            spec.name,
            str(spec.path.resolve()) if spec.path else None,
            [str(Path(p).resolve()) for p in spec.notes],
            spec.description,
            settings,
        )
        gone_sources = sorted(set(prior) - kept_sources - set(parsed))
        store.write_sources(deck_id, source_rows, gone_sources)
        store.set_deck_reader(deck_id, str(READER_VERSION))
        if snapshot[0] is None:
            # a new deck: every card is new, nothing to match
            new_cards = _NewCards(store, deck_id, report)
            for path in files:
                cards = parsed.get(str(path))
                if cards:
                    new_cards.add(cards)
            new_cards.flush()
        elif parsed or gone_sources:
            _match_and_write(store, deck_id, files, parsed, kept_sources, gone_sources, report)
        report.cards = store.active_card_count(deck_id)
        # every active card not counted as something else stayed as it was
        report.unchanged = report.cards - (
            report.new + report.updated + report.edited + report.moved + report.restored
        )
        store.mark_built(deck_id)
    report.seconds = round(time.perf_counter() - started, 4)
    return report


class _NewCards:
    """The cards of a new deck, written as their files are read, in deck order.

    What `_match_and_write` does for a deck with no cards yet, a file at a time: every
    card is new, and identical blocks are told apart by their order, so a card's copy
    number counts the cards of the same content before it.
    """

    def __init__(self, store: Store, deck_id: int, report: BuildReport) -> None:
        self.store, self.deck_id, self.report = store, deck_id, report
        self.stamp = iso_utc()
        self.to_json = _Json()
        self.new_guid = _Guids()
        self.copies: Counter[str] = Counter()
        self.rows: list[tuple[object, ...]] = []

    def add(self, cards: list[Card]) -> None:
        copies = self.copies
        for card in cards:
            copy = copies[card.content_hash]
            copies[card.content_hash] = copy + 1
            final = _digest(card.content_hash, str(copy)) if copy else card.content_hash
            block = _digest(card.block_hash, str(copy)) if copy else card.block_hash
            self.rows.append(
                _new_row(
                    card, self.new_guid(), self.deck_id, final, block, self.stamp, self.to_json
                )
            )
        if len(self.rows) >= 4096:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.store.insert_cards(CARD_WRITE_COLUMNS, self.rows)
            self.report.new += len(self.rows)
            self.rows = []


def _read_source(job: tuple[Path, str | None, frozenset[str], int]) -> FileRead:
    """Read one notes file of a deck: its cards, numbered in outline order — or, when its
    bytes hash to `known` (touched, not changed), no cards. Runs in a forked worker for
    big builds: it returns plain data and touches no collection."""
    path, known, markers, max_bytes = job
    key = str(path)
    try:
        raw, st = read_bounded(path, max_bytes, key)
    except NoteError as err:
        return FileRead(key, error=err, unreadable=err.unreadable)
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    if digest == known:
        return FileRead(key, size=st.st_size, mtime_ns=st.st_mtime_ns, digest=digest)
    try:
        note = parse_note(raw, key)
    except NoteError as err:
        return FileRead(key, error=err)
    warnings: list[NoteError] = []
    cards = list(extract(note, markers, warnings))
    for position, card in enumerate(cards):
        card.position = position
    return FileRead(
        key,
        cards,
        note.line_count,
        note.block_count,
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        digest=digest,
        warnings=warnings,
    )


def _match_and_write(
    store: Store,
    deck_id: int,
    files: list[Path],
    parsed: dict[str, list[Card]],
    kept_sources: set[str],
    gone_sources: list[str],
    report: BuildReport,
) -> None:
    stamp = iso_utc()
    to_json = _Json()
    new_guid = _Guids()
    touched = [*parsed, *gone_sources]
    if not kept_sources or len(touched) > FEW_FILES * (len(files) + len(gone_sources)):
        index = store.card_keys(deck_id)
    else:
        # A few files changed: only their cards, and cards with the same content anywhere
        # in the deck (moves, restores, identical blocks), can change. The rest stay.
        index = store.card_keys_of(deck_id, touched)
        bases = {k.base_hash for k in index}
        bases.update(c.content_hash for cards in parsed.values() for c in cards)
        index = list(
            {k.id: k for k in [*index, *store.card_keys_like(deck_id, sorted(bases))]}.values()
        )
    by_id = {k.id: k for k in index}
    file_no = {str(p): i for i, p in enumerate(files)}

    # the cards the deck should have. A card of an unchanged file stays as it is, unless
    # it is one of several identical blocks (or was): then its copy number is looked at.
    kept = [k for k in index if not k.retired and k.source in kept_sources]
    copies = Counter(k.base_hash for k in kept)
    copies.update(c.content_hash for cards in parsed.values() for c in cards)
    slots: list[_Slot] = []
    for k in kept:
        if copies[k.base_hash] > 1 or k.content_hash != k.base_hash:
            slots.append(_Slot(k.base_hash, k.source, None, k.id, (file_no[k.source], k.position)))
    fresh: list[_Slot] = []
    for key, cards in parsed.items():
        n = file_no[key]
        fresh.extend(_Slot(c.content_hash, key, c, None, (n, c.position)) for c in cards)
    slots.extend(fresh)

    # identical blocks of one deck are told apart by their order (as cards.disambiguate does)
    groups: dict[str, list[_Slot]] = {}
    for s in slots:
        if copies[s.base] > 1:
            groups.setdefault(s.base, []).append(s)
    for group in groups.values():
        group.sort(key=lambda s: s.order)
        for n, s in enumerate(group[1:], 1):
            s.copy, s.final = n, _digest(s.base, str(n))

    # 1. by content: a card with the same block text and deletion, the same file first,
    # then another file of the deck (moved), then a retired card (its history comes back)
    used = {k.id for k in kept}
    candidates: dict[str, list[CardKey]] = {}
    for k in index:
        if k.id not in used and k.base_hash in copies:
            candidates.setdefault(k.base_hash, []).append(k)
    loose = [s for s in fresh if s.base in candidates]
    for wanted in (
        lambda s, k: not k.retired and k.source == s.source,
        lambda s, k: not k.retired,
        lambda s, k: k.source == s.source,
        lambda s, k: True,
    ):
        for s in loose:
            if s.card_id is None:
                for k in candidates[s.base]:
                    if k.id not in used and wanted(s, k):
                        s.card_id = k.id
                        used.add(k.id)
                        break

    # 2. by similarity: appeared cards against vanished ones
    appeared = [s for s in fresh if s.card_id is None]
    vanished_ids = [k.id for k in index if not k.retired and k.id not in used]
    renumbered = [
        s.kept for s in slots if s.kept is not None and by_id[s.kept].content_hash != s.final
    ]
    matched = [s.card_id for s in fresh if s.card_id is not None]
    full = {r["id"]: r for r in store.card_rows([*matched, *vanished_ids, *renumbered])}
    pairs = _pair_edits(appeared, {i: full[i] for i in vanished_ids}, to_json)

    # 3. what changes
    updates: dict[int, dict[str, object]] = {}
    new_rows: list[tuple[object, ...]] = []
    for s in slots:
        if s.kept is not None:
            if by_id[s.kept].content_hash != s.final:
                # an unchanged card whose copy number changed: only its hashes follow
                # (a block's hash is the digest of its normalized text, as cards.py makes it)
                block = _digest(str(full[s.kept]["text"]))
                updates[s.kept] = {
                    "content_hash": s.final,
                    "block_hash": _digest(block, str(s.copy)) if s.copy else block,
                    "updated_at": stamp,
                }
            continue
        card = s.card
        assert card is not None
        block = _digest(card.block_hash, str(s.copy)) if s.copy else card.block_hash
        if s.card_id is None and id(s) not in pairs:
            # random: a card's guid (its identity in exported Anki decks) is made once and
            # kept; content and time would repeat across quick builds of identical blocks
            guid = new_guid()
            new_rows.append(_new_row(card, guid, deck_id, s.final, block, stamp, to_json))
            report.new += 1
            continue
        values = _values(card, s.final, block, to_json)
        if s.card_id is None:
            s.card_id = pairs[id(s)]
            report.edited += 1
        else:
            old = full[s.card_id]
            if by_id[s.card_id].retired:
                report.restored += 1
            elif by_id[s.card_id].source != s.source:
                report.moved += 1
            elif any(old[f] != values[f] for f in _DISPLAY_FIELDS):
                report.updated += 1
        old = full[s.card_id]
        change = {k: v for k, v in values.items() if old[k] != v}
        if by_id[s.card_id].retired:
            change["retired"] = 0
        if change:
            change["updated_at"] = stamp
            updates[s.card_id] = change

    paired = set(pairs.values())
    retire = [i for i in vanished_ids if i not in paired]
    report.retired = len(retire)

    # 4. write. Content hashes are unique per deck: hashes changing hands are parked
    # first, and a card left behind (retired) gives up a hash another card now takes.
    rehashed = [i for i, change in updates.items() if "content_hash" in change]
    taken = {str(updates[i]["content_hash"]) for i in rehashed}
    taken.update(str(row[_HASH_COLUMN]) for row in new_rows)
    by_hash = {k.content_hash: k for k in index}
    give_up = [
        (_digest(k.content_hash, "retired", str(k.id)), k.id)
        for h in taken
        if (k := by_hash.get(h)) is not None and k.id not in updates and k.id not in used
    ]
    store.park_hashes(rehashed)
    store.set_hashes(give_up)
    store.retire_cards(retire, stamp)
    store.update_cards(updates)
    store.insert_cards(CARD_WRITE_COLUMNS, new_rows)


def _values(card: Card, content_hash: str, block_hash: str, to_json: _Json) -> dict[str, object]:
    """The cards columns a parsed card sets on the collection card it matched."""
    return {
        "content_hash": content_hash,
        "base_hash": card.content_hash,
        "block_hash": block_hash,
        "kind": card.kind,
        "deletion": card.deletion,
        "source": card.source,
        "line": card.line,
        "position": card.position,
        "context": to_json(card.context),
        "text": card.text,
        "front": card.front,
        "back": card.back,
        "cloze": card.cloze,
        "answers": to_json(card.answers),
        "hint": card.hint,
        "tags": to_json(card.tags),
    }


def _new_row(
    card: Card,
    guid: str,
    deck_id: int,
    content_hash: str,
    block_hash: str,
    stamp: str,
    to_json: _Json,
) -> tuple[object, ...]:
    """A new card's values in CARD_WRITE_COLUMNS order (a tuple: cold builds make many)."""
    return (
        guid,
        deck_id,
        content_hash,
        card.content_hash,
        block_hash,
        card.kind,
        card.deletion,
        card.source,
        card.line,
        card.position,
        to_json(card.context),
        card.text,
        card.front,
        card.back,
        card.cloze,
        to_json(card.answers),
        card.hint,
        to_json(card.tags),
        stamp,
        stamp,
    )


def _pair_edits(
    appeared: list[_Slot], vanished: dict[int, object], to_json: _Json
) -> dict[int, int]:
    """Pair appeared cards with vanished ones: same kind and answers, nearly the same text."""
    if not appeared or not vanished:
        return {}
    groups: dict[tuple[str, str], list[int]] = {}
    for card_id, row in vanished.items():
        groups.setdefault((row["kind"], row["answers"]), []).append(card_id)
    candidates: list[tuple[float, int, int]] = []
    for i, s in enumerate(appeared):
        card = s.card
        assert card is not None
        ids = groups.get((card.kind, to_json(card.answers)))
        if not ids:
            continue
        # SequenceMatcher caches its analysis of the second sequence: the appeared text
        matcher = SequenceMatcher(None, "", card.text, autojunk=False)
        for card_id in ids:
            matcher.set_seq1(vanished[card_id]["text"])
            if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
                continue
            ratio = matcher.ratio()
            if ratio >= SIMILAR:
                candidates.append((ratio, i, card_id))
    # best pairs first; ties go to outline order
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, i, card_id in candidates:
        key = id(appeared[i])
        if key in pairs or card_id in taken:
            continue
        pairs[key] = card_id
        taken.add(card_id)
    return pairs
