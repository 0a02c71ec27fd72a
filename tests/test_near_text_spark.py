"""near_text gives the same traces on Spark as on DuckDB (skipped without pyspark/Java)."""

from __future__ import annotations

import pytest

from inconcert.engines import unavailable_reason

if unavailable_reason("spark"):  # pyspark or Java missing: pip install -e '.[spark]'
    pytest.skip(unavailable_reason("spark"), allow_module_level=True)

from inconcert.behaviours import get_behaviour  # noqa: E402
from inconcert.config import DetectConfig  # noqa: E402
from inconcert.engines.duckdb_engine import DuckDBEngine  # noqa: E402
from inconcert.engines.spark_engine import SparkEngine  # noqa: E402
from inconcert.simulate.copypasta import simulate_copypasta  # noqa: E402

pytestmark = pytest.mark.spark


def _actions():
    import pyarrow as pa

    from inconcert.actions import conform

    posts, _ = simulate_copypasta(n_accounts=40, n_operations=2, n_memes=3, seed=4)
    t = conform(posts.rename_columns(["post_id", "account_id", "ts", "text", "script"]))
    return t.append_column("seq", pa.array(range(t.num_rows), pa.int64()))


def test_same_traces_on_spark_and_duckdb():
    actions = _actions()
    cfg = DetectConfig(behaviours=["near_text"])
    b = get_behaviour("near_text")
    out = {}
    for name, engine in (("duckdb", DuckDBEngine()), ("spark", SparkEngine(master="local[2]"))):
        engine.register_arrow("actions", actions)
        b.prepare(engine, cfg)
        engine.create_table("traces", b.traces_sql(engine.dialect, cfg))
        out[name] = engine.to_arrow(
            "SELECT account_id, object, t, post_id, seq FROM traces ORDER BY seq"
        ).to_pylist()
    assert out["duckdb"] and out["duckdb"] == out["spark"]
