"""The JSON export's faces, a block's share worked out once for all its cards: each card
still gets exactly the front, back and cloze text `faces` renders for it."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from flashcards import faces
from flashcards.export import json_faces
from flashcards.notes import render
from flashcards.notes.inline import find_deletions

from .test_render_shared import PIECES, PROSE

CHILDREN = st.sampled_from(["", "- a child", "- **b** child\n  - `c` [[d]]", "- x | y"])


def _row(kind: str, body: str, hidden: tuple[int, ...], children: str) -> tuple[str, ...]:
    marks = json.dumps([list(d) for d in find_deletions(body)])
    return '{"id":1}', '{"tail":2}', kind, body, marks, json.dumps(list(hidden)), children


def _expected(kind: str, body: str, hidden: tuple[int, ...], children: str) -> str:
    marks = find_deletions(body)
    answers = [] if kind == faces.BASIC else [marks[i].answer for i in hidden]
    front = faces.front_text(body, marks, hidden, answers)
    back = faces.back_text(body, marks, children)
    cloze = faces.cloze(kind, body, marks, hidden)
    return (
        f'{{"id":1,"front":{json.dumps(front, ensure_ascii=False)},'
        f'"back":{json.dumps(back, ensure_ascii=False)},'
        f'"cloze":{json.dumps(cloze, ensure_ascii=False)},"tail":2'
    )


@settings(max_examples=1500, deadline=None)
@given(st.one_of(PIECES, PROSE), CHILDREN, st.data())
@example("say **a** and **b** then ==c==", "", None)
@example("the **owner** frees it, and nothing but the owner does, **twice**", "", None)
@example("**a** {{cloze **b**}} `**c**`", "- x", None)
def test_each_card_gets_the_faces_of_its_own_block_and_gaps(body, children, data):
    marks = find_deletions(body)
    cards = [("cloze", (i,)) for i in range(len(marks))] + [("basic", ())]
    if data is not None and len(marks) > 1:
        cards.append(("cloze", tuple(sorted(data.draw(st.sets(st.integers(0, len(marks) - 1)))))))
    shown = json_faces.Faces()  # one for the block's cards, as the export's rows come
    for kind, hidden in cards:
        got = shown.card(*_row(kind, body, hidden, children))
        assert got == _expected(kind, body, hidden, children), (body, kind, hidden)


# blocks whose answers stand elsewhere in them too (an echo: hidden on the front), in
# other cases or letters, beside text with and without markup: the fast paths' edges
ECHOES = st.lists(
    st.sampled_from(
        ["**term**", "==term==", "{{cloze term}}", "{{cloze term \\\\ cue}}", "{{c1::term::hint}}"]
        + ["term", "TERM", "terms", "Term-x", "**térm**", "TÉRM", "térm", "**ab**", "ab"]
        + ["word", "`code`", "[[link]]", "&", '"', "\\", "\t", "\n", "é", "*", "="]
    ),
    max_size=8,
).flatmap(lambda words: st.sampled_from([" ".join(words), "".join(words)]))


@settings(max_examples=1500, deadline=None)
@given(ECHOES, CHILDREN)
@example("a **term** and term again", "")
@example("a {{cloze term}} and TERM again", "")
@example("{{cloze térm}} TÉRM", "")
@example("**ab** ab **x y**", "")
@example('say "**it**" and\tthen\n==more==', "- a child")
def test_a_block_whose_answers_echo_gets_the_faces_of_its_own_gaps(body, children):
    marks = find_deletions(body)
    cards = [("cloze", (i,)) for i in range(len(marks))] + [("basic", ())]
    shown = json_faces.Faces()
    for kind, hidden in cards:
        got = shown.card(*_row(kind, body, hidden, children))
        assert got == _expected(kind, body, hidden, children), (body, kind, hidden)


def test_a_one_deletion_block_without_markup_around_it_is_not_rendered_again(monkeypatch):
    def general(*args, **kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("the general path rendered a front the fast path gives")

    monkeypatch.setattr(faces, "front_text", general)
    shown = json_faces.Faces()
    card = json.loads(
        shown.card(*_row("cloze", "the {{cloze owner \\\\ who}} frees it", (0,), "")) + "}"
    )
    assert card["front"] == "the [who] frees it"
    assert card["cloze"] == "the {{c1::owner::who}} frees it"
    question = json.loads(shown.card(*_row("basic", "what frees it?", (), "- the owner")) + "}")
    assert (question["front"], question["back"]) == (
        "what frees it?",
        "what frees it?\n- the owner",
    )


def test_the_cards_of_a_block_render_its_text_once(monkeypatch):
    body = "the **first** and the **second** beside ==a third== in `code` and [[a link]]"
    rendered: list[str] = []
    simple_block = render.simple_block

    def counted(text: str, *styles: str):
        rendered.append(text)
        return simple_block(text, *styles)

    monkeypatch.setattr(render, "simple_block", counted)
    faces.shared_pieces.cache_clear()
    render._plain_cached.cache_clear()
    shown = json_faces.Faces()
    cards = [json.loads(shown.card(*_row("cloze", body, (i,), "")) + "}") for i in range(3)]
    assert [c["front"] for c in cards] == [
        "the [...] and the second beside a third in code and a link",
        "the first and the [...] beside a third in code and a link",
        "the first and the second beside [...] in code and a link",
    ]
    assert cards[2]["cloze"] == (
        "the **first** and the **second** beside {{c1::a third}} in `code` and [[a link]]"
    )
    assert cards[0]["back"] == "the first and the second beside a third in code and a link"
    # the block's text, rendered once for the three fronts and the back they share
    assert rendered == [body]
