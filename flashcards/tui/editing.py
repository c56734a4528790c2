"""`e`: a card's note opened in the user's editor, then its deck rebuilt in the background.

Shared by the screens that show a card (review, the browser): `open_editor` hands
the terminal to $VISUAL / $EDITOR at the card's line and says, over the screen,
why it could not; `rebuild_worker` rebuilds the deck on a worker thread and posts
`EditRebuilt` back to the screen, which shows the card again.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import SuspendNotSupported
from textual.message import Message

from flashcards.display import visible
from flashcards.tui.messages import MessageRequested
from flashcards.tui.screens.base import AppScreen

if TYPE_CHECKING:
    from flashcards.collection import CardView, Collection
    from flashcards.tui.building import BuildOutcome


class EditRebuilt(Message):
    """The deck of an edited card was rebuilt (on a worker thread)."""

    def __init__(self, card_id: int, outcome: BuildOutcome) -> None:
        super().__init__()
        self.card_id = card_id
        self.outcome = outcome


def editor_command(path: Path, line: int) -> list[str]:
    """$VISUAL, else $EDITOR, else vi — opened at `line` of `path` (`+LINE path`)."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    return [*shlex.split(editor), f"+{line}", str(path)]


class NoteEditing(AppScreen):
    """A screen that edits notes: it runs the editor and rebuilds (its `col`,
    `collection_path` and `busy`, which keeps keys off while the rebuild runs)."""

    col: Collection
    collection_path: Path
    busy: bool

    def edit(self, card: CardView) -> None:
        """`e`: the editor on the card's note, then its deck rebuilt in the background."""
        if not self.open_editor(card):
            return
        self.busy = True
        self.refresh_bindings()
        self.notify("Rebuilding the deck…", timeout=1.5)
        from flashcards.tui.building import rebuild_targets  # only once an edit is saved

        self.rebuild_worker(card.id, rebuild_targets(self.col, [card.deck]))

    def rebuilt(self, message: EditRebuilt) -> None:
        """The rebuild's end: keys back, the collection read again, errors said."""
        self.busy = False
        self.col.refresh()  # the worker's connection changed the cards
        outcome = message.outcome
        if outcome.errors:
            self.tell(
                "The deck could not be rebuilt",
                "\n\n".join(outcome.errors) + "\n\nFix the notes and press e again.",
            )
        else:
            self.notify(visible(outcome.summary()), timeout=3, markup=False)

    def tell(self, title: str, body: str) -> None:
        """A message the user must read, over this screen."""
        self.request(MessageRequested(title, body))

    def open_editor(self, card: CardView) -> bool:
        """Edit the card's note; True when the editor ended well (rebuild now)."""
        source = Path(card.source)
        if not source.is_file():
            self.tell(
                "The notes file is gone",
                f"{card.source}:{card.line} no longer exists (moved, renamed or deleted).\n\n"
                "Press Esc, then r on the decks screen to rebuild: cards of a vanished file "
                "retire and keep their history, and come back if the file does.",
            )
            return False
        argv = editor_command(source, card.line)
        try:
            code = self.run_editor(argv)
        except FileNotFoundError:
            self.tell(
                "The editor was not found",
                f"{argv[0]!r} is not installed or not on PATH.\n\n"
                "Set $VISUAL or $EDITOR to your editor (e.g. `export EDITOR=nano`) "
                "and press e again.",
            )
            return False
        except SuspendNotSupported:
            self.tell(
                "Cannot open an editor here",
                f"This terminal cannot hand over to an editor. Edit {card.source}:{card.line} "
                "yourself, then press r on the decks screen to rebuild.",
            )
            return False
        except OSError as err:
            self.tell(
                "The editor could not be started",
                f"{shlex.join(argv)}: {err.strerror or err}.\n\nCheck $VISUAL / $EDITOR.",
            )
            return False
        if code != 0:
            self.tell(
                "The editor failed",
                f"{shlex.join(argv)} exited with status {code}; the deck was not rebuilt.\n\n"
                "Fix the editor command in $VISUAL / $EDITOR, or save and quit normally, "
                "then press e again.",
            )
            return False
        return True

    def run_editor(self, argv: list[str]) -> int:
        """Hand the terminal to the editor and wait for it; its exit status."""
        if self.app.is_headless:
            # tests: no terminal to hand over; the (scripted) editor just runs
            return subprocess.run(argv, stdin=subprocess.DEVNULL, check=False).returncode
        with self.app.suspend():
            return subprocess.run(argv, check=False).returncode

    @work(thread=True, exclusive=True, group="build")
    def rebuild_worker(self, card_id: int, targets: list) -> None:
        from flashcards.tui.building import build_decks

        outcome = build_decks(self.collection_path, targets, lambda *_: None)
        self.post_message(EditRebuilt(card_id, outcome))
