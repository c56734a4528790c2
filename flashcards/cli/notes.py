"""The commands that read notes: `build` (notes into the collection) and `cards` (the
collection's cards, or a preview of notes files that touches no collection).

The notes reader (and markdown-it with it) is imported inside the commands, so
`--help` and the other commands start without it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from flashcards.cli.opening import open_collection
from flashcards.cli.output import (
    build_report,
    card_table,
    echo_json,
    echo_json_array,
    fail,
    progress_bar,
    skipped_table,
    warn,
)

if TYPE_CHECKING:
    from flashcards.cards import Card
    from flashcards.notes.junk import Skipped

_SHOWN_WARNINGS = 10  # per build; the rest are counted, so the report stays on one screen


def preview_cards(paths: tuple[str, ...], strict: bool) -> tuple[list[Card], int, list[Skipped]]:
    """Cards from notes paths and deck specs, touching no collection; the deletions the
    junk rules skipped; how many problems were warned about."""
    from flashcards.decks import DeckError, is_deck_spec, load_deck
    from flashcards.reading import extract_paths

    cards: list[Card] = []
    skipped: list[Skipped] = []
    problems = 0
    for path in paths:
        if not Path(path).exists():
            warn(f"{path}: no such file or folder; check the path (the other paths are read)")
            problems += 1
            continue
        if is_deck_spec(path):
            try:
                spec = load_deck(path)
            except DeckError as err:
                warn(err)
                problems += 1
                continue
            for w in spec.warnings:
                warn(w)
            problems += len(spec.warnings)
            result = extract_paths(spec.notes, spec.deletions, junk=spec.junk, dialect=spec.dialect)
        else:
            result = extract_paths([path])
        for err in result.warnings:
            warn(err)
        problems += len(result.warnings)
        cards.extend(result.cards)
        skipped.extend(result.skipped)
    return cards, problems, skipped


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option("--strict", is_flag=True, help="Exit 1 when any notes file could not be read.")
@click.pass_context
def build(ctx: click.Context, paths: tuple[str, ...], as_json: bool, strict: bool) -> None:
    """Build decks from deck specs or notes files/folders into the collection.

    With no PATHS: every spec in ./decks, or the bundled sample deck when
    there is no ./decks folder.
    """
    from flashcards.collection import CollectionError
    from flashcards.decks import DeckError, default_deck_specs

    targets = list(paths) or [str(p) for p in default_deck_specs()]
    if not targets:
        fail("no deck specs in ./decks; pass a deck spec or a notes folder to build")
    missing = [t for t in targets if not Path(t).exists()]
    for target in missing:
        warn(f"{target}: no such file or folder; pass a deck spec, notes file or folder")
    targets = [t for t in targets if t not in missing]
    if not targets:
        sys.exit(1)
    col = open_collection(ctx)
    reports = []
    built: list[str] = []  # the target of each report
    warnings = 0
    broken = 0  # targets that could not be built; the others still are
    with col:
        for target in targets:
            try:
                with progress_bar(f"building {Path(target).name}", not as_json) as progress:
                    report = col.build(target, progress=progress)
            except (DeckError, CollectionError) as err:
                warn(f"{err} (not built; the other decks are)")
                broken += 1
                continue
            except KeyboardInterrupt:
                interrupted(target, built)
            for w in report.warnings[:_SHOWN_WARNINGS]:
                warn(w)
            if len(report.warnings) > _SHOWN_WARNINGS:
                warn(
                    f"… and {len(report.warnings) - _SHOWN_WARNINGS} more for {report.deck} "
                    "(all of them with --json)"
                )
            warnings += len(report.warnings)
            reports.append(report)
            built.append(target)
    if as_json:
        echo_json([r.to_json() for r in reports])
    else:
        build_report(reports, col.path, built)
    from flashcards.cli.sync import sync_if_configured

    sync_if_configured(ctx, silent=as_json)
    if missing or broken or (strict and warnings):
        sys.exit(1)


def interrupted(target: str, built: list[str]) -> NoReturn:
    """Ctrl-C in a build: the deck being built rolled back with its one transaction."""
    if built:
        done = ", ".join(Path(t).name for t in built)
        fail(
            f"interrupted: {Path(target).name} was not changed (its build was rolled back); "
            f"already built: {done}; run `flashcards build` again to finish",
            130,
        )
    fail("interrupted: the collection was not changed; run `flashcards build` again", 130)


@click.command()
@click.argument("targets", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per card.")
@click.option("--strict", is_flag=True, help="Exit 1 when any notes file could not be read.")
@click.option("--retired", is_flag=True, help="Include retired cards (collection only).")
@click.option(
    "--skipped",
    is_flag=True,
    help="List the deletions the junk rules skipped, with the reason (notes paths only).",
)
@click.pass_context
def cards(
    ctx: click.Context,
    targets: tuple[str, ...],
    as_json: bool,
    strict: bool,
    retired: bool,
    skipped: bool,
) -> None:
    """The cards of DECKs in the collection, or a preview of notes PATHs.

    A target that is an existing file or folder is previewed straight from
    the notes without touching the collection; otherwise it names a deck.
    With no target: every deck in the collection.
    """
    from flashcards.collection import CollectionError

    paths = tuple(t for t in targets if Path(t).exists())
    names = tuple(t for t in targets if not Path(t).exists())
    missing = 0
    for name in names:
        if paths:  # among notes paths, a missing one is a path, and the rest are read
            warn(f"{name}: no such file or folder; check the path (the other paths are read)")
            missing += 1
        elif "/" in name or name.lower().endswith(".md"):
            fail(f"{name}: no such file or folder; check the path (or name a deck on its own)")
    if skipped and not paths:
        fail("--skipped lists what notes paths skip; pass notes files, folders or deck specs")
    if paths:
        found, problems, skips = preview_cards(paths, strict)
        problems += missing
        if skipped:
            skipped_rows = [
                {"source": k.source, "line": k.line, "answer": k.answer, "reason": k.reason}
                for k in skips
            ]
            if as_json:
                echo_json_array(iter(skipped_rows))
            else:
                skipped_table(skipped_rows)
            if strict and problems:
                sys.exit(1)
            return
        rows = (c.to_json() for c in found)  # made one at a time, as they are printed
    else:
        rows = []
        problems = 0
        with open_collection(ctx, readonly=True) as col:
            try:
                for name in names or (None,):
                    rows.extend(
                        c.to_json()
                        for c in col.cards(name, include_retired=retired)
                        if retired or c.status != "retired"
                    )
            except CollectionError as err:
                fail(str(err))
    if as_json:
        echo_json_array(rows)
    else:
        card_table(list(rows))
    if strict and problems:
        sys.exit(1)
