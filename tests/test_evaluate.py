"""The one evaluation module: verdict scores, per-network recall, role agreement, evidence support."""

from __future__ import annotations

import datetime as dt
import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inconcert.evaluate import (
    evaluate_verdicts,
    evidence_support,
    network_recall,
    networks,
    nmi,
    role_agreement,
)


def _out(tmp_path, accounts: str, groups: str):
    (tmp_path / "accounts.csv").write_text(accounts)
    (tmp_path / "groups.csv").write_text(groups)
    return tmp_path


def test_nmi_matches_scikit_learn():
    sk = pytest.importorskip("sklearn.metrics")
    rng = random.Random(3)
    for _ in range(5):
        a = [rng.randint(0, 4) for _ in range(200)]
        b = [rng.randint(0, 7) for _ in range(200)]
        assert nmi(a, b) == pytest.approx(sk.normalized_mutual_info_score(a, b), abs=1e-6)
    assert nmi(["x", "x", "y"], [1, 1, 2]) == 1.0


def test_network_recall_and_verdicts(tmp_path):
    d = _out(
        tmp_path,
        "account_id,group_id\na,1\nb,1\nc,2\nd,\nf1,3\nf2,3\n",
        "group_id,verdict\n1,operation\n2,weak\n3,operation\n",
    )
    labels = pa.table(
        {
            "account_id": ["a", "b", "c", "d", "f1", "f2", "o"],
            "label": ["operation"] * 4 + ["automation"] * 2 + ["organic"],
            "group": [1, 1, 2, 2, 9, 9, 0],
            "tactic": ["links", "links", "rt", "rt", "news_feed", "news_feed", ""],
        }
    )
    nets = {n["network"]: n for n in network_recall(d, labels)}
    assert nets["1"] == {
        "network": "1",
        "label": "operation",
        "tactic": "links",
        "size": 2,
        "grouped": 2,
        "called_operation": 2,
    }
    assert nets["2"]["grouped"] == 1 and nets["2"]["called_operation"] == 0
    assert nets["9"]["called_operation"] == 2
    v = evaluate_verdicts(d, labels)
    assert v["automation_called_operation"] == 2 and v["operation_recall"] == 0.5


def test_role_agreement_uses_components_of_passing_links(tmp_path):
    d = _out(
        tmp_path,
        "account_id,group_id\na,1\nb,1\nc,2\nd,2\ne,\n",
        "group_id,verdict\n1,operation\n2,operation\n",
    )
    pq.write_table(
        pa.table(
            {
                "account_a": ["a", "b", "c", "x"],
                "account_b": ["b", "c", "d", "y"],
                "passes_threshold": [True, True, True, False],
            }
        ),
        d / "links.parquet",
    )
    assert networks(d) == {"a": "a", "b": "a", "c": "a", "d": "a"}
    r = role_agreement(d, {"a": "R", "b": "R", "c": "R", "d": "R", "e": "L"})
    assert r["grouped"] == 4 and r["grouped_share"] == 0.8
    assert r["min_purity"] == 1.0 and r["groups_pure_95"] == 2
    assert r["nmi_networks"] == 1.0  # one role, one network
    assert r["nmi_groups"] == 0.0  # one role split in two groups


def test_evidence_support_finds_groups_on_one_post_pair_or_one_object(tmp_path):
    t = dt.datetime(2024, 1, 1)
    ev = pa.table(
        {
            # group 1: one post pair seen as url and as its domain (object) -> one pair, one object
            # group 2: two post pairs on two urls
            "behaviour": ["url", "object", "url", "url"],
            "object": ["u1", "d1", "u2", "u3"],
            "post_a": ["p1", "p1", "p3", "p5"],
            "post_b": ["p2", "p2", "p4", "p6"],
            "account_a": ["a", "a", "c", "c"],
            "account_b": ["b", "b", "d", "d"],
            "ts_a": [t] * 4,
            "ts_b": [t] * 4,
            "dt": [1.0] * 4,
            "group_id": [1, 1, 2, 2],
            "similarity": pa.array([None] * 4, pa.float64()),
        }
    )
    pq.write_table(ev, tmp_path / "evidence.parquet")
    pq.write_table(
        pa.table(
            {
                "account_a": ["a", "c"],
                "account_b": ["b", "d"],
                "significant": [True, True],
                "group_id": [1, 2],
            }
        ),
        tmp_path / "links.parquet",
    )
    s = evidence_support(tmp_path)
    assert s["groups_with_evidence"] == 2
    assert s["groups_one_post_pair"] == 1 and s["groups_one_object"] == 1
    assert s["links_one_pair"] == 1 and s["examples_one_object"] == [1]
