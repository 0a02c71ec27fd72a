"""Generic tables: CSV, TSV, Parquet and JSON Lines with column mapping.

Columns are matched by common names (see :data:`inconcert.readers.columns.ALIASES`)
or named with ``--map FIELD=COLUMN`` (for JSON Lines a dotted path such as
``user.id``). Parsing runs inside DuckDB, so a 10-million-row file streams
through in seconds without loading into Python.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "p.csv").write_text("id,author,created_at,text\\n1,a,2024-01-01 10:00,hi\\n2,,x,yo\\n")
>>> from inconcert.readers.base import ReadContext
>>> ctx = ReadContext(d / "p.csv")
>>> rows = sum(t.num_rows for t in GenericReader().read(d / "p.csv", ctx))
>>> rows, ctx.n_rejected, ctx.records_read
(1, 1, 2)
"""

from __future__ import annotations

import csv
import io
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from inconcert.actions import conform
from inconcert.errors import InputError, MissingColumnError
from inconcert.memory import budget_rows, side_limit
from inconcert.readers.base import (
    HEAD_BYTES,
    ReadContext,
    Reader,
    is_compressed,
    is_truncated,
    open_text,
    safe_head,
)
from inconcert.readers.columns import (
    MAP_OPTIONS,
    REQUIRED,
    auto_map,
    in_range,
    list_expr,
    quote_ident,
    ts_expr,
)
from inconcert.readers.timeparse import slash_ambiguous, slash_day_first

#: Rows per batch when DuckDB maps a Parquet or CSV file (about 200 MB of actions).
BATCH_ROWS = 1_000_000
#: About what one row of actions takes in memory (bytes), to size batches from the budget.
ROW_BYTES = 200

__all__ = ["GenericReader", "table_kind", "delimiter", "generic_missing"]


def table_kind(path: Path, head: bytes) -> str | None:
    """``parquet``, ``jsonl``, ``csv`` or ``tsv`` from the first bytes, else None."""
    if head[:4] == b"PAR1":
        return "parquet"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not text:
        return "csv"
    if text[0] == "{":
        return "jsonl"
    if text[0] == "[":
        return None
    first = text.split("\n", 1)[0]
    if "\t" in first and first.count("\t") >= first.count(","):
        return "tsv"
    if "," in first or ";" in first or "|" in first:
        return "csv"
    name = path.name.lower()
    for ext, kind in ((".tsv", "tsv"), (".csv", "csv"), (".jsonl", "jsonl"), (".ndjson", "jsonl")):
        if ext in name:
            return kind
    return None


