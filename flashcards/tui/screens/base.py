"""What the app's full screens share: they ask the app to go elsewhere, never call it.

A screen posts one of the messages of `flashcards.tui.messages` with
`request`; the message bubbles up to the app, which pushes or switches the
screens. Until the app has acted on it (the screen is covered or replaced), the
screen takes no more keys: a key typed ahead must not act on a screen the user
has already left — answer a card a second time, or undo twice — as it could
not when the app was called directly and replaced the screen at once.
"""

from __future__ import annotations

from textual.message import Message
from textual.screen import Screen


class AppScreen(Screen[None]):
    """A screen that navigates by posting messages (see the module's docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.leaving = False  # a request to go elsewhere is on its way to the app
        self.covered = False  # another screen has been over this one (or replaced it)

    def request(self, message: Message) -> None:
        """Ask the app to go elsewhere; keys wait until it has."""
        self.leaving = True
        self.post_message(message)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.leaving

    def on_screen_suspend(self) -> None:
        # covered or replaced: the request was carried out, and keys go to the new screen
        self.leaving = False
        self.covered = True
