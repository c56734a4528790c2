"""`flashcards suspend|unsuspend|unbury CARD_ID...`: change cards' flags from the shell.

The ids are the `id`s `flashcards cards --json` prints. All the cards named change
in one transaction; an id that names no card is an error naming it, and nothing
changes.
"""

from __future__ import annotations

import click

from flashcards.cli.opening import open_collection
from flashcards.cli.output import echo, fail

_DONE = {
    "suspend": "Suspended {n}: they leave every queue until unsuspended.",
    "unsuspend": "Unsuspended {n}: they are back in their decks' queues.",
    "unbury": "Unburied {n}: they can come up again today.",
}


def _change(ctx: click.Context, card_ids: tuple[int, ...], change: str) -> None:
    from flashcards.collection import CollectionError

    if not card_ids:
        fail(f"name the cards to {change}: their ids, as `flashcards cards --json` prints them")
    with open_collection(ctx) as col:
        try:
            col.change_cards(list(dict.fromkeys(card_ids)), change)
        except CollectionError as err:
            fail(str(err))
    n = len(set(card_ids))
    echo(_DONE[change].format(n=f"{n} card" if n == 1 else f"{n} cards"))


_IDS = click.argument("card_ids", nargs=-1, type=click.INT, metavar="CARD_ID...")


@click.command()
@_IDS
@click.pass_context
def suspend(ctx: click.Context, card_ids: tuple[int, ...]) -> None:
    """Suspend cards: they leave every queue until unsuspended."""
    _change(ctx, card_ids, "suspend")


@click.command()
@_IDS
@click.pass_context
def unsuspend(ctx: click.Context, card_ids: tuple[int, ...]) -> None:
    """Unsuspend cards: they come back to their decks' queues."""
    _change(ctx, card_ids, "unsuspend")


@click.command()
@_IDS
@click.pass_context
def unbury(ctx: click.Context, card_ids: tuple[int, ...]) -> None:
    """Unbury cards: buried until tomorrow, they can come up again today."""
    _change(ctx, card_ids, "unbury")
