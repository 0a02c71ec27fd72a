"""One post over several input rows (long exports: a row per image/URL/hashtag) is one
piece of evidence (issue 12: "one post, one piece of evidence"; the German set has posts
with several image hashes, one row each)."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq

from inconcert.pipeline import detect


def test_a_post_spread_over_rows_is_one_post_pair(tmp_path: Path) -> None:
    p = tmp_path / "long.csv"
    with p.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["account_id", "post_id", "phash_id", "timestamp"])
        for k, day in enumerate((0, 86_400)):  # two posts each, a day apart
            for acc, pid, dt in (("a", f"a{k}", 0), ("b", f"b{k}", 30)):
                for img in range(4):  # one post with four images: four rows
                    w.writerow([acc, pid, f"i{k}-{img}", 1_700_000_000 + day + dt])
    detect([p], tmp_path / "out", window=60, keep_insignificant=True)
    ev = pq.read_table(tmp_path / "out" / "evidence.parquet").to_pylist()
    assert sorted((r["post_a"], r["post_b"]) for r in ev) == [("a0", "b0"), ("a1", "b1")]  # not 16 rows
    links = pq.read_table(tmp_path / "out" / "links.parquet").to_pylist()
    assert len(links) == 1 and links[0]["pairs"] == 2
