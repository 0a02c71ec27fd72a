"""The Spark engine: the same SQL as DuckDB, run by Apache Spark.

Detection SQL comes from :mod:`inconcert.sql` and the behaviours, written once;
:class:`~inconcert.sql.dialect.SparkDialect` holds Spark's spellings. Tables
are materialised as Parquet under ``work_dir`` (default: a local temporary
folder for ``local[*]`` masters) or, on a cluster without a shared
``work_dir``, persisted in memory and on disk. Big tables stay in Spark;
only :meth:`SparkEngine.to_arrow` brings a result to the driver.

Spark is imported lazily: ``import inconcert`` never needs pyspark.
Install it with ``pip install 'inconcert[spark]'``; Java 17+ must be on the
``PATH`` (or ``JAVA_HOME`` set).

>>> spark_options_from_cli("local[2]", ["spark.executor.memory=2g"])
{'master': 'local[2]', 'conf': {'spark.executor.memory': '2g'}}
"""

from __future__ import annotations

import atexit
import glob
import itertools
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from inconcert.engines.base import Engine
from inconcert.errors import ConfigError, EngineError
from inconcert.sql.dialect import SparkDialect

__all__ = ["SparkEngine", "spark_options_from_cli", "check_java"]

#: Settings every inconcert Spark session gets unless the user overrides them.
DEFAULT_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.adaptive.skewJoin.enabled": "true",
    "spark.sql.ansi.enabled": "false",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}

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


def spark_options_from_cli(master: str | None, conf_list: Iterable[str] | None) -> dict[str, Any]:
    """Turn ``--spark-master`` and repeated ``--spark-conf KEY=VALUE`` into engine options.

    >>> spark_options_from_cli(None, [])
    {}
    >>> spark_options_from_cli(None, ["oops"])
    Traceback (most recent call last):
    ...
    inconcert.errors.ConfigError: --spark-conf expects KEY=VALUE, got 'oops' (e.g. --spark-conf spark.executor.memory=4g)
    """
    opts: dict[str, Any] = {}
    if master:
        opts["master"] = master
    conf: dict[str, str] = {}
    for item in conf_list or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(
                f"--spark-conf expects KEY=VALUE, got {item!r} "
                f"(e.g. --spark-conf spark.executor.memory=4g)"
            )
        conf[key.strip()] = value.strip()
    if conf:
        opts["conf"] = conf
    return opts


def check_java() -> str:
    """Return ``java -version``'s first line, or raise :class:`ConfigError` if Java is missing.

    Spark needs Java 17 or newer.
    """
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        raise ConfigError(
            "the Spark engine needs Java 17 or newer, and no 'java' was found on the PATH "
            "(nor JAVA_HOME). Install a JDK (e.g. apt-get install openjdk-17-jre-headless) "
            "or use --engine duckdb"
        )
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        raise ConfigError(f"cannot run {java} -version ({e}); Spark needs Java 17+") from e
    first = (out.stderr or out.stdout).strip().splitlines()
    return first[0] if first else java


_SESSIONS: dict[str, Any] = {}


def _under_spark_submit() -> bool:
    """True when spark-submit (or a notebook) launched this Python with a JVM already up."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def _root_session(master: str | None, conf: dict[str, str], app_name: str) -> Any:
    """One SparkSession per process; engines get child sessions of it.

    An active session (spark-submit, Databricks, a notebook) is reused as is;
    otherwise one is started on ``master`` with ``conf``.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:  # pragma: no cover - guarded by get_engine too
        raise ConfigError(
            f"the Spark engine needs pyspark: pip install 'inconcert[spark]' ({e})"
        ) from e
    key = master or ""
    s = _SESSIONS.get(key)
    if s is not None and s.sparkContext._jsc is not None:
        return s
    active = SparkSession.getActiveSession()
    if active is not None:
        _SESSIONS[key] = active
        return active
    if not _under_spark_submit():
        check_java()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    b = SparkSession.builder.appName(app_name)
    if master:
        b = b.master(master)
    for k, v in conf.items():
        b = b.config(k, v)
    try:
        s = b.getOrCreate()
    except Exception as e:  # noqa: BLE001 - Spark raises many kinds at start-up
        raise EngineError(
            f"Spark failed to start (master {master or 'from spark-submit'}): {_first_line(e)}"
        ) from e
    s.sparkContext.setLogLevel("FATAL")
    # pyspark logs every failed query as JSON on stderr; the engine re-raises it
    # as an EngineError carrying the SQL, so that log line is noise.
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    _SESSIONS[key] = s
    return s


