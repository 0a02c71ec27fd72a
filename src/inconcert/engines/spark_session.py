"""Starting Spark: Java check, the one root SparkSession per process, its settings.

:class:`~inconcert.engines.spark_engine.SparkEngine` only runs SQL; this module
finds Java, starts (or reuses) the JVM and the root session, and turns
``--spark-master`` / ``--spark-conf`` into engine options. Importing it never
imports pyspark (that happens in :func:`root_session`).

>>> spark_options_from_cli("local[2]", ["spark.executor.memory=2g"])
{'master': 'local[2]', 'conf': {'spark.executor.memory': '2g'}}
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from typing import Any

from inconcert.engines.base import first_line
from inconcert.errors import ConfigError, EngineError

__all__ = [
    "DEFAULT_CONF",
    "check_java",
    "child_session",
    "java_missing",
    "parse_spark_conf",
    "root_session",
    "spark_errors",
    "spark_options_from_cli",
    "stop_sessions",
    "under_spark_submit",
]

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
    # parquet-java's dictionary filter fails on large LZ4_RAW pages, which the actions file
    # (pyarrow, lz4) has from ~10⁶ posts: "MalformedInputException: last 5 bytes must be
    # literals" (apache/parquet-java#3478); row groups are still skipped by their statistics
    "spark.hadoop.parquet.filter.dictionary.enabled": "false",
}

_JAVA_HINT = (
    "Install a JDK (e.g. apt-get install openjdk-17-jre-headless) or use --engine duckdb"
)


def parse_spark_conf(items: Iterable[str] | None) -> dict[str, str]:
    """Repeated ``--spark-conf KEY=VALUE`` as a dict (all problems reported at once).

    >>> parse_spark_conf(["spark.executor.memory = 2g", "a=b=c"])
    {'spark.executor.memory': '2g', 'a': 'b=c'}
    >>> parse_spark_conf(["oops"])
    Traceback (most recent call last):
    ...
    inconcert.errors.ConfigError: --spark-conf expects KEY=VALUE, got 'oops' (e.g. --spark-conf spark.executor.memory=4g)
    """
    conf: dict[str, str] = {}
    bad: list[str] = []
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            bad.append(repr(item))
            continue
        conf[key.strip()] = value.strip()
    if bad:
        raise ConfigError(
            f"--spark-conf expects KEY=VALUE, got {', '.join(bad)} "
            f"(e.g. --spark-conf spark.executor.memory=4g)"
        )
    return conf


def spark_options_from_cli(master: str | None, conf_list: Iterable[str] | None) -> dict[str, Any]:
    """Turn ``--spark-master`` and repeated ``--spark-conf KEY=VALUE`` into engine options.

    >>> spark_options_from_cli(None, [])
    {}
    """
    opts: dict[str, Any] = {}
    if master:
        opts["master"] = master
    conf = parse_spark_conf(conf_list)
    if conf:
        opts["conf"] = conf
    return opts


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    return java if java and os.path.exists(java) else None


def java_missing() -> str | None:
    """Why Spark cannot start here for want of Java (without running it), or ``None``."""
    if _java():
        return None
    return f"the spark engine needs Java 17 or newer and no 'java' was found. {_JAVA_HINT}"


def check_java() -> str:
    """Return ``java -version``'s first line, or raise :class:`ConfigError` if Java is missing.

    Spark needs Java 17 or newer.
    """
    java = _java()
    if not java:
        raise ConfigError(
            "the Spark engine needs Java 17 or newer, and no 'java' was found on the PATH "
            f"(nor JAVA_HOME). {_JAVA_HINT}"
        )
    try:
        # a small heap: `-version` needs none, and the default (1/4 of RAM) can fail to reserve
        # beside a running Spark JVM ("Error occurred during initialization of VM")
        out = subprocess.run([java, "-Xmx64m", "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        raise ConfigError(f"cannot run {java} -version ({e}); Spark needs Java 17+") from e
    first = (out.stderr or out.stdout).strip().splitlines()
    if out.returncode != 0:
        raise ConfigError(f"{java} -version failed: {first[0] if first else out.returncode}; Spark needs Java 17+")
    return first[0] if first else java


def spark_errors() -> tuple[type[BaseException], ...]:
    """The exception classes pyspark and py4j raise for a failed statement."""
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


_SESSIONS: dict[str, Any] = {}


def under_spark_submit() -> bool:
    """True when spark-submit (or a notebook) launched this Python with a JVM already up."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def root_session(master: str | None, conf: dict[str, str], app_name: str) -> Any:
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
    if not under_spark_submit():
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
            f"Spark failed to start (master {master or 'from spark-submit'}): {first_line(e)}"
        ) from e
    s.sparkContext.setLogLevel("FATAL")
    # pyspark logs every failed query as JSON on stderr; the engine re-raises it
    # as an EngineError carrying the SQL, so that log line is noise.
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    _SESSIONS[key] = s
    return s


def child_session(
    master: str | None, conf: dict[str, str] | None, app_name: str
) -> tuple[Any, dict[str, str], bool]:
    """A new child session of the root session, with inconcert's settings.

    Returns ``(session, settings, local)``: :data:`DEFAULT_CONF` overridden by
    ``conf``, the session time zone always UTC, 4 GB of driver memory and a
    few shuffle partitions on a ``local`` master (unless ``conf`` says
    otherwise); ``local`` tells whether the master runs on this machine.
    """
    user = {k: str(v) for k, v in (conf or {}).items()}
    merged = dict(DEFAULT_CONF)
    if (master or "").startswith("local"):
        merged["spark.driver.memory"] = "4g"  # the driver JVM is the executor
    merged.update(user)
    merged["spark.sql.session.timeZone"] = "UTC"  # not negotiable: t is UTC µs
    root = root_session(master, merged, app_name)
    local = str(root.sparkContext.master).startswith("local")
    if local and "spark.sql.shuffle.partitions" not in user:
        # 200 default partitions are pure overhead on one machine; AQE coalesces further.
        merged["spark.sql.shuffle.partitions"] = str(max(4, 2 * (os.cpu_count() or 2)))
    session = root.newSession()
    for k, v in merged.items():
        if k.startswith("spark.sql."):
            try:
                session.conf.set(k, v)
            except Exception:  # noqa: BLE001 - static confs cannot be set per session
                pass
    return session, merged, local


def stop_sessions() -> None:
    """Stop every Spark session this process started."""
    for s in _SESSIONS.values():
        try:
            s.stop()
        except Exception:  # noqa: BLE001 - best effort at shutdown
            pass
    _SESSIONS.clear()
