"""The Spark engine: the same SQL as DuckDB, run by Apache Spark.

Detection SQL comes from :mod:`inconcert.sql` and the behaviours, written once;
:class:`~inconcert.sql.dialect.SparkDialect` holds Spark's spellings. Tables
are materialised as Parquet under ``work_dir`` (default: a local temporary
folder for ``local[*]`` masters) or, on a cluster without a shared
``work_dir``, persisted in memory and on disk. Big tables stay in Spark;
only :meth:`SparkEngine.to_arrow` brings a result to the driver.

Spark is imported lazily: ``import inconcert`` never needs pyspark.
Install it with ``pip install 'inconcert[spark]'``; Java 17+ must be on the
``PATH`` (or ``JAVA_HOME`` set). Starting Spark (Java, the root session,
``--spark-conf``) lives in :mod:`inconcert.engines.spark_session`.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from inconcert.engines.base import Engine
from inconcert.engines.spark_session import (
    check_java,
    child_session,
    spark_errors,
    spark_options_from_cli,
    stop_sessions,
    under_spark_submit,
)
from inconcert.errors import ConfigError
from inconcert.sql.dialect import SparkDialect

# check_java and spark_options_from_cli are re-exported for existing callers.
__all__ = ["SparkEngine", "spark_options_from_cli", "check_java", "spark_ddl"]

_SPARK_TYPES = {
    pa.string(): "string",
    pa.large_string(): "string",
    pa.int64(): "bigint",
    pa.float64(): "double",
    pa.bool_(): "boolean",
}

_HADOOP_SCHEMES = (
    "s3a://",
    "s3://",
    "s3n://",
    "hdfs://",
    "abfss://",
    "abfs://",
    "gs://",
    "wasbs://",
    "dbfs:/",
)


def _is_remote(path: str | Path) -> bool:
    return str(path).startswith(_HADOOP_SCHEMES)


class SparkEngine(Engine):
    """Run inconcert's SQL on Apache Spark (``local[N]`` or a cluster).

    master: Spark master URL (``local[2]``, ``yarn``, ``spark://host:7077``, ``k8s://…``).
        Default: ``local[2]``, or spark-submit's ``--master`` when run under
        spark-submit. A session that is already active (spark-submit,
        Databricks, a notebook) is reused and ``master`` is then ignored.
    conf: extra Spark settings, e.g. ``{"spark.executor.memory": "2g"}``.
    work_dir: where intermediate tables are written as Parquet; must be visible
        to every executor (``hdfs://…``, ``s3a://…``) on a cluster. Default: a
        local temporary folder for ``local`` masters, otherwise tables are
        persisted in executor memory/disk instead.
    storage: ``parquet`` (write each table to ``work_dir``) or ``cache``
        (persist MEMORY_AND_DISK); default chosen as described above.

    Every engine gets its own child session (own temporary views, same
    SparkContext), so several engines in one process do not see each other's tables.
    The session time zone is always UTC.
    """

    name = "spark"
    label = "Spark"
    #: Above this many rows a step computes in Spark rather than on the driver
    #: (the null model's populations: account–object incidences, 16 bytes each).
    collect_limit = 20_000_000

    def __init__(
        self,
        master: str | None = None,
        conf: dict[str, str] | None = None,
        app_name: str = "inconcert",
        work_dir: str | None = None,
        storage: Literal["parquet", "cache"] | None = None,
    ):
        self.dialect = SparkDialect()
        self.backend_errors = spark_errors()
        if master is None and not under_spark_submit():
            master = "local[2]"
        self.master = master
        self.spark, self.conf, self.local = child_session(master, conf, app_name)
        self._own_tmp = None
        if work_dir is None and self.local:
            self._own_tmp = tempfile.mkdtemp(prefix="inconcert-spark-")
            atexit.register(shutil.rmtree, self._own_tmp, True)
            work_dir = self._own_tmp
        self.work_dir = work_dir
        if storage is None:
            storage = "parquet" if work_dir else "cache"
        if storage == "parquet" and not work_dir:
            raise ConfigError("storage='parquet' needs a work_dir visible to every executor")
        self.storage = storage
        self._tables: dict[str, Any] = {}  # name -> DataFrame kept persisted
        self._counter = itertools.count()

    # -- helpers -------------------------------------------------------------------------
    def _sql(self, sql: str) -> Any:
        with self.failing("", sql):
            return self.spark.sql(sql)

    def _path(self, name: str) -> str:
        assert self.work_dir is not None
        return f"{self.work_dir.rstrip('/')}/{name}-{next(self._counter)}-{uuid.uuid4().hex[:8]}"

    def _install(self, name: str, df: Any, sql: str | None = None) -> None:
        """Materialise ``df`` and make it the table ``name``."""
        with self.failing(f"to create {name}", sql or ""):
            if self.storage == "parquet":
                path = self._path(name)
                df.write.mode("overwrite").parquet(path)
                new = self.spark.read.parquet(path)
            else:
                from pyspark import StorageLevel

                new = df.persist(StorageLevel.MEMORY_AND_DISK)
                new.count()
            old = self._tables.get(name)
            new.createOrReplaceTempView(name)
            self._tables[name] = new
            if old is not None and self.storage == "cache":
                old.unpersist()

    # -- Engine API ----------------------------------------------------------------------
    def execute(self, sql: str) -> None:
        df = self._sql(sql)
        with self.failing("", sql):
            df.collect()

    def create_table(self, name: str, sql: str) -> None:
        self._install(name, self._sql(sql), sql)

    def drop(self, name: str) -> None:
        with self.failing(f"to drop {name}"):
            self.spark.catalog.dropTempView(name)
            old = self._tables.pop(name, None)
            if old is not None and self.storage == "cache":
                old.unpersist()

    def register_arrow(self, name: str, table: pa.Table) -> None:
        if self.storage == "parquet" and self.local and not _is_remote(self.work_dir or ""):
            # On one machine a table travels best as a Parquet file Spark reads.
            path = self._path(name)
            os.makedirs(path, exist_ok=True)
            pq.write_table(_spark_safe(table), os.path.join(path, "part-0.parquet"))
            with self.failing(f"to register {name} from {path}"):
                df = self.spark.read.parquet(path)
                df.createOrReplaceTempView(name)
            self._tables[name] = df
            return
        with self.failing(f"to register {name} ({table.num_rows} rows, {table.schema.names})"):
            df = self.spark.createDataFrame(_spark_safe(table))
        self._install(name, df)

    def register_parquet(self, name: str, path: str | Path, where: str | None = None) -> None:
        """Read Parquet at ``path`` (file, folder or glob; local or ``s3a://``, ``hdfs://`` …).

        On a cluster, a path on the driver's own disk is not visible to the
        executors, so its rows are shipped from the driver once. ``where``: only
        the rows that meet this SQL condition.
        """
        with self.failing(f"to read Parquet {path}", also=(OSError,)):
            if not self.local and not _is_remote(path) and "://" not in str(path):
                df = self.spark.createDataFrame(_spark_safe(pq.read_table(path)))
                self._install(name, df.filter(where) if where else df)
                return
            df = self.spark.read.parquet(str(path))
            if where:
                df = df.filter(where)
            df.createOrReplaceTempView(name)
        self._tables[name] = df

    def to_arrow(self, sql: str) -> pa.Table:
        df = self._sql(sql)
        with self.failing("", sql):
            if hasattr(df, "toArrow"):
                return df.toArrow()
            return pa.Table.from_pandas(df.toPandas(), preserve_index=False)  # pragma: no cover

    def write_parquet(self, sql: str, path: str | Path) -> None:
        """Write a query's result to ``path``.

        On Hadoop-compatible paths (``s3a://``, ``hdfs://`` …) Spark writes a
        folder of part files. On local paths the executors write their parts
        next to ``path`` (so on a cluster the output folder must be on a file
        system every node mounts: NFS, ``/dbfs`` on Databricks), and the parts
        are merged, in order and row group by row group, into one Parquet
        file, as DuckDB writes it: the rows never pass through the driver's JVM.
        """
        df = self._sql(sql)
        with self.failing(f"to write {path}", sql):
            if _is_remote(path):
                df.write.mode("overwrite").option("compression", "zstd").parquet(str(path))
                return
            tmp = tempfile.mkdtemp(prefix=".inconcert-parts-", dir=str(Path(path).resolve().parent))
            try:
                df.write.mode("overwrite").option("compression", "zstd").parquet(tmp + "/d")
                _merge_parquet(tmp + "/d", str(path))
            finally:
                shutil.rmtree(tmp, ignore_errors=True)

    def write_csv(self, sql: str, path: str | Path) -> None:
        """Write a query's result as CSV with a header.

        Local paths get exactly the CSV DuckDB writes (the result is collected
        to the driver and written by DuckDB's CSV writer); remote paths get
        Spark's CSV folder of part files.
        """
        df = self._sql(sql)
        with self.failing(f"to write {path}", sql):
            if _is_remote(path):
                df.write.mode("overwrite").option("header", "true").csv(str(path))
                return
            table = df.toArrow() if hasattr(df, "toArrow") else pa.Table.from_pandas(df.toPandas())
        import duckdb

        con = duckdb.connect()
        try:
            con.execute("SET TimeZone='UTC'")
            con.register("__csv", table)
            p = str(path).replace("'", "''")
            con.execute(f"COPY (SELECT * FROM __csv) TO '{p}' (FORMAT csv, HEADER true)")
        finally:
            con.close()

    def register_function(
        self, name: str, fn: Callable[[pa.Array], pa.Array], return_type: pa.DataType
    ) -> None:
        """Register ``fn`` (Arrow array in, Arrow array out) as a SQL function ``name``.

        Runs the very same Python function as the DuckDB engine on Arrow batches
        (``arrow_udf`` on Spark ≥ 4.1, a pandas UDF before), so results are identical.
        """
        rtype = _SPARK_TYPES.get(return_type, "string")
        try:
            from pyspark.sql.functions import arrow_udf
        except ImportError:  # pragma: no cover - Spark < 4.1
            arrow_udf = None
        if arrow_udf is not None:

            def call(v: pa.Array) -> pa.Array:
                out = fn(v)
                if isinstance(out, pa.ChunkedArray):
                    out = out.combine_chunks()
                return out

            call.__annotations__ = {"v": pa.Array, "return": pa.Array}
            udf = arrow_udf(call, rtype)
        else:  # pragma: no cover
            import pandas as pd
            from pyspark.sql.functions import pandas_udf

            def pcall(s: pd.Series) -> pd.Series:
                out = fn(pa.array(s, type=pa.string(), from_pandas=True))
                return pd.Series(out.to_pylist(), index=s.index)

            udf = pandas_udf(pcall, rtype)
        with self.failing(f"to register function {name}"):
            self.spark.udf.register(name, udf)

    def count(self, table: str) -> int:
        with self.failing(f"to count {table}"):
            return int(self.spark.table(table).count())

    def columns(self, table: str) -> list[str]:
        with self.failing(f"to read the columns of {table}"):
            return list(self.spark.table(table).columns)

    def close(self) -> None:
        """Drop this engine's tables and temporary files (the shared session keeps running)."""
        for name, df in list(self._tables.items()):
            try:
                self.spark.catalog.dropTempView(name)
                if self.storage == "cache":
                    df.unpersist()
            except Exception:  # noqa: BLE001
                pass
        self._tables.clear()
        if self._own_tmp:
            shutil.rmtree(self._own_tmp, ignore_errors=True)
            self._own_tmp = None

    @staticmethod
    def stop() -> None:
        """Stop every Spark session this process started."""
        stop_sessions()


def spark_ddl(schema: pa.Schema) -> str:
    """An Arrow schema as a Spark DDL string (the flat types inconcert's tables use).

    >>> spark_ddl(pa.schema([("account_a", pa.int64()), ("weight", pa.int32()), ("p", pa.float64())]))
    'account_a bigint, weight int, p double'
    """
    def one(t: pa.DataType) -> str:
        if pa.types.is_int32(t):
            return "int"
        if pa.types.is_timestamp(t):
            return "timestamp"
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            return f"array<{one(t.value_type)}>"
        if t in _SPARK_TYPES:
            return _SPARK_TYPES[t]
        raise ConfigError(f"no Spark type for Arrow {t}")

    return ", ".join(f"`{f.name}` {one(f.type)}" if not f.name.isidentifier() else f"{f.name} {one(f.type)}"
                     for f in schema)


def _spark_safe(table: pa.Table) -> pa.Table:
    """Cast Arrow types Spark cannot read (large_string, dictionaries) to plain ones."""
    fields = []
    changed = False
    for f in table.schema:
        t = f.type
        if pa.types.is_large_string(t) or pa.types.is_string_view(t):
            t = pa.string()
        elif pa.types.is_dictionary(t):
            t = t.value_type
        elif pa.types.is_large_list(t) or pa.types.is_list_view(t):
            t = pa.list_(t.value_type)
        if t != f.type:
            changed = True
        fields.append(pa.field(f.name, t, f.nullable))
    return table.cast(pa.schema(fields)) if changed else table


def _merge_parquet(folder: str, path: str) -> None:
    """Concatenate a Spark output folder's part files, in order, into one file."""
    parts = sorted(glob.glob(os.path.join(folder, "part-*.parquet")))
    schema = None
    if parts:
        schema = pq.read_schema(parts[0])
    writer = None
    try:
        for p in parts:
            f = pq.ParquetFile(p)
            for i in range(f.num_row_groups):
                rg = f.read_row_group(i)
                if writer is None:
                    writer = pq.ParquetWriter(path, rg.schema, compression="zstd")
                writer.write_table(rg.cast(writer.schema))
        if writer is None:
            if schema is None:
                # Spark writes a schema-only part file even for empty results;
                # without one, fall back to an empty table.
                schema = pa.schema([])
            pq.write_table(schema.empty_table(), path, compression="zstd")
    finally:
        if writer is not None:
            writer.close()