def _first_line(e: BaseException) -> str:
    msg = str(e).strip()
    for line in msg.splitlines():
        if line.strip():
            return line.strip()[:500]
    return type(e).__name__


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

    def __init__(
        self,
        master: str | None = None,
        conf: dict[str, str] | None = None,
        app_name: str = "inconcert",
        work_dir: str | None = None,
        storage: Literal["parquet", "cache"] | None = None,
    ):
        self.dialect = SparkDialect()
        if master is None and not _under_spark_submit():
            master = "local[2]"
        self.master = master
        user = {k: str(v) for k, v in (conf or {}).items()}
        merged = dict(DEFAULT_CONF)
        if (master or "").startswith("local"):
            merged["spark.driver.memory"] = "4g"  # the driver JVM is the executor
        merged.update(user)
        merged["spark.sql.session.timeZone"] = "UTC"  # not negotiable: t is UTC µs
        root = _root_session(master, merged, app_name)
        local = str(root.sparkContext.master).startswith("local")
        if local and "spark.sql.shuffle.partitions" not in user:
            # 200 default partitions are pure overhead on one machine; AQE coalesces further.
            merged["spark.sql.shuffle.partitions"] = str(max(4, 2 * (os.cpu_count() or 2)))
        self.conf = merged
        self.local = local
        self.spark = root.newSession()
        for k, v in merged.items():
            if k.startswith("spark.sql."):
                try:
                    self.spark.conf.set(k, v)
                except Exception:  # noqa: BLE001 - static confs cannot be set per session
                    pass
        self._own_tmp = None
        if work_dir is None and local:
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
    def _errors(self) -> tuple[type[BaseException], ...]:
        kinds: list[type[BaseException]] = []
        try:
            from pyspark.errors import PySparkException

            kinds.append(PySparkException)
        except ImportError:  # pragma: no cover
            pass
        try:
            from py4j.protocol import Py4JError

            kinds.append(Py4JError)
        except ImportError:  # pragma: no cover
            pass
        return tuple(kinds) or (Exception,)

    def _sql(self, sql: str) -> Any:
        try:
            return self.spark.sql(sql)
        except self._errors() as e:
            raise EngineError(f"Spark failed: {_first_line(e)}", sql) from e

    def _path(self, name: str) -> str:
        assert self.work_dir is not None
        return f"{self.work_dir.rstrip('/')}/{name}-{next(self._counter)}-{uuid.uuid4().hex[:8]}"

    def _install(self, name: str, df: Any, sql: str | None = None) -> None:
        """Materialise ``df`` and make it the table ``name``."""
        try:
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
        except self._errors() as e:
            raise EngineError(f"Spark failed to create {name}: {_first_line(e)}", sql) from e

    # -- Engine API ----------------------------------------------------------------------
    def execute(self, sql: str) -> None:
        df = self._sql(sql)
        try:
            df.collect()
        except self._errors() as e:
            raise EngineError(f"Spark failed: {_first_line(e)}", sql) from e

    def create_table(self, name: str, sql: str) -> None:
        self._install(name, self._sql(sql), sql)

    def drop(self, name: str) -> None:
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
            try:
                df = self.spark.read.parquet(path)
                df.createOrReplaceTempView(name)
            except self._errors() as e:
                raise EngineError(f"Spark failed to register {name}: {_first_line(e)}") from e
            self._tables[name] = df
            return
        try:
            df = self.spark.createDataFrame(_spark_safe(table))
        except self._errors() as e:
            raise EngineError(f"Spark failed to register {name}: {_first_line(e)}") from e
        self._install(name, df)

    def register_parquet(self, name: str, path: str | Path) -> None:
        """Read Parquet at ``path`` (file, folder or glob; local or ``s3a://``, ``hdfs://`` …).

        On a cluster, a path on the driver's own disk is not visible to the
        executors, so its rows are shipped from the driver once.
        """
        try:
            if not self.local and not _is_remote(path) and "://" not in str(path):
                self._install(name, self.spark.createDataFrame(_spark_safe(pq.read_table(path))))
                return
            df = self.spark.read.parquet(str(path))
            df.createOrReplaceTempView(name)
        except (OSError, *self._errors()) as e:
            raise EngineError(f"Spark failed to read Parquet {path}: {_first_line(e)}") from e
        self._tables[name] = df

    def to_arrow(self, sql: str) -> pa.Table:
        df = self._sql(sql)
        try:
            if hasattr(df, "toArrow"):
                return df.toArrow()
            return pa.Table.from_pandas(df.toPandas(), preserve_index=False)  # pragma: no cover
        except self._errors() as e:
            raise EngineError(f"Spark failed: {_first_line(e)}", sql) from e

    def write_parquet(self, sql: str, path: str | Path) -> None:
        """Write a query's result to ``path``.

        On Hadoop-compatible paths (``s3a://``, ``hdfs://`` …) Spark writes a
        folder of part files. On local paths the parts are merged, in order,
        into one Parquet file, as DuckDB writes it.
        """
        df = self._sql(sql)
        try:
            if _is_remote(path):
                df.write.mode("overwrite").option("compression", "zstd").parquet(str(path))
                return
            tmp = tempfile.mkdtemp(prefix="inconcert-out-", dir=self._local_tmp())
            try:
                df.write.mode("overwrite").option("compression", "zstd").parquet(tmp + "/d")
                _merge_parquet(tmp + "/d", str(path))
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        except self._errors() as e:
            raise EngineError(f"Spark failed to write {path}: {_first_line(e)}", sql) from e

    def write_csv(self, sql: str, path: str | Path) -> None:
        """Write a query's result as CSV with a header.

        Local paths get exactly the CSV DuckDB writes (the result is collected
        to the driver and written by DuckDB's CSV writer); remote paths get
        Spark's CSV folder of part files.
        """
        df = self._sql(sql)
        try:
            if _is_remote(path):
                df.write.mode("overwrite").option("header", "true").csv(str(path))
                return
            table = df.toArrow() if hasattr(df, "toArrow") else pa.Table.from_pandas(df.toPandas())
        except self._errors() as e:
            raise EngineError(f"Spark failed to write {path}: {_first_line(e)}", sql) from e
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
        try:
            self.spark.udf.register(name, udf)
        except self._errors() as e:
            raise EngineError(f"Spark failed to register function {name}: {_first_line(e)}") from e

    def count(self, table: str) -> int:
        try:
            return int(self.spark.table(table).count())
        except self._errors() as e:
            raise EngineError(f"Spark failed to count {table}: {_first_line(e)}") from e

    def columns(self, table: str) -> list[str]:
        try:
            return list(self.spark.table(table).columns)
        except self._errors() as e:
            raise EngineError(f"Spark has no table {table}: {_first_line(e)}") from e

    def _local_tmp(self) -> str | None:
        return self._own_tmp

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
        for s in _SESSIONS.values():
            try:
                s.stop()
            except Exception:  # noqa: BLE001
                pass
        _SESSIONS.clear()


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
