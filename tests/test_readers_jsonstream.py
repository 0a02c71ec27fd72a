"""The streaming JSON reader (:mod:`inconcert.readers.jsonstream`)."""

from __future__ import annotations

import io
import json

import pytest

from inconcert.readers.jsonstream import JsonStream


@pytest.mark.parametrize("cut", range(1, 40))
def test_json_array_escape_cut_by_chunk_boundary_is_read_on(cut: int) -> None:
    """A ``\\uXXXX`` escape (or a number) split by the 1 MiB window used to end the file
    with "Invalid \\uXXXX escape" (found on 10⁵ twarc tweets written with ensure_ascii)."""
    items = [{"t": "é😀中", "n": 1.5e10}, {"t": "\\u00e9", "n": -2}]
    text = json.dumps(items)  # ensure_ascii: escapes everywhere
    s = JsonStream(io.StringIO(text), chunk=cut)
    assert [s.value() for _ in s.array_items()] == items
