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
