"""Study days and instants: the rollover hour, UTC milliseconds, zone offsets.

A study day is a calendar date that starts at the rollover hour (04:00 by
default) in the collection's time zone: an answer at 01:30 on a Tuesday
counts for Monday. Review times are UTC milliseconds; stamps in exports and
build records are UTC to the second. Every module that turns a moment into a
day, or a day into an instant, does it here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

DEFAULT_ROLLOVER_HOUR = 4
_DAY_MS = 86_400_000

FIRST_DAY = date(1971, 1, 1)
LAST_DAY = date(9000, 12, 31)  # + SM-2's longest interval (100 years) stays a valid date


class DateOutOfRange(ValueError):
    """A moment outside the years flashcards schedules in (a wrong clock, a typo)."""


def study_day(
    now: datetime, tz: tzinfo | None = None, rollover_hour: int = DEFAULT_ROLLOVER_HOUR
) -> date:
    """The study day `now` falls in: days roll over at `rollover_hour` local time.

    A naive `now` is a local time in `tz` (or the system's zone when tz is None).
    DateOutOfRange outside FIRST_DAY..LAST_DAY: every date a schedule, a forecast or a
    year of history reaches from there is then a valid date.
    """
    try:
        day = (local_time(now, tz) - timedelta(hours=rollover_hour)).date()
    except OverflowError:
        day = date.min if now.year < 5000 else date.max
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DateOutOfRange(
            f"{now.isoformat()} is outside the years {FIRST_DAY.year}–{LAST_DAY.year} that "
            "flashcards schedules in; check the computer's clock (or the --now given)"
        )
    return day


def local_time(now: datetime, tz: tzinfo | None = None) -> datetime:
    """`now` as a wall-clock time in `tz` (the system's zone when tz is None)."""
    if now.tzinfo is None:
        return now if tz is None else now.replace(tzinfo=tz)
    return now.astimezone(tz) if tz is not None else now.astimezone()


def time_ms(now: datetime, tz: tzinfo | None = None) -> int:
    """UTC milliseconds of `now`; a naive `now` is a local time in `tz`."""
    aware = now if now.tzinfo is not None or tz is None else now.replace(tzinfo=tz)
    return int(aware.timestamp() * 1000)


def utc_ms(day: date) -> int:
    """The instant a calendar date starts in UTC, in milliseconds."""
    return int(datetime.combine(day, time(), UTC).timestamp() * 1000)


def utc_offsets(tz: tzinfo | None, first_ms: int, last_ms: int) -> list[tuple[int | None, int]]:
    """The UTC offset of `tz` between two instants, as (until_ms, offset_ms) pieces.

    Pieces are in time order; each offset holds until the next piece's start,
    and the last piece has until_ms None. Offsets are sampled daily and every
    change is narrowed to the millisecond by bisection: a year has at most two
    daylight-saving changes, so this is a few hundred look-ups. tz None is the
    computer's own zone, as in `study_day`.
    """

    def offset(ms: int) -> int:
        local = datetime.fromtimestamp(ms / 1000, UTC).astimezone(tz)
        return int(local.utcoffset().total_seconds() * 1000)  # type: ignore[union-attr]

    pieces: list[tuple[int | None, int]] = []
    at, current = first_ms, offset(first_ms)
    while at < last_ms:
        step = min(at + _DAY_MS, last_ms)
        new = offset(step)
        if new != current:
            lo, hi = at, step  # offset(lo) == current, offset(hi) == new
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset(mid) == current:
                    lo = mid
                else:
                    hi = mid
            pieces.append((hi, current))
            current = new
        at = step
    pieces.append((None, current))
    return pieces


def iso_utc(moment: datetime | None = None) -> str:
    """`2026-01-15T12:00:00Z`: a moment (default: now) in UTC, to the second."""
    if moment is None:
        moment = datetime.now(UTC)
    elif moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def zone_name(tz: tzinfo | None) -> str:
    """An IANA name for a zone when it has one (else its UTC offset now, e.g. UTC+01:00);
    None stands for the computer's zone."""
    zone = tz or datetime.now().astimezone().tzinfo
    name = getattr(zone, "key", None)
    if name:
        return str(name)
    offset = datetime.now(zone).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
