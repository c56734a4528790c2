"""Building decks for the app: what a rebuild reads, and the build itself.

The app builds on a worker thread. A SQLite connection belongs to one
thread, so `build_decks` opens its own `Collection` on the same file and the
screen's collection only has to forget its cached queue afterwards. No
Textual here: this is plain code the screens call from their workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from flashcards.collection import Collection, CollectionError
from flashcards.store import StoreError

if TYPE_CHECKING:
    from flashcards.build import BuildReport
    from flashcards.decks import DeckSpec

Progress = Callable[[str, int, int], None]


@dataclass
class BuildOutcome:
    """What a build from the app did: one report per deck, and what went wrong."""

    reports: list[BuildReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [w for r in self.reports for w in r.warnings]

    def summary(self) -> str:
        """'Built Physics: 3 new, 1 edited (19 cards)' — only what changed."""
        if not self.reports:
            return "Nothing was built."
        what = ("new", "edited", "updated", "moved", "retired", "restored")
        counts = [(sum(getattr(r, k) for r in self.reports), k) for k in what]
        changes = ", ".join(f"{n} {k}" for n, k in counts if n) or "no changes"
        cards = sum(r.cards for r in self.reports)
        name = self.reports[0].deck if len(self.reports) == 1 else f"{len(self.reports)} decks"
        return f"Built {name}: {changes} ({cards} cards)"


def default_targets(cwd: Path | None = None) -> list[Path]:
    """Deck specs for a first run: ./decks, or the bundled sample deck."""
    from flashcards.decks import default_deck_specs

    return default_deck_specs(cwd or Path.cwd())


def rebuild_targets(col: Collection, names: list[str] | None = None) -> list[Path | DeckSpec]:
    """What rebuilding decks reads: each deck's spec file, or its stored notes and settings."""
    from flashcards.decks import DeckSettings, DeckSpec

    targets: list[Path | DeckSpec] = []
    for summary in col.decks():
        if names is not None and summary.name not in names:
            continue
        info = col.deck_info(summary.name)
        spec_path = info.get("spec_path")
        if spec_path and Path(str(spec_path)).is_file():
            targets.append(Path(str(spec_path)))
            continue
        # built from a notes folder (or its spec is gone): rebuild what was stored
        spec = DeckSpec(
            name=summary.name,
            notes=[Path(str(n)) for n in info.get("notes") or []],  # type: ignore[union-attr]
            settings=DeckSettings.from_json(info.get("settings")),  # type: ignore[arg-type]
            description=str(info.get("description") or ""),
        )
        targets.append(spec)
    return targets


def target_name(target: Path | DeckSpec) -> str:
    return target.stem if isinstance(target, Path) else target.name


def build_decks(path: Path, targets: list[Path | DeckSpec], progress: Progress) -> BuildOutcome:
    """Build each target into the collection at `path` on this thread's own connection."""
    from flashcards.decks import is_deck_spec, load_deck
    from flashcards.notes.outline import NoteError

    outcome = BuildOutcome()
    try:
        col = Collection.open(path, backup=False)  # the app makes the day's backup
    except (StoreError, OSError) as err:
        outcome.errors.append(str(err))
        return outcome
    with col:
        for target in targets:
            try:
                # a spec is read here, off the UI thread, and its name labels the progress
                spec = (
                    load_deck(target)
                    if isinstance(target, Path) and is_deck_spec(target)
                    else target
                )
                outcome.reports.append(
                    col.build(spec, progress=partial(progress, target_name(spec)))
                )
            except (NoteError, CollectionError, StoreError, OSError) as err:
                outcome.errors.append(str(err))
    return outcome
