"""Echoes on the JSON export's fronts: found where they stand, and no pattern compiled
for a card whose answers stand only in its gaps (most cards; compiling each card's own
pattern was most of the export's time)."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import NOW
from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards import faces
from flashcards.export import export
from flashcards.notes.render import Span

from .support import open_collection

NOTES = """\
- The **borrow checker** checks borrows at compile time.
- A ==lifetime== is a region of code.
- Ownership: the **owner** frees it, and nothing but the owner does.
"""


def _fronts(tmp_path: Path) -> dict[str, str]:
    notes = tmp_path / "echoes.md"
    notes.write_text(NOTES)
    out = tmp_path / "echoes.json"
    with open_collection(tmp_path / "echoes.sqlite") as col:
        col.build(notes)
        export(col, [], "json", out, now=NOW)
    return {c["answers"][0]: c["front"] for c in json.loads(out.read_text())["cards"]}


def test_answers_that_stand_only_in_their_gaps_compile_no_pattern(tmp_path):
    faces.answer_pattern.cache_clear()
    fronts = _fronts(tmp_path)
    assert fronts["borrow checker"] == "The [...] checks borrows at compile time."
    assert fronts["lifetime"] == "A [...] is a region of code."
    # the one card whose answer stands elsewhere on its front: one pattern, its echo hidden
    assert fronts["owner"] == "Ownership: the [...] frees it, and nothing but the [...] does."
    assert faces.answer_pattern.cache_info().misses == 1


# letters IGNORECASE folds onto ASCII ones (Kelvin sign, long s, dotless i, dotted I),
# and ones whose lower case is longer or differs from their case fold
LETTERS = "abkisKSIſıİßẞéÉ "


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(LETTERS, max_size=12), min_size=1, max_size=3),
    st.lists(st.text(LETTERS, min_size=1, max_size=5), min_size=1, max_size=3),
)
def test_the_answers_left_out_match_nowhere(texts, answers):
    out = [Span(t) for t in texts]
    kept = faces._may_stand(answers, out)
    for answer in answers:
        if answer in kept:
            continue
        pattern = faces.answer_pattern((answer,))
        assert pattern is None or not any(pattern.search(t) for t in texts), (answer, texts)
