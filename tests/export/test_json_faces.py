"""The JSON export's faces, a block's share worked out once for all its cards: each card
still gets exactly the front, back and cloze text `faces` renders for it."""

from __future__ import annotations

import json
from itertools import accumulate

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


def _faces_agree(body: str, children: str) -> None:
    """Each of a block's cards (one cloze card a gap, and the basic card) gets from the
    exporter's fast faces what the general path gives."""
    marks = find_deletions(body)
    cards = [("cloze", (i,)) for i in range(len(marks))] + [("basic", ())]
    shown = json_faces.Faces()
    for kind, hidden in cards:
        got = shown.card(*_row(kind, body, hidden, children))
        assert got == _expected(kind, body, hidden, children), (body, kind, hidden)


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
    _faces_agree(body, children)


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


# blocks of strong and highlight spans among words, now and then with the markup that
# makes `simple_spans` read a span otherwise or give up: `emphasis_text`'s edges
_CLEAN = ["**term**", "==mark==", "**two words**", "**a**", "==b c==", "**é1**", "word", "and"]
_EDGES = ["**x_**", "** x**", "**_x_**", "^^h^^", "__u__", "**a****b**", "==a====b=="]
_EDGES += ["**a**==b==", "é", "*", "=", "_", "`c`", "[[l]]", "\r", "\0", "\n", '"', "\\"]
EMPHASIS = st.lists(
    st.one_of(st.sampled_from(_CLEAN), st.sampled_from(_CLEAN), st.sampled_from(_EDGES)),
    max_size=8,
).flatmap(lambda words: st.sampled_from([" ".join(words), "".join(words)]))


@settings(max_examples=1500, deadline=None)
@given(EMPHASIS)
@example("say **a** and **b** then ==c==")
@example("**a**==b== **c**")
def test_an_emphasis_block_is_rendered_as_its_shared_pieces(body):
    marks = tuple(find_deletions(body))
    found = json_faces.emphasis_text(body, marks)
    if found is None:
        return
    shared = faces.shared_pieces(faces.resolved(body, marks))
    assert shared is not None, body
    texts, spans = shared
    at = list(accumulate(map(len, texts), initial=0))  # where each piece starts
    own, cuts, spots = found
    assert own == "".join(texts) == render.plain(body)
    assert spots == faces.resolved_spots(marks)
    assert cuts == [(at[spans[s]], at[spans[s] + 1]) for s in spots], body


def test_an_emphasis_block_is_rendered_without_the_general_renderer(monkeypatch):
    def general(*args, **kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("the general path rendered a block the fast path gives")

    monkeypatch.setattr(faces, "shared_pieces", general)
    monkeypatch.setattr(faces, "front_text", general)
    body = 'say "**a**" and **b c** then ==d=='
    shown = json_faces.Faces()
    cards = [json.loads(shown.card(*_row("cloze", body, (i,), "")) + "}") for i in range(3)]
    assert [c["front"] for c in cards] == [
        'say "[...]" and b c then d',
        'say "a" and [...] then d',
        'say "a" and b c then [...]',
    ]
    assert cards[1]["cloze"] == 'say "**a**" and {{c1::b c}} then ==d=='
    assert cards[0]["back"] == 'say "a" and b c then d'


# one cloze among words, with what JSON escapes and what renders: `_one_cloze`'s edges
ONE_CLOZE = st.tuples(
    st.text(st.sampled_from('ab é"\\\t\n*=`[]'), max_size=6),
    st.sampled_from(
        ["{{cloze a}}", '{{cloze b \\\\ c"ue}}', "{{c1::a\t::h\\}}", "{{cloze **a**}}"]
    ),
    st.text(st.sampled_from('ab é"\\\t\n*=`[]'), max_size=6),
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(ONE_CLOZE, CHILDREN)
@example('say "{{cloze it \\\\ cue}}"\tthen\na', "")
def test_a_one_cloze_block_gets_the_faces_of_its_own_gap(body, children):
    _faces_agree(body, children)


def test_a_one_cloze_block_encodes_its_text_once(monkeypatch):
    encoded: list[str] = []

    def counted(text: str) -> str:
        encoded.append(text)
        return json.dumps(text, ensure_ascii=False)

    monkeypatch.setattr(json_faces, "dumps", counted)
    body = 'the "{{cloze owner \\\\ who}}" frees it\nat once'
    card = json.loads(json_faces.Faces().card(*_row("cloze", body, (0,), "")) + "}")
    assert card["front"] == 'the "[who]" frees it\nat once'
    assert card["cloze"] == 'the "{{c1::owner::who}}" frees it\nat once'
    assert card["back"] == 'the "owner" frees it\nat once'
    # the text around the cloze once, its answer, placeholder and marker once each
    assert sorted(encoded) == sorted(
        ['the "', '" frees it\nat once', "owner", "[who]"] + ["{{c1::owner::who}}"]
    )
