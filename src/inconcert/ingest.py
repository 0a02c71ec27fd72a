"""Ingest: read every input file with its reader into one actions Parquet file.

Rows get a ``seq`` (their position across all inputs); rejected records are
collected with their reasons. Exact duplicate rows — the same account on the
same platform at the same time with the same content (every canonical column
equal except ``post_id``, ``source`` and ``row``: :data:`DUPLICATE_KEY`) — are
dropped once, keeping the first, and counted per file; a post that two
overlapping exports both contain counts once. A post whose id is a URI (Mastodon,
Bluesky) counts once by that id, account and time even when the harvests differ
in what it carries (:data:`URI_DUPLICATE_KEY`). Per-file counts add up:
``records = used + rejected + duplicates``.

Removing duplicates rewrites the actions file, unless ``defer_duplicates`` and
they are few (at most :data:`FILTER_MAX_DUPLICATES`): then the file keeps them
and whoever reads it drops them (:attr:`Ingested.actions_filter`), which saves
rewriting 10⁷ rows (~7 s) for the dozen duplicates a file of that size has.

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

import contextlib
import contextvars
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inconcert.actions import ACTIONS_SCHEMA, REJECTS_SCHEMA
from inconcert.config import SiteParams
from inconcert.errors import InputError
from inconcert.memory import side_limit
from inconcert.readers import READERS, ReadContext, detect_format, get_reader
from inconcert.readers.base import safe_head
from inconcert.readers.columns import MAP_OPTIONS, check_map
from inconcert.readers.encoding import check_encoding, detect_encoding, transcode
from inconcert.readers.spreadsheet import kind_of_spreadsheet, spreadsheet_to_csv
from inconcert.readers.timeparse import check_time_formats

__all__ = ["Ingested", "ingest", "reader_options", "current_reader_options", "ACTIONS_FILE_SCHEMA", "DUPLICATE_KEY", "FILTER_MAX_DUPLICATES",
           "drop_duplicates", "find_duplicates"]

_OPTIONS: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar(
    "reader_options", default=None  # type: ignore[arg-type]
)


@contextlib.contextmanager
def reader_options(encoding: str | None = None, time_formats: Sequence[str] = ()) -> Iterator[None]:
    """Defaults for :func:`ingest`'s ``encoding``/``time_formats`` within the block (how the CLI
    reaches ingest through ``pipeline.detect``, which does not take them yet)."""
    token = _OPTIONS.set({"encoding": encoding, "time_formats": tuple(time_formats)})
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def current_reader_options() -> dict[str, Any]:
    """The reader options in force (set by :func:`reader_options`), for ``summary.json``:
    ``encoding`` and ``time_formats`` when given, else nothing.

    >>> with reader_options(encoding="cp1252"):
    ...     current_reader_options()
    {'encoding': 'cp1252'}
    """
    o = _OPTIONS.get() or {}
    out: dict[str, Any] = {}
    if o.get("encoding"):
        out["encoding"] = o["encoding"]
    if o.get("time_formats"):
        out["time_formats"] = list(o["time_formats"])
    return out


ACTIONS_FILE_SCHEMA = ACTIONS_SCHEMA.append(pa.field("seq", pa.int64(), nullable=False))

#: Columns that are all equal in two exact duplicate rows: who (account, platform),
#: when, and everything the post carries. ``post_id`` is left out (exports give a
#: re-harvested post a new id or a row number), as are ``source`` and ``row``.
DUPLICATE_KEY = (
    "account_id", "platform", "ts", "text", "urls", "repost_of", "reply_to",
    "hashtags", "mentions", "image", "object",
)

#: A post whose id is a URI (Mastodon's ``uri``, Bluesky's ``at://``: the same
#: everywhere) is one post however it was harvested: two rows equal on these are
#: duplicates even when what the post carries differs (a status collected from two
#: instances, each with its own preview card or counts).
URI_DUPLICATE_KEY = ("account_id", "platform", "ts", "post_id")

#: At most this many duplicates are dropped by the file's readers (``seq NOT IN (…)``,
#: whose cost grows with the list) rather than by rewriting the file.
FILTER_MAX_DUPLICATES = 64


@dataclass
class Ingested:
    """What ingest produced: the actions file and the bookkeeping."""

    actions_path: Path
    rejects: pa.Table
    accounts: pa.Table | None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    #: Side tables the readers produced (name → Parquet file), e.g. ``site_pages``.
    side: dict[str, Path] = field(default_factory=dict)
    #: ``seq`` of the duplicate rows still in the actions file (``defer_duplicates``), ascending.
    duplicate_seqs: tuple[int, ...] = ()

    @property
    def actions_filter(self) -> str | None:
        """The condition the rows of the actions file that are used meet (SQL), None
        when they all are: the file still holds the duplicates in :attr:`duplicate_seqs`.

        >>> Ingested(Path("a"), None, None, duplicate_seqs=(3, 7)).actions_filter
        'seq NOT IN (3, 7)'
        """
        if not self.duplicate_seqs:
            return None
        return f"seq NOT IN ({', '.join(str(int(s)) for s in self.duplicate_seqs)})"

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
    encoding: str | None = None,
    time_formats: Sequence[str] | None = None,
    sites: SiteParams | None = None,
    defer_duplicates: bool = False,
) -> Ingested:
    """Read ``paths`` into ``workdir/actions.parquet``; see module docstring.

    ``encoding`` forces the text encoding (default: UTF-8, else detected, see
    :mod:`inconcert.readers.encoding`); ``time_formats`` are strftime patterns tried
    first on the generic reader's time column; ``sites`` the site readers' settings
    (extraction mode and workers). A folder that no folder reader
    claims is read file by file: files that cannot be read are reported in
    ``inputs`` (``error``) and ``rejects``, the others are read. ``defer_duplicates``:
    up to :data:`FILTER_MAX_DUPLICATES` duplicates stay in the file, listed in
    ``duplicate_seqs`` (see module docstring).
    """
    workdir = Path(workdir)
    opts = _OPTIONS.get() or {}
    encoding = encoding or opts.get("encoding")
    time_formats = tuple(time_formats if time_formats is not None else opts.get("time_formats", ()))
    check_map(dict(column_map or {}))
    if format is None and any(f not in MAP_OPTIONS for f in column_map or {}):
        format = "generic"  # naming columns with --map means a plain table
    check_time_formats(time_formats)
    if encoding:
        encoding = check_encoding(encoding)
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
    side = _SideTables(workdir)
    try:
        for p, in_folder in _expand(paths, format):
            try:
                reader, src, enc = _prepare(p, format, encoding, workdir, len(inputs))
            except InputError as e:
                if not in_folder:
                    raise
                inputs.append({"path": str(p), "format": None, "records": 0, "used": 0, "rejected": 0,
                               "reject_reasons": {}, "error": str(e)})
                rejects.append(pa.table({"source": [str(p)], "row": pa.array([0], pa.int64()),
                                         "reason": [f"file not read: {e}"], "record": [""]}, schema=REJECTS_SCHEMA))
                continue
            ctx = ReadContext(p, column_map=dict(column_map or {}), time_formats=time_formats, sites=sites)
            used = 0
            error = None
            try:
                for table in reader.read(src, ctx):
                    n = table.num_rows
                    if n == 0:
                        continue
                    seqs = pa.array(np.arange(seq, seq + n, dtype=np.int64))
                    pending.append(
                        pool.submit(writer.write_table, table.append_column(ACTIONS_FILE_SCHEMA.field("seq"), seqs))
                    )
                    while len(pending) > 2:
                        pending.pop(0).result()
                    seq += n
                    used += n
                    side.take(ctx)
                    if progress is not None:
                        progress(n)
            except InputError as e:  # in a folder: keep what was read, report the file
                if not in_folder:
                    raise
                error = str(e)
                ctx.reject(0, f"file not read (further): {e}", "")
                ctx.records_read = used + ctx.n_rejected
            ctx.flush_rejects()
            if ctx.rejects:  # in input order, whichever step rejected them
                rejects.append(pa.concat_tables(ctx.rejects).sort_by("row"))
            accounts.extend(ctx.accounts)
            side.take(ctx)
            records = ctx.records_read  # every reader counts each input record once
            inputs.append(
                {
                    "path": str(p),
                    "format": reader.name,
                    "records": records,
                    "used": used,
                    "rejected": ctx.n_rejected,
                    "duplicates": 0,
                    "reject_reasons": dict(sorted(ctx.reject_reasons.items())),
                    **({"warnings": list(ctx.warnings)} if ctx.warnings else {}),
                    **({"encoding": enc} if enc != "utf-8" else {}),
                    **({"error": error} if error else {}),
                }
            )
        if inputs and all("error" in i and not i["used"] for i in inputs):
            raise InputError("no input could be read: " + "; ".join(i["error"] for i in inputs))
        for f in pending:
            f.result()
    finally:
        pool.shutdown(wait=True)
        writer.close()
        side_paths = side.close()
    dups, deferred = _drop_or_defer(out, FILTER_MAX_DUPLICATES if defer_duplicates else 0)
    for i, n in _duplicates_per_input(inputs, dups).items():
        inputs[i]["duplicates"] = n
        inputs[i]["used"] -= n
    rej = pa.concat_tables(rejects) if rejects else REJECTS_SCHEMA.empty_table()
    acc = _merge_accounts(accounts)
    return Ingested(out, rej, acc, inputs, side_paths, deferred)


class _SideTables:
    """The readers' side tables (``ctx.side``), written to ``workdir/<name>.parquet``
    as they come, ``rows`` at a time: a 10⁶-page crawl's ``site_pages`` and
    ``site_ids`` (~0.9 KB a page) are not held in memory until the end."""

    def __init__(self, workdir: Path, rows: int = 100_000) -> None:
        self.workdir, self.rows = workdir, rows
        self.buf: dict[str, list[pa.Table]] = {}
        self.writers: dict[str, pq.ParquetWriter] = {}

    def take(self, ctx: ReadContext) -> None:
        """Move the side tables ``ctx`` holds into the buffers; write the full ones."""
        for name, tables in ctx.side.items():
            self.buf.setdefault(name, []).extend(tables)
            if sum(t.num_rows for t in self.buf[name]) >= self.rows:
                self._write(name)
        ctx.side.clear()

    def _write(self, name: str) -> None:
        t = pa.concat_tables(self.buf.pop(name, []), promote_options="default")
        w = self.writers.get(name)
        if w is None:
            w = self.writers[name] = pq.ParquetWriter(self.workdir / f"{name}.parquet", t.schema)
        elif t.schema != w.schema:
            t = t.cast(w.schema)
        w.write_table(t)

    def close(self) -> dict[str, Path]:
        """Write what is left and close the files; ``{name: path}``."""
        for name in sorted(self.buf):
            self._write(name)
        for w in self.writers.values():
            w.close()
        return {name: self.workdir / f"{name}.parquet" for name in sorted(self.writers)}


def drop_duplicates(path: Path) -> dict[str, int]:
    """Drop exact duplicate rows (equal on :data:`DUPLICATE_KEY`) from the actions file
    at ``path`` in place, keeping the first by ``seq``; returns the number dropped per
    source. The file is rewritten, in input order, only when there are duplicates
    (:func:`find_duplicates`).
    """
    return _drop_or_defer(path, 0)[0]


def _duplicates_per_input(inputs: list[dict[str, Any]], dups: dict[str, int]) -> dict[int, int]:
    """``{input index: duplicates}``: each duplicate row's ``source`` counted for the input
    that is that file or the folder holding it (a folder reader, such as Telegram's
    exports, reads many files as one input: its duplicates were counted for none).

    >>> _duplicates_per_input([{"path": "/d/tg"}, {"path": "/d/x.csv"}], {"/d/tg/b/result.json": 3, "/d/x.csv": 1})
    {0: 3, 1: 1}
    """
    out = {k: 0 for k in range(len(inputs))}
    paths = [Path(i["path"]) for i in inputs]
    for src, n in sorted(dups.items()):
        sp = Path(src)
        k = next((k for k, p in enumerate(paths) if sp == p), None)
        if k is None:
            k = next((k for k, p in enumerate(paths) if p in sp.parents), None)
        if k is None:  # a source no input names (cannot happen): counted for the first, never lost
            k = 0
        out[k] += n
    return out


def _drop_or_defer(path: Path, defer_up_to: int) -> tuple[dict[str, int], tuple[int, ...]]:
    """Duplicates dropped per source, and the ``seq`` (ascending) of those left in the
    file: all of them when there are at most ``defer_up_to``, else none (rewritten)."""
    dup = find_duplicates(path)
    deferred: tuple[int, ...] = ()
    if dup.num_rows and dup.num_rows <= defer_up_to:
        deferred = tuple(sorted(int(s) for s in dup.column("seq").to_pylist()))
    elif dup.num_rows:
        _rewrite_without(path, dup.column("seq").combine_chunks())
    return _count_sources(dup), deferred


def find_duplicates(path: Path) -> pa.Table:
    """The exact duplicate rows (equal on :data:`DUPLICATE_KEY`) of the actions file at
    ``path`` but the first of each, by ``seq``: a table ``seq, source``.

    Rows equal on :data:`URI_DUPLICATE_KEY` whose id is a URI are duplicates too.
    A 64-bit hash of account, time and text finds the candidate rows cheaply (hashing
    the list columns too would double the cost); only those are compared on the whole
    key, column by column, so a hash collision never drops a row.
    """
    key = ", ".join(DUPLICATE_KEY)
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        if side_limit() is not None:  # a share of the run's --memory-limit (DuckDB's default: 80 % of RAM)
            con.execute(f"SET memory_limit='{side_limit()}'")
        src = f"read_parquet('{_sql_path(path)}')"
        exact = _later_copies_sql(src, "hash(account_id, ts, text)", key, "TRUE")
        by_uri = _later_copies_sql(src, f"hash({', '.join(URI_DUPLICATE_KEY)})", ", ".join(URI_DUPLICATE_KEY),
                                   "contains(post_id, '://')")
        dup = con.sql(f"{exact} UNION {by_uri}").arrow()
        if isinstance(dup, pa.RecordBatchReader):
            dup = dup.read_all()
    finally:
        con.close()
    return dup


def _later_copies_sql(src: str, h: str, key: str, where: str) -> str:
    """``(seq, source)`` of the rows of ``src`` that ``where`` picks and that equal an
    earlier one (by ``seq``) on every column of ``key``. The hash ``h`` of part of the
    key picks the candidates cheaply; the whole key decides, so a collision drops nothing.

    >>> "GROUP BY k HAVING count(*) > 1" in _later_copies_sql("t", "hash(a)", "a, b", "TRUE")
    True
    """
    return f"""(WITH c AS (SELECT {h} AS k FROM {src} WHERE {where} GROUP BY k HAVING count(*) > 1),
        cand AS (SELECT seq, source, {key} FROM {src} WHERE {where} AND {h} IN (SELECT k FROM c)),
        firsts AS (SELECT min(seq) AS seq FROM cand GROUP BY {key})
        SELECT cand.seq, cand.source FROM cand ANTI JOIN firsts f ON cand.seq = f.seq)"""


def _count_sources(dup: pa.Table) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in dup.column("source").to_pylist():
        counts[str(s)] = counts.get(str(s), 0) + 1
    return counts


def _rewrite_without(path: Path, drop: pa.Array) -> None:
    """Rewrite the actions file at ``path`` without the rows whose ``seq`` is in ``drop``,
    in input order, streaming row group by row group (no sort)."""
    tmp = path.with_name(path.name + ".dedup")
    src_file = pq.ParquetFile(path)
    with pq.ParquetWriter(tmp, src_file.schema_arrow, compression="lz4") as w:
        for i in range(src_file.num_row_groups):
            t = src_file.read_row_group(i)
            w.write_table(without_seqs(t, drop))
    tmp.replace(path)


def without_seqs(table: pa.Table, drop: pa.Array) -> pa.Table:
    """``table`` without its rows whose ``seq`` is in ``drop``, in order."""
    return table.filter(pc.invert(pc.is_in(table.column("seq"), value_set=drop)))


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")


def _expand(paths: Sequence[str | Path], format: str | None) -> Iterator[tuple[Path, bool]]:
    """Input files: a folder no folder reader claims becomes its files (sorted, hidden ones skipped)."""
    folder_readers = [r for r in READERS.values() if hasattr(r, "sniff_dir")]
    for path in paths:
        p = Path(path)
        if not p.is_dir():
            yield p, False
            continue
        claimed = get_reader(format) if format else None
        if (claimed is not None and hasattr(claimed, "sniff_dir")) or (
            claimed is None and any(float(r.sniff_dir(p)) >= 0.2 for r in folder_readers)
        ):
            yield p, False
            continue
        files = sorted(f for f in p.rglob("*") if f.is_file() and not any(x.startswith(".") for x in f.relative_to(p).parts))
        if not files:
            raise InputError(f"{p}: the folder holds no files")
        for f in files:
            yield f, True


def _prepare(p: Path, format: str | None, encoding: str | None, workdir: Path, n: int) -> tuple[Any, Path, str]:
    """The reader for ``p``, the file it reads (a UTF-8 or CSV copy if needed) and the encoding."""
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        return (get_reader(format) if format else detect_format(p)), p, "utf-8"
    head = safe_head(p)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(f"{p}: the file is empty")
    sheet = kind_of_spreadsheet(p, head)
    if sheet:
        src = spreadsheet_to_csv(p, sheet, workdir / f"input{n}.csv")
        return get_reader(format or "generic"), src, "utf-8"
    try:  # the file as it is: a reader of WARCs or HTML pages decodes each record itself
        reader = get_reader(format) if format else detect_format(p)
    except InputError:
        reader = None
    if getattr(reader, "decodes_itself", False):  # never transcoded: a WARC holds images and many charsets
        return reader, p, "utf-8"
    enc = encoding or ("utf-8" if head[:4] == b"PAR1" else detect_encoding(head))
    if enc in ("utf-8", "utf_8"):
        if reader is None:  # the same detection again, for its error
            reader = get_reader(format) if format else detect_format(p)
        return reader, p, "utf-8"
    src = transcode(p, enc, workdir / f"input{n}{''.join(p.suffixes[:1]) or '.txt'}")
    try:
        reader = get_reader(format) if format else detect_format(src)
    except InputError as e:
        raise InputError(str(e).replace(str(src), f"{p} (read as {enc})")) from None
    return reader, src, enc


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
