"""What ``evidence.parquet`` and ``links.csv`` hold (issue 17.1): the receipts of the
links that pass, a group's rows together; every share pair with ``all_evidence``."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from inconcert.outputs.options import OutputOptions
from inconcert.pipeline import detect


@pytest.fixture(scope="module")
def runs(sim_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("receipts")
    detect([sim_dir / "posts.csv"], d / "receipts")
    detect([sim_dir / "posts.csv"], d / "all", outputs=OutputOptions(all_evidence=True))
    return d / "receipts", d / "all"


def _key(r: dict) -> tuple:
    return (r["behaviour"], r["object"], r["post_a"], r["post_b"])


def test_evidence_is_the_receipts_of_passing_links_and_groups(runs):
    receipts, every = runs
    ev = pq.read_table(receipts / "evidence.parquet").to_pylist()
    allev = pq.read_table(every / "evidence.parquet").to_pylist()
    links = pq.read_table(receipts / "links.parquet").to_pylist()
    passing = {frozenset((r["account_a"], r["account_b"])) for r in links if r["passes_threshold"]}
    assert 0 < len(ev) < len(allev)
    assert {_key(r) for r in ev} <= {_key(r) for r in allev}
    # each row rests on a passing link or lies inside a group; every such pair of all the pairs is kept
    assert all(frozenset((r["account_a"], r["account_b"])) in passing or r["group_id"] is not None for r in ev)
    wanted = {_key(r) for r in allev
              if frozenset((r["account_a"], r["account_b"])) in passing or r["group_id"] is not None}
    assert {_key(r) for r in ev} == wanted


def test_a_groups_evidence_is_contiguous_and_in_time_order(runs):
    receipts, _ = runs
    ev = pq.read_table(receipts / "evidence.parquet").to_pylist()
    gids = [r["group_id"] for r in ev]
    grouped = [g for g in gids if g is not None]
    assert grouped == sorted(grouped) and gids[: len(grouped)] == grouped  # groups in order, the rest last
    for g in set(grouped):  # within a group, each link's pairs together and by time
        rows = [r for r in ev if r["group_id"] == g]
        seen: list[frozenset] = []
        for r in rows:
            k = frozenset((r["account_a"], r["account_b"]))
            if not seen or seen[-1] != k:
                assert k not in seen
                seen.append(k)
        for k in seen:
            ts = [(r["ts_a"], r["ts_b"]) for r in rows if frozenset((r["account_a"], r["account_b"])) == k]
            assert ts == sorted(ts)


def test_links_csv_holds_the_links_that_pass(runs):
    receipts, _ = runs
    with open(receipts / "links.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    links = pq.read_table(receipts / "links.parquet").to_pylist()
    passing = [r for r in links if r["passes_threshold"]]
    assert 0 < len(rows) == len(passing) < len(links)
    assert [(r["account_a"], r["account_b"]) for r in rows] == [(r["account_a"], r["account_b"]) for r in passing]
