"""The engine seam: registry, dialect spellings, one error wrapper, engine options.

Dialect and error tests take the ``engine`` fixture, so they run on every
installed engine (Spark ones are marked ``spark``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from inconcert.cli import detect, main
from inconcert.engines import available_engines, engine_names, get_engine, unavailable_reason
from inconcert.engines.duckdb_engine import check_memory_limit
from inconcert.engines.spark_session import parse_spark_conf
from inconcert.errors import ConfigError, EngineError, InconcertError


def test_registry_cli_choices_and_fixture_agree(engine_fixture_names):
    (option,) = [p for p in detect.params if p.name == "engine"]
    assert engine_names() == list(option.type.choices) == engine_fixture_names
    assert "duckdb" in available_engines()
    for name in engine_names():
        reason = unavailable_reason(name)
        assert (reason is None) == (name in available_engines())
        assert reason is None or "pip install" in reason or "Java" in reason


def test_unknown_engine_names_the_choices():
    with pytest.raises(ConfigError, match="choose one of duckdb, spark"):
        get_engine("postgres")


def test_dialect_spellings_run(engine):
    d = engine.dialect
    engine.register_arrow(
        "t",
        pa.table({
            "x": pa.array([1.0, 2.0, 4.0]),
            "n": pa.array([7, 8, 9], pa.int64()),
            "u": ["https://a.example/x", "http://b.example.org?q=1", "not a url"],
        }),
    )
    pattern = r"^[a-z]+://([^/?#]+)\.example"  # a backslash, which Spark literals would eat
    rows = engine.to_arrow(
        f"SELECT {d.to_string('n')} AS s, {d.regexp_extract('u', pattern)} AS host, "
        f"{d.to_string('NULL')} AS nothing FROM t ORDER BY n"
    ).to_pylist()
    assert [r["s"] for r in rows] == ["7", "8", "9"]
    assert [r["host"] for r in rows] == ["a", "b", ""]
    assert all(r["nothing"] is None for r in rows)
    sd = engine.scalar(f"SELECT {d.stddev_samp('x')} FROM t")
    assert sd == pytest.approx((((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 2) ** 0.5)


def test_errors_carry_the_sql(engine):
    with pytest.raises(EngineError) as err:
        engine.to_arrow("SELECT no_such_column FROM (SELECT 1 AS x) s")
    assert err.value.sql == "SELECT no_such_column FROM (SELECT 1 AS x) s"
    assert isinstance(err.value, InconcertError) and "\n" not in str(err.value)
    with pytest.raises(EngineError) as err:
        engine.create_table("y", "SELEC 1")
    assert "SELEC 1" in err.value.sql


def test_register_arrow_errors_keep_their_context():
    e = get_engine("duckdb")
    with pytest.raises(EngineError, match="to register bad name") as err:
        e.register_arrow("bad name", pa.table({"x": [1]}))
    assert "CREATE OR REPLACE TABLE bad name" in err.value.sql


@pytest.mark.parametrize("value", ["4GB", "500MB", "2GiB", "1.5 GB", "4g", "80%"])
def test_memory_limit_accepts_sizes(value):
    assert check_memory_limit(value) == value
    assert get_engine("duckdb", memory_limit=value).name == "duckdb"


@pytest.mark.parametrize("value", ["lots", "4", "GB", "0GB", "-1GB", "4 parsecs"])
def test_memory_limit_rejects_the_rest(value):
    with pytest.raises(ConfigError, match="e.g. 4GB, 500MB, 2GiB"):
        get_engine("duckdb", memory_limit=value)


def _posts(tmp_path: Path) -> Path:
    p = tmp_path / "posts.csv"
    p.write_text("post_id,account_id,ts,url\n1,a,2024-01-01T00:00:00Z,http://x.example/1\n")
    return p


def test_cli_memory_limit_is_a_one_line_error(tmp_path: Path):
    r = CliRunner().invoke(main, ["detect", str(_posts(tmp_path)), "-o", str(tmp_path / "o"), "--memory-limit", "lots"])
    assert r.exit_code == 2
    assert r.output.strip().splitlines() == [
        "error: memory limit 'lots' is not a size: give a number and a unit, e.g. 4GB, 500MB, 2GiB (or 80%)"
    ]
    assert not (tmp_path / "o").exists()  # validated before any work


def test_cli_spark_conf_has_its_own_message(tmp_path: Path):
    r = CliRunner().invoke(
        main,
        ["detect", str(_posts(tmp_path)), "-o", str(tmp_path / "o"), "--engine", "spark", "--spark-conf", "oops"],
    )
    assert r.exit_code == 2
    assert "--spark-conf expects KEY=VALUE, got 'oops'" in r.output
    assert "FIELD=COLUMN" not in r.output and "--map" not in r.output


def test_spark_conf_reports_every_bad_item():
    with pytest.raises(ConfigError, match="'a', '=b'"):
        parse_spark_conf(["a", "=b", "c=d"])


def test_a_newly_registered_engine_runs_the_pipeline(monkeypatch, tmp_path: Path):
    """The seam end to end: a registry entry is all ``detect`` needs to use an engine."""
    from inconcert.config import DetectConfig
    from inconcert.engines import EngineSpec, registry
    from inconcert.pipeline import detect as run

    monkeypatch.setitem(
        registry._ENGINES,
        "third",
        EngineSpec("third", "inconcert.engines.duckdb_engine:DuckDBEngine", ("duckdb",)),
    )
    assert "third" in engine_names() and "third" in available_engines()
    posts = tmp_path / "posts.csv"
    lines = ["post_id,account_id,ts,url"]
    for i in range(4):  # a, b, c share four links within seconds
        for j, acc in enumerate("abc"):
            lines.append(f"{i}{j},{acc},2024-01-0{i + 1}T00:00:0{j}Z,http://x.example/{i}")
    posts.write_text("\n".join(lines) + "\n")
    out = {}
    for name in ("duckdb", "third"):
        run([posts], tmp_path / name, DetectConfig(communities="components"), engine=name)
        out[name] = pq.read_table(tmp_path / name / "links.parquet")  # every link (links.csv: those that pass)
        assert (tmp_path / name / "links.csv").read_bytes() == (tmp_path / "duckdb" / "links.csv").read_bytes()
    assert out["duckdb"].equals(out["third"]) and out["third"].num_rows == 3


def test_duckdb_engine_removes_the_spill_folder_it_made(tmp_path):
    """Issue 16: every engine left an empty ``inconcert-duckdb-*`` folder in the temp
    directory (closed or not); a folder the caller gave is the caller's and stays."""
    import gc
    import os

    from inconcert.engines.duckdb_engine import DuckDBEngine

    closed = DuckDBEngine()
    made = closed._tmp
    assert os.path.isdir(made)
    closed.close()
    assert not os.path.exists(made)
    dropped = DuckDBEngine()  # never closed: removed when collected
    made = dropped._tmp
    del dropped
    gc.collect()
    assert not os.path.exists(made)
    given = tmp_path / "spill"
    given.mkdir()
    DuckDBEngine(temp_directory=str(given)).close()
    assert given.is_dir()


def test_a_budget_no_run_can_keep_is_said_not_silently_accepted(tmp_path: Path):
    """``--memory-limit 10MB`` runs (DuckDB spills) but the interpreter alone takes more:
    the run says so in ``summary.json`` and on the terminal."""
    from click.testing import CliRunner

    from inconcert.cli import main

    posts = _posts(tmp_path)
    res = CliRunner().invoke(main, ["detect", str(posts), "-o", str(tmp_path / "o"), "--memory-limit", "10MB"])
    assert res.exit_code == 0, res.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert any("memory limit 10MB is below what any run needs" in w for w in summary["warnings"])
    assert "Give at least 500MB" in " ".join(res.output.split())
    res = CliRunner().invoke(main, ["detect", str(posts), "-o", str(tmp_path / "p"), "--memory-limit", "1GB"])
    assert not any("memory limit" in w for w in json.loads((tmp_path / "p" / "summary.json").read_text()).get("warnings", []))
