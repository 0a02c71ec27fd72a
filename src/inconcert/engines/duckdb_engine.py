"""The default engine: DuckDB in-process, no server, spills to disk.

>>> e = DuckDBEngine()
>>> e.create_table("t", "SELECT 1 AS x")
>>> e.count("t")
1
"""

from __future__ import annotations

import re
import shutil
import tempfile
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from inconcert.engines.base import Engine
from inconcert.errors import ConfigError
from inconcert.memory import budget_rows
from inconcert.sql.dialect import DuckDBDialect

__all__ = ["DuckDBEngine", "check_memory_limit"]

_MEMORY = re.compile(
    r"\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>[KMGT]i?B|[KMGT]|B|%)\s*", re.IGNORECASE
)


def check_memory_limit(value: str) -> str:
    """``value`` if DuckDB can use it as a memory limit (``4GB``, ``500MB``,
    ``2GiB``, ``1.5 GB``, ``80%`` of RAM), else a :class:`ConfigError` that says so.

    >>> check_memory_limit("2GiB")
    '2GiB'
    >>> check_memory_limit("lots")
    Traceback (most recent call last):
    ...
    inconcert.errors.ConfigError: memory limit 'lots' is not a size: give a number and a unit, e.g. 4GB, 500MB, 2GiB (or 80%)
    """
    m = _MEMORY.fullmatch(str(value))
    if not m or float(m["n"]) <= 0:
        raise ConfigError(
            f"memory limit {value!r} is not a size: give a number and a unit, "
            "e.g. 4GB, 500MB, 2GiB (or 80%)"
        )
    return str(value)

#: DuckDB's memory limit when none is given.
DEFAULT_MEMORY_LIMIT = "3GB"

_TYPES = {
    pa.string(): "VARCHAR",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
}


