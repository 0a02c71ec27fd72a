"""Inputs on object stores and HDFS, read by Spark itself.

A path such as ``s3a://bucket/posts/``, ``hdfs:///data/posts.parquet``,
``gs://…``, ``abfss://…`` (or ``file:///…``) given to a Spark run is never
downloaded to the driver: Spark's own readers scan it on the executors
(Parquet, CSV/TSV, JSON Lines — the generic formats), and each batch of rows
is mapped to the ``actions`` table by the very SQL the local generic reader
runs (:class:`~inconcert.readers.generic.GenericReader`, in an in-process
DuckDB on the executor), so column names, timestamps, lists and rejects are
understood the same way. Only small things reach the driver: the first lines
(to name the columns and the CSV delimiter), one count per partition (to
number the rows) and the rejected records (at most :data:`MAX_REJECTS`).

Differences from a local read: ``seq`` numbers every record read (rejected
ones keep their number, so it has gaps where records were rejected); ``row``
counts records within the input as given (a folder or glob is one input);
platform-specific readers (Twitter, Telegram, …) and spreadsheets need a local
file. The object store's connector (``hadoop-aws`` for ``s3a://``, the GCS or
ABFS connector) must be on Spark's classpath, as for any Spark job.

>>> is_remote("s3a://bucket/posts.parquet"), is_remote("/data/posts.csv")
(True, False)
>>> remote_kind("s3a://b/x/posts.jsonl.gz"), remote_kind("hdfs:///p/"), remote_kind("gs://b/t.tsv")
('jsonl', 'parquet', 'tsv')
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from inconcert.actions import ACTIONS_SCHEMA, REJECTS_SCHEMA
from inconcert.engines.base import first_line
from inconcert.errors import ConfigError, InputError, MissingColumnError
from inconcert.ingest import ACTIONS_FILE_SCHEMA, DUPLICATE_KEY, Ingested
from inconcert.readers.columns import MAP_OPTIONS, REQUIRED, auto_map, check_map
from inconcert.readers.generic import GenericReader, _head_values, _json_keys, delimiter
from inconcert.readers.timeparse import slash_day_first

__all__ = ["REMOTE_SCHEMES", "MAX_REJECTS", "is_remote", "remote_kind", "read_remote"]

#: Path prefixes Spark's Hadoop file systems read (``file:`` for tests and shared disks).
REMOTE_SCHEMES = (
    "s3a://", "s3://", "s3n://", "hdfs://", "abfss://", "abfs://", "gs://", "wasbs://", "wasb://",
    "dbfs:/", "file:/",
)
#: Rejected records brought to the driver for ``rejects.csv`` (all are counted).
MAX_REJECTS = 100_000
#: Lines sampled from the start of an input to name its columns.
_HEAD_LINES = 200


def is_remote(path: object) -> bool:
    """Whether ``path`` is a URL for Spark's readers (object store, HDFS, ``file:``)."""
    return isinstance(path, str) and path.startswith(REMOTE_SCHEMES)


