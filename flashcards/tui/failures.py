"""When the collection fails under the app: a message that says what and what to do.

No database error ever reaches the screen as a traceback. Screen actions that
touch the collection are wrapped in `guarded`: a failure is posted as a
FailureReported message, and the app shows it on a message screen (busy,
read-only, disk full, damaged — each in its own words) and goes on. `explain`
gives the title and text; the app's last-resort handler uses it too, for
anything an action did not catch.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from textual.message_pump import MessagePump

from flashcards.clock import DateOutOfRange
from flashcards.collection import CollectionError
from flashcards.notes.errors import NoteError
from flashcards.store import (
    CollectionBusy,
    CollectionDamaged,
    CollectionReadOnly,
    DiskFull,
    StoreError,
)
from flashcards.tui.messages import FailureReported

# what a user's collection, disk or notes can do to the app; anything else is a bug
RECOVERABLE = (StoreError, sqlite3.Error, CollectionError, NoteError, OSError, DateOutOfRange)

_TITLES: list[tuple[type[BaseException], str]] = [
    (CollectionBusy, "The collection is busy"),
    (CollectionReadOnly, "The collection is read-only"),
    (DiskFull, "The disk is full"),
    (CollectionDamaged, "The collection file is damaged"),
]


def explain(error: BaseException, path: object, doing: str = "") -> tuple[str, str]:
    """(title, body) for a failure while `doing` something with the collection at `path`."""
    from flashcards.store.errors import explain as store_explain

    if isinstance(error, sqlite3.Error | OSError) and not isinstance(error, StoreError):
        error = store_explain(error, str(path), doing)
    for kind, title in _TITLES:
        if isinstance(error, kind):
            return title, str(error)
    if isinstance(error, StoreError):
        return "The collection could not be used", str(error)
    what = f"while {doing}" if doing else "in the app"
    return f"Something went wrong {what}", f"{error}"


P = ParamSpec("P")
R = TypeVar("R")


def guarded(doing: str) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """Decorate a screen method: a RECOVERABLE failure becomes a message, not a crash.

    The screen posts FailureReported (it bubbles up to the app, which shows it)."""

    def wrap(method: Callable[P, R]) -> Callable[P, R | None]:
        @functools.wraps(method)
        def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
            try:
                return method(*args, **kwargs)
            except RECOVERABLE as error:
                screen = args[0]
                assert isinstance(screen, MessagePump), "guarded decorates screen methods"
                screen.post_message(FailureReported(error, doing))
                return None

        return run

    return wrap
