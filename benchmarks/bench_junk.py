"""Benchmark: reading a file of a million junk lines (issue 16: it ran past 3 minutes at 4.2 GB).

Writes 10⁶ short junk lines (``x``, ``{``, ``a,b``, ``"``, …: ~2.6 MB) under a CSV
header, and under one valid JSON line, and reads each with ``ingest`` in a fresh
process per format, reporting wall time and peak RSS (``ru_maxrss``).

    python benchmarks/bench_junk.py
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

JUNK = ["x", "{", "[", "a,b", '"', "}", "]", "1", '{"a"', ",,", '{"a":1}']
CHILD = """
import sys, tempfile
from inconcert.ingest import ingest
i = ingest([sys.argv[1]], tempfile.mkdtemp(), format=sys.argv[2] if sys.argv[2] != "auto" else None).inputs[0]
print(i["format"], i["records"], i["used"], i["rejected"])
"""


def main() -> None:
    rnd = random.Random(1)
    d = Path(tempfile.mkdtemp())
    lines = "".join(rnd.choice(JUNK) + "\n" for _ in range(1_000_000))
    (d / "junk.csv").write_text("id,author,created_at,text\n" + lines)
    first = '{"id":"1","author_id":"2","created_at":"2022-01-01T00:00:00Z","text":"a","conversation_id":"1"}\n'
    (d / "junk.jsonl").write_text(first + lines)
    for name, fmt in (("junk.csv", "auto"), ("junk.csv", "crowdtangle"), ("junk.jsonl", "auto"),
                      ("junk.jsonl", "generic"), ("junk.jsonl", "twitter_v1")):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", CHILD, str(d / name), fmt], capture_output=True, text=True)
        wall = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"| {name} | {fmt} | {out.stdout.strip() or out.stderr.strip()[-200:]} | {wall:.1f} s | {rss:.0f} MB (max so far) |")


if __name__ == "__main__":
    main()
