"""Fixtures every test folder shares.

The test tree: each folder (notes/, collection/, study/, stats/, export/, cli/, tui/,
package/) is a package, so a folder's own `support.py` or `conftest.py` never collides
with another's (`from .support import ...`); tests/ itself is not a package and is on
sys.path, so what every folder shares is `from helpers import ...`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# pytest's default import mode puts this folder on sys.path already; said here so that
# `from helpers import ...` does not depend on the import mode
TESTS = str(Path(__file__).parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

from helpers import count_steps  # noqa: E402 - needs the path above


@pytest.fixture
def as_user() -> list[str]:
    """A command prefix that runs a program as an ordinary user would: file permissions
    apply. Run as root (CI, containers), the program keeps uid 0 but loses the
    capabilities that let root ignore permission bits and the immutable flag."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner,-linux_immutable"]


@pytest.fixture
def steps() -> Callable[[Callable[[], object]], int]:
    return count_steps
