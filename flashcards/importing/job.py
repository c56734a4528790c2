"""`flashcards import`: an Anki package's history into the collection, in one transaction.

Anki cards of flashcards' own notes (note GUID = card guid) and of notes imported
before (`anki_notes`) get their answers as reviews. The other notes are written as
a notes file at `to` (never over an existing file), built as a deck in the same
transaction, linked, and given their answers too. If anything fails, the
collection is as it was and the notes file and media written are removed.
"""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass, field
from datetime import tzinfo
from pathlib import Path

from flashcards import gcpause
from flashcards.clock import DEFAULT_ROLLOVER_HOUR
from flashcards.importing import PackageError
from flashcards.importing.anki import AnkiCollection, answers, read_collection
from flashcards.importing.apply import add_answers
from flashcards.importing.foreign import Outline, media_dir_for, safe_media_name, write_outline
from flashcards.importing.package import Package, open_package
from flashcards.store import Store, history
from flashcards.study.replay import replay_fsrs_decks


@dataclass
class ImportReport:
    file: str
    notes: int = 0  # notes whose cards are flashcards' (own or imported before)
    new_notes: int = 0  # an Anki user's own notes, written to the notes file
    cards: int = 0  # Anki cards that map to flashcards cards
    new_cards: int = 0  # cards the notes file made
    reviews: int = 0  # answers added
    known: int = 0  # answers already in the collection
    skipped_answers: int = 0  # revlog rows that are no answer (filtered, manual, rescheduled)
    media: int = 0
    deck: str | None = None
    notes_file: str | None = None
    not_converted: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def run_import(
    store: Store,
    path: Path,
    deck: str | None = None,
    to: Path | None = None,
    tz: tzinfo | None = None,
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR,
) -> ImportReport:
    """Import the package at `path`; PackageError says why nothing was."""
    report = ImportReport(str(path))
    with open_package(path) as package:
        with gcpause.paused():  # millions of tuples, no cycles; not the notes build
            col = read_collection(package)
        report.skipped_answers = col.skipped_answers
        written: list[Path] = []
        try:
            # the cards the answers go to are read inside the transaction that adds them
            with store.atomic(f"importing {path}"):
                target, foreign = _match(store, col, report)
                if foreign:
                    outline, written = _write_notes(package, col, foreign, to, deck, report)
                    if to is not None:
                        _build_and_link(store, col, outline, to, deck, target, report)
                cards = sorted(set(target.values()))
                with gcpause.paused():  # millions of tuples, no cycles; not the notes build
                    report.reviews, report.known = add_answers(
                        store,
                        answers(package, target),
                        tz,
                        rollover_hour,
                        _expected(store, col, cards),
                    )
                replay_fsrs_decks(store, cards)
        except BaseException:
            for item in reversed(written):
                shutil.rmtree(item) if item.is_dir() else item.unlink(missing_ok=True)
            raise
    return report


def _expected(store: Store, col: AnkiCollection, cards: list[int]) -> tuple[int, int]:
    """About how many answers the import adds and cards it moves: the package's answers
    less those its cards have here already (a file imported again adds none)."""
    new = max(col.answers - history.review_count(store, cards), 0)
    return new, len(cards) * new // max(col.answers, 1)


def _match(store: Store, col: AnkiCollection, report: ImportReport) -> tuple[dict[int, int], list]:
    """({Anki card id: our card id} of the package's cards that are ours, the notes that are
    not: an Anki user's own, by id); counts them in the report."""
    ours = history.cards_by_guid(store)
    linked = history.linked_notes(store)
    linked_guids = {guid for guid, _ in linked}
    target: dict[int, int] = {}
    known_notes: set[int] = set()
    for card in col.cards:
        note = col.notes.get(card.nid)
        if note is None:
            continue
        found = linked.get((note.guid, card.ord))
        if found is None and note.guid in ours and card.ord == 0:
            found = ours[note.guid][0]
        if found is not None:
            target[card.id] = found
            known_notes.add(note.id)
        elif note.guid in ours or note.guid in linked_guids:
            report.not_converted.append(f"note {note.guid}: card {card.ord + 1} has no card here")
    foreign = [n for n in col.notes.values() if n.id not in known_notes]
    foreign.sort(key=lambda n: n.id)
    report.notes, report.cards = len(known_notes), len(target)
    return target, foreign


def _write_notes(
    package: Package,
    col: AnkiCollection,
    foreign: list,
    to: Path | None,
    deck: str | None,
    report: ImportReport,
) -> tuple[Outline, list[Path]]:
    if to is None:
        raise PackageError(
            f"{package.path}: {len(foreign)} notes are not flashcards' own; pass --to NOTES.md "
            "to write them as a notes file (and build it as a deck)"
        )
    if to.exists():
        raise PackageError(f"{to}: already exists; pass --to a new file (it is never overwritten)")
    media_dir = media_dir_for(to)
    names = {n for n in package.media if safe_media_name(n)}
    outline = write_outline(col, foreign, names, media_dir.name, deck or to.stem)
    report.not_converted += outline.problems
    report.new_notes = outline.notes
    written: list[Path] = []
    try:
        with open(to, "x", encoding="utf-8") as out:  # never over a file made meanwhile
            written.append(to)
            out.write(outline.text)
        if outline.media:
            media_dir.mkdir(exist_ok=False)
            written.append(media_dir)
            for name in outline.media:
                (media_dir / name).write_bytes(package.media_bytes(name))
                report.media += 1
    except BaseException:
        for item in reversed(written):
            shutil.rmtree(item) if item.is_dir() else item.unlink(missing_ok=True)
        raise
    return outline, written


def _build_and_link(
    store: Store,
    col: AnkiCollection,
    outline: Outline,
    to: Path,
    deck: str | None,
    target: dict[int, int],
    report: ImportReport,
) -> None:
    from dataclasses import replace

    from flashcards.build import build_deck
    from flashcards.decks import DeckSpec

    spec = DeckSpec.for_notes(to)
    if deck:
        spec = replace(spec, name=deck)
    built = build_deck(store, spec)
    report.deck, report.notes_file, report.new_cards = spec.name, str(to), built.new
    placed = history.cards_by_place(store, spec.name, str(to))
    note_of = {n.guid: n.id for n in col.notes.values()}
    card_of = {(c.nid, c.ord): c.id for c in col.cards}
    links = []
    for p in outline.placements:
        card_id = placed.get((p.line, p.deletion))
        anki_card = card_of.get((note_of[p.guid], p.ord))
        if card_id is None or anki_card is None:
            report.not_converted.append(
                f"note {p.guid}: card {p.ord + 1} made no card in {to} (line {p.line})"
            )
            continue
        links.append((p.guid, p.ord, card_id))
        target[anki_card] = card_id
        report.cards += 1
    history.link_notes(store, links)
