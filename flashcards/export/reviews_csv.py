"""Export the review log as the CSV the FSRS optimizer reads.

One row per answer (retired cards' answers too), by card then time — but for
custom study's practice (cram, study ahead), which tests no recall:

| column          | meaning                                                      |
|-----------------|--------------------------------------------------------------|
| card_id         | the card's stable id in the collection                       |
| review_time     | when, in milliseconds since the Unix epoch (UTC)             |
| review_rating   | 1 Again, 2 Hard, 3 Good, 4 Easy (`sm2.rating` of q 0–5)      |
| review_duration | milliseconds spent answering; 0 when not recorded            |
| review_state    | the card's state when answered: 0 New, 1 Learning, 2 Review, 3 Relearning |

State from our log: the day's first answer of a card never answered before is
New (0), of any other card Review (2). Same-day repeats (drills, after an answer
below 4) are Learning (1) on the day a card was new, else Relearning (3) —
as Anki labels its minute-scale steps.

The first line is a comment with the collection's time zone and the hour its
study days start at, which the FSRS optimizer asks for (`--timezone`,
`next_day_starts_at`):

    # timezone=Europe/Berlin, day_start=4

Readers skip it as a comment (pandas: `comment="#"`). Every cell is a number; anything else would pass through `spreadsheet_cell`,
so that no cell reads as a spreadsheet formula.
"""

from __future__ import annotations

import csv
from pathlib import Path

from flashcards import sm2
from flashcards.export.files import spreadsheet_cell
from flashcards.export.job import ExportJob
from flashcards.store.custom import PRACTICE_KINDS

COLUMNS = ("card_id", "review_time", "review_rating", "review_duration", "review_state")
NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3


def write(job: ExportJob, path: Path) -> int:
    """Write the rows to `path`; returns the number of reviews written."""
    total = job.review_count()
    done = 0
    seen = 0  # reviews read, practice ones too: the progress
    current = None
    new_days: set[str] = set()  # days on which the current card was answered while new
    rating = {q: sm2.rating(q) for q in range(6)}
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# timezone={job.timezone or 'local'}, day_start={job.day_start}\n")
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(COLUMNS)
        for row in job.reviews():
            seen += 1
            if row.card_id != current:
                current = row.card_id
                new_days = set()
            if row.kind in PRACTICE_KINDS:
                continue  # cram, study ahead: no recall test for a scheduler to learn from
            if row.kind == "drill":
                state = LEARNING if row.day in new_days else RELEARNING
            elif row.was_new:
                state = NEW
                new_days.add(row.day)
            else:
                state = REVIEW
            cells = (row.card_id, row.time_ms, rating[row.q], row.duration_ms or 0, state)
            out.writerow([spreadsheet_cell(c) for c in cells])
            done += 1
            if seen % 10000 == 0:
                job.tick(seen, total)
    job.tick(total, total)
    return done