def delimiter(head: bytes) -> str:
    """The CSV delimiter of a header line: the most frequent of ``,`` ``;`` tab ``|``
    outside quotes (a tie goes to the comma).

    >>> delimiter(b"a;b;c\\n1;2;3\\n"), delimiter(b"a\\tb\\n"), delimiter(b'"x;y",b\\n')
    (';', '\\t', ',')
    """
    first = head.decode("utf-8", "replace").lstrip("\ufeff").split("\n", 1)[0]
    bare = "".join(first.split('"')[::2])  # drop quoted parts
    counts = {d: bare.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def generic_missing(path: Path, head: bytes) -> tuple[list[str], list[str]] | None:
    """For a CSV/TSV/JSON Lines table: (required fields with no column, its columns), else None."""
    kind = table_kind(path, head)
    if kind not in ("csv", "tsv", "jsonl"):
        return None
    cols = _json_keys(head) if kind == "jsonl" else _header(head, delimiter(head))
    missing = [f for f in REQUIRED if f not in auto_map(cols)]
    return (missing, cols) if missing and cols else None


def _header(head: bytes, delim: str) -> list[str]:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    line = text.split("\n", 1)[0].rstrip("\r")
    try:
        return next(csv.reader(io.StringIO(line), delimiter=delim))
    except StopIteration:
        return []


def _json_keys(head: bytes) -> list[str]:
    keys: dict[str, None] = {}
    for line in head.decode("utf-8", errors="replace").splitlines()[:200]:
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(obj, dict):
            keys.update(dict.fromkeys(obj))
    return list(keys)


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


class GenericReader(Reader):
    """Any table with one row per post: CSV, TSV, Parquet or JSON Lines."""

    name = "generic"
    description = "CSV/TSV/Parquet/JSON Lines with one row per post (columns auto-mapped or --map)"
    platform = "generic"

    def sniff(self, path: Path, head: bytes) -> float:
        kind = table_kind(path, head)
        if kind is None:
            return 0.0
        if kind == "parquet":
            return 0.5
        cols = _json_keys(head) if kind == "jsonl" else _header(head, delimiter(head))
        mapping = auto_map(cols)
        if all(f in mapping for f in REQUIRED):
            return 0.5
        return 0.1

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        head = safe_head(path)
        kind = table_kind(path, head)
        if kind is None:
            raise InputError(f"{path}: not a CSV, TSV, Parquet or JSON Lines table")
        con = duckdb.connect()
        con.execute("SET TimeZone='UTC'")
        con.execute("SET enable_progress_bar=false")
        if side_limit() is not None:  # a share of the run's --memory-limit (DuckDB's default: 80 % of RAM)
            con.execute(f"SET memory_limit='{side_limit()}'")
        try:
            yield from self._read(con, path, head, kind, ctx)
        except duckdb.Error as e:
            raise InputError(f"{path}: cannot read as {kind}: {str(e).splitlines()[0]}") from e
        finally:
            con.close()

    def _read(
        self, con: duckdb.DuckDBPyConnection, path: Path, head: bytes, kind: str, ctx: ReadContext
    ) -> Iterator[pa.Table]:
        """One streaming pass: rows are mapped in DuckDB batch by batch, so memory
        stays bounded whatever the file size; bad rows become rejects on the way."""
        p = _lit(str(path))
        comp = is_compressed(path) or "none"
        types: dict[str, str] = {}
        python_csv = False
        if kind == "parquet":
            src = f"(SELECT file_row_number + 1 AS __row, * FROM read_parquet({p}, file_row_number=true))"
            rel = con.execute(f"DESCRIBE SELECT * FROM read_parquet({p})").fetchall()
            cols = [r[0] for r in rel]
            types = {r[0]: r[1] for r in rel}
        elif kind == "jsonl":
            src = "chunk"
            cols = _json_keys(head)
        else:
            delim = delimiter(head)
            cols = _header(head, delim)
            # A cut .gz/.bz2 is read in Python up to the cut (DuckDB would fail the file).
            python_csv = is_truncated(path) or _looks_broken(head, delim, len(cols))
            src = "chunk" if python_csv else _csv_source(p, delim, comp, cols)
        mapping = auto_map(cols, ctx.column_map)
        missing = [f for f, c in ctx.column_map.items() if kind != "jsonl" and f not in MAP_OPTIONS and c not in cols]
        missing += [f for f in REQUIRED if f not in mapping and f not in missing]
        if missing:
            raise MissingColumnError(str(path), missing, cols)
        head_times = [] if kind == "parquet" else _head_values(head, kind, delimiter(head), mapping["ts"])
        day_first = slash_day_first(head_times)
        if not ctx.time_formats and slash_ambiguous(head_times):
            ctx.warn("dates such as 01/04/2023 were read month-first (4 January): no day or month above 12 "
                     "in the file's first 64 KiB decides the order. If they are day-first, give "
                     "--time-format '%d/%m/%Y %H:%M:%S' (or the pattern of the file)")
        sql = self._mapping_sql(kind, mapping, types, src, ctx.source, ctx.time_formats, day_first)
        counter = used = 0
        held: list[pa.Table] = []  # CSV rejects, renumbered once DuckDB's own rejects are known

        def split(batch: pa.RecordBatch) -> pa.Table | None:
            nonlocal counter
            t = pa.Table.from_batches([batch])
            n = t.num_rows
            if kind in ("csv", "tsv") and not python_csv:
                rows = pa.array(range(counter + 1, counter + n + 1), pa.int64())
                t = t.set_column(t.column_names.index("row"), "row", rows)
            counter += n
            reason = t.column("__reason")
            bad = pc.is_valid(reason)
            if pc.any(bad).as_py():
                b = t.filter(bad)
                rej = pa.table({"row": b.column("row"), "reason": b.column("__reason"), "record": b.column("__record")})
                if kind in ("csv", "tsv") and not python_csv:
                    held.append(rej)
                else:
                    ctx.reject_table(rej)
                t = t.filter(pc.invert(bad))
            if t.num_rows == 0:
                return None
            nonlocal used
            used += t.num_rows
            pid = pc.if_else(pc.is_null(t.column("post_id")), pc.cast(t.column("row"), pa.string()), t.column("post_id"))
            t = t.set_column(t.column_names.index("post_id"), "post_id", pid)
            return conform(t)

        if kind == "jsonl" or python_csv:
            chunks = (
                _csv_chunks(path, delim, cols, ctx.chunk_rows, ctx)
                if python_csv
                else _json_line_chunks(path, ctx.chunk_rows, ctx)
            )
            for chunk in chunks:
                con.register("chunk", chunk)
                for batch in con.sql(sql).to_arrow_reader(ctx.chunk_rows):
                    out = split(batch)
                    if out is not None:
                        yield out
                con.unregister("chunk")
        else:
            # Parquet/CSV rows are mapped by DuckDB alone: bigger batches keep both
            # cores busy (1e7 rows: 11.8 s at 100k rows a batch, 8.8 s at 1M).
            rows = budget_rows(max(ctx.chunk_rows, BATCH_ROWS), ROW_BYTES)  # smaller under a low --memory-limit
            for batch in con.sql(sql).to_arrow_reader(rows):
                out = split(batch)
                if out is not None:
                    yield out
        if kind in ("csv", "tsv") and not python_csv:
            # One reject per line DuckDB refused (it reports one per bad column).
            bad = con.sql(
                "SELECT line - 1 AS row, CASE first(error_type ORDER BY column_idx) "
                f"WHEN 'MISSING COLUMNS' THEN 'expected {len(cols)} fields, found ' || min(column_idx) "
                f"WHEN 'TOO MANY COLUMNS' THEN 'expected {len(cols)} fields, found more' "
                "WHEN 'UNQUOTED VALUE' THEN 'unterminated quote; the rest of the file from this row was not read' "
                "ELSE 'malformed CSV line: ' || first(error_type ORDER BY column_idx) END AS reason, "
                "first(csv_line ORDER BY column_idx) AS record FROM reject_errors GROUP BY line ORDER BY line"
            ).to_arrow_table()
            moved = [t.set_column(0, "row", _skip_rows(t.column("row"), bad.column("row"))) for t in held]
            both = pa.concat_tables([*(t.cast(bad.schema) for t in moved), bad])
            ctx.reject_table(both.sort_by("row"))
        ctx.records_read = used + ctx.n_rejected

    @staticmethod
    def _mapping_sql(
        kind: str,
        mapping: dict[str, str],
        types: dict[str, str],
        src: str,
        source: str,
        formats: tuple[str, ...] = (),
        day_first: bool = False,
    ) -> str:
        def val(field: str) -> str:
            col = mapping.get(field)
            if col is None:
                return "NULL::VARCHAR"
            if kind == "jsonl":
                jp = "$." + ".".join(f'"{part}"' for part in col.split("."))
                return f"json_extract_string(__line, {_lit(jp)})"
            return f"CAST({quote_ident(col)} AS VARCHAR)"

        def ts() -> str:
            col = mapping["ts"]
            if kind == "parquet" and types.get(col, "").startswith("TIMESTAMP"):
                return in_range(f"CAST({quote_ident(col)} AS TIMESTAMPTZ)")
            return ts_expr(val("ts"), formats, day_first)

        def lst(field: str) -> str:
            col = mapping.get(field)
            if col is None:
                return "NULL::VARCHAR[]"
            if kind == "parquet" and types.get(col, "").endswith("[]"):
                return f"CAST({quote_ident(col)} AS VARCHAR[])"
            return list_expr(val(field))

        def strip(field: str, prefix: str) -> str:
            return f"list_transform({lst(field)}, lambda x: ltrim(trim(x), {_lit(prefix)}))"

        platform = f"coalesce(nullif(trim({val('platform')}), ''), 'generic')" if "platform" in mapping else "'generic'"
        if kind == "jsonl":
            record = "__line"
        else:
            record = "to_json(struct_pack(" + ", ".join(
                f"{quote_ident(mapping[f])} := {val(f)}" for f in ("post_id", "account_id", "ts") if f in mapping
            ) + "))"
        return f"""SELECT *,
                CASE WHEN account_id IS NULL THEN 'empty account_id'
                     WHEN ts_raw IS NULL OR trim(ts_raw) = '' THEN 'missing timestamp'
                     WHEN ts IS NULL THEN 'unparseable timestamp: ' || left(ts_raw, 60) END AS __reason
            FROM (SELECT
                nullif(trim({val('post_id')}), '') AS post_id,
                nullif(trim({val('account_id')}), '') AS account_id,
                {ts()} AS ts,
                {val('text')} AS text,
                {lst('urls')} AS urls,
                nullif(trim({val('repost_of')}), '') AS repost_of,
                nullif(trim({val('reply_to')}), '') AS reply_to,
                {strip('hashtags', '#')} AS hashtags,
                {strip('mentions', '@')} AS mentions,
                nullif(trim({val('image')}), '') AS image,
                nullif(trim({val('object')}), '') AS object,
                {platform} AS platform,
                {_lit(source)} AS source,
                CAST(__row AS BIGINT) AS row,
                {val('ts')} AS ts_raw,
                CASE WHEN {val('account_id')} IS NULL OR trim({val('account_id')}) = '' OR {ts()} IS NULL
                     THEN {record} END AS __record
            FROM {src}) m"""


_TRUNCATED = "the compressed file is cut off here; the rows before the cut were read"

#: Longest CSV field read in Python (characters); a longer one is a reject.
MAX_FIELD_CHARS = 16 * 1024 * 1024

#: Longest CSV line DuckDB reads (bytes); a longer line is one reject ("LINE SIZE OVER MAXIMUM").
MAX_LINE_BYTES = 16 * 1024 * 1024


def _csv_source(p: str, delim: str, comp: str, header: list[str]) -> str:
    """The CSV scan: no sniffing (the dialect is known), the header's names by position.

    A line with too few or too many fields, an invalid byte or an unterminated
    quote becomes a DuckDB reject (``reject_errors``), gathered to one per line.
    """
    names = [f"c{i}" for i in range(max(1, len(header)))]
    spec = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in names) + "}"
    cells = ", ".join(f"{c} AS {quote_ident(h)}" for c, h in zip(names, header or ["column0"], strict=True))
    return (
        f"(SELECT NULL::BIGINT AS __row, {cells} "
        f"FROM read_csv({p}, header=false, skip=1, auto_detect=false, columns={spec}, "
        f"delim={_lit(delim)}, quote='\"', escape='\"', compression='{comp}', "
        f"store_rejects=true, null_padding=false, strict_mode=true, max_line_size={MAX_LINE_BYTES}))"
    )


