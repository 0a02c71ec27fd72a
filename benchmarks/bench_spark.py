"""DuckDB vs Spark ``local[2]`` on the same posts, and a skewed viral object.

Usage::

    python benchmarks/bench_spark.py 1e6            # simulated posts, both engines
    python benchmarks/bench_spark.py --skew 100000  # one object shared 100,000 times

Inputs are generated into ``benchmarks/data/`` (git-ignored; own folders, so
other benchmarks regenerating theirs do not disturb a run). Each run is the
``inconcert detect`` command in a child process; the table printed at the end
is what goes into ``benchmarks/RESULTS.md``. Spark runs with
``spark.executor.memory=2g`` and ``spark.driver.memory=2g`` (in ``local``
mode the driver JVM is the executor); ``--default-memory`` leaves both out, so
Spark runs with what a user gets without ``--spark-conf`` (inconcert gives a
``local`` master 4g of driver memory; ``--spark-conf spark.driver.memory=1g``
on top is Spark's own default). After both engines ran on a size, their
result sets are compared file by file (``benchmarks/compare_results.py``).

    python benchmarks/bench_spark.py 1e7 --default-memory
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
SPARK_ARGS = ["--engine", "spark", "--spark-master", "local[2]"]
MEMORY_ARGS = ["--spark-conf", "spark.executor.memory=2g", "--spark-conf", "spark.driver.memory=2g"]


def simulated(n: int) -> Path:
    """``benchmarks/data/spark_sim_<n>/posts.parquet`` (generated once, seed 1)."""
    from inconcert.simulate import simulate

    target = HERE / "data" / f"spark_sim_{n}" / "posts.parquet"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        posts, labels = simulate(n_posts=n, seed=1)
        pq.write_table(posts, target)
        pq.write_table(labels, target.parent / "labels.parquet")
    return target


def skewed(shares: int, background: int = 200_000, hours: float = 24.0) -> Path:
    """Simulated background posts plus one post reposted ``shares`` times.

    The reposts come from ``shares // 4`` accounts (4 each) spread uniformly
    over ``hours``: a viral object whose share pairs within 60 s number about
    ``shares² · 60 / (hours · 3600)``.
    """
    from inconcert.simulate import simulate

    target = HERE / "data" / f"skew_{shares}" / "posts.parquet"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    posts, _ = simulate(n_posts=background, seed=7)
    rng = np.random.default_rng(7)
    start = 1704067200 * 1_000_000  # 2024-01-01 UTC, in µs
    t = start + np.sort(rng.integers(0, int(hours * 3600e6), shares))
    viral = pa.table(
        {
            "post_id": [f"v{i}" for i in range(shares)],
            "account_id": [f"fan{i % max(shares // 4, 1):06d}" for i in range(shares)],
            "created_at": pa.array(t, pa.timestamp("us", tz="UTC")),
            "text": [""] * shares,
            "urls": [""] * shares,
            "repost_of": ["viral_post"] * shares,
            "hashtags": [""] * shares,
        }
    )
    pq.write_table(pa.concat_tables([posts, viral.cast(posts.schema)]), target)
    return target


def _tree_rss(root: int) -> dict[str, int]:
    """RSS (bytes) of ``root`` and its descendants from ``/proc``, summed by kind:
    ``driver`` (the ``inconcert`` Python), ``jvm`` (java), ``workers`` (other Pythons)."""
    kids: dict[int, list[int]] = {}
    info: dict[int, tuple[str, int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
            rss = int(st[st.rindex(")") + 2 :].split()[21]) * os.sysconf("SC_PAGE_SIZE")
            ppid = int(st[st.rindex(")") + 2 :].split()[1])
            comm = st[st.index("(") + 1 : st.rindex(")")]
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
        info[int(d)] = (comm, rss)
    out = {"driver": 0, "jvm": 0, "workers": 0}
    todo = [root]
    while todo:
        pid = todo.pop()
        comm, rss = info.get(pid, ("", 0))
        kind = "driver" if pid == root else ("jvm" if comm == "java" else "workers")
        out[kind] += rss
        todo += kids.get(pid, [])
    return out


def _sample(proc: subprocess.Popen, peaks: dict[str, int], every: float = 2.0) -> None:
    """Peak RSS of ``proc``'s tree by kind (and of the sum) until it exits."""
    while proc.poll() is None:
        now = _tree_rss(proc.pid)
        now["total"] = sum(now.values())
        for k, v in now.items():
            peaks[k] = max(peaks.get(k, 0), v)
        time.sleep(every)


