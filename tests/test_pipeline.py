"""End to end: simulated posts in, groups and evidence out; outputs contract."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq

from inconcert.config import DetectConfig
from inconcert.evaluate import evaluate
from inconcert.pipeline import detect

OUTPUTS = ["accounts.csv", "groups.csv", "links.parquet", "links.csv", "evidence.parquet",
           "graph.gexf", "graph.graphml", "summary.json", "rejects.csv", "posts.parquet"]


def test_simulation_found_with_default_settings(sim_dir: Path, tmp_path: Path):
    out = tmp_path / "out"
    r = detect([sim_dir / "posts.csv"], out, DetectConfig())
    for f in OUTPUTS:
        assert (out / f).exists(), f
    scores = evaluate(out, sim_dir / "labels.csv")
    assert scores["f1"] >= 0.9, scores
    assert scores["organic_false_positive_rate"] <= 0.01
    s = json.loads((out / "summary.json").read_text())
    assert s["rows"]["read"] == s["rows"]["used"] + s["rows"]["rejected"]
    # near-duplicate text stands in for exact text by default (small input)
    assert set(s["behaviours"]) >= {"url", "repost", "near_text", "hashtags"}
    assert r.summary["counts"]["groups"] >= 4
    ev = pq.read_table(out / "evidence.parquet")
    assert {"behaviour", "object", "post_a", "post_b", "account_a", "account_b", "ts_a", "ts_b", "dt", "group_id"} <= set(ev.column_names)
    assert max(ev.column("dt").to_pylist()) <= max(s["windows"]) == 21600  # the ladder's widest window
    with open(out / "groups.csv") as fh:
        groups = list(csv.DictReader(fh))
    assert int(groups[0]["size"]) >= int(groups[-1]["size"])
    assert all(float(g["density"]) > 0 for g in groups)
    assert list(out.glob(".*tmp*")) == []  # nothing half-written left behind


def test_same_input_same_seed_identical_outputs(sim_dir: Path, tmp_path: Path):
    a = detect([sim_dir / "posts.csv"], tmp_path / "a", DetectConfig(seed=5))
    b = detect([sim_dir / "posts.csv"], tmp_path / "b", DetectConfig(seed=5))
    for f in ["accounts.csv", "groups.csv", "links.csv", "rejects.csv"]:
        assert (a.outdir / f).read_bytes() == (b.outdir / f).read_bytes(), f
    assert pq.read_table(a.outdir / "evidence.parquet").equals(pq.read_table(b.outdir / "evidence.parquet"))


def test_components_mode_and_percentile(sim_dir: Path, tmp_path: Path):
    r = detect([sim_dir / "posts.csv"], tmp_path, DetectConfig(communities="components", weight_percentile=50,
                                                                behaviours=["url", "repost"]))
    assert r.summary["behaviours"] == ["url", "repost"]
    assert r.summary["counts"]["groups"] >= 1


def test_empty_input_gives_empty_outputs(tmp_path: Path):
    p = tmp_path / "empty.csv"
    p.write_text("id,author,created_at,urls\n")
    r = detect([p], tmp_path / "out", DetectConfig())
    assert r.summary["counts"]["groups"] == 0
    assert (tmp_path / "out" / "groups.csv").exists()
    assert r.summary["rows"] == {"read": 0, "used": 0, "rejected": 0}


def test_rejects_written_with_reasons(tmp_path: Path):
    p = tmp_path / "p.csv"
    p.write_text("id,author,created_at,urls\n1,a,2024-01-01 00:00:00,http://x.com\n2,b,soon,http://x.com\n3,,2024-01-01,http://x.com\n")
    r = detect([p], tmp_path / "out", DetectConfig())
    with open(tmp_path / "out" / "rejects.csv") as fh:
        rej = list(csv.DictReader(fh))
    assert {x["reason"] for x in rej} == {"unparseable timestamp: soon", "empty account_id"}
    assert r.summary["rows"] == {"read": 3, "used": 1, "rejected": 2}