def _head_values(head: bytes, kind: str, delim: str, col: str, limit: int = 2000) -> list[str]:
    """Values of column ``col`` in the head's complete records (for per-file decisions)."""
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    if len(head) >= HEAD_BYTES:
        text = text[: text.rfind("\n") + 1]
    out: list[str] = []
    if kind == "jsonl":
        for line in text.splitlines()[:limit]:
            try:
                v: Any = json.loads(line)
                for part in col.split("."):
                    v = v.get(part) if isinstance(v, dict) else None
            except (ValueError, RecursionError):
                continue
            if isinstance(v, str):
                out.append(v)
        return out
    try:
        rows = csv.reader(io.StringIO(text), delimiter=delim)
        header = [h.strip() for h in next(rows, [])]
        i = header.index(col)
        for r, _ in zip(rows, range(limit), strict=False):
            if len(r) > i:
                out.append(r[i])
    except (ValueError, csv.Error):
        pass
    return out


def _looks_broken(head: bytes, delim: str, n: int, share: float = 0.1) -> bool:
    """Whether more than ``share`` of the head's records have the wrong number of fields.

    DuckDB spends ~20 µs and ~1 kB per rejected line, so a file of junk is read by
    :func:`_csv_chunks` instead (linear, bounded memory, exact line numbers).

    >>> _looks_broken(b"a,b\\n1,2\\n3\\n4\\n5\\n", ",", 2), _looks_broken(b"a,b\\n1,2\\n", ",", 2)
    (True, False)
    """
    text = head.decode("utf-8", "replace")
    if len(head) >= HEAD_BYTES:
        text = text[: text.rfind("\n") + 1]
    try:
        recs = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delim))[1:]
    except csv.Error:
        return True
    recs = [r for r in recs if r]
    return bool(recs) and sum(len(r) != n for r in recs) > share * len(recs)


