"""Compare two result sets file by file (e.g. DuckDB's and Spark's at 10⁷ posts).

Usage::

    python benchmarks/compare_results.py OUT_DUCKDB OUT_SPARK

The files are read by DuckDB, so tens of millions of rows compare in seconds
without loading into Python. A file is ``identical`` when its bytes are; else
rows are matched — by position for the files the pipeline writes in a total
order (evidence, posts, groups), by key for the others (links by account pair,
accounts by account) — and every column compared: non-float values equal,
floats within 1e-9 relative (the tolerance of ``tests/test_spark_equivalence.py``:
a distributed engine adds doubles in another order). Prints one JSON line per file.
"""

from __future__ import annotations

import filecmp
import json
import sys
from pathlib import Path

import duckdb

#: file → the key rows are matched on (None: by position in the file)
FILES = {
    "groups.csv": None,
    "accounts.csv": ("account_id",),
    "links.parquet": ("account_a", "account_b"),
    "links.csv": ("account_a", "account_b"),
    "objects.csv": None,
    "evidence.parquet": None,
    "posts.parquet": None,
    "rejects.csv": None,
}
TOL = 1e-9


def _scan(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    p = str(path).replace("'", "''")
    if path.suffix == ".parquet":
        return f"(SELECT *, file_row_number AS __rn FROM read_parquet('{p}', file_row_number=true))"
    return f"(SELECT *, row_number() OVER () AS __rn FROM read_csv('{p}', header=true, all_varchar=true))"


def compare_file(a: Path, b: Path, key: tuple[str, ...] | None) -> dict:
    """Rows and columns of two versions of one output file compared (see module docstring)."""
    out: dict = {"file": a.name}
    if not a.exists() or not b.exists():
        out["result"] = "missing in " + (
            "both" if not (a.exists() or b.exists()) else ("a" if not a.exists() else "b")
        )
        return out
    if filecmp.cmp(a, b, shallow=False):
        out["result"] = "identical"
        return out
    con = duckdb.connect()
    con.execute(f"CREATE VIEW x AS SELECT * FROM {_scan(con, a)}")
    con.execute(f"CREATE VIEW y AS SELECT * FROM {_scan(con, b)}")
    cols = [r[0] for r in con.execute("DESCRIBE x").fetchall() if r[0] != "__rn"]
    cols_b = [r[0] for r in con.execute("DESCRIBE y").fetchall() if r[0] != "__rn"]
    types = {r[0]: r[1] for r in con.execute("DESCRIBE x").fetchall()}
    out["rows"] = [
        con.execute("SELECT count(*) FROM x").fetchone()[0],
        con.execute("SELECT count(*) FROM y").fetchone()[0],
    ]
    if cols != cols_b:
        out["result"] = f"columns differ: {cols} vs {cols_b}"
        return out
    on = (
        " AND ".join(f"x.{k} IS NOT DISTINCT FROM y.{k}" for k in key) if key else "x.__rn = y.__rn"
    )
    unmatched = con.execute(
        f"SELECT count(*) FROM x FULL JOIN y ON {on} WHERE x.__rn IS NULL OR y.__rn IS NULL"
    ).fetchone()[0]
    diffs: dict[str, int] = {}
    max_rel = 0.0
    for c in cols:
        xc, yc = f"x.{duckdb_ident(c)}", f"y.{duckdb_ident(c)}"
        numeric = types[c] in ("DOUBLE", "FLOAT") or a.suffix == ".csv"
        if numeric:
            xd, yd = f"TRY_CAST({xc} AS DOUBLE)", f"TRY_CAST({yc} AS DOUBLE)"
            # coalesce: a value that is no number (a CSV's text) must be equal, not NULL-skipped
            cond = (
                f"NOT ({xc} IS NOT DISTINCT FROM {yc}) AND NOT coalesce(abs({xd} - {yd}) "
                f"<= {TOL} * greatest(abs({xd}), abs({yd})), false)"
            )
            rel = con.execute(
                f"SELECT max(abs({xd} - {yd}) / nullif(greatest(abs({xd}), abs({yd})), 0)) FROM x JOIN y ON {on}"
            ).fetchone()[0]
            max_rel = max(max_rel, rel or 0.0)
        else:
            cond = f"NOT ({xc} IS NOT DISTINCT FROM {yc})"
        n = con.execute(f"SELECT count(*) FROM x JOIN y ON {on} WHERE {cond}").fetchone()[0]
        if n:
            diffs[c] = n
    out["unmatched_rows"] = unmatched
    out["columns_differing"] = diffs
    out["max_relative_float_difference"] = max_rel
    out["result"] = (
        "same rows"
        + (", same order" if key is None else "")
        + (f", floats within {TOL:g}" if not diffs and not unmatched else "")
        if not diffs and not unmatched
        else "DIFFERENT"
    )
    return out


def duckdb_ident(c: str) -> str:
    return '"' + c.replace('"', '""') + '"'


def main() -> int:
    a, b = Path(sys.argv[1]), Path(sys.argv[2])
    bad = 0
    for name, key in FILES.items():
        r = compare_file(a / name, b / name, key)
        bad += r["result"] == "DIFFERENT" or r["result"].startswith(("missing", "columns"))
        print(json.dumps(r), flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
