"""Personas speed: synthetic accounts × texts through ``personas_from_actions``.

Each account has a writer (one writer per two accounts on average, so there
are same-hand pairs to find) with habits of its own; texts of 8–18 words from
a shared vocabulary. Prints the wall time of every step and the peak memory.

``--ngrams`` instead times only the n-gram counting of the texts of that input,
the numpy counter (:mod:`inconcert.personas.ngrams`) against scikit-learn's
``HashingVectorizer(analyzer="char")`` (the counter it replaced), one process,
median of three alternating runs.

Run: ``PYTHONPATH=src python benchmarks/bench_personas_speed.py --accounts 10000 --texts 100``.
"""

from __future__ import annotations

import argparse
import os
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
    # built in Arrow (take from small string arrays), never as one Python string per word:
    # 10⁵ × 100 texts are 1.3 × 10⁸ words
    words = pc.take(pa.array(vocab.tolist()), pa.array(rng.zipf(1.3, lengths.sum()) % len(vocab)))
    cuts = np.concatenate([[0], np.cumsum(lengths)])
    lists = pa.ListArray.from_arrays(pa.array(cuts, pa.int64() if cuts[-1] >= 2**31 else pa.int32()), words)
    text = pc.binary_join(lists, " ")
    writer = np.repeat(rng.integers(0, max(1, n_accounts // 2), n_accounts), n_texts)
    text = pc.binary_join_element_wise(text, pc.take(pa.array(ends.tolist()), pa.array(writer % len(ends))), "")
    acc = np.repeat(np.arange(n_accounts), n_texts)
    ts = 1_475_280_000_000_000 + np.arange(n, dtype=np.int64) * 60_000_000
    names = pa.array([f"acct{a:06d}" for a in range(n_accounts)])
    return pa.table({"account_id": pc.take(names, pa.array(acc)), "post_id": pc.cast(pa.array(np.arange(n)), pa.string()),
                     "ts": pa.array(ts, pa.timestamp("us", tz="UTC")), "text": text,
                     "repost_of": pa.nulls(n, pa.string())})


def compare_counters(actions: pa.Table) -> None:
    """Median of three alternating runs of both counters on the style texts of ``actions``."""
    from sklearn.feature_extraction.text import HashingVectorizer

    from inconcert.personas.ngrams import ngram_counts
    from inconcert.personas.texts import style_text_array

    style = style_text_array(actions["text"])
    texts = style.to_pylist()
    hv = HashingVectorizer(analyzer="char", ngram_range=(1, 4), lowercase=False, alternate_sign=False,
                           norm=None, n_features=2**22, dtype=np.float32)
    times: dict[str, list[float]] = {"numpy": [], "sklearn": []}
    for _ in range(3):
        t0 = time.process_time()
        ngram_counts(style, 1, 4, 22)
        times["numpy"].append(time.process_time() - t0)
        t0 = time.process_time()
        hv.transform(texts).tocsr()
        times["sklearn"].append(time.process_time() - t0)
    mb = pc.sum(pc.binary_length(style)).as_py() / 1e6
    med = {k: float(np.median(v)) for k, v in times.items()}
    print(f"{len(texts):,} texts, {mb:.1f} MB of style text, load average {os.getloadavg()[0]:.1f}; CPU seconds, "
          f"median of 3: numpy {med['numpy']:.2f} s ({mb / med['numpy']:.1f} MB/s), sklearn {med['sklearn']:.2f} s "
          f"({mb / med['sklearn']:.1f} MB/s): {med['sklearn'] / med['numpy']:.1f}× faster")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=10_000)
    ap.add_argument("--texts", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--neighbours", default="auto", choices=["auto", "exact", "hnsw"])
    ap.add_argument("--segment-profiles", default="texts", choices=["texts", "chunk_mean"])
    ap.add_argument("--function-words", type=int, default=PersonaConfig.function_words,
                    help="words of the word view (0 = no word view, as before the fourth session)")
    ap.add_argument("--ngrams", action="store_true", help="time only the n-gram counters")
    args = ap.parse_args()
    t0 = time.perf_counter()
    actions = synthetic(args.accounts, args.texts, seed=1)
    gen = time.perf_counter() - t0
    if args.ngrams:
        return compare_counters(actions)
    load0 = os.getloadavg()
    t0 = time.perf_counter()
    cfg = PersonaConfig(workers=args.workers, evidence_pairs=50, neighbours=args.neighbours,
                        segment_profiles=args.segment_profiles,  # type: ignore[arg-type]
                        function_words=args.function_words)
    res = personas_from_actions(actions, cfg)
    wall = time.perf_counter() - t0
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, child = me.ru_maxrss / 1024, kids.ru_maxrss / 1024
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    s = res.summary
    print(f"{platform.node()} {platform.processor() or platform.machine()} · {args.accounts:,} accounts × "
          f"{args.texts} texts = {s['texts']:,} texts · generated in {gen:.0f}s")
    print(f"personas: {wall:.0f}s wall, {cpu:.0f}s CPU (all processes) · neighbours {s['neighbours']} · "
          f"segments {args.segment_profiles} · function words {args.function_words} · steps {s['timings_s']} · CPU s per step {s['cpu_s']}")
    print(f"load average at start {load0[0]:.1f}, at end {os.getloadavg()[0]:.1f} (1 min)")
    print(f"peak RSS: main {peak:.0f} MB, largest worker {child:.0f} MB · {s['same_hand_rows']:,} pairs, "
          f"{s['accounts_hands_tested']:,} hands tests")


if __name__ == "__main__":
    main()
