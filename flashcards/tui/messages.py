"""What a screen asks the app to do: the navigation messages, and nothing else.

A screen never calls the app: it posts one of these messages, which bubbles
from the screen up to the app, and the app's `on_...` handler pushes, switches
or pops screens. So the screens know nothing of the app (no import of
`flashcards.tui.app`, not even for typing), the app is the one place that
knows how the screens follow one another, and a test can watch the messages
go by with `run_test(message_hook=...)`.

This module imports neither the app nor the screens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from flashcards.tui.session import Session


class HomeRequested(Message):
    """Back to the decks screen."""


class StudyRequested(Message):
    """Study `deck` (None: all decks) from its first card due."""

    def __init__(self, deck: str | None) -> None:
        super().__init__()
        self.deck = deck


class BuildFirstRequested(Message):
    """Nothing is built yet: build the first run's decks, then study `deck`."""

    def __init__(self, deck: str | None) -> None:
        super().__init__()
        self.deck = deck


class BuildFinished(Message):
    """A build on the decks screen ended (a review may have waited for it)."""

    def __init__(self, first_run: bool) -> None:
        super().__init__()
        self.first_run = first_run


class SummaryRequested(Message):
    """The session on `deck` ended: show its summary."""

    def __init__(self, deck: str | None, session: Session) -> None:
        super().__init__()
        self.deck = deck
        self.session = session


class ResumeRequested(Message):
    """From the summary: the same session goes on, its last action undone."""

    def __init__(self, deck: str | None, session: Session | None) -> None:
        super().__init__()
        self.deck = deck
        self.session = session


class StatsRequested(Message):
    """The statistics of `deck` (None: all decks)."""

    def __init__(self, deck: str | None) -> None:
        super().__init__()
        self.deck = deck


class BrowseRequested(Message):
    """The card browser (search every card, change flags, see a card's history)."""


class CustomStudyRequested(Message):
    """Choose a custom study of `deck` (None: all decks): ahead, failed, new, cram."""

    def __init__(self, deck: str | None) -> None:
        super().__init__()
        self.deck = deck


class HelpRequested(Message):
    """The keys page."""


class MessageRequested(Message):
    """A message the user must read (`title`, then `body`), over the current screen."""

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title = title
        self.body = body


class FailureReported(Message):
    """The collection failed while `doing` something: say what and what to do; go on."""

    def __init__(self, error: BaseException, doing: str = "") -> None:
        super().__init__()
        self.error = error
        self.doing = doing
