"""Schedules written in notes by other tools, read (never written) as a card's starting state.

- Obsidian spaced-repetition: `<!--SR:!DATE,INTERVAL,EASE-->` on a card's last line or
  the line after it, one `!segment` per sibling card in order. EASE 230 is 2.30; the
  date 2000-01-01 means that sibling is still new. The FSRS form of a segment,
  `!fsrs,DUE_ISO,INTERVAL,STABILITY,DIFFICULTY,STATE,REPS,LAPSES,STEPS,LAST_REVIEW`, too.
- Logseq: `card-last-interval::`, `card-repeats::`, `card-ease-factor::`,
  `card-next-schedule::`, `card-last-reviewed::`, `card-last-score::` block properties.

Self-contained: it looks at a block's raw lines and properties only, so it works
whichever reader made the block's cards. Pure: text in, `NotedSchedule`s out; a
malformed comment or property is a `NoteError` warning, never an exception.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flashcards.notes.outline import Block, Note, NoteError

OSR_NEW = date(2000, 1, 1)  # the plugin's placeholder for a sibling never reviewed
EF_MIN, EF_MAX = 1300, 10_000  # thousandths; an ease outside is a typo, clamped
MAX_INTERVAL = 36_500

_COMMENT = re.compile(r"<!--SR:(.*?)-->", re.DOTALL)
_OSR_SEGMENT = re.compile(r"(\d{4}-\d{2}-\d{2}),(\d{1,6}),(\d{1,5})")
LOGSEQ_KEYS = (
    "card-last-interval",
    "card-repeats",
    "card-ease-factor",
    "card-next-schedule",
    "card-last-reviewed",
    "card-last-score",
)


@dataclass(frozen=True)
class NotedSchedule:
    """A card's state as another tool wrote it, on SM-2's terms."""

    repetitions: int
    ef: int  # thousandths
    interval: int  # days
    due: date
    lapses: int
    last_day: date  # the day it was last answered (or the best guess: due - interval)
    q: int  # the last answer's SM-2 quality, 4 (Good) when the tool does not say
    origin: str  # "obsidian", "obsidian-fsrs" or "logseq"


def _osr_segment(segment: str) -> NotedSchedule | None:
    """One `!DATE,INTERVAL,EASE` segment; None for a sibling still new. ValueError if bad."""
    m = _OSR_SEGMENT.fullmatch(segment.strip())
    if m is None:
        raise ValueError(f"'!{segment}' is not DATE,INTERVAL,EASE")
    due = date.fromisoformat(m[1])
    if due == OSR_NEW:
        return None
    interval = min(MAX_INTERVAL, max(1, int(m[2])))
    ef = min(EF_MAX, max(EF_MIN, int(m[3]) * 10))
    return NotedSchedule(
        # the plugin keeps no repetition count: one answer makes the 1-day interval,
        # and from the second on SM-2 multiplies the interval by the ease, as it does
        repetitions=1 if interval <= 1 else 2,
        ef=ef,
        interval=interval,
        due=due,
        lapses=0,
        last_day=due - timedelta(days=interval),
        q=4,
        origin="obsidian",
    )


def _fsrs_segment(segment: str) -> NotedSchedule | None:
    """`fsrs,DUE_ISO,INTERVAL,STABILITY,DIFFICULTY,STATE,REPS,LAPSES,STEPS,LAST_REVIEW`."""
    parts = segment.strip().split(",")
    if len(parts) != 10:
        raise ValueError(f"'!{segment}' has {len(parts)} of the FSRS form's 10 fields")
    _, due_iso, interval, stability, difficulty, _state, reps, lapses, _steps, last = parts
    for name, value in (("stability", stability), ("difficulty", difficulty)):
        if not math.isfinite(float(value)):
            raise ValueError(f"the FSRS {name} {value!r} is not a number")
    due = _day(due_iso)
    days = min(MAX_INTERVAL, max(1, round(float(interval))))
    n = int(reps)
    if n <= 0:
        return None
    return NotedSchedule(
        repetitions=n,
        ef=2500,
        interval=days,
        due=due,
        lapses=max(0, int(lapses)),
        last_day=_day(last) if last else due - timedelta(days=days),
        q=4,
        origin="obsidian-fsrs",
    )


def _day(stamp: str) -> date:
    stamp = stamp.strip()
    if len(stamp) == 10:
        return date.fromisoformat(stamp)
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()


def parse_osr(comment: str) -> list[NotedSchedule | None]:
    """The segments of an `<!--SR:…-->` comment's inside, in sibling order."""
    if not comment.startswith("!"):
        raise ValueError("an SR comment starts with '!'")
    out: list[NotedSchedule | None] = []
    for segment in comment[1:].split("!"):
        if segment.startswith("fsrs,"):
            out.append(_fsrs_segment(segment))
        else:
            out.append(_osr_segment(segment))
    return out


