"""Export to JSON: every card of the decks (retired ones too) with its state and reviews.

The document follows `card-export.schema.json` (JSON Schema 2020-12, shipped
next to this module): a head (format, version, export time, decks) and the
cards, one per line, each with its state and its reviews oldest first. Cards
and reviews come out of SQLite already as JSON objects (the queries are in
flashcards/store/export.py) and are joined here by card id, streaming: a large
collection is never held in memory.
"""

from __future__ import annotations

import json
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from flashcards.clock import iso_utc
from flashcards.export.job import ExportJob
from flashcards.export.json_faces import Faces
from flashcards.store import export as queries

FORMAT = "flashcards-export"
VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("card-export.schema.json")

_card_id = itemgetter(0)  # of a review row: (card id, the review as JSON)
_review = itemgetter(1)


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
    # cards and reviews come from SQLite as JSON objects, both in card-id order; a card's
    # reviews are one group of the review rows, joined without a Python step per review
    groups = groupby(queries.review_json_rows(store, job.deck_ids), _card_id)
    pending = next(groups, None)
    written = 0
    cards = Faces()
    lines: list[str] = []  # written a thousand cards at a time: fewer, larger writes
    with path.open("w", encoding="utf-8") as fh:
        opening = json.dumps(head, ensure_ascii=False, indent=1)
        fh.write(opening[: opening.rindex("}")].rstrip() + ',\n "cards": [')
        for card_id, head, tail, kind, body, marks, hidden, children in queries.card_json_rows(
            store, job.deck_ids
        ):
            card = cards.card(head, tail, kind, body, marks, hidden, children)
            while pending is not None and pending[0] < card_id:
                pending = next(groups, None)  # reviews of a card not exported (none expected)
            if pending is not None and pending[0] == card_id:
                own = ",".join(map(_review, pending[1]))
                pending = next(groups, None)
            else:
                own = ""
            separator = ",\n  " if written else "\n  "
            lines.append(f'{separator}{card},"reviews":[{own}]}}')
            written += 1
            if written % 1000 == 0:
                fh.write("".join(lines))
                lines.clear()
                job.tick(written, total)
        lines.append("\n ]\n}\n")
        fh.write("".join(lines))
    job.tick(written, total)
    return written
