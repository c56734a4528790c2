"""Fixtures every test folder shares."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from helpers import count_steps


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
