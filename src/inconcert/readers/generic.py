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
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from inconcert.actions import conform
from inconcert.errors import InputError, MissingColumnError
from inconcert.readers.base import ReadContext, Reader, is_compressed, read_head
from inconcert.readers.columns import (
    LIST_FIELDS,
    REQUIRED,
    auto_map,
    list_expr,
    quote_ident,
    ts_expr,
)

__all__ = ["GenericReader", "table_kind"]


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
    if "," in first or ";" in first:
        return "csv"
    name = path.name.lower()
    for ext, kind in ((".tsv", "tsv"), (".csv", "csv"), (".jsonl", "jsonl"), (".ndjson", "jsonl")):
        if ext in name:
            return kind
    return None


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
        except ValueError:
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
        cols = _json_keys(head) if kind == "jsonl" else _header(head, "\t" if kind == "tsv" else ",")
        mapping = auto_map(cols)
        if all(f in mapping for f in REQUIRED):
            return 0.5
        return 0.1

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        head = read_head(path)
        kind = table_kind(path, head)
        if kind is None:
            raise InputError(f"{path}: not a CSV, TSV, Parquet or JSON Lines table")
        con = duckdb.connect()
        con.execute("SET TimeZone='UTC'")
        con.execute("SET enable_progress_bar=false")
        try:
            yield from self._read(con, path, head, kind, ctx)
        except duckdb.Error as e:
            raise InputError(f"{path}: cannot read as {kind}: {str(e).splitlines()[0]}") from e
        finally:
            con.close()

    def _read(
        self, con: duckdb.DuckDBPyConnection, path: Path, head: bytes, kind: str, ctx: ReadContext
    ) -> Iterator[pa.Table]:
        p = _lit(str(path))
        comp = is_compressed(path) or "none"
        types: dict[str, str] = {}
        if kind == "parquet":
            con.execute(
                f"CREATE VIEW raw AS SELECT file_row_number + 1 AS __row, * "
                f"FROM read_parquet({p}, file_row_number=true)"
            )
            rel = con.execute("DESCRIBE raw").fetchall()
            cols = [r[0] for r in rel if r[0] not in ("__row", "file_row_number")]
            types = {r[0]: r[1] for r in rel}
        elif kind == "jsonl":
            con.execute(
                f"CREATE TABLE lines AS SELECT row_number() OVER () AS __row, line AS __line "
                f"FROM read_csv({p}, columns={{'line': 'VARCHAR'}}, header=false, delim=E'\\x01', "
                f"quote='', escape='', compression='{comp}', strict_mode=false)"
            )
            con.execute("DELETE FROM lines WHERE __line IS NULL OR trim(__line) = ''")
            bad = con.sql(
                "SELECT __row AS row, 'invalid JSON' AS reason, __line AS record FROM lines "
                "WHERE NOT coalesce(json_valid(__line), false) OR json_type(__line) <> 'OBJECT'"
            ).to_arrow_table()
            ctx.reject_table(bad)
            cols = _json_keys(head)
        else:
            delim = "\t" if kind == "tsv" else ","
            cols = _header(head, delim)
            if ";" in head.split(b"\n", 1)[0].decode("utf-8", "replace") and len(cols) <= 1:
                delim = ";"
                cols = _header(head, delim)
            con.execute(
                f"CREATE VIEW raw AS SELECT row_number() OVER () AS __row, * FROM read_csv({p}, "
                f"all_varchar=true, header=true, delim={_lit(delim)}, quote='\"', escape='\"', "
                f"compression='{comp}', store_rejects=true, null_padding=false, "
                f"strict_mode=false, sample_size=-1)"
            )
        mapping = auto_map(cols, ctx.column_map)
        for field, col in ctx.column_map.items():
            if kind != "jsonl" and col not in cols:
                raise MissingColumnError(str(path), field, cols)
        for field in REQUIRED:
            if field not in mapping:
                raise MissingColumnError(str(path), field, cols)

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
                return f"CAST({quote_ident(col)} AS TIMESTAMPTZ)"
            return ts_expr(val("ts"))

        def lst(field: str) -> str:
            col = mapping.get(field)
            if col is None:
                return "NULL::VARCHAR[]"
            if kind == "parquet" and types.get(col, "").endswith("[]"):
                return f"CAST({quote_ident(col)} AS VARCHAR[])"
            return list_expr(val(field))

        def strip(field: str, prefix: str) -> str:
            return f"list_transform({lst(field)}, lambda x: ltrim(trim(x), {_lit(prefix)}))"

        src = "(SELECT * FROM lines WHERE json_valid(__line) AND json_type(__line) = 'OBJECT')" if kind == "jsonl" else "raw"
        platform = f"coalesce(nullif(trim({val('platform')}), ''), 'generic')" if "platform" in mapping else "'generic'"
        record = (
            "__line"
            if kind == "jsonl"
            else "to_json(struct_pack(" + ", ".join(
                f"{quote_ident(mapping[f])} := {val(f)}" for f in ("post_id", "account_id", "ts") if f in mapping
            ) + "))"
        )
        con.execute(
            f"""CREATE TABLE mapped AS SELECT
                __row AS row,
                nullif(trim({val('post_id')}), '') AS post_id,
                nullif(trim({val('account_id')}), '') AS account_id,
                {ts()} AS ts,
                {val('ts')} AS ts_raw,
                {val('text')} AS text,
                {lst('urls')} AS urls,
                nullif(trim({val('repost_of')}), '') AS repost_of,
                nullif(trim({val('reply_to')}), '') AS reply_to,
                {strip('hashtags', '#')} AS hashtags,
                {strip('mentions', '@')} AS mentions,
                nullif(trim({val('image')}), '') AS image,
                nullif(trim({val('object')}), '') AS object,
                {platform} AS platform,
                {record} AS record
            FROM {src}"""
        )
        if kind in ("csv", "tsv"):
            bad = con.sql(
                "SELECT line - 1 AS row, 'malformed CSV line: ' || error_type AS reason, "
                "csv_line AS record FROM reject_errors"
            ).to_arrow_table()
            ctx.reject_table(bad)
        rej = con.sql(
            """SELECT row, CASE WHEN account_id IS NULL THEN 'empty account_id'
                   WHEN ts_raw IS NULL OR trim(ts_raw) = '' THEN 'missing timestamp'
                   ELSE 'unparseable timestamp: ' || left(ts_raw, 60) END AS reason, record
               FROM mapped WHERE account_id IS NULL OR ts IS NULL ORDER BY row"""
        ).to_arrow_table()
        ctx.reject_table(rej)
        n_ok = con.execute("SELECT count(*) FROM mapped WHERE account_id IS NOT NULL AND ts IS NOT NULL").fetchall()[0]
        n_mapped = con.execute("SELECT count(*) FROM mapped").fetchall()[0]
        n_parse_rejects = ctx.n_rejected - rej.num_rows
        ctx.records_read = int(n_mapped[0]) + n_parse_rejects  # type: ignore[index]
        del n_ok
        reader = con.sql(
            f"""SELECT coalesce(post_id, CAST(row AS VARCHAR)) AS post_id, account_id,
                   CAST(ts AS TIMESTAMPTZ) AS ts, text, urls, repost_of, reply_to,
                   hashtags, mentions, image, object, platform,
                   {_lit(ctx.source)} AS source, CAST(row AS BIGINT) AS row
               FROM mapped WHERE account_id IS NOT NULL AND ts IS NOT NULL ORDER BY row"""
        ).to_arrow_reader(ctx.chunk_rows)
        for batch in reader:
            yield conform(batch)
        _ = LIST_FIELDS
