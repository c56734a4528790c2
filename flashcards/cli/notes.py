"""The commands that read notes: `build` (notes into the collection) and `cards` (the
collection's cards, or a preview of notes files that touches no collection).

The notes reader (and markdown-it with it) is imported inside the commands, so
`--help` and the other commands start without it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from flashcards.browse import STATES
from flashcards.cli.interrupt import on_interrupt
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
    from flashcards.collection import Collection
    from flashcards.notes.junk import Skipped

_PAGE = 1000  # cards a search reads at a time
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
    targets = [spec for t in targets for spec in _specs_of(t)]
    col = open_collection(ctx)
    reports = []
    built: list[str] = []  # the target of each report
    warnings = 0
    broken = 0  # targets that could not be built; the others still are
    with col:
        for i, target in enumerate(targets):
            commits = col.commits
            try:
                with progress_bar(f"building {Path(target).name}", not as_json) as progress:
                    report = col.build(target, progress=progress)
            except (DeckError, CollectionError) as err:
                warn(f"{err} (not built; the other decks are)")
                broken += 1
                continue
            except KeyboardInterrupt:
                # a Ctrl-C as the build ends (after its commit) finds the deck built
                if col.commits > commits:
                    fail(saved([*built, target], targets[i + 1 :]), 130)
                interrupted(target, built)
            # from here a Ctrl-C (in the warnings, the report, the sync) finds it built
            on_interrupt(saved([*built, target], targets[i + 1 :]))
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

    sync_if_configured(
        ctx,
        silent=as_json,
        done=saved(built, []) if built else "",
        saved="the build is saved" if built else "nothing was built",
    )
    if missing or broken or (strict and warnings):
        sys.exit(1)


def _specs_of(target: str) -> list[str]:
    """A folder that holds deck specs (like ./decks) is built spec by spec, as a bare
    `flashcards build` builds ./decks; notes files beside the specs are left to the specs
    that name them. Any other target is built as it is."""
    from flashcards.decks import find_deck_specs

    if not Path(target).is_dir():
        return [target]
    specs = find_deck_specs(target)
    if not specs:
        return [target]
    others = sorted(
        p.name for p in Path(target).glob("*.md") if p.is_file() and p not in set(specs)
    )
    if others:
        warn(
            f"{target}: holds deck specs, so each spec is built; {len(others)} other notes "
            f"file(s) here ({', '.join(others[:3])}{', …' if len(others) > 3 else ''}) are "
            "built only through a spec's `notes:`"
        )
    return [str(s) for s in specs]


def saved(built: list[str], rest: list[str]) -> str:
    """What a Ctrl-C says once the decks `built` have committed and `rest` have not."""
    done = ", ".join(Path(t).name for t in built)
    if rest:
        return (
            f"interrupted: already built: {done}; not built: "
            f"{', '.join(Path(t).name for t in rest)}; run `flashcards build` again to finish"
        )
    if len(built) == 1:
        return f"interrupted as the build ended: {done} was built, the collection has it"
    return f"interrupted as the build ended: {done} were built, the collection has them"


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
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(STATES, case_sensitive=False),
    help="Only cards in this state (repeat for any of several; collection only).",
)
@click.option(
    "--search",
    default="",
    metavar="TEXT",
    help="Only cards whose text, answers, deck, tags or file contain every word of TEXT "
    "(is:STATE, deck:NAME and tag:NAME narrow it; collection only).",
)
@click.pass_context
def cards(
    ctx: click.Context,
    targets: tuple[str, ...],
    as_json: bool,
    strict: bool,
    retired: bool,
    skipped: bool,
    states: tuple[str, ...],
    search: str,
) -> None:
    """The cards of DECKs in the collection, or a preview of notes PATHs.

    \b
    A target that names a deck of the collection is that DECK. Any other target
    is a notes PATH (a file, a folder or a deck spec, which must exist), previewed
    from the notes without touching the collection; so is a target written as a
    path (with a `/`, ending in .md, or `.`): write ./NAME for a folder that has
    a deck's name.
    With no target: every deck in the collection.
    """
    from flashcards.collection import CollectionError

    paths, names, missing = _split_targets(ctx, targets)
    if paths and (states or search):
        fail("--state and --search read the collection: name decks, not notes paths")
    if skipped and not paths:
        fail("--skipped lists what notes paths skip; pass notes files, folders or deck specs")
    if paths and names:  # beside notes paths, a target that is no path is a missing one
        for name in names:
            warn(f"{name}: no such file or folder; check the path (the other paths are read)")
        missing += len(names)
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
                if states or search:
                    rows = list(_found_rows(col, names, states, search, retired))
                else:
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


def _looks_like_path(target: str) -> bool:
    return (
        "/" in target
        or target in (".", "..")
        or target.lower().endswith((".md", ".markdown"))
        or (sys.platform == "win32" and "\\" in target)
    )


def _split_targets(
    ctx: click.Context, targets: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...], int]:
    """(notes paths, deck names, missing paths), as `cards --help` says. A missing path
    among other notes paths is warned about (the rest are read); on its own it fails."""
    from flashcards.cli.opening import collection_path

    paths: list[str] = []
    names: list[str] = []
    gone: list[str] = []
    decks: set[str] | None = None
    for target in targets:
        if _looks_like_path(target):
            (paths if Path(target).exists() else gone).append(target)
            continue
        if not Path(target).exists():
            names.append(target)  # a deck, or an error naming it
            continue
        if decks is None:
            decks = set()
            if collection_path(ctx).is_file():
                with open_collection(ctx, readonly=True) as col:
                    decks = set(col.deck_names())
        if target in decks:
            warn(f"{target}: the deck of that name (write ./{target} for the notes here)")
            names.append(target)
        else:
            paths.append(target)
    for target in gone:
        if not paths:
            fail(f"{target}: no such file or folder; check the path (or name a deck on its own)")
        warn(f"{target}: no such file or folder; check the path (the other paths are read)")
    return tuple(paths), tuple(names), len(gone)


def _found_rows(
    col: Collection, names: tuple[str, ...], states: tuple[str, ...], search: str, retired: bool
) -> Iterator[dict[str, object]]:
    """The cards a search matches, a page at a time, as `cards --json` prints them (with
    the states each is in)."""
    for name in names:
        col.deck_id(name)  # an unknown deck is an error naming it
    if retired and not states:
        states = tuple(STATES)  # every card, retired ones too
    offset = 0
    while True:
        page = col.find(search, decks=names, states=states, limit=_PAGE, offset=offset)
        for found in page.cards:
            row = col.card(found.id).to_json()
            row["states"] = list(found.states)
            yield row
        if len(page.cards) < _PAGE:
            return
        offset += _PAGE
