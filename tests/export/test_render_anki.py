"""Rendered Markdown in the Anki package, judged by the real `anki` library (issue 12).

Math reaches Anki as its own MathJax markers, `\\(…\\)` and `\\[…\\]`; an image is a
placeholder when its file is not there (test_apkg_media: when it is); the breadcrumb
hides the card's answer.
"""

from __future__ import annotations

from pathlib import Path

from flashcards.export import export
from flashcards.export.apkg import note_guid

from .support import NOW, card_by_note_guid, import_apkg, open_collection, visible_text

NOTES = Path(__file__).parent / "notes" / "render" / "math.md"


def test_anki_renders_math_as_mathjax_and_hides_the_answer_in_the_breadcrumb(
    tmp_path, anki_collection
):
    out = tmp_path / "render.apkg"
    with open_collection(tmp_path / "render.sqlite") as col:
        col.build(NOTES)
        ours = {c.answers[0]: c for c in col.cards()}
        export(col, [], "apkg", out, now=NOW)
    anki = anki_collection()
    import_apkg(anki, out)

    energy = card_by_note_guid(anki, note_guid(ours["Mass–energy equivalence"]))
    question, answer = energy.question(), energy.answer()
    assert r"\(E = mc^2\)" in question  # Anki's MathJax marker, rendered by Anki as math
    assert r"\[\int_0^1 x\,dx = \frac{1}{2}\]" in question
    assert "$" not in visible_text(question)
    assert r"\(E = mc^2\)" in answer

    learning = card_by_note_guid(anki, note_guid(ours["learning"]))
    question = visible_text(learning.question())
    assert "you should use ML for: [...] of patterns" in question
    assert "learning" not in question
    assert "[image: ml.png]" in question
    assert "<img" not in learning.question()
