"""The `optimize` and `evaluate` commands: FSRS trained on a deck's reviews, and the
schedulers scored on them."""

from __future__ import annotations

import click

from flashcards.cli.opening import open_collection
from flashcards.cli.output import echo, echo_json, fail, progress_bar


@click.command()
@click.argument("deck", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print {deck, reviews, parameters}.")
@click.option("--dry-run", is_flag=True, help="Train and print; store nothing.")
@click.pass_context
def optimize(ctx: click.Context, deck: str | None, as_json: bool, dry_run: bool) -> None:
    """Train FSRS parameters on DECK's reviews (the only deck when none is named).

    The parameters are stored with the date and review count they came from, and an
    FSRS deck schedules with them unless its spec pins `parameters:`.
    """
    from flashcards.collection import CollectionError
    from flashcards.optimize import NotEnoughReviews

    col = open_collection(ctx, readonly=dry_run)
    with col:
        try:
            with progress_bar("training FSRS", not as_json) as progress:
                found = col.optimize(deck, dry_run=dry_run, progress=progress)
        except (CollectionError, NotEnoughReviews) as err:
            fail(str(err))
    if as_json:
        echo_json(found.to_json())
        return
    echo(f"{found.deck}: trained on {found.reviews} reviews")
    echo("parameters: " + ", ".join(f"{p:.4f}" for p in found.parameters))
    if not found.stored:
        echo("dry run: nothing stored")
    elif found.rescheduled:
        echo(f"stored; {found.rescheduled} cards rescheduled with them")
    else:
        echo("stored; the deck uses them once its spec says `scheduler: fsrs`")


@click.command()
@click.argument("deck", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print every score as one JSON object.")
@click.pass_context
def evaluate(ctx: click.Context, deck: str | None, as_json: bool) -> None:
    """Score SM-2, FSRS and FSRS trained on your own reviews of DECK.

    Log loss and RMSE(bins): lower is better; AUC: higher is better. Scored on the
    later part of the history (srs-benchmark's time-series split); same-day reviews
    are never scored.
    """
    from flashcards.collection import CollectionError

    col = open_collection(ctx, readonly=True)
    with col:
        try:
            found = col.evaluate(deck)
        except CollectionError as err:
            fail(str(err))
    if as_json:
        echo_json(found.to_json())
        return
    from flashcards.cli.output import evaluation_table

    evaluation_table(found)
