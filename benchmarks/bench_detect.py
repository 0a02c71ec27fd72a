"""Benchmark ``inconcert detect`` end to end: wall time and peak RSS.

Usage: python benchmarks/bench_detect.py 1e6 1e7 [--format parquet|csv]

Generates simulated posts (benchmarks/data/, git-ignored), then runs the
``inconcert detect`` command in a child process and reports its wall time,
CPU time (user + system), peak resident memory and the load average before it. Results are appended to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent


def make(n: int, fmt: str) -> Path:
    from inconcert.simulate import simulate, simulate_to_dir

    d = HERE / "data" / f"sim_{n}"
    target = d / ("posts.parquet" if fmt == "parquet" else "posts.csv")
    if target.exists():
        return target
    d.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    if fmt == "parquet":
        posts, labels = simulate(n_posts=n, seed=1)
        pq.write_table(posts, target)
        pq.write_table(labels, d / "labels.parquet")
    else:
        simulate_to_dir(d, n_posts=n, seed=1)
    print(f"generated {n:,} posts in {time.perf_counter() - t:.1f}s -> {target}", file=sys.stderr)
    return target


def run(path: Path, extra: list[str]) -> dict:
    out = path.parent / "out"
    load = os.getloadavg()[0]
    cmd = [sys.executable, "-m", "inconcert", "detect", str(path), "-o", str(out), "-q", *extra]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = r0.ru_maxrss
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = r1.ru_maxrss
    summary = json.loads((out / "summary.json").read_text())
    return {
        "posts": summary["rows"]["used"],
        "wall_s": round(wall, 1),
        # user + system: on a shared machine the wall time measures the other users too
        "cpu_s": round(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime, 1),
        "load_before": round(load, 1),
        "peak_rss_gib": round(max(peak, before) / 1024 / 1024, 2),
        "counts": summary["counts"],
        "timings": summary["timings"],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="+", type=float)
    ap.add_argument("--format", default="parquet", choices=["parquet", "csv"])
    ap.add_argument("--extra", default="", help="extra detect arguments, e.g. '--memory-limit 3GB'")
    a = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    for s in a.sizes:
        path = make(int(s), a.format)
        r = run(path, a.extra.split())
        print(json.dumps(r))


if __name__ == "__main__":
    main()
