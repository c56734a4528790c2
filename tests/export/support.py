"""What the export tests share: answers at fixed times (helpers.NOW; the collections
are opened in UTC, so study days are unambiguous), the sample deck, and the helpers that
hand an export to the real Anki library and read back what it shows."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from helpers import NOW

from flashcards.collection import Collection
from flashcards.decks import bundled_decks_dir

NOTES = Path(__file__).parent / "notes"
SAMPLE_SPEC = bundled_decks_dir() / "designing-machine-learning-systems.md"
SAMPLE_DECK = "Designing Machine Learning Systems"


def open_collection(path: Path) -> Collection:
    return Collection.open(path, timezone="UTC")


def answer_some(col: Collection) -> None:
    """Three study days: new cards passed and failed (drills), then reviews and a lapse."""
    ids = [c.id for c in col.cards()]
    day1, day2, day8 = NOW, NOW + timedelta(days=1), NOW + timedelta(days=7)
    col.answer(ids[0], 5, now=day1, duration_ms=4200)
    col.answer(ids[1], 1, now=day1 + timedelta(minutes=1), duration_ms=9000)  # new, failed
    col.answer(ids[1], 4, now=day1 + timedelta(minutes=5), duration_ms=3000)  # its drill
    col.answer(ids[2], 4, now=day1 + timedelta(minutes=6))  # duration unknown
    col.answer(ids[1], 4, now=day2, duration_ms=2500)  # due next day: a review
    col.answer(ids[0], 4, now=day2, duration_ms=2000)
    col.answer(ids[0], 2, now=day8, duration_ms=8000)  # a lapse
    col.answer(ids[0], 3, now=day8 + timedelta(minutes=2), duration_ms=6000)  # relearning
    col.answer(ids[0], 4, now=day8 + timedelta(minutes=4), duration_ms=3000)
    col.suspend(ids[3])


def later_stamp(minutes: int = 1) -> str:
    """A build stamp after the clock's: builds stamp cards to the second."""
    return (datetime.now(UTC) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the real Anki library ------------------------------------------------------------


def import_apkg(anki_col, path: Path, with_scheduling: bool = False):
    """Import a package as Anki's import dialog does for a shared deck; returns the log."""
    from anki.import_export_pb2 import (
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
        ImportAnkiPackageUpdateCondition,
    )

    # Anki's defaults: update notes and note types when the incoming ones are newer
    if_newer = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
    options = ImportAnkiPackageOptions(
        merge_notetypes=True,
        update_notes=if_newer,
        update_notetypes=if_newer,
        with_scheduling=with_scheduling,
        with_deck_configs=False,
    )
    return anki_col.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(path), options=options)
    ).log


def import_tsv(anki_col, path: Path):
    """Import a text file as Anki's import dialog does: read its headers, then import."""
    from anki.import_export_pb2 import ImportCsvRequest

    metadata = anki_col.get_csv_metadata(str(path), None)
    return metadata, anki_col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log


def visible_text(rendered: str) -> str:
    """What a reader sees of a rendered card: no <style>, no tags, no attributes."""
    rendered = re.sub(r"<style>.*?</style>", "", rendered, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def card_by_note_guid(anki_col, guid: str):
    """The one card of the note with this GUID (a search would need GUID escaping)."""
    (nid,) = [n for n in anki_col.find_notes("") if anki_col.get_note(n).guid == guid]
    (cid,) = anki_col.card_ids_of_note(nid)
    return anki_col.get_card(cid)
