"""Dense codes for a column of a few distinct strings (behaviour names), from
Arrow's dictionary encoding: the strings are never turned into Python objects
row by row nor sorted.

>>> names, codes = dictionary_codes(pa.chunked_array([["url", "repost"], ["url"]]))
>>> names.tolist(), codes.tolist()
(['repost', 'url'], [1, 0, 1])
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["dictionary_codes"]


def dictionary_codes(values: list[str] | pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``values`` sorted, and each value's index among them (as
    ``np.unique(values, return_inverse=True)``)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    elif not isinstance(values, pa.Array):
        values = pa.array(values, pa.string())
    enc = values.cast(pa.string()).dictionary_encode()
    names = [str(x) for x in enc.dictionary.to_pylist()]
    order = sorted(range(len(names)), key=names.__getitem__)
    rank = np.empty(len(names), np.int64)
    rank[order] = np.arange(len(names))
    return np.array([names[i] for i in order], dtype=str), rank[enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)]
