"""The keys, on one page (`?`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from flashcards.tui.screens.modal_box import modal_box_css

# The one rule for leaving: Esc and q go back one screen (this page, a message, the
# review, the summary, the statistics); on the decks screen, the first, q quits and
# Esc does nothing. Ctrl+C quits from anywhere. README.md says the same.
HOME_KEYS = [
    ("↑ ↓  j k", "choose a deck"),
    ("Enter", "study the chosen deck"),
    ("a", "study all decks"),
    ("r", "rebuild the decks from your notes"),
    ("t", "statistics"),
    ("/ B", "browse every card"),
    ("c", "custom study: ahead, failed again, more new, cram"),
    ("q", "quit (Esc does nothing here)"),
]
REVIEW_KEYS = [
    ("Space Enter", "show the answer; once it shows, Good"),
    ("1 2 3 4", "Again, Hard, Good, Easy"),
    ("0–5", "the six SM-2 grades, in a deck with grades: 6"),
    ("↑ ↓  j k", "scroll a long card (PgUp PgDn Home End too)"),
    ("u", "undo the last answer, suspend or bury"),
    ("s  b", "suspend the card / bury it until tomorrow"),
    ("e", "edit the note in $VISUAL / $EDITOR, then rebuild"),
    ("/ B", "browse every card"),
    ("c", "custom study (when nothing is due)"),
    ("Esc q", "end the session: the summary, or the decks"),
]
SUMMARY_KEYS = [
    ("Enter Space", "back to the decks"),
    ("u", "undo the last answer and study on"),
    ("Esc q", "back to the decks"),
]
STATS_KEYS = [
    ("↑ ↓  j k", "scroll"),
    ("Esc q", "back to the decks"),
]
EVERYWHERE_KEYS = [
    ("?", "this page (Esc, q, Enter or ? closes it)"),
    ("Ctrl+T", "light or dark theme (TEXTUAL_THEME sets the first)"),
    ("Ctrl+C", "quit from any screen"),
]
BROWSE_KEYS = [
    ("type", "search: words, is:STATE, deck:NAME, tag:NAME"),
    ("↓ Enter", "from the search to the cards; / back"),
    ("o  r", "next sort column / reverse (or click a header)"),
    ("s  b", "suspend or unsuspend / bury or unbury"),
    ("e  u", "edit the note / undo this screen's last change"),
    ("Esc q", "clear the search, then back"),
]
TABLES = (
    ("Decks", HOME_KEYS),
    ("Review", REVIEW_KEYS),
    ("Browse", BROWSE_KEYS),
    ("Summary", SUMMARY_KEYS),
    ("Statistics", STATS_KEYS),
    ("Everywhere", EVERYWHERE_KEYS),
)


def keys_text() -> Content:
    """Every key table as plain text (no markup), bold keys."""
    parts: list[str | tuple[str, str]] = []
    for title, keys in TABLES:
        if parts:
            parts.append("\n")
        parts.append((title + "\n", "bold $text-accent"))
        for key, what in keys:
            parts.append((f"  {key:<13}", "bold"))
            parts.append(f"{what}\n")
    return Content.assemble(*parts).rstrip()


class HelpScreen(ModalScreen[None]):
    """Every key of the app; any of Esc, ?, q or Enter closes it."""

    # this screen's own rules, loaded when it first shows (app.tcss has the shared ones)
    CSS = (
        modal_box_css("HelpScreen", "#help-box")
        + """
    #help-box {
        padding: 0 2;
        border-title-color: $text-accent;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
    }
    #help-body {
        height: auto;
    }
    #help-scroll {
        height: auto;
        max-height: 100%;
    }
    """
    )

    BINDINGS = [
        Binding("escape,question_mark,q,enter,space", "close", "Close"),
        Binding("j", "scroll(1)", "Scroll", show=False),
        Binding("k", "scroll(-1)", "Scroll", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            # title and hint sit in the border; on a short terminal ↑↓ scroll the rest
            box.border_title = "Keys"
            box.border_subtitle = "Esc close"
            with VerticalScroll(id="help-scroll"):
                yield Static(keys_text(), id="help-body", markup=False)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
