"""Site networks: accuracy on the simulator and speed (issue 13).

    PYTHONPATH=src python benchmarks/bench_sites.py            # the accuracy run (≥ 5,000 articles)
    PYTHONPATH=src python benchmarks/bench_sites.py --raw      # the same run without main-content extraction
    PYTHONPATH=src python benchmarks/bench_sites.py --raw --no-partial   # … and without the copy search's
                                                               # template subtraction: no boilerplate removal at all
    PYTHONPATH=src python benchmarks/bench_sites.py --speed 100000   # speed: N pages end to end
    PYTHONPATH=src python benchmarks/bench_sites.py --speed 1000000 --warc   # N pages in one WARC.gz,
                                                               # generated straight into it (no folder)

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
import shutil
import sys
import threading
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "sites"


def _pairs(groups: dict[str, list[tuple[int, str]]], n: int) -> set[int]:
    """Pairs of pages on different sites in one group, each as ``i * n + j`` (``i < j``: page numbers)."""
    out: set[int] = set()
    for members in groups.values():
        for (u1, s1), (u2, s2) in combinations(sorted(members), 2):
            if s1 != s2:
                out.add(u1 * n + u2)
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
    """Scores of a run against the labels, reading ``pages.csv`` once as it goes
    (pages are numbered; only numbers, sites and stories are kept: ~10⁶ pages fit)."""
    sites = {r["site"]: r for r in csv.DictReader(open(sim / "sites.csv", encoding="utf-8"))}
    num: dict[str, int] = {}
    truth_story: dict[str, list[tuple[int, str]]] = defaultdict(list)
    n_copies = n_altered = 0
    for p in csv.DictReader(open(sim / "pages.csv", encoding="utf-8")):
        i = num.setdefault(p["url"], len(num))
        truth_story[p["story"]].append((i, sys.intern(p["site"])))
        n_copies += bool(p["origin_url"])
        n_altered += bool(p["altered"])
    n = len(num) + 1
    tp_set = _pairs(truth_story, n)
    del truth_story
    pred_story: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for r in csv.DictReader(open(out / "article_copies.csv", encoding="utf-8")):
        pred_story[r["article"]].append((num.get(r["url"], n - 1), r["site"]))
    pp_set = _pairs(pred_story, n)
    del pred_story, num
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
        "pages": n - 1, "sites": len(sites), "networks": len(nets),
        "templates": len({r["template"] for r in sites.values()}),
        "copies": n_copies,
        "altered_share": round(n_altered / max(1, n_copies), 3),
        "article_pairs": {"truth": len(tp_set), "predicted": len(pp_set), "precision": round(prec, 4),
                          "recall": round(rec, 4), "f1": round(2 * prec * rec / (prec + rec) if prec + rec else 0, 4)},
        "site_bcubed": {"precision": round(bp, 4), "recall": round(br, 4), "f1": round(bf, 4)},
        "unrelated_sites_in_a_network": unrelated,
        "wire_sites_in_operation_groups": wire_op,
        "groups_by_verdict": dict(sorted(
            {v: sum(1 for g in groups.values() if g.get("verdict") == v) for v in
             {g.get("verdict") for g in groups.values()}}.items(), key=lambda kv: str(kv[0]))),
    }


class _Sampler:
    """Every ``every`` seconds: the RSS of this process plus its children (the extraction
    workers), the 1-minute load average and the free disk of ``disk``; keeps the peaks."""

    def __init__(self, disk: Path, every: float = 2.0) -> None:
        self.disk, self.every = disk, every
        self.free0 = shutil.disk_usage(disk).free
        self.peak_rss = self.min_free = 0
        self.min_free = self.free0
        self.loads: list[float] = []
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _tree(self) -> list[int]:
        me = os.getpid()
        pids = [me]
        try:
            with open(f"/proc/{me}/task/{me}/children") as fh:
                pids += [int(x) for x in fh.read().split()]
        except OSError:
            pass
        return pids

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak_rss = max(self.peak_rss, sum(self._rss(p) for p in self._tree()))
            self.min_free = min(self.min_free, shutil.disk_usage(self.disk).free)
            self.loads.append(os.getloadavg()[0])

    def __enter__(self) -> _Sampler:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()

    def summary(self) -> dict:
        ld = self.loads or [os.getloadavg()[0]]
        return {"peak_rss_mb_main_plus_workers_sampled": round(self.peak_rss / 2**20),
                "peak_disk_used_gb": round((self.free0 - self.min_free) / 1e9, 2),
                "load_1min": {"mean": round(sum(ld) / len(ld), 2), "min": min(ld), "max": max(ld)}}


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
    ap.add_argument("--generate-only", action="store_true", help="write the simulated pages (or WARC) and stop")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from inconcert.config import DetectConfig, SiteParams
    from inconcert.pipeline import detect
    from inconcert.simulate.sites import simulate_sites

    work = Path(a.work)
    sim = work / f"sim{a.seed}"
    if a.speed:
        scale = max(1, round(a.speed / 6000))
        sim = work / f"speed{a.speed}{'_warc' if a.warc else ''}"
        kw = dict(stories_per_network=40 * scale,
                  independent_articles=15 * scale, wire_stories=80 * scale)
    else:
        kw = {}
    src = sim / "pages"
    if a.warc:
        src = sim / "crawl.warc.gz"
    if not (sim / "pages.csv").exists():
        t0, c0 = time.perf_counter(), time.process_time()
        s = simulate_sites(sim, DATA, seed=a.seed, warc=src if a.warc else None, **kw)
        print(f"simulated {s.pages} pages on {s.sites} sites {'into ' + str(src) + ' ' if a.warc else ''}in "
              f"{time.perf_counter() - t0:.1f}s ({time.process_time() - c0:.1f} CPU s)", flush=True)
    elif a.warc and not src.exists():
        from inconcert.simulate.sites import write_warc

        t0 = time.perf_counter()
        print(f"wrote {write_warc(sim, src)} pages to {src} in {time.perf_counter() - t0:.1f}s", flush=True)
    if a.generate_only:
        return
    mode = "raw" if a.raw else (a.mode or "fast")
    out = work / f"out_{sim.name}_{mode}{'_warc' if a.warc and not sim.name.endswith('_warc') else ''}{'_nopartial' if a.no_partial else ''}"
    t0, cpu0 = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
    site_kw: dict = {"copy_min_shared": 10**9} if a.no_partial else {}
    with _Sampler(work) as sampler:
        r = detect([src], out, DetectConfig(sites=SiteParams(extract=mode, **site_kw)))
    wall = time.perf_counter() - t0
    # measured before the scoring below, which reads the labels of every page
    usage = {"peak_rss_mb_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
             "peak_rss_mb_workers": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
             "cpu_s_main": round(_cpu(resource.RUSAGE_SELF) - cpu0, 1),
             "cpu_s_workers": round(_cpu(resource.RUSAGE_CHILDREN), 1), **sampler.summary(),
             "input_gb": round(sum(f.stat().st_size for f in ([src] if src.is_file() else src.rglob("*"))
                                   if f.is_file()) / 1e9, 2),
             "output_mb": round(sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 1e6, 1)}
    t1 = time.perf_counter()
    res = evaluate(sim, out)
    res.update({"mode": mode, "partial_rule": not a.no_partial, "wall_s": round(wall, 1), "timings": r.summary["timings"],
                **usage, "evaluate_s": round(time.perf_counter() - t1, 1),
                "article_stats": r.summary.get("behaviour_stats", {}).get("article"),
                "load_avg": os.getloadavg(), "date": time.strftime("%Y-%m-%d %H:%M")})
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
