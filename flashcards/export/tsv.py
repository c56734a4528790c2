"""Export to Anki's text-import format: tab-separated, with header lines.

```
#separator:tab
#html:true
#notetype column:1
#deck column:2
#guid column:3
#tags column:6
Cloze	My deck	<guid>	<Text>	<Back Extra>	tag_a tag_b
Basic	My deck	<guid>	<Front>	<Back>	tag_a
```
Note type and deck vary per row, so they are columns rather than the
file-wide `#notetype:` / `#deck:` headers. The note types are Anki's stock
"Cloze" (Text, Back Extra) and "Basic" (Front, Back), which every Anki
collection has; the context breadcrumb leads the Text/Front field and the source
ends the Back Extra/Back field. The GUIDs are the same as the `apkg` export's,
so re-importing a newer file updates notes. Fields holding a tab, a newline or
a quote are quoted CSV-style, which Anki's importer reads.
"""

from __future__ import annotations

import csv
from pathlib import Path

from flashcards.export import ExportJob
from flashcards.export.apkg import note_guid
from flashcards.export.render import (
    anki_tags,
    basic_back,
    cloze_html,
    context_html,
    source_html,
    split_back,
    to_html,
)

CLOZE_NOTETYPE = "Cloze"
BASIC_NOTETYPE = "Basic"
HEADER = (
    "#separator:tab",
    "#html:true",
    "#notetype column:1",
    "#deck column:2",
    "#guid column:3",
    "#tags column:6",
)


def _join(*parts: str) -> str:
    return "".join(p for p in parts if p)


def write(job: ExportJob, path: Path) -> int:
    """Write the notes to `path`; returns the number of rows (one per card)."""
    total = job.card_count
    done = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("\n".join(HEADER) + "\n")
        out = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        for deck in job.decks:
            for card in deck.cards:
                # unquoted attributes: a field without '"' needs no CSV quoting
                context = context_html(card)
                context = f"<div class=context>{context}</div>" if context else ""
                source = f"<div class=source>{source_html(deck, card)}</div>"
                if card.kind == "basic":
                    notetype = BASIC_NOTETYPE
                    first = _join(context, to_html(card.front))
                    second = _join(to_html(basic_back(card)), source)
                else:
                    notetype = CLOZE_NOTETYPE
                    _, children = split_back(card.back)
                    first = _join(context, cloze_html(card.cloze))
                    second = _join(to_html(children), source)
                out.writerow(
                    (
                        notetype,
                        deck.name,
                        note_guid(card),
                        first,
                        second,
                        " ".join(anki_tags(card.tags)),
                    )
                )
                done += 1
                if done % 1000 == 0:
                    job.tick(done, total)
    job.tick(total, total)
    return total
