"""What the `flashcards` entry (flashcards.launch) hands the CLI: the app it already ran.

`flashcards.launch` runs the app before the click CLI loads, and leaves here what the
app returned or raised; the CLI's `run_app` takes it (`take_launched`) instead of
running the app. A module of its own, so that neither of the two imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LaunchForm:
    """A command line that opens the app: the collection click would name, and how."""

    db: str | None  # --db, else $FLASHCARDS_DB, else None (the default path)
    deck: str | None
    study: bool


@dataclass
class Launched:
    """The app already ran for `form`: what it returned or raised, for the CLI to take."""

    form: LaunchForm
    status: int = 0
    error: BaseException | None = None
    interrupted: bool = False  # a Ctrl-C came while the CLI was loading, after the app


launched: Launched | None = None  # set by flashcards.launch, taken by the CLI


def take_launched(db: str | None, deck: str | None, study: bool) -> Launched | None:
    """What the app returned, when it ran before the CLI for this very command; None
    when it did not (the CLI runs it). Taken once."""
    global launched
    ran, launched = launched, None
    if ran is None:
        return None
    wanted = LaunchForm(db or None, deck, study)
    assert ran.form == wanted, f"the app opened for {ran.form}, the CLI read {wanted}"
    return ran