class DuckDBEngine(Engine):
    """Run inconcert's SQL in an in-process DuckDB database.

    ``memory_limit`` (default ``"3GB"``) caps DuckDB's memory; above it DuckDB
    spills to ``temp_directory``, so a laptop can process more data than fits
    in memory. ``threads`` defaults to all cores.
    """

    name = "duckdb"
    label = "DuckDB"
    backend_errors = (duckdb.Error,)

    def __init__(
        self,
        database: str = ":memory:",
        memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
        threads: int | None = None,
        temp_directory: str | None = None,
    ):
        self.dialect = DuckDBDialect()
        self.memory_limit = memory_limit
        if memory_limit:
            check_memory_limit(memory_limit)
        with self.failing(f"to open {database}"):
            self.con = duckdb.connect(database)
        self._run("SET TimeZone='UTC'")
        self._run("SET preserve_insertion_order=false")
        # progress tracked (for query_progress) but never printed
        self._run("SET enable_progress_bar=true")
        self._run("SET enable_progress_bar_print=false")
        if memory_limit:
            self._run(f"SET memory_limit='{memory_limit}'", "to set the memory limit")
        if threads:
            self._run(f"SET threads={int(threads)}")
        self._tmp = temp_directory or tempfile.mkdtemp(prefix="inconcert-duckdb-")
        # a spill folder the engine made itself goes when the engine is closed, collected
        # or the interpreter exits (a caller's temp_directory is the caller's)
        self._remove_tmp = (
            weakref.finalize(self, shutil.rmtree, self._tmp, ignore_errors=True) if temp_directory is None else None
        )
        self._run(f"SET temp_directory='{self._tmp}'", "to set the temporary directory")

    def _run(self, sql: str, what: str = "") -> duckdb.DuckDBPyConnection:
        with self.failing(what, sql):
            return self.con.execute(sql)

    def execute(self, sql: str) -> None:
        self._run(sql)

    def query_progress(self) -> float | None:
        """The running query's share of source rows processed (DuckDB's
        ``query_progress``), None when no query runs.

        >>> DuckDBEngine().query_progress() is None
        True
        """
        try:
            p = float(self.con.query_progress())
        except (duckdb.Error, RuntimeError, TypeError, ValueError):
            return None
        return None if p < 0 else min(p / 100.0, 1.0)

    def create_table(self, name: str, sql: str) -> None:
        self._run(f"CREATE OR REPLACE TABLE {name} AS {sql}")

    def drop(self, name: str) -> None:
        views = f"SELECT 1 FROM duckdb_views() WHERE view_name = '{name}' AND NOT internal"
        kind = "VIEW" if self._run(views).fetchall() else "TABLE"
        self._run(f"DROP {kind} IF EXISTS {name}")

    def rename(self, old: str, new: str) -> None:
        """As :meth:`Engine.rename`, without copying the rows.

        >>> e = DuckDBEngine()
        >>> e.create_table("a", "SELECT 1 AS x")
        >>> e.rename("a", "b")
        >>> e.count("b")
        1
        """
        self.drop(new)
        self._run(f"ALTER TABLE {old} RENAME TO {new}")

    def delete_rows(self, name: str, where: str) -> None:
        """As :meth:`Engine.delete_rows`, in place: no copy of the rows kept.

        >>> e = DuckDBEngine()
        >>> e.create_table("a", "SELECT range AS x FROM range(5)")
        >>> e.delete_rows("a", "x >= 3")
        >>> e.count("a")
        3
        """
        self._run(f"DELETE FROM {name} WHERE {where}")

    def insert_rows(self, name: str, columns: Sequence[str], sql: str) -> None:
        """As :meth:`Engine.insert_rows`, in place.

        >>> e = DuckDBEngine()
        >>> e.create_table("a", "SELECT 1 AS x, 2 AS y")
        >>> e.insert_rows("a", ["x"], "SELECT 5")
        >>> e.to_arrow("SELECT * FROM a ORDER BY x").to_pylist()
        [{'x': 1, 'y': 2}, {'x': 5, 'y': None}]
        """
        self._run(f"INSERT INTO {name} ({', '.join(columns)}) {sql}")

    def register_arrow(self, name: str, table: pa.Table) -> None:
        sql = f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM __arrow_{name}"
        with self.failing(f"to register {name}", sql):
            self.con.register(f"__arrow_{name}", table)
            try:
                self.con.execute(sql)
            finally:
                self.con.unregister(f"__arrow_{name}")

    def register_parquet(self, name: str, path: str | Path, where: str | None = None) -> None:
        p = str(path).replace("'", "''")
        cond = f" WHERE {where}" if where else ""
        self._run(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{p}'){cond}")

    def to_arrow(self, sql: str) -> pa.Table:
        with self.failing("", sql):
            return self.con.sql(sql).to_arrow_table()

    def write_parquet(self, sql: str, path: str | Path) -> None:
        p = str(path).replace("'", "''")
        self._run(f"COPY ({sql}) TO '{p}' (FORMAT parquet, COMPRESSION zstd)", f"to write {path}")

    def write_csv(self, sql: str, path: str | Path) -> None:
        p = str(path).replace("'", "''")
        self._run(f"COPY ({sql}) TO '{p}' (FORMAT csv, HEADER true)", f"to write {path}")

    def register_function(
        self, name: str, fn: Callable[[pa.Array], pa.Array], return_type: pa.DataType
    ) -> None:
        try:
            self.con.remove_function(name)
        except duckdb.Error:
            pass  # not registered yet
        ret = _TYPES.get(return_type, "VARCHAR")
        with self.failing(f"to register function {name}"):
            self.con.create_function(name, fn, ["VARCHAR"], ret, type="arrow", side_effects=False)

    def map_table(
        self,
        name: str,
        sql: str,
        keep: list[str],
        fn: Callable[[pa.Array], pa.Array],
        column: str,
        out: str,
        return_type: pa.DataType | None = None,
        batch_rows: int = 250_000,
    ) -> None:
        """As :meth:`Engine.map_table`, but ``fn`` runs on batches of ``batch_rows``
        rows in a thread per core (Arrow compute releases the GIL), not on
        DuckDB's 2,048-row vectors in one thread; results go through a Parquet
        file in the temp directory, so memory stays at a few batches.

        >>> import pyarrow.compute as pc
        >>> e = DuckDBEngine()
        >>> e.create_table("t", "SELECT range AS i, 'Ab' || range AS s FROM range(3)")
        >>> e.map_table("u", "SELECT * FROM t", ["i"], pc.utf8_lower, "s", "low")
        >>> e.to_arrow("SELECT * FROM u ORDER BY i").column("low").to_pylist()
        ['ab0', 'ab1', 'ab2']
        """
        return_type = return_type or pa.string()
        batch_rows = budget_rows(batch_rows, 400)  # fewer under a low --memory-limit (a batch in, one out)
        cols = ", ".join(keep)
        threads = self._threads()
        query = f"SELECT {cols}, {column} AS __in FROM ({sql}) s"
        what = f"to map {column} into {name}"
        with self.failing(what, query):
            reader = self.con.sql(query).to_arrow_reader(batch_rows)
        schema = pa.schema([*(f for f in reader.schema if f.name != "__in"), pa.field(out, return_type)])
        path = Path(tempfile.mkstemp(suffix=".parquet", dir=self._tmp)[1])

        def work(batch: pa.RecordBatch) -> pa.Table:
            t = pa.Table.from_batches([batch])
            res = fn(t.column("__in"))
            return t.drop_columns(["__in"]).append_column(pa.field(out, return_type), res)

        try:
            with self.failing(what, query), pq.ParquetWriter(
                path, schema, compression="lz4"
            ) as writer, ThreadPoolExecutor(max_workers=threads) as pool:
                pending: list[Future[pa.Table]] = []
                for batch in reader:
                    pending.append(pool.submit(work, batch))
                    if len(pending) > threads:
                        writer.write_table(pending.pop(0).result())
                for f in pending:
                    writer.write_table(f.result())
            del reader
            self.create_table(name, f"SELECT * FROM read_parquet('{path}')")
        finally:
            path.unlink(missing_ok=True)

    def _threads(self) -> int:
        return max(1, int(self._run("SELECT current_setting('threads')").fetchall()[0][0]))

    def close(self) -> None:
        """Close the connection; remove the spill folder if the engine made it.

        >>> import os
        >>> e = DuckDBEngine(); tmp = e._tmp; e.close(); os.path.exists(tmp)
        False
        """
        self.con.close()
        if self._remove_tmp is not None:
            self._remove_tmp()