def run(
    path: Path,
    engine: str,
    extra: list[str],
    spark_conf: list[str] | None = None,
    default_memory: bool = False,
) -> dict:
    """Run ``inconcert detect`` in a child process; wall time, peak RSS, counts.

    ``spark_conf`` (``KEY=VALUE``) overrides the 2g memory settings;
    ``default_memory`` leaves those out (the engine's defaults).
    """
    out = path.parent / f"out_bench_{engine}"
    args = ["--engine", "duckdb"]
    if engine == "spark":
        args = SPARK_ARGS + ([] if default_memory else MEMORY_ARGS)
        for kv in spark_conf or []:
            args += ["--spark-conf", kv]
    cmd = [
        sys.executable,
        "-m",
        "inconcert",
        "detect",
        str(path),
        "-o",
        str(out),
        "-q",
        *args,
        *extra,
    ]
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1")
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env)
    peaks: dict[str, int] = {}
    sampler = threading.Thread(target=_sample, args=(proc, peaks), daemon=True)
    sampler.start()
    if proc.wait() != 0:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    wall = time.perf_counter() - t
    sampler.join()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    s = json.loads((out / "summary.json").read_text())
    return {
        "engine": engine,
        "posts": s["rows"]["used"],
        "wall_s": round(wall, 1),
        "peak_rss_gib_max_so_far": round(peak / 1024 / 1024, 2),
        # sampled every 2 s from /proc: the JVM is the Python child's child (not in rusage)
        "sampled_peak_rss_gib": {k: round(v / 2**30, 2) for k, v in peaks.items()},
        "counts": s["counts"],
        "timings": s["timings"],
    }


def hot_keys(path: Path, window: float = 60.0) -> dict:
    """How the biggest object splits: rows under the largest join key with and
    without the time bucket (the co-action join's key is behaviour, object, bucket)."""
    import duckdb

    w = int(window * 1_000_000)
    con = duckdb.connect()
    q = f"""WITH r AS (SELECT repost_of AS o, epoch_us(created_at) AS t
                       FROM read_parquet('{path}') WHERE repost_of <> '')
            SELECT (SELECT max(c) FROM (SELECT count(*) c FROM r GROUP BY o)),
                   (SELECT max(c) FROM (SELECT count(*) c FROM r GROUP BY o, t // {w})),
                   (SELECT count(*) FROM (SELECT 1 FROM r WHERE o = 'viral_post' GROUP BY t // {w}))"""
    a, b, n = con.execute(q).fetchone()
    return {"largest_object_rows": a, "largest_object_bucket_rows": b, "viral_buckets": n}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=float)
    ap.add_argument("--skew", type=int, default=0, help="shares of one viral object")
    ap.add_argument("--engines", default="duckdb,spark")
    ap.add_argument(
        "--spark-conf",
        action="append",
        default=[],
        help="extra Spark settings for the simulated sizes, e.g. spark.driver.memory=12g",
    )
    ap.add_argument(
        "--default-memory",
        action="store_true",
        help="no spark.driver.memory / spark.executor.memory from the bench (the engine's defaults)",
    )
    a = ap.parse_args()
    load = os.getloadavg()[0]
    print(f"# machine: {platform.machine()}, {os.cpu_count()} cores, load {load:.1f}", flush=True)
    for s in a.sizes:
        path = simulated(int(s))
        for e in a.engines.split(","):
            print(json.dumps(run(path, e, [], a.spark_conf, a.default_memory)), flush=True)
        if a.engines == "duckdb,spark":  # the two result sets, file by file
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "compare_results.py"),
                    str(path.parent / "out_bench_duckdb"),
                    str(path.parent / "out_bench_spark"),
                ],
                check=False,
            )
    if a.skew:
        path = skewed(a.skew)
        print(json.dumps(hot_keys(path)), flush=True)
        for e in a.engines.split(","):
            print(
                json.dumps(
                    run(path, e, ["--behaviours", "repost"], default_memory=a.default_memory)
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
