"""What an engine is: something that registers tables and executes SQL.

An engine holds no detection logic. The SQL it runs comes from
:mod:`inconcert.sql`, written once for every engine; the differences between
SQL dialects live in one :class:`~inconcert.sql.dialect.Dialect` per engine.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pyarrow as pa

from inconcert.errors import EngineError
from inconcert.sql.dialect import Dialect

__all__ = ["Engine", "first_line"]


def first_line(e: BaseException) -> str:
    """The first non-blank line of an exception's message (at most 500 characters).

    >>> first_line(ValueError("\\n  bad thing\\n  at line 3"))
    'bad thing'
    """
    for line in str(e).strip().splitlines():
        if line.strip():
            return line.strip()[:500]
    return type(e).__name__


class Engine(ABC):
    """Registers tables and executes SQL; results stay in the engine until asked for.

    Table names are plain identifiers; ``create_table`` replaces an existing one.
    """

    name: str = ""
    #: How messages name the backend ("DuckDB failed: …").
    label: str = ""
    dialect: Dialect
    #: The backend's exception classes; :meth:`failing` turns them into :class:`EngineError`.
    backend_errors: tuple[type[BaseException], ...] = ()
    #: Rows a step may bring to this process when it could compute in the engine
    #: instead (None: no limit, the engine runs in this process).
    collect_limit: int | None = None

    @contextlib.contextmanager
    def failing(
        self, what: str = "", sql: str = "", also: tuple[type[BaseException], ...] = ()
    ) -> Iterator[None]:
        """The one place backend errors become :class:`EngineError`: inside the
        block, a backend error is re-raised as ``"<label> failed <what>: <first
        line>"`` carrying ``sql``, the statement that failed (``also``: more
        exception classes to treat the same way, e.g. ``OSError`` reading a file).

        >>> from inconcert.engines import get_engine
        >>> e = get_engine("duckdb")
        >>> try:
        ...     e.to_arrow("SELECT nope")
        ... except EngineError as err:
        ...     print(err.sql)
        SELECT nope
        """
        try:
            yield
        except (*self.backend_errors, *also) as e:
            where = f" {what}" if what else ""
            raise EngineError(f"{self.label or self.name} failed{where}: {first_line(e)}", sql) from e

    @abstractmethod
    def execute(self, sql: str) -> None:
        """Run a statement that returns nothing."""

    @abstractmethod
    def create_table(self, name: str, sql: str) -> None:
        """Materialise the result of ``sql`` as table ``name`` (replacing it)."""


    def drop(self, name: str) -> None:
        """Drop table or view ``name`` if it exists."""
        self.execute(f"DROP TABLE IF EXISTS {name}")

    def rename(self, old: str, new: str) -> None:
        """Table ``old`` becomes ``new`` (replacing it); by default a copy, then ``old`` is dropped."""
        self.create_table(new, f"SELECT * FROM {old}")
        self.drop(old)

    def rewrite_table(self, name: str, sql: str) -> None:
        """Replace table ``name`` by the rows of ``sql``, which may read ``name``
        itself: made as ``<name>_next``, then renamed over it."""
        self.create_table(f"{name}_next", sql)
        self.rename(f"{name}_next", name)

    def delete_rows(self, name: str, where: str) -> None:
        """Remove the rows of table ``name`` that meet the SQL condition ``where``;
        by default a rewrite of the others (:meth:`rewrite_table`)."""
        self.rewrite_table(name, f"SELECT * FROM {name} WHERE NOT ({where})")

    def insert_rows(self, name: str, columns: Sequence[str], sql: str) -> None:
        """Append the rows of ``sql`` (its columns ``columns``, by position) to table
        ``name``; its other columns are NULL there. By default a rewrite of the
        table with the new rows (:meth:`rewrite_table`)."""
        have = self.columns(name)
        given = dict(zip(columns, (f"s.{c}" for c in columns), strict=True))
        sel = ", ".join(given.get(c, f"NULL AS {c}") for c in have)
        self.rewrite_table(name, f"SELECT * FROM {name} UNION ALL SELECT {sel} FROM ({sql}) s")

    def query_progress(self) -> float | None:
        """How far the running query is (0–1), safe to ask from another thread;
        None when nothing runs or the engine cannot tell (the default)."""
        return None

    @abstractmethod
    def register_arrow(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable as ``name``."""

    @abstractmethod
    def register_parquet(self, name: str, path: str | Path, where: str | None = None) -> None:
        """Make a Parquet file (or folder/glob) queryable as ``name``; with ``where``
        (an SQL condition), only its rows that meet it."""

    @abstractmethod
    def to_arrow(self, sql: str) -> pa.Table:
        """Run a query and bring its (small) result to the driver as Arrow."""

    @abstractmethod
    def write_parquet(self, sql: str, path: str | Path) -> None:
        """Write the result of a query to a Parquet file at ``path``."""

    @abstractmethod
    def write_csv(self, sql: str, path: str | Path) -> None:
        """Write the result of a query to a CSV file (with header) at ``path``."""

    @abstractmethod
    def register_function(
        self, name: str, fn: Callable[[pa.Array], pa.Array], return_type: pa.DataType
    ) -> None:
        """Register a vectorised scalar function (Arrow array in, Arrow array out)."""

    def map_table(
        self,
        name: str,
        sql: str,
        keep: list[str],
        fn: Callable[[pa.Array], pa.Array],
        column: str,
        out: str,
        return_type: pa.DataType | None = None,
    ) -> None:
        """Create table ``name`` with the ``keep`` columns of query ``sql`` and
        ``out = fn(column)`` (a vectorised Arrow function; ``return_type``
        defaults to string).

        Default: ``fn`` as a registered SQL function. Engines may run it their
        own faster way (DuckDB: large batches on every core).
        """
        fname = f"ic_map_{out}"
        self.register_function(fname, fn, return_type or pa.string())
        cols = ", ".join(keep)
        self.create_table(name, f"SELECT {cols}, {fname}({column}) AS {out} FROM ({sql}) s")

    def scalar(self, sql: str) -> object:
        """Run a query that returns one value."""
        t = self.to_arrow(sql)
        return t.column(0)[0].as_py() if t.num_rows else None

    def count(self, table: str) -> int:
        """Number of rows in ``table``."""
        return int(self.scalar(f"SELECT count(*) FROM {table}") or 0)

    def columns(self, table: str) -> list[str]:
        """Column names of ``table``."""
        return self.to_arrow(f"SELECT * FROM {table} LIMIT 0").column_names

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources."""
