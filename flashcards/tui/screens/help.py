"""The keys, on one page (`?`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

HOME_KEYS = [
    ("↑ ↓", "choose a deck"),
    ("Enter", "study the chosen deck"),
    ("a", "study all decks"),
    ("r", "rebuild the decks from your notes"),
    ("t", "statistics"),
    ("/ B", "browse every card"),
    ("c", "custom study: ahead, failed again, more new, cram"),
    ("q", "quit"),
]
REVIEW_KEYS = [
    ("Space Enter", "show the answer"),
    ("1 2 3 4", "Again, Hard, Good, Easy (0–5 in six-grade decks)"),
    ("u", "undo the last answer, suspend or bury"),
    ("s  b", "suspend the card / bury it until tomorrow"),
    ("e", "edit the note in $VISUAL / $EDITOR, then rebuild"),
    ("/ B", "browse every card"),
    ("c", "custom study (when nothing is due)"),
    ("Esc q", "end the session"),
]
BROWSE_KEYS = [
    ("type", "search: words, is:STATE, deck:NAME, tag:NAME"),
    ("↓ Enter", "from the search to the cards; / back"),
    ("o  r", "next sort column / reverse (or click a header)"),
    ("s  b", "suspend or unsuspend / bury or unbury"),
    ("e  u", "edit the note / undo this screen's last change"),
    ("Esc q", "clear the search, then back"),
]


def keys_text() -> Content:
    """Both key tables as plain text (no markup), bold keys."""
    parts: list[str | tuple[str, str]] = []
    for title, keys in (("Decks", HOME_KEYS), ("Review", REVIEW_KEYS), ("Browse", BROWSE_KEYS)):
        if parts:
            parts.append("\n")
        parts.append((title + "\n", "bold $text-accent"))
        for key, what in keys:
            parts.append((f"  {key:<13}", "bold"))
            parts.append(f"{what}\n")
    parts.append("\n")
    parts.append((f"  {'?':<13}", "bold"))
    parts.append("this page\n")
    parts.append((f"  {'Ctrl+T':<13}", "bold"))
    parts.append("light or dark theme (TEXTUAL_THEME sets the first)")
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    """Every key of the app; any of Esc, ?, q or Enter closes it."""

    BINDINGS = [Binding("escape,question_mark,q,enter,space", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            # title and hint sit in the border; on a short terminal ↑↓ scroll the rest
            box.border_title = "Keys"
            box.border_subtitle = "↑↓ scroll · Esc close"
            yield Static(keys_text(), id="help-body", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
