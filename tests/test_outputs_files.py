"""What the tool writes (issues 16.3, 15.2): safe CSVs in one dialect, valid graphs, typed tables, identical reruns."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inconcert.outputs.csvfile import (
    BOM,
    TRIGGERS,
    neutralise,
    read_csv_rows,
    unneutralise,
    write_csv,
)
from inconcert.outputs.options import OutputOptions
from inconcert.pipeline import detect

HOSTILE = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-1+1", "\t=1", "\r=1"]
NAMES = ["a\x01b", "c\x0bd", "😀 emoji", "مرحبا بالعالم", "tab\there", *HOSTILE]


def _posts(names: list[str]) -> pd.DataFrame:
    """Every account shares the same links seconds apart: one group of all of them."""
    rows = []
    for day in range(4):
        for i, n in enumerate(names):
            rows.append({"post_id": f"{day}-{i}", "account_id": n, "ts": pd.Timestamp(f"2024-01-0{day + 1} 10:00:00")
                         + pd.Timedelta(seconds=2 * i), "urls": [f"http://example.org/{day}"],
                         "text": f"{HOSTILE[i % len(HOSTILE)]} post {day}"})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile") / "out"
    bad = tmp_path_factory.mktemp("in") / "bad.jsonl"  # a broken line: rejects.csv keeps it as it was
    bad.write_text('{"id": "1", "author": "x", "created_at": "2024-01-01 10:00"}\n=cmd|calc\n', encoding="utf-8")
    r = detect([_posts(NAMES), bad], out, keep_insignificant=True, min_weight=2)
    return r, out


def _cells(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return [c for row in csv.reader(fh) for c in row]


def test_no_csv_cell_a_spreadsheet_would_execute(hostile_run):
    r, out = hostile_run
    csvs = sorted(p for p in out.iterdir() if p.suffix == ".csv")
    assert {p.name for p in csvs} >= {"groups.csv", "accounts.csv", "links.csv", "objects.csv", "rejects.csv"}
    seen = set()
    for p in csvs:
        for c in _cells(p):
            assert not c or c[0] not in TRIGGERS or _is_number(c), (p.name, c)
            seen.add(c)
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in seen and "'-1+1" in seen and "'@SUM(1+1)" in seen
    assert "'=cmd|calc" in _cells(out / "rejects.csv")
    # our own readers undo the escape: the names round-trip
    assert {row["account_id"] for row in read_csv_rows(out / "accounts.csv")} == {*NAMES, "x"}
    assert set(r.accounts.column("account_id").to_pylist()) == {*NAMES, "x"}


def _is_number(c: str) -> bool:
    try:
        float(c)
        return True
    except ValueError:
        return False


def test_raw_csv_writes_cells_as_they_are(tmp_path):
    out = tmp_path / "out"
    detect(_posts(HOSTILE), out, keep_insignificant=True, outputs=OutputOptions(raw_csv=True))
    assert set(HOSTILE) <= set(_cells(out / "accounts.csv"))


def test_neutralise_is_undone_exactly():
    values = [*HOSTILE, "'=x", "''@y", "'tis", "-5", "+3.5e-2", "ok", ""]
    back = [unneutralise(v) for v in neutralise(pa.array(values)).to_pylist()]
    assert back == values


def test_graphs_parse_and_names_round_trip(hostile_run):
    _, out = hostile_run
    pictured = {n.replace("\x01", "␁").replace("\x0b", "␋") for n in NAMES}
    for name, read in (("graph.gexf", nx.read_gexf), ("graph.graphml", nx.read_graphml)):
        ET.parse(out / name)  # well-formed XML
        g = read(out / name)
        assert set(g.nodes) == pictured, name
        node = g.nodes["😀 emoji"]
        assert isinstance(node["strength"], int) and isinstance(node["degree"], int), node
        assert isinstance(node["coordinated_share"], float)
    gexf = (out / "graph.gexf").read_text(encoding="utf-8")
    assert 'title="strength" type="long"' in gexf and 'title="degree" type="long"' in gexf
    graphml = (out / "graph.graphml").read_text(encoding="utf-8")
    assert 'attr.name="strength" attr.type="long"' in graphml


def test_one_dialect_and_times_with_the_zone(hostile_run):
    _, out = hostile_run
    for name in ("groups.csv", "links.csv", "objects.csv", "accounts.csv", "rejects.csv"):
        raw = (out / name).read_bytes()
        assert b"\r\n" not in raw.replace(b'"\r=1"', b"") and not raw.startswith(BOM), name
        header = raw.split(b"\n", 1)[0]
        assert b'"' not in header, name  # minimal quoting: plain names are not quoted
    g = next(read_csv_rows(out / "groups.csv"))
    assert g["first_ts"] == "2024-01-01T10:00:00Z" and g["size"] == str(len(NAMES))
    link = next(read_csv_rows(out / "links.csv"))
    assert link["first_ts"].endswith("Z") and "T" in link["first_ts"]


def test_sub_second_times_only_when_present(tmp_path):
    p = tmp_path / "t.csv"
    write_csv(pa.table({"t": pa.array([pd.Timestamp("2021-09-03 14:03:03"), pd.Timestamp("2021-09-03 14:03:03.5")],
                                      pa.timestamp("us", "UTC"))}), p)
    assert p.read_text().splitlines() == ["t", "2021-09-03T14:03:03Z", "2021-09-03T14:03:03.5Z"]


def test_excel_writes_a_bom_on_every_csv(tmp_path):
    out = tmp_path / "out"
    detect(_posts(NAMES), out, keep_insignificant=True, outputs=OutputOptions(bom=True))
    for p in out.glob("*.csv"):
        assert p.read_bytes().startswith(BOM), p.name
    assert {r["account_id"] for r in read_csv_rows(out / "accounts.csv")} == set(NAMES)


def test_integer_columns_stay_integers_in_parquet(hostile_run, tmp_path):
    _, out = hostile_run
    for name, cols in (("evidence.parquet", ("group_id",)), ("links.parquet", ("group_id", "weight"))):
        schema = pq.read_schema(out / name)
        for c in cols:
            assert pa.types.is_integer(schema.field(c).type), (name, c, schema.field(c).type)
    # also when nothing is grouped (every group_id NULL)
    lone = tmp_path / "lone"
    detect(_posts(["a", "b"]).head(2), lone)
    assert pa.types.is_integer(pq.read_schema(lone / "evidence.parquet").field("group_id").type)


def test_two_runs_write_identical_files(tmp_path):
    src = tmp_path / "posts.parquet"
    pq.write_table(pa.Table.from_pandas(_posts(NAMES), preserve_index=False), src)
    for o in ("a", "b"):
        code = (f"from inconcert.pipeline import detect; detect([{str(src)!r}], {str(tmp_path / o)!r}, "
                "keep_insignificant=True)")
        subprocess.run([sys.executable, "-c", code], check=True,
                       env={"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"), "PATH": "/usr/bin:/bin"})
    a, b = (json.loads((tmp_path / o / "summary.json").read_text()) for o in ("a", "b"))
    assert a["files"] == b["files"] and len(a["files"]) >= 10  # every file byte-identical (sha256)
    for s in (a, b):
        s.pop("timings")
        s["steps"] = {k: (v["rows_in"], v["rows_out"]) for k, v in s["steps"].items()}  # not seconds, memory
    assert a == b
