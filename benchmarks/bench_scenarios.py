"""Judge the detector on the held-out worlds of issue 12, one scenario at a time.

    python benchmarks/bench_scenarios.py                         # held-out worlds, seeds 1-5, 40,000 posts
    python benchmarks/bench_scenarios.py --scenarios big_campaign,feeds --seeds 1,2 --posts 60000
    python benchmarks/bench_scenarios.py --truncate-minute       # every timestamp floored to the minute
    python benchmarks/bench_scenarios.py --real                  # the real-data targets of issue 12
    python benchmarks/bench_scenarios.py --stack --posts 400000  # every world in one file

For each scenario and seed: simulate (:func:`inconcert.simulate.simulate_scenarios`),
run :func:`inconcert.pipeline.detect` with default settings (a ``domain``
column is read as the generic ``object`` column, as a user would map it with
``--map object=domain``), score with :mod:`inconcert.evaluate` and print one
Markdown row: operation precision/recall/F1 (operation accounts in groups with
verdict ``operation``), organic false-positive rate (organic accounts in any
non-``weak`` group), automation accounts called ``operation``, the planted
networks' recall (``found/size`` each, called operation) and the runtime of the
detection. The last line per scenario gives the medians over seeds.

``--real`` runs detect on ``../shared/data/coortweet/german_elections.csv``
(groups resting on one post pair or one object) and on the IRA election
window (share of the 341 accounts grouped, group purity by
``account_category``, role NMI at group and network level).

``--json FILE`` also writes every row as JSON lines. ``--keep DIR`` keeps the
simulated data and outputs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.csv as pacsv

from inconcert.config import DetectConfig
from inconcert.evaluate import evaluate_verdicts, evidence_support, network_recall, role_agreement
from inconcert.pipeline import detect
from inconcert.simulate import parse_scenarios, simulate_scenarios

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
HEADER = (
    "| scenario | seed | posts | op accts | precision | recall | F1 | organic FPR | automation→operation "
    "| networks found (called operation / size) | detect s |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)


def run_one(name: str, seed: int, n_posts: int, truncate: bool, work: Path) -> dict:
    """Simulate one scenario (``a+b+…``: the named worlds stacked into one file),
    detect with defaults, score."""
    d = work / f"{name}_s{seed}{'_min' if truncate else ''}"
    posts, labels = simulate_scenarios(
        name.split("+"), n_posts=n_posts, seed=seed, truncate="minute" if truncate else None
    )
    d.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(posts, d / "posts.csv")
    pacsv.write_csv(labels, d / "labels.csv")
    cmap = {"object": "domain"} if "domain" in posts.column_names else None
    t0 = time.perf_counter()
    res = detect([d / "posts.csv"], d / "out", DetectConfig(), column_map=cmap)
    secs = time.perf_counter() - t0
    v = evaluate_verdicts(d / "out", labels)
    key = [
        c
        for c in ("account_id", "created_at", "text", "urls", "repost_of", "hashtags", "domain")
        if c in posts.column_names
    ]
    planted_dups = posts.num_rows - posts.select(key).group_by(key).aggregate([]).num_rows
    dropped = res.summary.get("rows", {}).get("duplicates")
    nets = network_recall(d / "out", labels)
    return {
        "scenario": name,
        "seed": seed,
        "truncate_minute": truncate,
        "posts": posts.num_rows,
        "operation_accounts": v["operation_accounts"],
        "precision": v["operation_precision"],
        "recall": v["operation_recall"],
        "f1": v["operation_f1"],
        "organic_fpr": v["organic_false_positive_rate"],
        "organic_flagged": v["organic_flagged"],
        "automation_accounts": v["automation_accounts"],
        "automation_called_operation": v["automation_called_operation"],
        "groups_by_verdict": v["groups_by_verdict"],
        "networks": nets,
        "window_used": res.summary.get("parameters", {}).get("window"),
        "duplicates_planted": planted_dups,
        "duplicates_reported": dropped,
        "seconds": round(secs, 1),
    }


def _nets(r: dict) -> str:
    parts = []
    for n in r["networks"]:
        tag = "auto " if n["label"] == "automation" else ""
        parts.append(f"{tag}{n['tactic'] or n['network']} {n['called_operation']}/{n['size']}")
    if len(parts) > 6:  # feed trios: summarise
        auto = [n for n in r["networks"] if n["label"] == "automation"]
        ops = [p for p, n in zip(parts, r["networks"], strict=True) if n["label"] != "automation"]
        called = sum(n["called_operation"] for n in auto)
        parts = ops + [
            f"{len(auto)} feed trios: {called}/{sum(n['size'] for n in auto)} called operation"
        ]
    if r.get("duplicates_planted"):
        parts.append(
            f"duplicate rows {r['duplicates_planted']:,} (reported: {r.get('duplicates_reported')})"
        )
    return "; ".join(parts)


def row(r: dict) -> str:
    auto = (
        f"{r['automation_called_operation']}/{r['automation_accounts']}"
        if r["automation_accounts"]
        else "–"
    )
    name = r["scenario"] + (" (minute)" if r["truncate_minute"] else "")
    return (
        f"| {name} | {r['seed']} | {r['posts']:,} | {r['operation_accounts']} | {r['precision']:.3f} "
        f"| {r['recall']:.3f} | {r['f1']:.3f} | {r['organic_fpr'] * 100:.2f} % ({r['organic_flagged']}) "
        f"| {auto} | {_nets(r)} | {r['seconds']:.1f} |"
    )


def median_row(rs: list[dict]) -> str:
    m = statistics.median
    name = rs[0]["scenario"] + (" (minute)" if rs[0]["truncate_minute"] else "")
    auto = sum(r["automation_called_operation"] for r in rs)
    tot = sum(r["automation_accounts"] for r in rs)
    return (
        f"| **{name}** | median of {len(rs)} | | | {m(r['precision'] for r in rs):.3f} "
        f"| {m(r['recall'] for r in rs):.3f} | **{m(r['f1'] for r in rs):.3f}** "
        f"| {m(r['organic_fpr'] for r in rs) * 100:.2f} % | {auto}/{tot} (sum) | "
        f"min F1 {min(r['f1'] for r in rs):.3f} | {m(r['seconds'] for r in rs):.1f} |"
    )


def real(work: Path) -> None:
    """The real-data targets of issue 12."""
    import pandas as pd

    german = DATA / "coortweet" / "german_elections.csv"
    ira = DATA / "ira" / "ira_tweets_en_2016-10-01_2016-11-15.csv.gz"
    t0 = time.perf_counter()
    detect([german], work / "german", DetectConfig())
    s = evidence_support(work / "german")
    print(f"german_elections ({time.perf_counter() - t0:.0f} s): {json.dumps(s)}")
    t0 = time.perf_counter()
    detect([ira], work / "ira", DetectConfig())
    df = pd.read_csv(ira, usecols=["author", "account_category"]).drop_duplicates("author")
    roles = dict(zip(df["author"].astype(str), df["account_category"].astype(str), strict=True))
    r = role_agreement(work / "ira", roles)
    e = evidence_support(work / "ira")
    print(f"ira election window ({time.perf_counter() - t0:.0f} s): {json.dumps(r)}")
    print(f"ira evidence: {json.dumps(e)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--scenarios", default="held_out", help="held_out (default), all, or a comma list"
    )
    ap.add_argument("--seeds", default="1,2,3,4,5", help="comma list of seeds (default 1-5)")
    ap.add_argument("--posts", type=int, default=40_000, help="posts per scenario (default 40,000)")
    ap.add_argument(
        "--truncate-minute", action="store_true", help="floor every timestamp to the minute"
    )
    ap.add_argument("--real", action="store_true", help="check the real-data targets instead")
    ap.add_argument(
        "--stack", action="store_true",
        help="stack the named worlds into one file (one detection over all, --posts in total)",
    )
    ap.add_argument("--json", type=Path, default=None, help="also write rows as JSON lines here")
    ap.add_argument("--keep", type=Path, default=None, help="keep data and outputs in this folder")
    a = ap.parse_args(argv)
    work = a.keep or Path(tempfile.mkdtemp(prefix="bench-scenarios-"))
    try:
        if a.real:
            real(work)
            return 0
        names = parse_scenarios(a.scenarios)
        if a.stack:
            names = ("+".join(names),)
        seeds = [int(x) for x in a.seeds.split(",") if x.strip()]
        print(HEADER, flush=True)
        out = open(a.json, "a") if a.json else None
        for name in names:
            rs = []
            for seed in seeds:
                r = run_one(name, seed, a.posts, a.truncate_minute, work)
                rs.append(r)
                print(row(r), flush=True)
                if out:
                    out.write(json.dumps(r) + "\n")
                    out.flush()
                if not a.keep:
                    shutil.rmtree(
                        work / f"{name}_s{seed}{'_min' if a.truncate_minute else ''}",
                        ignore_errors=True,
                    )
            print(median_row(rs), flush=True)
        if out:
            out.close()
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
