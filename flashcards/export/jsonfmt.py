"""Export to JSON: every card of the decks (retired ones too) with its state and reviews.

The document follows `card-export.schema.json` (JSON Schema 2020-12, shipped
next to this module): a head (format, version, export time, decks) and the
cards, one per line, each with its state and its reviews oldest first. Cards
and reviews come out of SQLite already as JSON objects, a card's reviews joined in its
own row (the queries are in flashcards/store/export.py); the faces are rendered here
(`json_faces`), streaming: a large collection is never held in memory.
"""

from __future__ import annotations

import json
from pathlib import Path

from flashcards.clock import iso_utc
from flashcards.export.job import ExportJob
from flashcards.export.json_faces import Faces
from flashcards.store import export as queries

FORMAT = "flashcards-export"
VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("card-export.schema.json")


def write(job: ExportJob, path: Path) -> int:
    """Write the document to `path`; returns the number of cards."""
    store = job.store
    counts = queries.deck_card_counts(store, job.deck_ids, include_retired=True)
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso_utc(job.now),
        "decks": [
            {
                "name": d.name,
                "description": d.description,
                "settings": d.settings,
                "spec_path": d.spec_path,
                "notes": d.notes,
                "built_at": d.built_at,
                "cards": counts.get(d.id, 0),
            }
            for d in job.decks
        ],
    }
    total = sum(counts.values())
    written = 0
    cards = Faces()
    lines: list[str] = []  # written a thousand cards at a time: fewer, larger writes
    with path.open("w", encoding="utf-8") as fh:
        opening = json.dumps(head, ensure_ascii=False, indent=1)
        fh.write(opening[: opening.rindex("}")].rstrip() + ',\n "cards": [')
        # a card comes from SQLite as JSON with its reviews, all but its faces
        for head, tail, kind, body, marks, hidden, children, reviews in queries.card_json_rows(
            store, job.deck_ids
        ):
            card = cards.card(head, tail, kind, body, marks, hidden, children)
            separator = ",\n  " if written else "\n  "
            lines.append(f'{separator}{card},"reviews":[{reviews or ""}]}}')
            written += 1
            if written % 1000 == 0:
                fh.write("".join(lines))
                lines.clear()
                job.tick(written, total)
        lines.append("\n ]\n}\n")
        fh.write("".join(lines))
    job.tick(written, total)
    return written
