"""``--window auto``: a co-action window estimated from the data, as CooRnet does.

CooRnet's ``estimate_coord_interval`` (Giglietto, Righetti, Rossi & Marino
2020) takes the objects whose second share came fastest (the quickest
``quantile`` of them, default 10 %), measures for each the time from its first
share until it passed ``share`` (default 50 %) of its shares, and returns the
median. Computed in SQL over the ``traces`` table, before co-action detection.

>>> import pyarrow as pa
>>> from inconcert.engines.duckdb_engine import DuckDBEngine
>>> e = DuckDBEngine()
>>> s = 1_000_000
>>> e.register_arrow("traces", pa.table({"behaviour": ["url"] * 6,
...     "object": ["x", "x", "x", "y", "y", "y"], "account_id": list("abcdef"),
...     "post_id": list("123456"), "seq": [0, 1, 2, 3, 4, 5],
...     "t": [0, 10 * s, 20 * s, 0, 100 * s, 900 * s]}))
>>> estimate_window(e)
10.0
"""

from __future__ import annotations

from inconcert.engines.base import Engine

__all__ = ["estimate_window", "estimate_window_sql"]


def estimate_window_sql(quantile: float = 0.1, share: float = 0.5) -> str:
    """Per fast object, seconds from its first share to the first share past ``share``;
    the caller takes the median. Objects need at least two shares."""
    return f"""WITH r AS (
        SELECT behaviour, object, t,
               row_number() OVER (PARTITION BY behaviour, object ORDER BY t, seq) AS rk,
               count(*) OVER (PARTITION BY behaviour, object) AS n,
               min(t) OVER (PARTITION BY behaviour, object) AS t0
        FROM traces),
    second AS (SELECT behaviour, object, t - t0 AS d2 FROM r WHERE n > 1 AND rk = 2),
    ranked AS (SELECT behaviour, object, d2,
                      percent_rank() OVER (ORDER BY d2) AS pr FROM second),
    fast AS (SELECT behaviour, object FROM ranked WHERE pr <= {float(quantile)})
    SELECT CAST(min(r.t - r.t0) AS DOUBLE) / 1000000.0 AS secs
    FROM r JOIN fast f ON r.behaviour = f.behaviour AND r.object = f.object
    WHERE CAST(r.rk AS DOUBLE) / r.n > {float(share)}
    GROUP BY r.behaviour, r.object"""


def estimate_window(
    engine: Engine, quantile: float = 0.1, share: float = 0.5, minimum: float = 1.0
) -> float:
    """The estimated window in seconds (at least ``minimum``), from table ``traces``.

    Returns ``minimum`` when no object was shared twice.
    """
    t = engine.to_arrow(estimate_window_sql(quantile, share))
    vals = sorted(float(v) for v in t.column("secs").to_pylist() if v is not None)
    if not vals:
        return float(minimum)
    n = len(vals)
    med = vals[n // 2] if n % 2 else 0.5 * (vals[n // 2 - 1] + vals[n // 2])
    return max(float(minimum), round(med, 3))
