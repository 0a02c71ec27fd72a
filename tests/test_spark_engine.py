"""The Spark engine's own contract: tables, functions, files, errors, options.

Runs on Spark ``local[2]``; skipped when pyspark or Java is missing. The JVM
starts once per test process (the engine module caches the root session).
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inconcert.engines import unavailable_reason
from inconcert.errors import ConfigError, EngineError

if unavailable_reason("spark"):  # pyspark or Java missing: pip install -e '.[spark]'
    pytest.skip(unavailable_reason("spark"), allow_module_level=True)

from inconcert.engines.spark_engine import SparkEngine  # noqa: E402
from inconcert.engines.spark_session import check_java, spark_options_from_cli  # noqa: E402

pytestmark = pytest.mark.spark

UTC = dt.UTC


@pytest.fixture(scope="module")
def spark() -> SparkEngine:
    e = SparkEngine(master="local[2]")
    yield e
    e.close()


@pytest.fixture(scope="module")
def duck():
    from inconcert.engines.duckdb_engine import DuckDBEngine

    e = DuckDBEngine()
    yield e
    e.close()


def _actions() -> pa.Table:
    from inconcert.actions import conform

    ts = [dt.datetime(2024, 1, 1, 0, 0, s, tzinfo=UTC) for s in range(5)]
    t = conform(
        pa.table(
            {
                "post_id": ["1", "2", "3", "4", "5"],
                "account_id": ["a", "b", "a", "c", "d"],
                "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
                "text": [
                    "Hello World, this is the SAME text https://t.co/x",
                    "hello world this is the same text",
                    None,
                    "short",
                    "Ärger über das Wetter heute wieder einmal",
                ],
                "urls": [
                    ["http://www.Example.com/a?utm_source=x"],
                    ["https://example.com/a/"],
                    None,
                    [],
                    None,
                ],
                "hashtags": [["A", "b"], ["b", "a", "B"], ["a"], None, []],
                "repost_of": [None, None, "9", "9", None],
                "row": [1, 2, 3, 4, 5],
            }
        )
    )
    return t.append_column("seq", pa.array([0, 1, 2, 3, 4], pa.int64()))


def test_options_from_cli():
    assert spark_options_from_cli("yarn", ["a=b", "c = d=e"]) == {
        "master": "yarn",
        "conf": {"a": "b", "c": "d=e"},
    }
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        spark_options_from_cli(None, ["=x"])


def test_java_missing_is_a_clear_config_error(monkeypatch):
    assert "version" in check_java()  # e.g. openjdk version "17.0.15" 2025-04-15
    monkeypatch.setenv("JAVA_HOME", "/nonexistent-jdk")
    with pytest.raises(ConfigError, match="Java 17"):
        check_java()


def test_tables_types_and_session_time_zone(spark, duck):
    for e in (spark, duck):
        e.register_arrow("actions", _actions())
        e.create_table("x", "SELECT * FROM actions WHERE account_id <> 'd'")
        e.create_table("x", "SELECT * FROM x WHERE account_id <> 'c'")  # replace from itself
        assert e.count("x") == 3
        assert e.columns("actions")[:3] == ["post_id", "account_id", "ts"]
    assert spark.spark.conf.get("spark.sql.session.timeZone") == "UTC"
    q = "SELECT post_id, ts, {e}(ts) AS t, {f} AS back FROM actions ORDER BY seq"
    a = duck.to_arrow(q.format(e="epoch_us", f=duck.dialect.from_epoch_us("epoch_us(ts)")))
    b = spark.to_arrow(q.format(e="unix_micros", f=spark.dialect.from_epoch_us("unix_micros(ts)")))
    assert a.schema.types == b.schema.types  # timestamp[us, UTC], int64, timestamp[us]
    assert a.to_pylist() == b.to_pylist()
    assert b.column("t")[0].as_py() == 1704067200000000


def test_behaviour_traces_are_identical(spark, duck):
    from inconcert.behaviours import BEHAVIOURS
    from inconcert.config import DetectConfig

    cfg = DetectConfig()
    out = {}
    for e in (duck, spark):
        e.register_arrow("actions", _actions())
        rows = {}
        for name, b in BEHAVIOURS.items():
            if name == "semantic_text" or "spark" not in b.engines:
                continue  # a behaviour not checked on Spark declares it (Behaviour.engines)
            b.prepare(e, cfg)
            rows[name] = e.to_arrow(
                f"SELECT * FROM ({b.traces_sql(e.dialect, cfg)}) s ORDER BY seq, object"
            ).to_pylist()
        out[e.name] = rows
    assert out["duckdb"] == out["spark"]
    assert [r["object"] for r in out["spark"]["hashtags"]] == ["#a #b", "#a #b"]
    assert [r["object"] for r in out["spark"]["text"]][:2] == [
        "hello world this is the same text"
    ] * 2
    assert len(out["spark"]["repost"]) == 2


def test_regexes_mean_the_same_on_both_engines(spark, duck):
    """RE2's POSIX bracket classes (``[[:punct:]]``) as Java's ``\\p{Punct}`` (Java reads
    ``[[:punct:]]`` as the letters of ``:punct:``), and the templates' masked texts alike."""
    from inconcert.groups.verdicts import _CLOSING, _THREE, _VARIABLE

    texts = [
        "New, post! See: https://x.org/a #tag @you 42 times.",
        "punct: p-u-n-c-t",
        "a\tb\nc  d",
        "v\x0btab\x0b rt @x: y",  # RE2's \s has no vertical tab, Java's has
        "one two\nthree  four\t five \n",  # the closing words across lines, runs of spaces
        "two words",
    ]
    got = {}
    for e in (duck, spark):
        e.register_arrow("tx", pa.table({"i": list(range(len(texts))), "text": texts}))
        d = e.dialect
        masked = d.regexp_replace_all("lower(text)", _VARIABLE, " ")
        opening = d.regexp_extract(masked, r"^\s*" + _THREE, 1)
        closing = d.regexp_extract(masked, _CLOSING, 1)
        unanchored = d.regexp_extract(masked, _THREE + r"\s*$", 1)
        ws, nws = d.regexp_replace_all("text", r"\s+", "_"), d.regexp_replace_all("text", r"[^\s:]+|\S", "x")
        got[e.name] = e.to_arrow(
            f"""SELECT i, {masked} AS m, {opening} AS opening, {closing} AS closing, {unanchored} AS unanchored,
                   {d.regexp_replace_all("text", "[[:space:]]+", "_")} AS sp,
                   {d.regexp_replace_all("text", "[^[:alpha:][:digit:]]", "")} AS an,
                   {ws} AS ws, {nws} AS nws
            FROM tx ORDER BY i"""
        ).to_pylist()
    assert got["duckdb"] == got["spark"]
    assert got["spark"][0]["m"].split() == ["new", "post", "see", "times"]
    assert got["spark"][1]["an"] == "punctpunct"
    assert got["spark"][3]["ws"] == "v\x0btab\x0b_rt_@x:_y"
    assert got["spark"][3]["sp"] == "v_tab_rt_@x:_y"
    assert all(r["closing"] == r["unanchored"] for r in got["spark"])
    assert got["spark"][4]["closing"] == "three  four\t five" and got["spark"][5]["closing"] == ""


