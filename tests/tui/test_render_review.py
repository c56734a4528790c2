"""The review screen shows rendered Markdown and never the card's own answer (issue 12)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from helpers import NOW

from flashcards import Collection
from flashcards.decks import DeckSpec
from flashcards.tui.app import make_app
from flashcards.tui.screens.review import ReviewScreen
from flashcards.tui.widgets.card import back_content, breadcrumb, front_content, to_content

NOTES = Path(__file__).parent / "data" / "render"


def test_a_review_shows_rendered_text_and_hides_the_answer_in_the_breadcrumb(tmp_path):
    db = tmp_path / "render.sqlite"
    with Collection.open(db) as col:
        col.build(DeckSpec(name="ML", notes=[NOTES]))
    app = make_app(db, deck="ML", now=NOW)
    seen: dict[str, object] = {}

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            card = app.screen.card
            seen["crumb"] = breadcrumb(card.crumbs, 200).plain
            front = front_content(card)
            seen["front"] = front.plain
            seen["italic"] = [
                front.plain[s.start : s.end] for s in front.spans if "italic" in str(s.style)
            ]
            await pilot.press("space")
            await pilot.pause()
            seen["back"] = back_content(card).plain

    asyncio.run(main())
    assert seen["crumb"] == "you should use ML for: [...] of patterns"
    assert seen["front"] == "[...] is explained in the book with α^2 and care"
    assert "care" in seen["italic"] and "α^2" in seen["italic"]
    assert seen["back"] == "learning is explained in the book with α^2 and care"


def test_inline_html_shows_styled_in_the_app_and_note_text_stays_literal():
    content = to_content("<u>under</u> x<sup>2</sup> <kbd>Ctrl</kbd> [bold]no[/bold] \x07")
    assert content.plain == "under x² Ctrl [bold]no[/bold] ␇"  # the bell made visible
    styled = {content.plain[s.start : s.end]: str(s.style) for s in content.spans}
    assert styled["under"] == "underline"
    assert "Ctrl" in styled and "[bold]no[/bold]" not in styled


def test_the_home_screen_renders_a_deck_descriptions_inline_markdown(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "geo.md").write_text("- Paris is the capital of **France**.\n")
    spec = tmp_path / "geo.md"
    spec.write_text(
        "---\nname: Geography\nnotes: [notes]\n---\n"
        "Capitals *of Europe*, **kept** as\nnotes; `[bold]` and <u>this</u> stay text.\n"
    )
    db = tmp_path / "geo.sqlite"
    with Collection.open(db) as col:
        col.build(spec)
    app = make_app(db, now=NOW)
    seen: dict[str, object] = {}

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            shown = app.screen.query_one("#description").render()
            seen["text"] = shown.plain
            seen["styles"] = {shown.plain[s.start : s.end]: str(s.style) for s in shown.spans}

    asyncio.run(main())
    assert seen["text"] == "Capitals of Europe, kept as notes; [bold] and this stay text."
    assert "italic" in seen["styles"]["of Europe"]
    assert "bold" in seen["styles"]["kept"]
    assert seen["styles"]["this"] == "underline"
