"""Benchmark: walking a big JSON array with :class:`JsonStream` against ``ijson.items``.

Writes 10⁵ Twitter API v2 tweets (64 MB, ``json.dump`` with its default
``ensure_ascii``, as twarc writes) as one JSON array and decodes every element
with each parser, three times; prints the medians and how ijson copes with one
deeply nested value.

    python benchmarks/bench_jsonstream.py --n 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from inconcert.readers.base import open_binary
from inconcert.readers.jsonstream import open_json_stream

WORDS = "vote election fraud news story read share now truth people media rigged poll".split()


def generate(path: Path, n: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    t0 = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp())
    tweets = []
    for i in range(n):
        tid = str(10**17 + i)
        tweets.append(
            {
                "id": tid,
                "author_id": str(rnd.randrange(max(1, n // 50))),
                "created_at": dt.datetime.fromtimestamp(t0 + 3 * i, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "text": " ".join(rnd.choice(WORDS) for _ in range(20)) + " é中",
                "edit_history_tweet_ids": [tid],
                "conversation_id": tid,
                "lang": "en",
                "public_metrics": {"retweet_count": rnd.randrange(100), "reply_count": 1, "like_count": 3},
                "entities": {
                    "urls": [{"url": "https://t.co/x", "expanded_url": f"https://example.org/{rnd.randrange(500)}"}],
                    "hashtags": [{"tag": rnd.choice(WORDS)}],
                },
                "referenced_tweets": [{"type": "retweeted", "id": str(rnd.randrange(10**6))}]
                if rnd.random() < 0.3
                else [],
            }
        )
    with open(path, "w") as fh:
        json.dump(tweets, fh)


def walk_jsonstream(path: Path) -> int:
    s = open_json_stream(path)
    try:
        return sum(1 for _ in s.array_items() if s.value() is not None)
    finally:
        s.fh.close()


def walk_ijson(path: Path) -> int:
    import ijson

    with open_binary(path) as fh:
        return sum(1 for _ in ijson.items(fh, "item", use_float=True))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "tweets.json"
        generate(path, args.n)
        print(f"{args.n} tweets, {path.stat().st_size / 1e6:.0f} MB")
        for name, fn in (("JsonStream", walk_jsonstream), ("ijson.items", walk_ijson)):
            times = []
            for _ in range(3):
                t = time.perf_counter()
                fn(path)
                times.append(time.perf_counter() - t)
            print(f"{name}: median {statistics.median(times):.2f} s ({', '.join(f'{x:.2f}' for x in times)})")
    import ijson

    depth = 10_000
    doc = b"[" + b"[" * depth + b"]" * depth + b"]"
    t = time.perf_counter()
    n = sum(1 for _ in ijson.items(io.BytesIO(doc), "item"))
    print(f"ijson, one value nested {depth} deep: {n} item in {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
