"""Site networks: accuracy on the simulator and speed (issue 13).

    PYTHONPATH=src python benchmarks/bench_sites.py            # the accuracy run (≥ 5,000 articles)
    PYTHONPATH=src python benchmarks/bench_sites.py --raw      # the same run without main-content extraction
    PYTHONPATH=src python benchmarks/bench_sites.py --raw --no-partial   # … and without the copy search's
                                                               # template subtraction: no boilerplate removal at all
    PYTHONPATH=src python benchmarks/bench_sites.py --speed 100000   # speed: N pages end to end

Metrics (against the simulator's labels):

- **article-pair F1**: pairs of pages on different sites that are copies of
  one story (truth) vs pairs in one cluster of ``article_copies.csv``;
- **site B-cubed F1** (Bagga & Baldwin 1998) of ``network_id`` against the
  network labels; a site outside every network is its own cluster on both sides;
- **unrelated in a network**: sites that are not network members but got a
  ``network_id``; **wire in operation**: wire / syndicator sites in a group
  whose verdict is ``operation``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "sites"


def _pairs(groups: dict[str, list[tuple[str, str]]]) -> set[tuple[str, str]]:
    out = set()
    for members in groups.values():
        for (u1, s1), (u2, s2) in combinations(sorted(members), 2):
            if s1 != s2:
                out.add((u1, u2) if u1 < u2 else (u2, u1))
    return out


def bcubed(truth: dict[str, str], pred: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 over the items of ``truth``."""
    tc, pc = defaultdict(set), defaultdict(set)
    for x, c in truth.items():
        tc[c].add(x)
    for x in truth:
        pc[pred[x]].add(x)
    p = r = 0.0
    for x in truth:
        t, q = tc[truth[x]], pc[pred[x]]
        inter = len(t & q)
        p += inter / len(q)
        r += inter / len(t)
    p, r = p / len(truth), r / len(truth)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(sim: Path, out: Path) -> dict:
    pages = list(csv.DictReader(open(sim / "pages.csv", encoding="utf-8")))
    sites = {r["site"]: r for r in csv.DictReader(open(sim / "sites.csv", encoding="utf-8"))}
    truth_story: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for p in pages:
        truth_story[p["story"]].append((p["url"], p["site"]))
    pred_story: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in csv.DictReader(open(out / "article_copies.csv", encoding="utf-8")):
        pred_story[r["article"]].append((r["url"], r["site"]))
    tp_set, pp_set = _pairs(truth_story), _pairs(pred_story)
    tp = len(tp_set & pp_set)
    prec = tp / len(pp_set) if pp_set else 0.0
    rec = tp / len(tp_set) if tp_set else 0.0
    acc = {r["account_id"]: r for r in csv.DictReader(open(out / "accounts.csv", encoding="utf-8"))}
    groups = {r["group_id"]: r for r in csv.DictReader(open(out / "groups.csv", encoding="utf-8"))}
    truth = {s: (f"net:{r['network']}" if r["role"] in ("network", "origin") and r["network"] else f"self:{s}")
             for s, r in sites.items()}
    pred = {s: (f"g:{acc[s]['network_id']}" if s in acc and acc[s].get("network_id") else f"self:{s}")
            for s in sites}
    bp, br, bf = bcubed(truth, pred)
    unrelated = sorted(s for s in sites if truth[s].startswith("self:") and pred[s].startswith("g:"))
    wire_op = sorted(s for s, r in sites.items() if r["role"] in ("wire", "syndicator") and s in acc
                     and acc[s].get("group_id") and groups.get(acc[s]["group_id"], {}).get("verdict") == "operation")
    nets = {r["network"] for r in sites.values() if r["role"] == "network"}
    return {
        "pages": len(pages), "sites": len(sites), "networks": len(nets),
        "templates": len({r["template"] for r in sites.values()}),
        "copies": sum(1 for p in pages if p["origin_url"]),
        "altered_share": round(sum(1 for p in pages if p["altered"]) / max(1, sum(1 for p in pages if p["origin_url"])), 3),
        "article_pairs": {"truth": len(tp_set), "predicted": len(pp_set), "precision": round(prec, 4),
                          "recall": round(rec, 4), "f1": round(2 * prec * rec / (prec + rec) if prec + rec else 0, 4)},
        "site_bcubed": {"precision": round(bp, 4), "recall": round(br, 4), "f1": round(bf, 4)},
        "unrelated_sites_in_a_network": unrelated,
        "wire_sites_in_operation_groups": wire_op,
        "groups_by_verdict": dict(sorted(
            {v: sum(1 for g in groups.values() if g.get("verdict") == v) for v in
             {g.get("verdict") for g in groups.values()}}.items(), key=lambda kv: str(kv[0]))),
    }


def _cpu(who: int) -> float:
    u = resource.getrusage(who)
    return u.ru_utime + u.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/bench_sites")
    ap.add_argument("--raw", action="store_true", help="no boilerplate removal (--extract raw)")
    ap.add_argument("--mode", default=None, help="fast | precise | raw")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--speed", type=int, default=0, help="speed run with about this many pages")
    ap.add_argument("--warc", action="store_true", help="read the pages from one WARC.gz instead of the folder")
    ap.add_argument("--no-partial", action="store_true",
                    help="without the partial-copy rule (and so without its template subtraction): with --raw, "
                         "no boilerplate removal at all")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from inconcert.config import DetectConfig, SiteParams
    from inconcert.pipeline import detect
    from inconcert.simulate.sites import simulate_sites

    work = Path(a.work)
    sim = work / f"sim{a.seed}"
    if a.speed:
        scale = max(1, round(a.speed / 6000))
        sim = work / f"speed{a.speed}"
        kw = dict(stories_per_network=40 * scale,
                  independent_articles=15 * scale, wire_stories=80 * scale)
    else:
        kw = {}
    if not (sim / "pages.csv").exists():
        t0 = time.perf_counter()
        s = simulate_sites(sim, DATA, seed=a.seed, **kw)
        print(f"simulated {s.pages} pages on {s.sites} sites in {time.perf_counter() - t0:.1f}s", flush=True)
    mode = "raw" if a.raw else (a.mode or "fast")
    out = work / f"out_{sim.name}_{mode}{'_warc' if a.warc else ''}{'_nopartial' if a.no_partial else ''}"
    src = sim / "pages"
    if a.warc:
        from inconcert.simulate.sites import write_warc

        src = sim / "crawl.warc.gz"
        if not src.exists():
            t0 = time.perf_counter()
            print(f"wrote {write_warc(sim, src)} pages to {src} in {time.perf_counter() - t0:.1f}s", flush=True)
    t0 = time.perf_counter()
    site_kw: dict = {"copy_min_shared": 10**9} if a.no_partial else {}
    r = detect([src], out, DetectConfig(sites=SiteParams(extract=mode, **site_kw)))
    wall = time.perf_counter() - t0
    res = evaluate(sim, out)
    res.update({"mode": mode, "partial_rule": not a.no_partial, "wall_s": round(wall, 1), "timings": r.summary["timings"],
                "peak_rss_mb_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "peak_rss_mb_workers": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
                "cpu_s_main": round(_cpu(resource.RUSAGE_SELF), 1),
                "cpu_s_workers": round(_cpu(resource.RUSAGE_CHILDREN), 1),
                "article_stats": r.summary.get("behaviour_stats", {}).get("article"),
                "load_avg": os.getloadavg(), "date": time.strftime("%Y-%m-%d %H:%M")})
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