def _csv_chunks(path: Path, delim: str, header: list[str], size: int, ctx: ReadContext) -> Iterator[pa.Table]:
    """A broken-looking CSV parsed in Python: Arrow chunks of the well-formed records
    (``__row`` = the line before the record, as DuckDB's rejects count), the rest rejected."""
    n = len(header)
    csv.field_size_limit(MAX_FIELD_CHARS)
    with open_text(path) as fh:
        reader = csv.reader(fh, delimiter=delim, strict=True)
        try:
            next(reader, None)
        except csv.Error:
            pass
        rows: list[int] = []
        cols: list[list[str | None]] = [[] for _ in range(n)]
        while True:
            row = reader.line_num
            try:
                rec = next(reader)
            except StopIteration:
                break
            except (EOFError, OSError, zlib.error) as e:
                ctx.reject(row + 1, f"{_TRUNCATED} ({type(e).__name__}: {e})", "")
                break
            except csv.Error as e:
                if "end of data" in str(e):  # an unterminated quote runs to the end
                    ctx.reject(row, "unterminated quote; the rest of the file from this row was not read", "")
                    break
                ctx.reject(row, f"malformed CSV line: {e}", "")
                continue
            if not rec:
                continue
            if len(rec) != n:
                ctx.reject(row, f"expected {n} fields, found {len(rec)}", delim.join(rec))
                continue
            rows.append(row)
            for c, v in zip(cols, rec, strict=True):
                c.append(v or None)
            if len(rows) >= size:
                yield _chunk(rows, header, cols)
                rows, cols = [], [[] for _ in range(n)]
    if rows:
        yield _chunk(rows, header, cols)