def test_files_match_duckdb(spark, duck, tmp_path):
    q = "SELECT post_id, account_id, ts, urls, seq FROM actions ORDER BY seq DESC"
    for e in (duck, spark):
        e.register_arrow("actions", _actions())
        e.write_parquet(q, tmp_path / f"{e.name}.parquet")
        e.write_csv(q, tmp_path / f"{e.name}.csv")
        e.write_parquet("SELECT * FROM actions WHERE 1 = 0", tmp_path / f"{e.name}-empty.parquet")
    assert (tmp_path / "duckdb.csv").read_bytes() == (tmp_path / "spark.csv").read_bytes()
    a, b = pq.read_table(tmp_path / "duckdb.parquet"), pq.read_table(tmp_path / "spark.parquet")
    assert a.to_pylist() == b.to_pylist() and b.column("seq").to_pylist() == [4, 3, 2, 1, 0]
    assert pq.read_table(tmp_path / "spark-empty.parquet").num_rows == 0


def test_errors_carry_the_sql(spark):
    with pytest.raises(EngineError) as err:
        spark.to_arrow("SELECT no_such_column FROM actions")
    assert "no_such_column" in str(err.value)
    assert err.value.sql == "SELECT no_such_column FROM actions"
    with pytest.raises(EngineError):
        spark.create_table("y", "SELEC 1")
    with pytest.raises(EngineError, match="Parquet"):
        spark.register_parquet("z", "/nonexistent/file.parquet")


def test_engines_do_not_share_tables(spark):
    other = SparkEngine(master="local[2]")
    try:
        other.create_table("only_here", "SELECT 1 AS x")
        assert other.count("only_here") == 1
        with pytest.raises(EngineError):
            spark.count("only_here")
    finally:
        other.close()


def test_get_engine_spark():
    from inconcert.engines import get_engine

    e = get_engine("spark", master="local[2]", conf={"spark.sql.shuffle.partitions": "3"})
    try:
        assert e.name == "spark"
        assert e.spark.conf.get("spark.sql.shuffle.partitions") == "3"
    finally:
        e.close()


def test_pair_join_is_split_by_time_bucket():
    """A viral object's shares spread over many join keys: (behaviour, object, bucket)."""
    from inconcert.sql.coaction import pairs_sql

    e = SparkEngine(master="local[2]", conf={"spark.sql.autoBroadcastJoinThreshold": "-1"})
    try:
        e.create_table(
            "eligible",
            "SELECT 'repost' AS behaviour, 'viral' AS object, CAST(id % 50 AS STRING) AS account_id, "
            "CAST(id AS STRING) AS post_id, id AS seq, id * 7000000 AS t, id % 50 AS acc_first "
            "FROM range(2000)",
        )
        sql = pairs_sql(e.dialect, 60_000_000)
        plan = e.to_arrow(f"EXPLAIN {sql}").column(0)[0].as_py()
        assert (
            "hashpartitioning(behaviour" in plan and "bucket" in plan.split("hashpartitioning(")[1]
        )
        # every share meets only shares within the window: 2000 shares 7 s apart, 60 s window
        assert e.count("eligible") == 2000
        n = e.scalar(f"SELECT count(*) FROM ({sql}) p")
        assert n == sum(min(8, 1999 - i) for i in range(2000))  # 8 × 7 s ≤ 60 s < 9 × 7 s
    finally:
        e.close()
