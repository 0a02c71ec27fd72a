"""End to end on the extended simulator: verdicts and the evaluation metrics."""

from __future__ import annotations

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from inconcert.config import DetectConfig
from inconcert.errors import InputError
from inconcert.evaluate import evaluate_verdicts
from inconcert.pipeline import detect
from inconcert.simulate import simulate_extended


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("ext")
    posts, labels = simulate_extended(n_posts=20000, seed=2)
    pacsv.write_csv(posts, d / "posts.csv")
    pacsv.write_csv(labels, d / "labels.csv")
    detect([d / "posts.csv"], d / "out", DetectConfig(window=60))
    return d


def test_feeds_are_automation_and_organic_accounts_are_left_alone(run):
    m = evaluate_verdicts(run / "out", run / "labels.csv")
    assert m["automation_called_operation"] == 0
    assert m["automation_called_automation"] == m["automation_accounts"] > 0
    assert m["organic_false_positive_rate"] <= 0.001
    assert m["operation_precision"] >= 0.95
    assert m["groups_by_verdict"].get("operation", 0) >= 3


def test_groups_csv_carries_p_value_verdict_and_reasons(run):
    groups = pacsv.read_csv(run / "out" / "groups.csv").to_pylist()
    assert groups and {"p_value", "verdict", "reasons"} <= set(groups[0])
    for g in groups:
        assert g["verdict"] in ("operation", "automation", "weak")
        assert "Simes" in g["reasons"] and "of its actions carry links" in g["reasons"]
        assert "automation needs ≥ 50 %" in g["reasons"] or "share no links" in g["reasons"]
    links = pacsv.read_csv(run / "out" / "links.csv").to_pylist()
    assert {"expected", "p_value", "q_value", "significant", "surprise"} <= set(links[0])
    assert all(r["significant"] and r["passes_threshold"] for r in links)  # the spreadsheet: links that pass
    # insignificant links are kept in the output (links.parquet), marked
    links = pq.read_table(run / "out" / "links.parquet").to_pylist()
    assert any(not r["significant"] for r in links) and any(r["significant"] for r in links)


def test_evaluate_verdicts_rejects_bad_labels(tmp_path, run):
    (tmp_path / "l.csv").write_text("who,what\nx,y\n")
    with pytest.raises(InputError, match="account_id and label"):
        evaluate_verdicts(run / "out", tmp_path / "l.csv")
    with pytest.raises(InputError, match="inconcert detect"):
        evaluate_verdicts(tmp_path, tmp_path / "l.csv")
