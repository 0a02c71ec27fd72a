"""Identical reruns and peak memory: run ``inconcert detect`` twice on the same
simulated posts and compare the SHA-256 of every file of the two result sets.

Usage: python benchmarks/bench_rerun.py 1e7 [--memory-limit 4GB] [--runs 2]

Uses the posts of ``benchmarks/bench_detect.py`` (``benchmarks/data/sim_<n>``,
made when missing). Prints per run the wall time, peak RSS (the child's
``ru_maxrss``) and per step the rows and peak memory from ``summary.json``,
then whether every file is byte-identical (``summary.json`` compared without
its timings and the steps' seconds and memory).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_detect import make  # noqa: E402


def sha256s(out: Path) -> dict[str, str]:
    """SHA-256 of every file of a result set but ``summary.json``."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.iterdir()) if p.is_file() and p.name != "summary.json"}


def stable_summary(out: Path) -> dict:
    s = json.loads((out / "summary.json").read_text())
    s.pop("timings", None)
    s.pop("command", None)  # names the run's own output folder
    s["steps"] = {k: (v["rows_in"], v["rows_out"]) for k, v in s.get("steps", {}).items()}
    return s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("size", type=float)
    ap.add_argument("--memory-limit", default="4GB")
    ap.add_argument("--runs", type=int, default=2)
    a = ap.parse_args()
    path = make(int(a.size), "parquet")
    outs = []
    for i in range(a.runs):
        out = path.parent / f"rerun_{i}"
        cmd = [sys.executable, "-m", "inconcert", "detect", str(path), "-o", str(out), "-q",
               "--memory-limit", a.memory_limit]
        t = time.perf_counter()
        proc = subprocess.Popen(cmd)
        _, status, usage = os.wait4(proc.pid, 0)
        if status:
            sys.exit(f"run {i} failed ({status})")
        steps = json.loads((out / "summary.json").read_text())["steps"]
        print(json.dumps({"run": i, "wall_s": round(time.perf_counter() - t, 1),
                          "peak_rss_mib": round(usage.ru_maxrss / 1024),
                          "steps": {k: [v["rows_in"], v["rows_out"], v["seconds"], v["peak_rss_mib"]]
                                    for k, v in steps.items()}}))
        outs.append(out)
    first = sha256s(outs[0])
    for out in outs[1:]:
        other = sha256s(out)
        differ = sorted(n for n in set(first) | set(other) if first.get(n) != other.get(n))
        same_summary = stable_summary(outs[0]) == stable_summary(out)
        print(json.dumps({"files": len(first), "differ": differ, "summary_equal": same_summary}))
        for name, h in first.items():
            print(f"{h}  {name}")


if __name__ == "__main__":
    main()
