"""Reading an inconcert output directory: the contract files, CSV rows, DuckDB queries."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import duckdb

from inconcert.errors import InputError
from inconcert.outputs.csvfile import unneutralise

__all__ = [
    "REQUIRED_FILES",
    "POSTS_FILE",
    "NUMERIC",
    "check_outdir",
    "read_csv",
    "number",
    "sql_path",
    "query_rows",
]

REQUIRED_FILES = ("summary.json", "groups.csv", "accounts.csv", "links.parquet", "evidence.parquet")
#: optional: posts in the evidence (post_id, account_id, ts, text, urls) for example texts
POSTS_FILE = "posts.parquet"

#: CSV columns read as numbers (the rest stay text)
NUMERIC = {
    "group_id",
    "size",
    "links",
    "density",
    "weight",
    "objects",
    "span_s",
    "p_value",
    "q_value",
    "degree",
    "strength",
    "n_actions",
    "n_coordinated",
    "coordinated_share",
    "network_id",
}


def number(value: str) -> int | float | None:
    value = value.strip()
    if value == "" or value.lower() in ("nan", "null", "none"):
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def read_csv(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Rows of a CSV as dicts; known numeric columns converted, everything else kept as text."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:  # a BOM (--excel) is skipped
            reader = csv.DictReader(f)
            columns = list(reader.fieldnames or [])
            rows = []
            for raw in reader:
                row: dict[str, Any] = {}
                for k in columns:
                    v = raw.get(k)
                    v = "" if v is None else unneutralise(v)  # the CSVs' spreadsheet escapes
                    row[k] = number(v) if k in NUMERIC else v
                rows.append(row)
    except (UnicodeDecodeError, csv.Error) as e:
        raise InputError(
            f"{path}: cannot read it as UTF-8 CSV ({e}); re-run `inconcert detect` to rewrite it"
        ) from e
    return columns, rows


def sql_path(path: Path) -> str:
    """``path`` as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def query_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    """All rows of a query, as tuples."""
    return con.execute(sql).fetchall()


def check_outdir(outdir: Path) -> None:
    """Raise :class:`InputError` naming every contract file missing from ``outdir``."""
    if not outdir.is_dir():
        raise InputError(
            f"{outdir}: no such output directory. Run `inconcert detect FILES -o {outdir}` first."
        )
    missing = [name for name in REQUIRED_FILES if not (outdir / name).is_file()]
    if missing:
        raise InputError(
            f"{outdir}: not a complete inconcert output directory (missing {', '.join(missing)}). "
            f"Run `inconcert detect FILES -o {outdir}` to write it."
        )
