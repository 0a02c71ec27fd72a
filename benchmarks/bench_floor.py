"""How far ``inconcert detect`` is from the floor: a bare DuckDB band join.

Usage: python benchmarks/bench_floor.py 1e6 1e7 [--runs 3] [--extra '--memory-limit 3GB']

For each size, on the same simulated posts (``benchmarks/data/sim_N``, made by
``bench_detect.make``), it runs in the same session, alternating, ``--runs``
times each:

- **floor** at each of ``--windows`` (default ``60,21600``): a child Python
  process that opens DuckDB, reads the posts, turns URLs, reposts and hashtag
  sets into ``(object, account, t)`` traces and counts the account pairs within
  the window of each other on the same object with the bucketed band join (pairs
  only: no text normalisation, no scoring, no outputs). 60 s is the floor of the
  single-window detection this benchmark was written for; 21,600 s (6 h) is the
  widest window of the default ladder, so it counts every pair the ladder could
  need (detect pairs fewer: a popular object's window is capped, see
  ``docs/null-model.md``);
- **detect**: ``python -m inconcert detect posts.parquet -o out -q`` with default
  settings.

It prints, per size, the medians of wall time and of CPU time (user + system of
the child: on a shared machine the wall time measures the other users too), the
ratios of the medians, the machine's load average before the size, and one JSON
line per size for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
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
con.execute("SET enable_progress_bar = false")  # its bar goes to stdout, where the count is read
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


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system) and stdout of a child process."""
    t, c = time.perf_counter(), _cpu_children()
    r = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return time.perf_counter() - t, _cpu_children() - c, r.stdout.strip()


def _median(xs: list[float]) -> float:
    return statistics.median(xs)


def main() -> None:
    from bench_detect import make

    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="+", type=float)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--windows", default="60,21600", help="floor windows in seconds, comma separated")
    ap.add_argument("--extra", default="", help="extra detect arguments")
    a = ap.parse_args()
    windows = [float(w) for w in a.windows.split(",")]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    for s in a.sizes:
        path = make(int(s), "parquet")
        load = os.getloadavg()[0]
        floor: dict[float, list[tuple[float, float]]] = {w: [] for w in windows}
        pairs: dict[float, int] = {}
        full: list[tuple[float, float]] = []
        for _ in range(a.runs):
            for w in windows:
                t, c, out = _timed([sys.executable, "-c", FLOOR, str(path), str(w)])
                floor[w].append((t, c))
                pairs[w] = int(out)
            out_dir = path.parent / "out_floor"
            t, c, _ = _timed(
                [sys.executable, "-m", "inconcert", "detect", str(path), "-o", str(out_dir), "-q", *a.extra.split()]
            )
            full.append((t, c))
        d_wall, d_cpu = _median([x[0] for x in full]), _median([x[1] for x in full])
        rec: dict = {
            "posts": int(s),
            "detect_s": [round(x[0], 1) for x in full],
            "detect_cpu_s": [round(x[1], 1) for x in full],
            "detect_median_s": round(d_wall, 1),
            "detect_median_cpu_s": round(d_cpu, 1),
            "floors": [],
            "load_before": round(load, 1),
        }
        for w in windows:
            f_wall, f_cpu = _median([x[0] for x in floor[w]]), _median([x[1] for x in floor[w]])
            rec["floors"].append({
                "window_s": w,
                "pairs": pairs[w],
                "floor_s": [round(x[0], 1) for x in floor[w]],
                "floor_median_s": round(f_wall, 1),
                "floor_median_cpu_s": round(f_cpu, 1),
                "ratio": round(d_wall / f_wall, 2),
                "ratio_cpu": round(d_cpu / f_cpu, 2),
            })
        print(json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