def _chunk(rows: list[int], header: list[str], cols: list[list[str | None]]) -> pa.Table:
    arrays = [pa.array(rows, pa.int64()), *(pa.array(c, pa.string()) for c in cols)]
    return pa.Table.from_arrays(arrays, names=["__row", *header])


def _skip_rows(ordinals: pa.ChunkedArray, skipped: pa.ChunkedArray) -> pa.Array:
    """Record numbers of the ``k``-th rows DuckDB returned, given the records it refused.

    >>> _skip_rows(pa.chunked_array([[1, 2, 3]]), pa.chunked_array([[2]])).to_pylist()
    [1, 3, 4]
    """
    import numpy as np

    k = ordinals.to_numpy()
    r = np.sort(skipped.to_numpy())
    return pa.array(k + np.searchsorted(r - np.arange(len(r)), k, side="right"), pa.int64())


def _json_line_chunks(path: Path, size: int, ctx: ReadContext) -> Iterator[pa.Table]:
    """Lines of a JSON Lines file as Arrow chunks ``(__row, __line)``; blank lines are
    skipped, lines that are not JSON objects are rejected here."""
    rows: list[int] = []
    lines: list[str] = []
    with open_text(path) as fh:
        for i, line in _lines_until_cut(fh, ctx):
            s = line.strip()
            if not s:
                continue
            if not s.startswith("{"):
                ctx.reject(i, "invalid JSON", s)
                continue
            rows.append(i)
            lines.append(s)
            if len(lines) >= size:
                yield _validated(rows, lines, ctx)
                rows, lines = [], []
    if lines:
        yield _validated(rows, lines, ctx)


def _lines_until_cut(fh: IO[str], ctx: ReadContext) -> Iterator[tuple[int, str]]:
    """Numbered lines; a cut compressed file ends them with one reject."""
    i = 0
    try:
        for i, line in enumerate(fh, start=1):  # noqa: B007 - i is read after the loop
            yield i, line
    except (EOFError, OSError, zlib.error) as e:
        ctx.reject(i + 1, f"{_TRUNCATED} ({type(e).__name__}: {e})", "")


def _validated(rows: list[int], lines: list[str], ctx: ReadContext) -> pa.Table:
    t = pa.table({"__row": pa.array(rows, pa.int64()), "__line": pa.array(lines, pa.string())})
    ok = duckdb.sql(
        "SELECT CASE WHEN coalesce(json_valid(__line), false) "
        "THEN json_type(try(json(__line))) = 'OBJECT' ELSE false END AS ok FROM t"
    ).to_arrow_table().column("ok")
    ok = pc.fill_null(ok, False)
    if not pc.all(ok).as_py():
        bad = t.filter(pc.invert(ok))
        for r, line in zip(bad.column("__row").to_pylist(), bad.column("__line").to_pylist(), strict=True):
            ctx.reject(r, "invalid JSON", line)
        t = t.filter(ok)
    return t
