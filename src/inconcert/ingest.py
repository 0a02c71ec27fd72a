"""Ingest: read every input file with its reader into one actions Parquet file.

Rows get a ``seq`` (their position across all inputs); rejected records are
collected with their reasons. Exact duplicate rows — the same account on the
same platform at the same time with the same content (every canonical column
equal except ``post_id``, ``source`` and ``row``: :data:`DUPLICATE_KEY`) — are
dropped once, keeping the first, and counted per file; a post that two
overlapping exports both contain counts once. Per-file counts add up:
``records = used + rejected + duplicates``.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "p.csv").write_text("id,author,created_at\\n1,a,2024-01-01 10:00\\n2,b,nope\\n")
>>> ing = ingest([d / "p.csv"], workdir=d)
>>> ing.rows_used, ing.rows_rejected, ing.inputs[0]["format"]
(1, 1, 'generic')
>>> _ = (d / "q.csv").write_text("id,author,created_at\\n3,a,2024-01-01 10:00\\n")
>>> ing = ingest([d / "p.csv", d / "q.csv"], workdir=d)
>>> ing.rows_read, ing.rows_used, ing.rows_rejected, ing.rows_duplicate
(3, 1, 1, 1)
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inconcert.actions import ACTIONS_SCHEMA, REJECTS_SCHEMA
from inconcert.readers import ReadContext, detect_format, get_reader

__all__ = ["Ingested", "ingest", "ACTIONS_FILE_SCHEMA", "DUPLICATE_KEY", "drop_duplicates"]

ACTIONS_FILE_SCHEMA = ACTIONS_SCHEMA.append(pa.field("seq", pa.int64(), nullable=False))

#: Columns that are all equal in two exact duplicate rows: who (account, platform),
#: when, and everything the post carries. ``post_id`` is left out (exports give a
#: re-harvested post a new id or a row number), as are ``source`` and ``row``.
DUPLICATE_KEY = (
    "account_id", "platform", "ts", "text", "urls", "repost_of", "reply_to",
    "hashtags", "mentions", "image", "object",
)


@dataclass
class Ingested:
    """What ingest produced: the actions file and the bookkeeping."""

    actions_path: Path
    rejects: pa.Table
    accounts: pa.Table | None
    inputs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows_used(self) -> int:
        return sum(i["used"] for i in self.inputs)

    @property
    def rows_rejected(self) -> int:
        return sum(i["rejected"] for i in self.inputs)

    @property
    def rows_duplicate(self) -> int:
        return sum(i.get("duplicates", 0) for i in self.inputs)

    @property
    def rows_read(self) -> int:
        return sum(i["records"] for i in self.inputs)


def ingest(
    paths: list[str | Path],
    workdir: str | Path,
    format: str | None = None,
    column_map: dict[str, str] | None = None,
    progress: Any = None,
) -> Ingested:
    """Read ``paths`` into ``workdir/actions.parquet``; see module docstring."""
    workdir = Path(workdir)
    out = workdir / "actions.parquet"
    writer = pq.ParquetWriter(out, ACTIONS_FILE_SCHEMA, compression="lz4")
    # Parquet encoding runs in a second thread (it releases the GIL) while the
    # reader parses the next batch; at most two batches wait in between.
    pool = ThreadPoolExecutor(max_workers=1)
    pending: list[Future[None]] = []
    seq = 0
    rejects: list[pa.Table] = []
    accounts: list[pa.Table] = []
    inputs: list[dict[str, Any]] = []
    try:
        for path in paths:
            p = Path(path)
            reader = get_reader(format) if format else detect_format(p)
            ctx = ReadContext(p, column_map=dict(column_map or {}))
            used = 0
            for table in reader.read(p, ctx):
                n = table.num_rows
                if n == 0:
                    continue
                seqs = pa.array(range(seq, seq + n), pa.int64())
                pending.append(
                    pool.submit(writer.write_table, table.append_column(ACTIONS_FILE_SCHEMA.field("seq"), seqs))
                )
                while len(pending) > 2:
                    pending.pop(0).result()
                seq += n
                used += n
                if progress is not None:
                    progress(n)
            ctx.flush_rejects()
            rejects.extend(ctx.rejects)
            accounts.extend(ctx.accounts)
            records = max(ctx.records_read, used + ctx.n_rejected)
            inputs.append(
                {
                    "path": str(p),
                    "format": reader.name,
                    "records": records,
                    "used": used,
                    "rejected": ctx.n_rejected,
                    "duplicates": 0,
                    "reject_reasons": dict(sorted(ctx.reject_reasons.items())),
                }
            )
        for f in pending:
            f.result()
    finally:
        pool.shutdown(wait=True)
        writer.close()
    dups = drop_duplicates(out)
    for i in inputs:
        i["duplicates"] = dups.get(i["path"], 0)
        i["used"] -= i["duplicates"]
    rej = pa.concat_tables(rejects) if rejects else REJECTS_SCHEMA.empty_table()
    acc = _merge_accounts(accounts)
    return Ingested(out, rej, acc, inputs)


def drop_duplicates(path: Path) -> dict[str, int]:
    """Drop exact duplicate rows (equal on :data:`DUPLICATE_KEY`) from the actions file
    at ``path`` in place, keeping the first by ``seq``; returns the number dropped per source.

    A 64-bit hash of account, time and text finds the candidate rows cheaply (hashing
    the list columns too would double the cost); only those are compared on the whole
    key, column by column, so a hash collision never drops a row. The file is rewritten,
    in input order, only when there are duplicates.
    """
    key = ", ".join(DUPLICATE_KEY)
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        src = f"read_parquet('{_sql_path(path)}')"
        dup = con.sql(
            f"""WITH h AS (SELECT seq, hash(account_id, ts, text) AS k FROM {src}),
            cand AS (SELECT a.* FROM {src} a JOIN h ON a.seq = h.seq
                     SEMI JOIN (SELECT k FROM h GROUP BY k HAVING count(*) > 1) c ON h.k = c.k),
            firsts AS (SELECT min(seq) AS seq FROM cand GROUP BY {key})
            SELECT c.seq, c.source FROM cand c ANTI JOIN firsts f ON c.seq = f.seq"""
        ).arrow()
        if isinstance(dup, pa.RecordBatchReader):
            dup = dup.read_all()
    finally:
        con.close()
    if dup.num_rows == 0:
        return {}
    counts: dict[str, int] = {}
    for s in dup.column("source").to_pylist():
        counts[str(s)] = counts.get(str(s), 0) + 1
    # rewrite in input order, streaming row group by row group (no sort)
    drop = dup.column("seq").combine_chunks()
    tmp = path.with_name(path.name + ".dedup")
    src_file = pq.ParquetFile(path)
    with pq.ParquetWriter(tmp, src_file.schema_arrow, compression="lz4") as w:
        for i in range(src_file.num_row_groups):
            t = src_file.read_row_group(i)
            w.write_table(t.filter(pc.invert(pc.is_in(t.column("seq"), value_set=drop))))
    tmp.replace(path)
    return counts


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")


def _merge_accounts(tables: list[pa.Table]) -> pa.Table | None:
    if not tables:
        return None
    t = pa.concat_tables(tables, promote_options="default")
    # one row per account: first seen wins
    ids = t.column("account_id")
    _, first = pc.unique(ids), None
    seen: set[str] = set()
    keep = []
    for i, a in enumerate(ids.to_pylist()):
        if a not in seen:
            seen.add(a)
            keep.append(i)
    del first
    return t.take(pa.array(keep, pa.int64()))
