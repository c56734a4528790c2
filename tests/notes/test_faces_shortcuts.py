"""`faces.front` and `faces.cloze` answer the commonest cards (a question's front, a
one-deletion card's cloze text) without going mark by mark: exactly what going mark by
mark gives."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from flashcards import faces
from flashcards.notes.inline import find_deletions

from .test_simple_front import WORDS


def _front_by_pieces(body, marks, hidden):
    return "".join(
        p if isinstance(p, str) else f"[{p.hint or '...'}]"
        for p in faces.pieces(body, marks, hidden)
    )


@settings(max_examples=600, deadline=None)
@given(st.lists(WORDS, max_size=10).map(" ".join), st.data())
@example("{{c1::a::b}} and {{cloze c}}", None)
@example("", None)
def test_the_shortcuts_give_what_the_marks_give(body, data):
    marks = find_deletions(body)
    cards = [(i,) for i in range(len(marks))] + [()]
    if data is not None and marks:
        cards.append(tuple(sorted(data.draw(st.sets(st.integers(0, len(marks) - 1), max_size=3)))))
    for hidden in cards:
        assert faces.front(body, marks, hidden) == _front_by_pieces(body, marks, hidden)
        assert faces.cloze("cloze", body, marks, hidden) == faces._cloze(body, marks, hidden)


def test_a_one_deletion_cards_cloze_text_is_not_worked_out_mark_by_mark(monkeypatch):
    def by_marks(*args):  # noqa: ANN002
        raise AssertionError("went mark by mark")

    monkeypatch.setattr(faces, "_cloze", by_marks)
    monkeypatch.setattr(faces, "pieces", by_marks)
    body = "the {{cloze owner \\\\ who}} frees it"
    marks = find_deletions(body)
    assert faces.cloze("cloze", body, marks, (0,)) == "the {{c1::owner::who}} frees it"
    assert faces.front("what frees it?", (), ()) == "what frees it?"