def parse_logseq(props: dict[str, str]) -> NotedSchedule | None:
    """A Logseq card's `card-*::` properties; None while it is new. ValueError if bad."""
    reps = int(props.get("card-repeats", "0").strip() or 0)
    nxt = props.get("card-next-schedule", "").strip()
    if reps <= 0 or not nxt:
        return None
    raw_interval = float(props.get("card-last-interval", "1").strip() or 1)
    if not math.isfinite(raw_interval):
        raise ValueError("card-last-interval is not a number")
    interval = min(MAX_INTERVAL, max(1, math.ceil(raw_interval)))
    ef = round(float(props.get("card-ease-factor", "2.5").strip() or 2.5) * 1000)
    due = _day(nxt)
    last = props.get("card-last-reviewed", "").strip()
    score = int(props.get("card-last-score", "4").strip() or 4)
    if not 0 <= score <= 5:
        raise ValueError(f"card-last-score {score} is not 0-5")
    return NotedSchedule(
        repetitions=reps,
        ef=min(EF_MAX, max(EF_MIN, ef)),
        interval=interval,
        due=due,
        lapses=0,
        last_day=_day(last) if last else due - timedelta(days=interval),
        q=score,
        origin="logseq",
    )


def _comment_of(block: Block) -> tuple[str, int] | None:
    """The SR comment in a block's lines (its last line, or the line after the card's
    text), with its line number."""
    for i in range(len(block.lines) - 1, -1, -1):
        m = _COMMENT.search(block.lines[i])
        if m:
            return m[1], block.line + i
    return None


def _may_hold_schedule(block: Block) -> bool:
    """Whether `_schedules_of` could find anything in the block (a cheap first test)."""
    return any("<!--SR:" in line for line in block.lines) or (
        bool(block.properties) and any(key in block.properties for key in LOGSEQ_KEYS)
    )


def _only_comment(block: Block) -> bool:
    return bool(block.lines) and _COMMENT.fullmatch(block.text.strip()) is not None


def note_schedules(
    note: Note, card_lines: Sequence[int], warnings: list[NoteError] | None = None
) -> dict[int, list[NotedSchedule | None]]:
    """The schedules a note writes for its blocks' cards: {block line: one entry per
    sibling card, in order (None: still new)}. `card_lines` are the lines of the blocks
    that made cards; a block holding nothing but an SR comment gives it to the card
    block right above it. Malformed ones go to `warnings`, with their line."""
    wanted = set(card_lines)
    order = note.in_order()
    if not any(_may_hold_schedule(b) for b in order):
        return {}  # most notes: no comment, no card-*:: property anywhere
    blocks = sorted(order, key=lambda b: b.line)
    found: dict[int, list[NotedSchedule | None]] = {}
    previous: Block | None = None
    for block in blocks:
        target = block
        if block.line not in wanted and _only_comment(block) and previous is not None:
            target = previous
        if target.line in wanted and target.line not in found:
            try:
                entries = _schedules_of(block)
            except (ValueError, OverflowError) as exc:
                if warnings is not None:
                    warnings.append(
                        NoteError(
                            note.path,
                            _where(block),
                            f"its schedule is ignored ({exc}); fix or remove the "
                            "<!--SR:…--> comment or card-*:: properties",
                        )
                    )
                entries = None
            if entries is not None:
                found[target.line] = entries
        if block.line in wanted:
            previous = block
    return found


def _where(block: Block) -> int:
    comment = _comment_of(block)
    return comment[1] if comment else block.line


def _schedules_of(block: Block) -> list[NotedSchedule | None] | None:
    comment = _comment_of(block)
    if comment is not None:
        return parse_osr(comment[0].strip())
    if any(key in block.properties for key in LOGSEQ_KEYS):
        return [parse_logseq(block.properties)]
    return None


def for_cards(
    schedules: dict[int, list[NotedSchedule | None]], card_lines: Iterable[int]
) -> list[tuple[int, NotedSchedule]]:
    """(index of the card, its schedule) for cards given in outline order by their block's
    line: the n-th card of a block takes the n-th entry."""
    seen: dict[int, int] = {}
    out: list[tuple[int, NotedSchedule]] = []
    for index, line in enumerate(card_lines):
        entries = schedules.get(line)
        if entries is None:
            continue
        n = seen.get(line, 0)
        seen[line] = n + 1
        if n < len(entries) and entries[n] is not None:
            out.append((index, entries[n]))  # type: ignore[arg-type]
    return out
