"""Run a vectorised Arrow function over a large array in chunks, on every core.

Arrow compute kernels release the GIL, so threads give real parallelism.

>>> import pyarrow as pa, pyarrow.compute as pc
>>> chunked_map(pc.utf8_upper, pa.array(["a", None, "c"]), chunk=2).to_pylist()
['A', None, 'C']
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa

__all__ = ["chunked_map"]


def chunked_map(
    fn: Callable[[pa.Array], pa.Array], arr: pa.Array | pa.ChunkedArray, chunk: int = 200_000
) -> pa.Array:
    """``fn(arr)`` computed on slices of ``chunk`` elements in a thread pool;
    ``fn`` must work element by element (each output depends on its input only)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if len(arr) <= chunk:
        return fn(arr)
    parts = [arr.slice(i, chunk) for i in range(0, len(arr), chunk)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        out = list(pool.map(fn, parts))
    return pa.concat_arrays([o.combine_chunks() if isinstance(o, pa.ChunkedArray) else o for o in out])
