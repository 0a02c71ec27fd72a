"""Ingest: read every input file with its reader into one actions Parquet file.

Rows get a ``seq`` (their position across all inputs); rejected records are
collected with their reasons; per-file counts add up:
``records = used + rejected``.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "p.csv").write_text("id,author,created_at\\n1,a,2024-01-01 10:00\\n2,b,nope\\n")
>>> ing = ingest([d / "p.csv"], workdir=d)
>>> ing.rows_used, ing.rows_rejected, ing.inputs[0]["format"]
(1, 1, 'generic')
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inconcert.actions import ACTIONS_SCHEMA, REJECTS_SCHEMA
from inconcert.readers import ReadContext, detect_format, get_reader

__all__ = ["Ingested", "ingest", "ACTIONS_FILE_SCHEMA"]

ACTIONS_FILE_SCHEMA = ACTIONS_SCHEMA.append(pa.field("seq", pa.int64(), nullable=False))


@dataclass
class Ingested:
    """What ingest produced: the actions file and the bookkeeping."""

    actions_path: Path
    rejects: pa.Table
    accounts: pa.Table | None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    #: Side tables the readers produced (name → Parquet file), e.g. ``site_pages``.
    side: dict[str, Path] = field(default_factory=dict)

    @property
    def rows_used(self) -> int:
        return sum(i["used"] for i in self.inputs)

    @property
    def rows_rejected(self) -> int:
        return sum(i["rejected"] for i in self.inputs)

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
    side: dict[str, list[pa.Table]] = {}
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
            for name, tables in ctx.side.items():
                side.setdefault(name, []).extend(tables)
            records = max(ctx.records_read, used + ctx.n_rejected)
            inputs.append(
                {
                    "path": str(p),
                    "format": reader.name,
                    "records": records,
                    "used": used,
                    "rejected": ctx.n_rejected,
                    "reject_reasons": dict(sorted(ctx.reject_reasons.items())),
                }
            )
        for f in pending:
            f.result()
    finally:
        pool.shutdown(wait=True)
        writer.close()
    rej = pa.concat_tables(rejects) if rejects else REJECTS_SCHEMA.empty_table()
    acc = _merge_accounts(accounts)
    side_paths = {}
    for name, tables in sorted(side.items()):
        side_paths[name] = workdir / f"{name}.parquet"
        pq.write_table(pa.concat_tables(tables, promote_options="default"), side_paths[name])
    return Ingested(out, rej, acc, inputs, side_paths)


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