def remote_kind(path: str, format: str | None = None) -> str:
    """``parquet``, ``csv``, ``tsv`` or ``jsonl`` from the name (a folder: Parquet)."""
    if format not in (None, "generic"):
        raise ConfigError(
            f"{path}: --format {format} reads local files only; on an object store or HDFS "
            "the generic formats are read (Parquet, CSV/TSV, JSON Lines)"
        )
    name = path.rstrip("/").rsplit("/", 1)[-1].lower()
    for ext in (".gz", ".bz2", ".zst", ".snappy", ".lz4", ".deflate"):
        name = name.removesuffix(ext)
    for ext, kind in ((".parquet", "parquet"), (".pq", "parquet"), (".tsv", "tsv"), (".tab", "tsv"),
                      (".csv", "csv"), (".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "jsonl")):
        if name.endswith(ext):
            return kind
    return "parquet"


@dataclass(frozen=True)
class _Input:
    path: str
    kind: str
    columns: list[str]
    mapping: dict[str, str]
    sql: str


def read_remote(
    engine: Any,
    paths: Sequence[str],
    format: str | None = None,
    column_map: dict[str, str] | None = None,
    time_formats: Sequence[str] = (),
    table: str = "actions",
) -> Ingested:
    """Read ``paths`` with the Spark engine's readers into its table ``table``
    (the canonical actions with ``seq``); returns the bookkeeping as
    :func:`inconcert.ingest.ingest` does (``actions_path`` is None: the table
    lives in Spark)."""
    spark = engine.spark
    column_map = dict(column_map or {})
    check_map(column_map)
    frames = []
    for i, p in enumerate(paths):
        kind = remote_kind(p, format)
        try:
            inp = _plan(spark, p, kind, column_map, tuple(time_formats))
            frames.append(_mapped(engine, inp, i))
        except engine.backend_errors as e:
            raise InputError(f"{p}: Spark cannot read it as {kind}: {first_line(e)}") from e
    with engine.failing(f"to read {', '.join(paths)}"):
        mapped = frames[0]
        for f in frames[1:]:
            mapped = mapped.unionByName(f)
        engine._install("ic_read_mapped", mapped)
        _number_rows(engine)
        reasons = engine.to_arrow(
            "SELECT __input, __reason, count(*) AS n FROM ic_read_numbered WHERE __reason IS NOT NULL "
            "GROUP BY __input, __reason ORDER BY __input, __reason"
        ).to_pylist()
        rejects = engine.to_arrow(
            f"""SELECT source, row, __reason AS reason, coalesce(__record, '') AS record FROM ic_read_numbered
            WHERE __reason IS NOT NULL ORDER BY __input, row LIMIT {MAX_REJECTS}"""
        )
        totals = engine.to_arrow(
            "SELECT __input, count(*) AS n FROM ic_read_numbered GROUP BY __input ORDER BY __input"
        ).to_pylist()
        key = ", ".join(DUPLICATE_KEY)
        cols = ", ".join(ACTIONS_FILE_SCHEMA.names)
        engine.create_table(
            "ic_read_ranked",
            f"""SELECT {cols}, __input, row_number() OVER (PARTITION BY {key} ORDER BY seq) AS __k
            FROM ic_read_numbered WHERE __reason IS NULL""",
        )
        dups = {r["__input"]: int(r["n"]) for r in engine.to_arrow(
            "SELECT __input, count(*) AS n FROM ic_read_ranked WHERE __k > 1 GROUP BY __input"
        ).to_pylist()}
        engine.create_table(table, f"SELECT {cols} FROM ic_read_ranked WHERE __k = 1")
        for t in ("ic_read_mapped", "ic_read_numbered", "ic_read_ranked"):
            engine.drop(t)
    records = {int(r["__input"]): int(r["n"]) for r in totals}
    inputs = []
    for i, p in enumerate(paths):
        why = {r["__reason"]: int(r["n"]) for r in reasons if r["__input"] == i}
        rejected = sum(why.values())
        if records.get(i, 0) == 0:
            raise InputError(f"{p}: no records found (an empty folder or file?)")
        inputs.append({
            "path": p, "format": "generic", "records": records.get(i, 0),
            "used": records.get(i, 0) - rejected - dups.get(i, 0), "rejected": rejected,
            "duplicates": dups.get(i, 0), "reject_reasons": dict(sorted(why.items())), "read_by": "spark",
        })
    rej = rejects.cast(REJECTS_SCHEMA) if rejects.num_rows else REJECTS_SCHEMA.empty_table()
    return Ingested(None, rej, None, inputs, {})  # type: ignore[arg-type]


def _plan(spark: Any, path: str, kind: str, column_map: dict[str, str], formats: tuple[str, ...]) -> _Input:
    """What the generic reader needs to know about an input, from its first lines or schema."""
    types: dict[str, str] = {}
    head = b""
    if kind == "parquet":
        schema = spark.read.parquet(path).schema
        cols = [f.name for f in schema.fields]
        types = {f.name: _duck_type(f.dataType.simpleString()) for f in schema.fields}
    else:
        lines = [r[0] for r in spark.read.text(path).limit(_HEAD_LINES).collect()]
        head = ("\n".join(lines) + "\n").encode("utf-8")
        if kind == "jsonl":
            cols = _json_keys(head)
        else:
            cols = _csv_reader(spark, path, kind, head).columns
    mapping = auto_map(cols, column_map)
    missing = [f for f, c in column_map.items() if kind != "jsonl" and f not in MAP_OPTIONS and c not in cols]
    missing += [f for f in REQUIRED if f not in mapping and f not in missing]
    if missing:
        raise MissingColumnError(path, missing, cols)
    day_first = kind != "parquet" and slash_day_first(
        _head_values(head, kind, _delim(kind, head), mapping["ts"])
    )
    sql = GenericReader._mapping_sql(kind, mapping, types, "chunk", path, formats, day_first)
    return _Input(path, kind, cols, mapping, sql)


def _delim(kind: str, head: bytes) -> str:
    return "\t" if kind == "tsv" else delimiter(head)


def _csv_reader(spark: Any, path: str, kind: str, head: bytes) -> Any:
    """Spark's CSV reader as the generic reader reads CSV: header, every cell a string."""
    return (
        spark.read.option("header", "true").option("inferSchema", "false").option("multiLine", "true")
        .option("sep", _delim(kind, head)).option("quote", '"').option("escape", '"')
        .option("mode", "PERMISSIVE").csv(path)
    )


def _duck_type(spark_type: str) -> str:
    """The DuckDB type name the generic reader's SQL checks for (timestamps, string lists)."""
    if spark_type.startswith("timestamp"):
        return "TIMESTAMP WITH TIME ZONE"
    if spark_type.startswith("array"):
        return "VARCHAR[]"
    return "VARCHAR"


#: The mapped rows: the actions columns (``row`` holds Spark's row id until rows are
#: numbered), why a row is rejected, the rejected record.
_MAPPED_SCHEMA = pa.schema([
    *(pa.field(f.name, f.type) for f in ACTIONS_SCHEMA),  # nullable: rejected rows lack account or time
    pa.field("__reason", pa.string()), pa.field("__record", pa.string()),
])


def _mapped(engine: Any, inp: _Input, index: int) -> Any:
    """The input's rows mapped to actions on the executors (``__input`` = ``index``)."""
    from pyspark.sql import functions as F

    from inconcert.engines.spark_engine import spark_ddl

    spark = engine.spark
    if inp.kind == "parquet":
        raw = spark.read.parquet(inp.path)
    elif inp.kind == "jsonl":
        raw = spark.read.text(inp.path).where(F.trim("value") != "").withColumnRenamed("value", "__line")
    else:
        raw = _csv_reader(spark, inp.path, inp.kind, b"")
    raw = raw.withColumn("__row", F.monotonically_increasing_id())
    sql, names = inp.sql, _MAPPED_SCHEMA.names

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import duckdb

        con = duckdb.connect()
        con.execute("SET TimeZone='UTC'")
        con.execute("SET threads TO 1")
        try:
            for b in batches:
                con.register("chunk", pa.Table.from_batches([b]))
                out = con.sql(sql).to_arrow_table()
                con.unregister("chunk")
                yield from out.select(names).cast(_MAPPED_SCHEMA).to_batches()
        finally:
            con.close()

    return raw.mapInArrow(run, spark_ddl(_MAPPED_SCHEMA)).withColumn("__input", F.lit(index))


def _number_rows(engine: Any) -> None:
    """``ic_read_mapped`` → ``ic_read_numbered``: ``seq`` (0, 1, … over every record of
    every input, in input order) and ``row`` (1, 2, … within its input), from Spark's
    row ids (partition · 2³³ + position) and one count per partition."""
    counts = engine.to_arrow(
        """SELECT __input, shiftright(row, 33) AS part, count(*) AS n FROM ic_read_mapped
        GROUP BY __input, shiftright(row, 33) ORDER BY __input, part"""
    ).to_pylist()
    offsets, start, first = [], 0, {}
    for r in counts:
        first.setdefault(r["__input"], start)
        offsets.append({"__input": r["__input"], "part": r["part"], "off": start,
                        "in_input": start - first[r["__input"]]})
        start += int(r["n"])
    engine.register_arrow("ic_read_offsets", pa.Table.from_pylist(offsets, pa.schema([
        ("__input", pa.int32()), ("part", pa.int64()), ("off", pa.int64()), ("in_input", pa.int64())])))
    cols = ", ".join(c for c in _MAPPED_SCHEMA.names if c not in ("row", "post_id"))
    local = "(m.row - shiftleft(shiftright(m.row, 33), 33))"
    engine.create_table(
        "ic_read_numbered",
        f"""SELECT coalesce(m.post_id, CAST(o.in_input + {local} + 1 AS STRING)) AS post_id, {cols},
               o.in_input + {local} + 1 AS row, o.off + {local} AS seq, m.__input
        FROM ic_read_mapped m JOIN ic_read_offsets o ON m.__input = o.__input AND shiftright(m.row, 33) = o.part""",
    )
    engine.drop("ic_read_offsets")
