"""Make a 10⁸-post benchmark set: ten simulated 10⁷ worlds one after another (RESULTS.md, "10⁸ posts").

    python benchmarks/make_sharded.py benchmarks/data/sim_100000000 1e7 10

Shard k is ``simulate(n_posts, seed=k + 1)`` with ids, URL hosts, repost targets, hashtags
and texts prefixed by the shard (no account or object shared) and times shifted by 7 k days.
Written shard by shard into one Parquet file, so memory stays at one shard's.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inconcert.simulate import simulate


def shard(k: int, n: int) -> tuple[pa.Table, pa.Table]:
    """Posts and labels of shard ``k``, its names prefixed and its times shifted."""
    posts, labels = simulate(n_posts=n, seed=k + 1)
    pre = f"s{k}_"
    cols = {}
    for name in posts.column_names:
        c = posts.column(name)
        if name == "created_at":
            c = pc.add(c, pa.scalar(k * 7 * 86400 * 10**6, pa.duration("us")))
        elif name in ("post_id", "account_id", "repost_of"):
            c = pc.if_else(pc.equal(c, ""), c, pc.binary_join_element_wise(pre, c, ""))
        elif name == "urls":
            c = pc.if_else(pc.equal(c, ""), c, pc.replace_substring(c, "https://", f"https://s{k}x"))
        elif name == "hashtags":
            c = pc.replace_substring(c, "#", f"#{pre}")
        elif name == "text":
            c = pc.if_else(pc.equal(c, ""), c, pc.binary_join_element_wise(f"s{k}x", c, " "))
        cols[name] = c
    ids = pc.binary_join_element_wise(pre, labels.column(0), "")
    return pa.table(cols), labels.set_column(0, labels.column_names[0], ids)


def main(out: Path, n: int, shards: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    writers: tuple[pq.ParquetWriter, pq.ParquetWriter] | None = None
    for k in range(shards):
        t0 = time.time()
        posts, labels = shard(k, n)
        if writers is None:
            writers = (pq.ParquetWriter(out / "posts.parquet", posts.schema),
                       pq.ParquetWriter(out / "labels.parquet", labels.schema))
        writers[0].write_table(posts, row_group_size=1_000_000)
        writers[1].write_table(labels)
        print(k, posts.num_rows, round(time.time() - t0, 1), flush=True)
        del posts, labels
        gc.collect()
    if writers is not None:
        for w in writers:
            w.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(float(sys.argv[2])), int(sys.argv[3]))
