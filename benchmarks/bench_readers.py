"""Benchmark: peak memory and speed of reading Twitter v2 JSON Lines into actions.

Writes N synthetic tweets as twarc2 response lines (100 tweets per line, with
``includes.users``), then reads them with the ``twitter_v2`` reader in a fresh
process, writing batches to Parquet as ``inconcert detect`` does, and reports
the child's peak RSS (``ru_maxrss``) against the file size.

    python benchmarks/bench_readers.py --n 1000000            # prints a Markdown block
    python benchmarks/bench_readers.py --n 1000000 --append    # also appends it to RESULTS.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORDS = "vote election fraud news story read share now truth people media rigged poll".split()


def generate(path: Path, n: int, per_line: int = 100, seed: int = 1) -> None:
    """Write ``n`` tweets as twarc2 search responses."""
    rnd = random.Random(seed)
    t0 = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp())
    n_users = max(1, n // 50)
    with open(path, "w") as fh:
        for start in range(0, n, per_line):
            data, uids = [], set()
            for i in range(start, min(n, start + per_line)):
                uid = str(rnd.randrange(n_users))
                uids.add(uid)
                ts = dt.datetime.fromtimestamp(t0 + i * 3, dt.UTC).strftime(
                    "%Y-%m-%dT%H:%M:%S.000Z"
                )
                text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(10, 40)))
                tw = {
                    "id": str(10**17 + i),
                    "author_id": uid,
                    "created_at": ts,
                    "text": text,
                    "conversation_id": str(10**17 + i),
                    "edit_history_tweet_ids": [str(10**17 + i)],
                    "lang": "en",
                    "public_metrics": {
                        "retweet_count": 0,
                        "reply_count": 0,
                        "like_count": 1,
                        "quote_count": 0,
                    },
                    "entities": {
                        "urls": [
                            {
                                "start": 0,
                                "end": 23,
                                "url": "https://t.co/x",
                                "expanded_url": f"https://news.example/{rnd.randrange(10000)}",
                            }
                        ],
                        "hashtags": [{"start": 0, "end": 5, "tag": rnd.choice(WORDS)}],
                        "mentions": [
                            {
                                "start": 0,
                                "end": 5,
                                "username": f"u{rnd.randrange(n_users)}",
                                "id": "1",
                            }
                        ],
                    },
                }
                if i % 3 == 0 and i > 0:
                    tw["referenced_tweets"] = [
                        {"type": "retweeted", "id": str(10**17 + rnd.randrange(i))}
                    ]
                data.append(tw)
            users = [{"id": u, "username": f"u{u}", "name": f"User {u}"} for u in sorted(uids)]
            fh.write(
                json.dumps(
                    {
                        "data": data,
                        "includes": {"users": users},
                        "meta": {"result_count": len(data)},
                        "__twarc": {"version": "2.14.0"},
                    }
                )
                + "\n"
            )


def generate_telegram(path: Path, n: int, seed: int = 1) -> None:
    """Write one Telegram Desktop ``result.json`` (a single JSON document) with ``n`` messages."""
    rnd = random.Random(seed)
    t0 = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp())
    with open(path, "w") as fh:
        fh.write('{\n "name": "Bench", "type": "public_channel", "id": 777,\n "messages": [\n')
        for i in range(n):
            text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(10, 40)))
            msg = {
                "id": i + 1,
                "type": "message",
                "date": "2024-01-01T00:00:00",
                "date_unixtime": str(t0 + i),
                "from": "Bench",
                "from_id": "channel777",
                "text": [text, " ", {"type": "link", "text": f"https://news.example/{i % 5000}"}],
                "text_entities": [],
            }
            fh.write((",\n" if i else "") + json.dumps(msg, indent=1))
        fh.write("\n ]\n}\n")


def child(path: str, out: str, fmt: str = "twitter_v2") -> None:
    """Read ``path`` into Parquet; print rows, rejects, seconds and peak RSS (JSON)."""
    import pyarrow.parquet as pq

    from inconcert.actions import ACTIONS_SCHEMA
    from inconcert.readers import get_reader
    from inconcert.readers.base import ReadContext

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    p = Path(path)
    ctx = ReadContext(p)
    t = time.perf_counter()
    rows = 0
    with pq.ParquetWriter(out, ACTIONS_SCHEMA, compression="zstd") as w:
        for table in get_reader(fmt).read(p, ctx):
            w.write_table(table)
            rows += table.num_rows
    secs = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": rows,
                "rejected": ctx.n_rejected,
                "seconds": secs,
                "peak_rss_mib": peak / 1024,
                "rss_after_imports_mib": base / 1024,
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--workdir", default="/tmp/inconcert-bench-readers")
    ap.add_argument("--append", action="store_true", help="append the result to RESULTS.md")
    ap.add_argument(
        "--format",
        default="twitter_v2",
        choices=["twitter_v2", "telegram"],
        help="twitter_v2: JSON Lines responses; telegram: one big result.json",
    )
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(*a.child)
        return
    wd = Path(a.workdir)
    wd.mkdir(parents=True, exist_ok=True)
    src = wd / (f"v2_{a.n}.jsonl" if a.format == "twitter_v2" else f"telegram_{a.n}.json")
    if not src.exists():
        t = time.perf_counter()
        (generate if a.format == "twitter_v2" else generate_telegram)(src, a.n)
        print(f"generated {src} in {time.perf_counter() - t:.0f}s", file=sys.stderr)
    env = dict(os.environ, PYTHONPATH=str(HERE.parent / "src"))
    res = json.loads(
        subprocess.check_output(
            [sys.executable, __file__, "--child", str(src), str(wd / "actions.parquet"), a.format],
            env=env,
        )
    )
    size = src.stat().st_size / 2**20
    what = (
        "twitter_v2 JSON Lines (twarc2 responses, 100 tweets a line)"
        if a.format == "twitter_v2"
        else "telegram: one result.json (a single JSON document, streamed)"
    )
    load = os.getloadavg()[0]
    md = (
        f"\n## Readers: {what} → actions ({dt.date.today().isoformat()})\n\n"
        f"Machine: {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM, "
        f"Python {platform.python_version()}, load average {load:.1f} while running "
        f"(other jobs shared the cores, so times are upper bounds). Command: "
        f"`python benchmarks/bench_readers.py --n {a.n} --format {a.format}`.\n\n"
        f"| records | file size | rows out | rejected | time | records/s | peak RSS | RSS after imports |\n"
        f"|---|---|---|---|---|---|---|---|\n"
        f"| {a.n:,} | {size:,.0f} MiB | {res['rows']:,} | {res['rejected']} | "
        f"{res['seconds']:.0f} s | {res['rows'] / res['seconds']:,.0f} | "
        f"{res['peak_rss_mib']:,.0f} MiB | {res['rss_after_imports_mib']:,.0f} MiB |\n\n"
        f"Peak memory is one batch (`chunk_rows` = 100,000 rows) plus one input record "
        f"and a 1 MiB read buffer, independent of the file size.\n"
    )
    print(md)
    if a.append:
        with open(HERE / "RESULTS.md", "a") as fh:
            fh.write(md)


if __name__ == "__main__":
    main()
