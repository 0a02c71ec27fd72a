"""Personas speed: synthetic accounts × texts through ``personas_from_actions``.

Each account has a writer (one writer per two accounts on average, so there
are same-hand pairs to find) with habits of its own; texts of 8–18 words from
a shared vocabulary. Prints the wall time of every step and the peak memory.

Run: ``PYTHONPATH=src python benchmarks/bench_personas_speed.py --accounts 10000 --texts 100``.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inconcert.personas import PersonaConfig, personas_from_actions


def synthetic(n_accounts: int, n_texts: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(3000)] + "the a of to and in that is for it on with as".split())
    ends = np.array(["", ".", "!", "!!", "...", "?", " :)", " 😂", " #Tag", " https://t.co/x"])
    n = n_accounts * n_texts
    lengths = rng.integers(8, 18, n)
    words = vocab[rng.zipf(1.3, lengths.sum()) % len(vocab)]
    cuts = np.concatenate([[0], np.cumsum(lengths)])
    flat = pa.array(words.tolist())
    lists = pa.ListArray.from_arrays(pa.array(cuts, pa.int32()), flat)
    text = pc.binary_join(lists, " ")
    writer = np.repeat(rng.integers(0, max(1, n_accounts // 2), n_accounts), n_texts)
    text = pc.binary_join_element_wise(text, pa.array(ends[writer % len(ends)].tolist()), "")
    acc = np.repeat(np.arange(n_accounts), n_texts)
    ts = 1_475_280_000_000_000 + np.arange(n, dtype=np.int64) * 60_000_000
    return pa.table({"account_id": pa.array([f"acct{a:06d}" for a in acc]), "post_id": pa.array(np.arange(n).astype(str)),
                     "ts": pa.array(ts, pa.timestamp("us", tz="UTC")), "text": text,
                     "repost_of": pa.nulls(n, pa.string())})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=10_000)
    ap.add_argument("--texts", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--neighbours", default="auto", choices=["auto", "exact", "hnsw"])
    args = ap.parse_args()
    t0 = time.perf_counter()
    actions = synthetic(args.accounts, args.texts, seed=1)
    gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = personas_from_actions(actions, PersonaConfig(workers=args.workers, evidence_pairs=50, neighbours=args.neighbours))
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    s = res.summary
    print(f"{platform.node()} {platform.processor() or platform.machine()} · {args.accounts:,} accounts × "
          f"{args.texts} texts = {s['texts']:,} texts · generated in {gen:.0f}s")
    print(f"personas: {wall:.0f}s wall · neighbours {s['neighbours']} · steps {s['timings_s']}")
    print(f"peak RSS: main {peak:.0f} MB, largest worker {child:.0f} MB · {s['same_hand_rows']:,} pairs, "
          f"{s['accounts_hands_tested']:,} hands tests")


if __name__ == "__main__":
    main()
