"""Build a deck into the collection, keeping review history through every edit.

Incremental: a file whose size and mtime (or, failing those, content hash)
are unchanged is not re-read; its cards are taken from the collection.
Matching: by content hash first; then vanished and appeared cards with the
same answers and nearly the same text are paired, so an edited card keeps its
id, state and reviews. The rest are new or retired. Retired cards keep their
history and come back with it when their block returns. Every write of a
build is one transaction, made after all reading and parsing is done.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from flashcards.cards import Card, _digest, extract, note_files
from flashcards.decks import DeckSpec
from flashcards.notes.outline import NoteError, parse_note
from flashcards.store import Store, now_iso

SIMILAR = 0.6  # SequenceMatcher ratio above which an appeared card is a vanished one, edited

Progress = Callable[[int, int], None]

# cards columns a build writes from a Card
_CONTENT_FIELDS = (
    "content_hash",
    "base_hash",
    "block_hash",
    "kind",
    "deletion",
    "source",
    "line",
    "position",
    "context",
    "text",
    "front",
    "back",
    "cloze",
    "answers",
    "hint",
    "tags",
)
_DISPLAY_FIELDS = (
    "context",
    "front",
    "back",
    "cloze",
    "answers",
    "hint",
    "tags",
    "kind",
    "deletion",
)


@dataclass
class BuildReport:
    deck: str
    files: int = 0
    read: int = 0
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


def _card_values(card: Card) -> dict[str, object]:
    return {
        "content_hash": card.content_hash,
        "base_hash": card.content_hash,
        "block_hash": card.block_hash,
        "kind": card.kind,
        "deletion": card.deletion,
        "source": card.source,
        "line": card.line,
        "position": card.position,
        "context": json.dumps(card.context, ensure_ascii=False),
        "text": card.text,
        "front": card.front,
        "back": card.back,
        "cloze": card.cloze,
        "answers": json.dumps(card.answers, ensure_ascii=False),
        "hint": card.hint,
        "tags": json.dumps(card.tags, ensure_ascii=False),
    }


@dataclass
class _Desired:
    base_hash: str
    values: dict[str, object] | None  # from a parsed file
    row_id: int | None = None  # from the collection, for an unchanged file
    final_hash: str = ""


def build_deck(store: Store, spec: DeckSpec, progress: Progress | None = None) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport(deck=spec.name)
    deck_row = store.deck_by_name(spec.name)
    deck_id = deck_row["id"] if deck_row else None
    settings = spec.settings()
    reparse_all = deck_row is None or json.loads(deck_row["settings"]) != settings

    for notes in spec.notes:
        if not Path(notes).exists():
            report.warnings.append(
                f"{spec.path or spec.name}: notes path {notes} does not exist; fix the deck's 'notes:' list"
            )
    files = [Path(os.path.abspath(p)) for p in note_files(spec.notes)]
    report.files = len(files)
    prior = store.sources(deck_id) if deck_id is not None else {}

    parsed: dict[str, list[Card]] = {}
    source_rows: list[tuple[str, int, int, str]] = []
    kept_sources: set[str] = set()  # files whose cards stay as the collection has them
    sources_changed = False
    for i, path in enumerate(files):
        key = str(path)
        if progress:
            progress(i, len(files))
        try:
            st = path.stat()
        except OSError as exc:
            report.warnings.append(
                f"{key}: cannot be read ({exc.strerror}); its cards are kept as they were"
            )
            if key in prior:
                kept_sources.add(key)
                source_rows.append((key, *prior[key]))
            continue
        old = prior.get(key)
        if old and not reparse_all and old[0] == st.st_size and old[1] == st.st_mtime_ns:
            kept_sources.add(key)
            source_rows.append((key, *old))
            continue
        try:
            raw = path.read_bytes()
        except OSError as exc:
            report.warnings.append(
                f"{key}: cannot be read ({exc.strerror}); its cards are kept as they were"
            )
            if old:
                kept_sources.add(key)
                source_rows.append((key, *old))
            continue
        digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
        sources_changed = True
        if old and not reparse_all and old[2] == digest:
            kept_sources.add(key)
            source_rows.append((key, st.st_size, st.st_mtime_ns, digest))
            continue
        try:
            note = parse_note(raw, key)
        except NoteError as err:
            report.warnings.append(f"{err}; its cards are kept as they were")
            if old:
                kept_sources.add(key)
                source_rows.append((key, *old))
            continue
        report.read += 1
        report.lines += note.line_count
        cards = list(extract(note, spec.deletions))
        for position, card in enumerate(cards):
            card.position = position
        parsed[key] = cards
        source_rows.append((key, st.st_size, st.st_mtime_ns, digest))
    if progress:
        progress(len(files), len(files))

    gone_sources = set(prior) - {s[0] for s in source_rows}
    with store.atomic():
        deck_id = store.upsert_deck(
            spec.name,
            str(spec.path.resolve()) if spec.path else None,
            [str(Path(p).resolve()) for p in spec.notes],
            spec.description,
            settings,
        )
        if sources_changed or gone_sources or parsed or reparse_all:
            store.replace_sources(deck_id, source_rows)
        if parsed or gone_sources or reparse_all:
            _match_and_write(store, deck_id, spec.name, files, parsed, kept_sources, report)
        else:
            report.unchanged = int(
                store.execute(
                    "SELECT COUNT(*) FROM cards WHERE deck_id = ? AND retired = 0", (deck_id,)
                ).fetchone()[0]
            )
        report.cards = (
            report.new
            + report.updated
            + report.edited
            + report.moved
            + report.restored
            + report.unchanged
        )
        store.mark_built(deck_id)
    report.seconds = round(time.perf_counter() - started, 4)
    return report


def _match_and_write(
    store: Store,
    deck_id: int,
    deck_name: str,
    files: list[Path],
    parsed: dict[str, list[Card]],
    kept_sources: set[str],
    report: BuildReport,
) -> None:
    index = store.card_index(deck_id)
    by_hash = {row["content_hash"]: row for row in index}
    kept_rows: dict[str, list] = {}
    for row in index:
        if not row["retired"] and row["source"] in kept_sources:
            kept_rows.setdefault(row["source"], []).append(row)

    # the deck's cards in order, with identical blocks told apart by their order
    desired: list[_Desired] = []
    for path in files:
        key = str(path)
        if key in parsed:
            desired.extend(_Desired(c.content_hash, _card_values(c)) for c in parsed[key])
        elif key in kept_rows:
            rows = sorted(kept_rows[key], key=lambda r: r["position"])
            desired.extend(_Desired(r["base_hash"], None, r["id"]) for r in rows)
    seen: dict[str, int] = {}
    for d in desired:
        n = seen.get(d.base_hash, 0)
        seen[d.base_hash] = n + 1
        d.final_hash = d.base_hash if n == 0 else _digest(d.base_hash, str(n))
        if d.values is not None:
            d.values["base_hash"] = d.base_hash
            d.values["content_hash"] = d.final_hash
            if n:
                d.values["block_hash"] = _digest(str(d.values["block_hash"]), str(n))

    matched_ids: set[int] = set()
    appeared: list[_Desired] = []
    updates: list[tuple[int, dict[str, object]]] = []
    restored: list[int] = []
    stamp = now_iso()
    full_rows = {
        r["id"]: r
        for r in store.card_rows(
            by_hash[d.final_hash]["id"]
            for d in desired
            if d.values is not None and d.final_hash in by_hash
        )
    }
    for d in desired:
        row = by_hash.get(d.final_hash)
        if row is None or row["id"] in matched_ids:
            if d.values is None:
                # a card of an unchanged file whose order-number shifted: carry its content over
                d.values = _values_from_row(store, d.row_id)
                d.values["content_hash"] = d.final_hash
            appeared.append(d)
            continue
        matched_ids.add(row["id"])
        if d.values is None:
            if row["id"] == d.row_id:
                report.unchanged += 1
            else:
                values = _values_from_row(store, d.row_id)
                updates.append(
                    (row["id"], values | {"content_hash": d.final_hash, "updated_at": stamp})
                )
                report.updated += 1
            continue
        old = full_rows[row["id"]]
        change = {k: v for k, v in d.values.items() if old[k] != v}
        if row["retired"]:
            change |= {"retired": 0}
            restored.append(row["id"])
            report.restored += 1
        elif old["source"] != d.values["source"]:
            report.moved += 1
        elif any(k in change for k in _DISPLAY_FIELDS):
            report.updated += 1
        else:
            report.unchanged += 1
        if change:
            change["updated_at"] = stamp
            updates.append((row["id"], change))

    vanished_ids = [r["id"] for r in index if not r["retired"] and r["id"] not in matched_ids]
    vanished = {r["id"]: r for r in store.card_rows(vanished_ids)}
    pairs = _pair_edits(appeared, vanished)
    new_rows: list[dict[str, object]] = []
    for d in appeared:
        if id(d) in pairs:
            card_id = pairs[id(d)]
            old = vanished.pop(card_id)
            change = {k: v for k, v in d.values.items() if old[k] != v}
            change["updated_at"] = stamp
            updates.append((card_id, change))
            report.edited += 1
        else:
            values = dict(d.values)
            values.update(
                deck_id=deck_id,
                guid=_digest(deck_name, str(values["content_hash"]), stamp, str(len(new_rows))),
                created_at=stamp,
                updated_at=stamp,
            )
            new_rows.append(values)
            report.new += 1

    # hashes must stay unique per deck while rows are rewritten: clear the ones being moved first
    moving = [cid for cid, change in updates if "content_hash" in change]
    if moving:
        store.db.conn.executemany(
            "UPDATE cards SET content_hash = 'moving:' || id WHERE id = ?", ((i,) for i in moving)
        )
    retire = list(vanished)
    store.retire_cards(retire)
    # a retired card whose hash is now taken by another card gives it up
    taken = {str(change["content_hash"]) for _, change in updates if "content_hash" in change}
    taken |= {str(r["content_hash"]) for r in new_rows}
    clash = [
        r["id"]
        for r in index
        if r["retired"] and r["content_hash"] in taken and r["id"] not in matched_ids
    ]
    clash += [cid for cid in retire if str(vanished[cid]["content_hash"]) in taken]
    if clash:
        store.db.conn.executemany(
            "UPDATE cards SET content_hash = 'retired:' || id WHERE id = ?", ((i,) for i in clash)
        )
    store.update_cards(updates)
    store.insert_cards(new_rows)
    report.retired = len(retire)


def _values_from_row(store: Store, card_id: int | None) -> dict[str, object]:
    row = store.card_rows([card_id])[0]
    return {k: row[k] for k in _CONTENT_FIELDS}


def _pair_edits(appeared: list[_Desired], vanished: dict[int, object]) -> dict[int, int]:
    """Pair appeared cards with vanished ones: same kind and answers, nearly the same text."""
    if not appeared or not vanished:
        return {}
    groups: dict[tuple[str, str], list[int]] = {}
    for card_id, row in vanished.items():
        groups.setdefault((row["kind"], row["answers"]), []).append(card_id)
    candidates: list[tuple[float, int, int]] = []
    for i, d in enumerate(appeared):
        values = d.values or {}
        ids = groups.get((str(values["kind"]), str(values["answers"])))
        if not ids:
            continue
        text = str(values["text"])
        matcher = SequenceMatcher(None, text, autojunk=False)
        for card_id in ids:
            other = vanished[card_id]["text"]
            matcher.set_seq1(other)
            if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
                continue
            ratio = matcher.ratio()
            if ratio >= SIMILAR:
                candidates.append((ratio, i, card_id))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _, i, card_id in candidates:
        key = id(appeared[i])
        if key in pairs or card_id in used:
            continue
        pairs[key] = card_id
        used.add(card_id)
    return pairs
