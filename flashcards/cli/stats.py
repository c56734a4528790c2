"""The `stats` command: progress figures for a deck, as a terminal report or as JSON."""

from __future__ import annotations

import click

from flashcards.cli.opening import open_collection
from flashcards.cli.output import echo_json, fail, print_renderables


@click.command()
@click.argument("deck", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print every figure as one JSON object.")
# for tests and for looking back: pretend it is this moment / this time zone
@click.option("--now", "now_text", hidden=True, help="An ISO date-time to compute the stats at.")
@click.option("--timezone", "zone", hidden=True, help="An IANA time zone, e.g. Europe/Berlin.")
@click.pass_context
def stats(
    ctx: click.Context, deck: str | None, as_json: bool, now_text: str | None, zone: str | None
) -> None:
    """Progress for DECK (all decks when none is named).

    Card counts, today, the streak, a year of reviews as a calendar, true
    retention, the 30-day forecast, answer buttons, intervals, ease and hours.
    `--json` prints the same figures (the README lists the keys).
    """
    from datetime import datetime

    from flashcards.collection import CollectionError

    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError:
            fail(f"--now {now_text!r}: not an ISO date-time like 2025-06-01T12:00:00+00:00", 2)
    if zone:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            fail(f"--timezone {zone!r}: no such time zone; use an IANA name like Europe/Berlin", 2)
    col = open_collection(ctx, readonly=True, timezone=zone)
    with col:
        try:
            figures = col.stats(deck, now=now)
        except CollectionError as err:
            fail(str(err))
    if as_json:
        echo_json(figures)
        return
    from flashcards.cli.stats_report import stats_report

    print_renderables(stats_report(figures))
