"""The cyclic garbage collector paused for a bulk job: `with paused(): ...`.

A cold build, a vault read or a sync's merge makes hundreds of thousands of objects
(blocks, tokens, cards, journal entries) and keeps them to the end. They form no
reference cycles, so reference counting frees them all; the collector would only
rescan the growing heap again and again (a sixth of a build, a third of a vault read,
a tenth of a 3 x 100k sync). Whatever cycles the job leaves are collected after it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block, and back on after it if it was on before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class StartupPause:
    """The collector held off while an interactive program draws its first screen.

    Start-up makes tens of thousands of objects that live as long as the process (the
    modules, the classes, the stylesheet) and hardly any garbage; in the middle of
    drawing the first card the collector would rescan all of them once (a full
    collection, ~15 ms of a ~0.3 s launch) and the younger generations a dozen times
    more. `begin` moves what exists by then out of the collector's reach for good
    (`gc.freeze`, once a process: every later full collection scans only what came
    after) and pauses it; `end`, once the first screen is drawn, turns it back on.
    """

    def __init__(self) -> None:
        self._held = False

    def begin(self) -> None:
        global _frozen
        if not gc.isenabled():
            return  # off already (a caller's own pause): not ours to turn back on
        if not _frozen:
            gc.freeze()
            _frozen = True
        gc.disable()
        self._held = True

    def end(self) -> None:
        """Back on, if `begin` turned it off (a second call does nothing)."""
        if self._held:
            self._held = False
            gc.enable()


_frozen = False  # gc.freeze ran in this process: the start-up objects are out of reach
