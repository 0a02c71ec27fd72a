"""Inputs on object stores and HDFS go straight to Spark's readers.

``file://`` URLs stand in for ``s3a://``/``hdfs://`` (the same Hadoop file
system API): Spark reads them on its executors, and what it reads is what the
local reader reads from the same file — the actions table, the rejects and, end
to end with the default window ladder, every output file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inconcert.config import DetectConfig
from inconcert.engines import unavailable_reason
from inconcert.engines.spark_read import is_remote, remote_kind
from inconcert.errors import ConfigError
from inconcert.ingest import ingest
from inconcert.pipeline import detect


def test_remote_paths_are_recognised():
    assert is_remote("s3a://b/k.parquet") and is_remote("hdfs://nn/p") and is_remote("abfss://c@a/p")
    assert not is_remote("posts.csv") and not is_remote(Path("/s3a/x"))
    assert remote_kind("gs://b/posts.csv.gz") == "csv" and remote_kind("s3a://b/table/") == "parquet"
    with pytest.raises(ConfigError, match="generic formats"):
        remote_kind("s3a://b/x.json", "telegram")


def test_duckdb_says_remote_paths_need_spark(tmp_path: Path):
    with pytest.raises(ConfigError, match="--engine spark"):
        detect("s3a://bucket/posts.parquet", tmp_path / "out")


spark_missing = unavailable_reason("spark")


@pytest.fixture(scope="module")
def spark():
    if spark_missing:
        pytest.skip(spark_missing)
    from inconcert.engines.spark_engine import SparkEngine

    e = SparkEngine(master="local[2]")
    yield e
    e.close()


def _rows(t: pa.Table) -> list[dict]:
    return sorted(t.to_pylist(), key=lambda r: r["seq"])


@pytest.mark.spark
@pytest.mark.parametrize("kind", ["csv", "parquet", "jsonl"])
def test_spark_reads_what_the_local_reader_reads(kind: str, tmp_path: Path, spark):
    rows = [
        {"id": "1", "author": "a", "created_at": "2024-01-01 10:00:00", "text": "hi #x http://a.org/1",
         "hashtags": "x y", "urls": "http://a.org/1"},
        {"id": "2", "author": "b", "created_at": "2024-01-01 10:00:05", "text": "hi", "hashtags": "",
         "urls": "http://a.org/1"},
        {"id": "3", "author": "", "created_at": "2024-01-01 10:01:00", "text": "no one", "hashtags": "", "urls": ""},
        {"id": "4", "author": "c", "created_at": "not a time", "text": "when?", "hashtags": "", "urls": ""},
        {"id": "5", "author": "b", "created_at": "2024-01-01 10:00:05", "text": "hi", "hashtags": "",
         "urls": "http://a.org/1"},  # an exact duplicate of 2
    ]
    p = tmp_path / f"posts.{kind}"
    if kind == "parquet":
        pq.write_table(pa.Table.from_pylist(rows), p)
    elif kind == "jsonl":
        p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    else:
        cols = list(rows[0])
        p.write_text(",".join(cols) + "\n" + "".join(",".join(r[c] for c in cols) + "\n" for r in rows))
    local = ingest([p], tmp_path)
    from inconcert.engines.spark_read import read_remote

    remote = read_remote(spark, [p.resolve().as_uri()], table="remote_actions")
    got = spark.to_arrow("SELECT * FROM remote_actions")
    want = pq.read_table(local.actions_path)
    assert got.schema.names == want.schema.names
    for g, w in zip(_rows(got), _rows(want), strict=True):
        g.pop("source"), w.pop("source")
        if kind == "jsonl":  # a JSON line's row is its line number; the same here (no blank lines)
            pass
        assert g == w
    (li,), (ri,) = local.inputs, remote.inputs
    for k in ("records", "used", "rejected", "duplicates", "reject_reasons"):
        assert li[k] == ri[k], k
    assert sorted(remote.rejects.column("reason").to_pylist()) == sorted(local.rejects.column("reason").to_pylist())
    assert remote.rejects.column("row").to_pylist() == local.rejects.column("row").to_pylist()


@pytest.mark.spark
def test_remote_csv_end_to_end_matches_duckdb(sim_dir: Path, tmp_path: Path, spark):
    """The default window ladder, scored on Spark from a file:// URL, against DuckDB on the local file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("spark_equivalence", Path(__file__).with_name("test_spark_equivalence.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)

    inp = sim_dir / "posts.csv"
    config = DetectConfig()
    rd = detect([inp], tmp_path / "duckdb", config, engine="duckdb")
    rs = detect([inp.resolve().as_uri()], tmp_path / "spark", config, engine=spark)
    assert rs.summary["inputs"][0]["read_by"] == "spark"
    assert rd.summary["counts"] == rs.summary["counts"]
    assert rd.summary["null"] == rs.summary["null"]
    assert rd.summary["counts"]["groups"] > 0
    mod._compare(tmp_path / "duckdb", tmp_path / "spark")
