"""Benchmark the ``near_text`` behaviour: wall time and peak RSS at 1e5, 1e6 (, 1e7) posts.

Usage: python benchmarks/bench_near_text.py 1e5 1e6 [--mode behaviour|detect]

Generates posts of 10–40 words (Zipf vocabulary of 50,000 words; 5 % are
perturbed copies of 2,000 scripts posted in bursts by 10,000 accounts) into
``benchmarks/data/near_text_N/posts.parquet`` (git-ignored), then in a child
process either

- ``behaviour``: loads the posts as the ``actions`` table of a DuckDB engine and
  runs ``near_text`` ``prepare`` + its traces (normalise, MinHash/LSH, verify,
  cluster, trace table), or
- ``detect``: runs ``inconcert detect --behaviours near_text`` end to end.

It prints one JSON line per run (seconds, peak RSS of the child, counts).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
START_US = 1_704_067_200 * 1_000_000


def make(n: int, seed: int = 1) -> Path:
    """Write ``n`` posts to benchmarks/data/near_text_N/posts.parquet (cached)."""
    from inconcert.simulate.copypasta import _vocabulary, perturb

    d = HERE / "data" / f"near_text_{n}"
    target = d / "posts.parquet"
    if target.exists():
        return target
    d.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    vocab = _vocabulary(rng, 50_000)
    p = 1.0 / np.arange(1, len(vocab) + 1)
    p /= p.sum()
    n_copy = n // 20
    n_own = n - n_copy
    lens = rng.integers(10, 41, size=n_own)
    toks = vocab[rng.choice(len(vocab), size=int(lens.sum()), p=p)]
    ends = np.cumsum(lens)
    texts = [" ".join(toks[e - k : e]) for e, k in zip(ends.tolist(), lens.tolist(), strict=True)]
    n_acc = max(n // 20, 10)
    acc = rng.integers(0, n_acc, size=n_own)
    ts = rng.integers(0, 30 * 86_400, size=n_own)
    scripts = [texts[i] for i in rng.choice(n_own, size=max(n_copy // 25, 1), replace=False)]
    c_script = rng.integers(0, len(scripts), size=n_copy)
    burst = rng.integers(0, 30 * 86_400, size=len(scripts))
    copies = [perturb(rng, scripts[s], vocab) for s in c_script.tolist()]
    c_acc = rng.integers(n_acc, n_acc + max(n // 100, 10), size=n_copy)
    c_ts = burst[c_script] + rng.integers(0, 60, size=n_copy)
    table = pa.table(
        {
            "post_id": [f"p{i}" for i in range(n)],
            "account_id": [f"a{i}" for i in np.concatenate([acc, c_acc]).tolist()],
            "created_at": pa.array(
                START_US + np.concatenate([ts, c_ts]) * 1_000_000, pa.timestamp("us", tz="UTC")
            ),
            "text": texts + copies,
        }
    )
    pq.write_table(table, target)
    print(f"generated {n:,} posts in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return target


def _behaviour_child(path: str) -> None:
    import pyarrow.parquet as pq

    from inconcert.actions import conform
    from inconcert.behaviours import get_behaviour
    from inconcert.config import DetectConfig
    from inconcert.engines.duckdb_engine import DuckDBEngine

    t = pq.read_table(path)
    t = conform(t.rename_columns(["post_id", "account_id", "ts", "text"]))
    t = t.append_column("seq", pa.array(np.arange(t.num_rows), pa.int64()))
    e = DuckDBEngine()
    e.register_arrow("actions", t)
    del t
    cfg = DetectConfig(behaviours=["near_text"])
    b = get_behaviour("near_text")
    t0 = time.perf_counter()
    stats = b.prepare(e, cfg)
    e.create_table("traces", b.traces_sql(e.dialect, cfg))
    secs = time.perf_counter() - t0
    st = dict(stats or {})
    st.pop("params", None)
    print(json.dumps({"seconds": round(secs, 1), "traces": e.count("traces"), **st}))


def run(n: int, mode: str) -> dict:
    path = make(n)
    if mode == "behaviour":
        cmd = [sys.executable, __file__, "--child", str(path)]
    else:
        out = path.parent / "out"
        cmd = [sys.executable, "-m", "inconcert", "detect", str(path), "-o", str(out), "-q",
               "--behaviours", "near_text"]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(proc.stderr)
    res = {"posts": n, "mode": mode, "wall_s": round(wall, 1)}
    if mode == "behaviour":
        res.update(json.loads(proc.stdout.strip().splitlines()[-1]))
    else:
        summary = json.loads((path.parent / "out" / "summary.json").read_text())
        res["timings"] = {k: round(v, 1) for k, v in summary.get("timings", {}).items()}
        res["counts"] = summary.get("counts")
    res["peak_rss_gib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20, 2)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", default=["1e5", "1e6"])
    ap.add_argument("--mode", choices=["behaviour", "detect"], default="behaviour")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        _behaviour_child(a.child)
        return
    for s in a.sizes:  # one child per size: ru_maxrss of children is a running maximum
        print(json.dumps(run(int(float(s)), a.mode)), flush=True)


if __name__ == "__main__":
    main()
