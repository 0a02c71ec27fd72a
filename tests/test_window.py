"""``--window auto``: CooRnet's coordination-interval estimate."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.window import estimate_window

S = 1_000_000


def _engine(objects: dict[str, list[float]]) -> DuckDBEngine:
    rows = [(o, t) for o, ts in objects.items() for t in ts]
    e = DuckDBEngine()
    e.register_arrow(
        "traces",
        pa.table(
            {
                "behaviour": ["url"] * len(rows),
                "object": [o for o, _ in rows],
                "account_id": [f"a{i}" for i in range(len(rows))],
                "post_id": [f"p{i}" for i in range(len(rows))],
                "seq": list(range(len(rows))),
                "t": [int(t * S) for _, t in rows],
            }
        ),
    )
    return e


def test_known_answer_median_of_fastest_objects():
    # 20 objects; their second shares come after 1..20 s; the fastest 10% (2 objects:
    # percent_rank ≤ 0.1) reach > 50% of their 4 shares (3rd share) at 7 and 9 s.
    objs = {f"o{i}": [0, i + 1, 2 * i + 7, 1000] for i in range(20)}
    assert estimate_window(_engine(objs)) == 8.0


def test_no_repeated_objects_gives_minimum():
    assert estimate_window(_engine({"x": [0], "y": [5]})) == 1.0
    assert estimate_window(_engine({}), minimum=2.0) == 2.0


def test_window_follows_spreading_speed():
    rng = np.random.default_rng(0)
    fast = {f"f{i}": list(np.cumsum(rng.exponential(5, 10))) for i in range(50)}
    slow = {f"s{i}": list(np.cumsum(rng.exponential(500, 10))) for i in range(50)}
    assert estimate_window(_engine(fast)) < 60 < estimate_window(_engine(slow))
