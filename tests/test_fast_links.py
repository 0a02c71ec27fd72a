"""Links count their fast shares (issue 15: CooRTweet's flag_speed_share on links too)."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq

from inconcert.pipeline import detect


def test_links_count_post_pairs_within_a_tenth_of_the_narrowest_window(tmp_path: Path) -> None:
    p = tmp_path / "posts.csv"
    with p.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["account_id", "ts", "urls"])
        for k, gap in enumerate((0.5, 0.5, 0.5, 30.0)):  # three fast co-shares, one slow one
            t = 1_700_000_000 + 86_400 * k
            w.writerow(["a", t, f"https://x.example/{k}"])
            w.writerow(["b", t + gap, f"https://x.example/{k}"])
    r = detect([p], tmp_path / "out", keep_insignificant=True)
    assert min(r.summary["windows"]) == 10.0  # the ladder's narrowest window: fast = Δt ≤ 1 s
    links = pq.read_table(tmp_path / "out" / "links.parquet").to_pylist()
    assert len(links) == 1 and links[0]["pairs"] == 4 and links[0]["fast_pairs"] == 3
    ev = pq.read_table(tmp_path / "out" / "evidence.parquet").to_pylist()
    assert sorted(e["fast"] for e in ev) == [False, True, True, True]
