"""The participation filter's qualifying accounts: the min/max form at 2 is the distinct-posts count."""

import numpy as np
import pyarrow as pa

from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.sql.coaction import participants_sql


def test_min_max_form_is_distinct_count() -> None:
    rng = np.random.default_rng(5)
    n = 3000
    e = DuckDBEngine()
    e.register_arrow("raw_pairs", pa.table({
        "behaviour": rng.choice(["url", "repost"], n),
        "account_a": rng.integers(0, 400, n), "account_b": rng.integers(0, 400, n),
        "seq_a": rng.integers(0, 900, n), "seq_b": rng.integers(0, 900, n),
    }))
    distinct = """WITH sides AS (SELECT behaviour, account_a AS account_id, seq_a AS seq FROM raw_pairs
        UNION SELECT behaviour, account_b, seq_b FROM raw_pairs)
        SELECT behaviour, account_id FROM sides GROUP BY behaviour, account_id HAVING count(*) >= 2"""
    order = " ORDER BY behaviour, account_id"
    want = e.to_arrow(f"SELECT * FROM ({distinct}) s{order}")
    got = e.to_arrow(f"SELECT * FROM ({participants_sql(2)}) s{order}")
    assert 0 < got.num_rows < 800 and got.equals(want)
