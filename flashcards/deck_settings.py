"""DeckSettings: how a deck is studied and read, the one home of every default.

Apart from deck specs (flashcards.decks, which re-exports all of this): the study
engine, the collection and the app's first card need the settings, and not the notes
reader a spec's parsing imports (the dialects, the junk rules: ~9 ms of the launch).
"""

from __future__ import annotations

from dataclasses import dataclass

from flashcards.notes.markers import ALL_MARKERS

DEFAULT_NEW_PER_DAY = 20
DEFAULT_REVIEWS_PER_DAY = 200
DEFAULT_GRADES = 4
SCHEDULERS = ("sm2", "fsrs")
DEFAULT_SCHEDULER = "sm2"
DEFAULT_RETENTION = 0.9
RETENTION_RANGE = (0.7, 0.99)  # as Anki allows
DEFAULT_LEARNING_STEPS: tuple[float, ...] = (1.0, 10.0)  # minutes
DEFAULT_RELEARNING_STEPS: tuple[float, ...] = (10.0,)


@dataclass(frozen=True)
class DeckSettings:
    """How a deck is studied and read: the one home of every default.

    Stored with the deck (`to_json`) and read back by the study engine and rebuilds
    (`from_json`, which fills in the defaults for keys an older collection lacks).
    """

    deletions: frozenset[str] = frozenset(ALL_MARKERS)
    new_per_day: int = DEFAULT_NEW_PER_DAY
    reviews_per_day: int = DEFAULT_REVIEWS_PER_DAY
    grades: int = DEFAULT_GRADES  # 4 buttons, or SM-2's 6 grades
    scheduler: str = DEFAULT_SCHEDULER  # sm2 | fsrs
    desired_retention: float = DEFAULT_RETENTION  # FSRS: the recall it schedules for
    parameters: tuple[float, ...] | None = None  # FSRS: pinned by the spec
    learning_steps: tuple[float, ...] = DEFAULT_LEARNING_STEPS  # FSRS, minutes
    relearning_steps: tuple[float, ...] = DEFAULT_RELEARNING_STEPS  # FSRS, minutes

    def to_json(self) -> dict[str, object]:
        return {
            "deletions": sorted(self.deletions),
            "new_per_day": self.new_per_day,
            "reviews_per_day": self.reviews_per_day,
            "grades": self.grades,
            "scheduler": self.scheduler,
            "desired_retention": self.desired_retention,
            "parameters": list(self.parameters) if self.parameters is not None else None,
            "learning_steps": list(self.learning_steps),
            "relearning_steps": list(self.relearning_steps),
        }

    def scheduling(self) -> tuple:
        """What the deck's card states depend on: when it changes, they are replayed."""
        if self.scheduler != "fsrs":
            return (self.scheduler,)
        return (
            self.scheduler,
            self.desired_retention,
            self.parameters,
            self.learning_steps,
            self.relearning_steps,
        )

    @classmethod
    def from_json(cls, data: dict[str, object] | None) -> DeckSettings:
        data = data or {}
        deletions = data.get("deletions")
        return cls(
            deletions=frozenset(deletions)
            if isinstance(deletions, list)
            else frozenset(ALL_MARKERS),
            new_per_day=int(data.get("new_per_day", DEFAULT_NEW_PER_DAY)),  # type: ignore[call-overload]
            reviews_per_day=int(data.get("reviews_per_day", DEFAULT_REVIEWS_PER_DAY)),  # type: ignore[call-overload]
            grades=int(data.get("grades", DEFAULT_GRADES)),  # type: ignore[call-overload]
            scheduler=str(data.get("scheduler", DEFAULT_SCHEDULER)),
            desired_retention=float(data.get("desired_retention", DEFAULT_RETENTION)),  # type: ignore[arg-type]
            parameters=_floats(data.get("parameters"), None),
            learning_steps=_floats(data.get("learning_steps"), DEFAULT_LEARNING_STEPS),  # type: ignore[arg-type]
            relearning_steps=_floats(data.get("relearning_steps"), DEFAULT_RELEARNING_STEPS),  # type: ignore[arg-type]
        )


def _floats(value: object, default: tuple[float, ...] | None) -> tuple[float, ...] | None:
    return tuple(float(v) for v in value) if isinstance(value, list) else default
