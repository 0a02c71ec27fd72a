"""How far ``inconcert detect`` is from the floor: a bare DuckDB band join.

Usage: python benchmarks/bench_floor.py 1e6 1e7 [--runs 3] [--extra '--memory-limit 3GB']

For each size, on the same simulated posts (``benchmarks/data/sim_N``, made by
``bench_detect.make``), it runs in the same session, alternating, ``--runs``
times each:

- **floor**: a child Python process that opens DuckDB, reads the posts, turns
  URLs, reposts and hashtag sets into ``(object, account, t)`` traces and counts
  the account pairs within 60 s of each other on the same object with the
  bucketed band join (pairs only: no text normalisation, no scoring, no outputs);
- **detect**: ``python -m inconcert detect posts.parquet -o out -q`` with default
  settings.

It prints the medians, the ratio of the medians, the machine's load average
before each size, and one JSON line per size for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

FLOOR = r"""
import sys, duckdb
path, window = sys.argv[1], int(float(sys.argv[2]) * 1_000_000)
con = duckdb.connect()
con.execute("SET preserve_insertion_order = false")
con.execute(f'''CREATE TABLE tr AS
  WITH p AS (SELECT account_id, epoch_us(CAST(created_at AS TIMESTAMP)) AS t, urls, repost_of, hashtags
             FROM read_parquet('{path}'))
  SELECT 'u' || unnest(string_split(urls, ' ')) AS o, account_id AS a, t FROM p WHERE urls <> ''
  UNION ALL SELECT 'r' || repost_of, account_id, t FROM p WHERE repost_of <> ''
  UNION ALL SELECT 'h' || hashtags, account_id, t FROM p WHERE hashtags LIKE '% %' ''')
con.execute(f"CREATE TABLE b AS SELECT o, a, t, t // {window} AS k FROM tr")
n = con.execute(f'''SELECT count(*) FROM b x JOIN
  (SELECT o, a, t, k FROM b UNION ALL SELECT o, a, t, k + 1 FROM b) y
  ON x.o = y.o AND x.k = y.k
  WHERE x.a <> y.a AND y.t - x.t BETWEEN 0 AND {window}''').fetchone()[0]
print(n)
"""


def _timed(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    r = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return time.perf_counter() - t, r.stdout.strip()


def main() -> None:
    from bench_detect import make

    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="+", type=float)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--window", type=float, default=60.0)
    ap.add_argument("--extra", default="", help="extra detect arguments")
    a = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    for s in a.sizes:
        path = make(int(s), "parquet")
        load = os.getloadavg()[0]
        floor, full = [], []
        pairs = ""
        for _ in range(a.runs):
            t, pairs = _timed([sys.executable, "-c", FLOOR, str(path), str(a.window)])
            floor.append(t)
            out = path.parent / "out_floor"
            t, _ = _timed(
                [sys.executable, "-m", "inconcert", "detect", str(path), "-o", str(out), "-q", *a.extra.split()]
            )
            full.append(t)
        f, d = statistics.median(floor), statistics.median(full)
        print(
            json.dumps(
                {
                    "posts": int(s),
                    "floor_pairs": int(pairs or 0),
                    "floor_s": [round(x, 1) for x in floor],
                    "detect_s": [round(x, 1) for x in full],
                    "floor_median_s": round(f, 1),
                    "detect_median_s": round(d, 1),
                    "ratio": round(d / f, 2),
                    "load_before": round(load, 1),
                }
            )
        )


if __name__ == "__main__":
    main()
