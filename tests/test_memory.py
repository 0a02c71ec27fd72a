"""The run's memory budget (issue 16, item 5): what DuckDB's memory_limit does not
cover — reader batches, mapped batches, the readers' own DuckDB connections — is
sized from ``--memory-limit``; running out of memory says which step and what to do."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.errors import OutOfMemoryError
from inconcert.ingest import ingest
from inconcert.memory import budget_rows, current_budget, memory_budget, parse_size, side_limit
from inconcert.pipeline.run import _budget, _engine_options, resource_errors


def _posts(n: int) -> pa.Table:
    t = np.datetime64("2024-01-01T00:00:00", "s") + np.arange(n).astype("timedelta64[s]")
    return pa.table({
        "post_id": [f"p{i}" for i in range(n)], "account_id": [f"u{i % 97}" for i in range(n)],
        "created_at": pa.array(t.astype("datetime64[us]"), pa.timestamp("us", "UTC")),
        "text": [f"text {i}" for i in range(n)],
    })


def test_sizes_and_shares():
    assert parse_size("4GB") == 4 * 10**9 and parse_size("512MiB") == 2**29 and parse_size("80%") is None
    assert budget_rows(1_000_000, 200) == 1_000_000 and side_limit() is None and current_budget() is None
    with memory_budget("300MB"):
        assert budget_rows(1_000_000, 200) == 93_750 and side_limit() == "150MB"
        assert budget_rows(1_000_000, 10**9) == 10_000  # never below the minimum
    assert current_budget() is None  # the budget ends with the block


def test_reader_batches_follow_the_budget(tmp_path: Path):
    src = tmp_path / "posts.parquet"
    pq.write_table(_posts(120_000), src)
    for limit, most in ((None, 1_000_000), ("100MB", 31_250)):
        work = tmp_path / f"w{limit}"
        work.mkdir()
        with memory_budget(limit):
            ing = ingest([src], work)
        meta = pq.ParquetFile(ing.actions_path).metadata
        sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        assert sum(sizes) == 120_000 and max(sizes) <= most
        if limit:
            assert len(sizes) >= 4  # 120k rows in batches of at most 31,250


def test_the_budget_of_a_run_and_duckdbs_share_of_it():
    assert _budget("duckdb", {"memory_limit": "1GB"}) == "1GB"
    assert _budget("duckdb", {}) == "4GB"  # the default budget: DuckDB gets its default 3 GB of it
    assert _budget(DuckDBEngine(memory_limit="500MB"), {}) == "500MB"  # an engine of the caller's: its limit
    assert _budget("spark", {}) is None
    # DuckDB gets ENGINE_SHARE of the budget; the rest is the interpreter's and the Python side's
    assert _engine_options("duckdb", {"memory_limit": "1GB"}) == {"memory_limit": "750MB"}
    assert _engine_options("duckdb", {}) == {"memory_limit": "3000MB"}
    assert _engine_options("spark", {"x": 1}) == {"x": 1}
    e = DuckDBEngine(**_engine_options("duckdb", {"memory_limit": "2GB"}))
    assert e.scalar("SELECT current_setting('memory_limit')") == "1.3 GiB"  # 1,500 MB


def test_python_side_out_of_memory_names_the_step_and_the_fix():
    with pytest.raises(OutOfMemoryError, match="step 'scoring' ran out of memory.*--memory-limit.*--engine spark"):
        with resource_errors("scoring"):
            raise MemoryError()
