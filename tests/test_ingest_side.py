"""The readers' side tables are written as they come, not held until the end of ingest."""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from inconcert.ingest import _SideTables
from inconcert.readers.base import ReadContext


def test_side_tables_stream_to_parquet_in_order(tmp_path):
    side = _SideTables(tmp_path, rows=5)
    ctx = ReadContext(Path("x"))
    seen = []
    for i in range(7):  # 7 batches of 3 rows: written every 2 batches, the rest on close
        t = pa.table({"post_id": [f"p{i}-{j}" for j in range(3)], "words": pa.array([i] * 3, pa.int64())})
        ctx.add_side("site_pages", t)
        seen += t.column("post_id").to_pylist()
        side.take(ctx)
        assert not ctx.side  # nothing left in memory on the context
        assert sum(x.num_rows for x in side.buf.get("site_pages", [])) < 5  # the buffer stays below `rows`
    paths = side.close()
    assert list(paths) == ["site_pages"]
    f = pq.ParquetFile(paths["site_pages"])
    assert f.metadata.num_row_groups == 4
    assert f.read().column("post_id").to_pylist() == seen
