"""The exports read the build's stored lists straight from the JSON scanner: what
json.loads reads, and json.loads still reads anything else."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashcards.export.job import stored_json

LISTS = st.lists(
    st.one_of(st.text(), st.integers(), st.none(), st.lists(st.text(), max_size=3)), max_size=6
)


@given(LISTS)
def test_a_stored_list_reads_as_json_loads_reads_it(value):
    text = json.dumps(value)
    assert stored_json(text) == json.loads(text) == value


def test_what_the_build_does_not_write_goes_to_json_loads():
    assert stored_json(" [1, 2] ") == [1, 2]  # whitespace around it
    with pytest.raises(json.JSONDecodeError):
        stored_json("")
