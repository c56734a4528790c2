"""A card's front as plain text: the string path for simple blocks gives exactly what
the segments give (gaps, the spans' texts, the echoes of the card's answers)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards import faces
from flashcards.notes.inline import find_deletions

WORDS = st.sampled_from(
    [
        "alpha", "beta", "gamma", "Beta", "x", "**beta**", "==gamma==", "**alpha beta**",
        "`code`", "`beta`", "[[beta]]", "[[page]]", "{{c1::beta}}", "{{c2::gamma::hint}}",
        "{{cloze alpha}}", "*it*", "[a link](http://x.org)", "\n", "\n  ", "-", "(", ")",
        "**", "==", "`", "[[", "ſ", "İ", "é", "\ue000", "|", "%%", "$",
    ]
)  # fmt: skip


def segments_front(body, marks, hidden, answers):
    """front_text as the segments give it (the general path)."""
    out = []
    for s in faces.segments(body, marks, hidden, answers):
        if isinstance(s, faces.Gap):
            out.append(f"[{s.hint or '...'}]")
        elif isinstance(s, faces.Echo):
            out.append(faces.HIDDEN)
        else:
            out.append(s.text)
    return "".join(out)


@settings(max_examples=600, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=12).map(" ".join), st.data())
def test_the_simple_front_is_the_segments_front(body, data):
    marks = find_deletions(body)
    indexes = st.sets(st.integers(0, len(marks) - 1), max_size=3) if marks else st.just(set())
    hidden = tuple(sorted(data.draw(indexes)))
    # a question card hides its cloze markers but has no answers of its own
    answers = [marks[i].answer for i in hidden] if data.draw(st.booleans()) else []
    answers += data.draw(st.lists(st.sampled_from(["beta", "gamma", "alpha beta"]), max_size=2))
    simple = faces._simple_front(body, marks, hidden, answers)
    if simple is not None:
        assert simple == segments_front(body, marks, hidden, answers)
    assert faces.front_text(body, marks, hidden, answers) == segments_front(
        body, marks, hidden, answers
    )


def test_a_common_block_takes_the_string_path():
    body = "the **borrow checker** checks each ==borrow== at compile time; borrow or not"
    marks = find_deletions(body)
    # the answer stands twice more: inside the strong span and at the end
    assert faces._simple_front(body, marks, (1,), ["borrow"]) == (
        "the [...] checker checks each [...] at compile time; [...] or not"
    )
    assert faces._simple_front(body, marks, (0,), ["borrow checker"]) == (
        "the [...] checks each borrow at compile time; borrow or not"
    )


PROSE = st.sampled_from(
    ["alpha", "beta", "gamma", "Beta", "**beta**", "==gamma==", "**alpha beta**", "`beta`"]
    + ["[[beta]]", "{{cloze alpha}}", "{{c1::beta}}", "**", "=", "é", "ſ", "\ue000", "$"]
)


@settings(max_examples=800, deadline=None)
@given(st.lists(PROSE, min_size=1, max_size=10).map(" ".join), st.data())
def test_a_block_rendered_once_gives_each_card_its_own_front(body, data):
    marks = find_deletions(body)
    if not marks:
        return
    hidden = (data.draw(st.integers(0, len(marks) - 1)),)
    answers = [marks[hidden[0]].answer] if data.draw(st.booleans()) else []
    answers += data.draw(st.lists(st.sampled_from(["beta", "gamma", "alpha beta"]), max_size=2))
    shared = faces._shared_front(body, marks, hidden, answers)
    if shared is not None:
        assert shared == faces._simple_front(body, marks, hidden, answers)
    assert faces.front_text(body, marks, hidden, answers) == segments_front(
        body, marks, hidden, answers
    )


def test_the_cards_of_a_block_share_one_rendering_of_its_text():
    faces.shared_pieces.cache_clear()
    body = "the **borrow checker** checks each ==borrow== at compile time; `borrow` or not"
    marks = find_deletions(body)
    fronts = [faces.front_text(body, marks, (i,), [marks[i].answer]) for i in range(2)]
    assert fronts == [
        "the [...] checks each borrow at compile time; borrow or not",
        "the [...] checker checks each [...] at compile time; [...] or not",
    ]
    assert fronts == [faces._simple_front(body, marks, (i,), [marks[i].answer]) for i in (0, 1)]
    info = faces.shared_pieces.cache_info()
    assert (info.misses, info.hits) == (1, 1)
