"""A card's breadcrumb in the Anki formats hides the card's own answers where the
rendered context holds them, whichever way it finds them (one answer or several)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards import faces
from flashcards.export import render
from flashcards.export.job import ExportCard
from flashcards.notes.markers import Deletion

LETTERS = "abkKſİıßẞé *=`[]"
TEXT = st.text(LETTERS, min_size=1, max_size=10)


def _card(context: list[str], answers: list[str], hidden: tuple[int, ...]) -> ExportCard:
    marks = tuple(Deletion("strong", 0, 0, a, a) for a in answers)
    return ExportCard(
        1, "g", "d", "h", "cloze", "/n/a.md", 1, 0, "", "", hidden, "", "active", "",
        marks, context, [],
    )  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(TEXT, max_size=3), st.lists(TEXT, min_size=1, max_size=3), st.data())
def test_the_breadcrumb_hides_the_cards_answers(context, answers, data):
    hidden = tuple(sorted(data.draw(st.sets(st.integers(0, len(answers) - 1), min_size=1))))
    card = _card(context, answers, hidden)
    held = faces.answers_in_context(context, [answers[i] for i in hidden])
    expected = render.BREADCRUMB.join(render._escape(c) for c in faces.crumbs(context, held))
    assert render.context_html(card) == expected


def test_a_cards_answer_in_its_context_is_hidden_there():
    card = _card(["Rust", "The Borrow checker"], ["borrow checker", "Rust"], (0,))
    assert render.context_html(card) == "Rust › The [...]"


def test_a_card_hiding_one_answer_looks_for_it_alone(monkeypatch):
    # most cards hide one deletion: its answer is looked up in the folded context
    # directly, without building a list of answers and a tuple of those it holds
    def general(*_):
        raise AssertionError("the general search, for one answer")

    monkeypatch.setattr(faces, "answers_in_context", general)
    card = _card(["Rust", "The Borrow checker"], ["borrow checker", "lifetimes"], (1,))
    assert render.context_html(card) == "Rust › The Borrow checker"
