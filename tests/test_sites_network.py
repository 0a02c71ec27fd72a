"""Site runs end to end on the simulator: the founding example and the hard negatives."""

import csv
from pathlib import Path

import pytest

from inconcert.config import DetectConfig, SiteParams
from inconcert.pipeline import detect
from inconcert.simulate.sites import seed_article, simulate_sites

DATA = Path("../shared/data/sites")
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="needs ../shared/data/sites")


def _rows(p):
    with open(p, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("sites")
    # 65 sites, 790 pages: in a smaller world (26 sites, 171 pages) the networks' own copies are most of the
    # world's shared articles, so the BiCM null expects much of their overlap and cannot call it beyond chance.
    sim = simulate_sites(d / "sim", DATA, n_networks=2, sites_per_network=(4, 5), stories_per_network=20, copy_share=(0.7, 1.0),
                         n_independent=40, independent_articles=10, n_syndicators=10, wire_stories=16,
                         syndication_rate=0.6, third_party_share=0.5, shared_theme_sites=3, seed=3)
    r = detect([d / "sim" / "pages"], d / "out", DetectConfig(sites=SiteParams(workers=1)))
    return sim, r, d / "out"


def test_founding_example_is_one_network_with_origin_and_lags(run):
    sim, r, out = run
    sites = {s["site"]: s for s in _rows(sim.sites_csv)}
    founding = {s for s, x in sites.items() if x["network"] == "founding"}
    assert "geopolitica.ru" in founding and len(founding) == 5
    acc = {a["account_id"]: a for a in _rows(out / "accounts.csv")}
    nets = {acc[s]["network_id"] for s in founding}
    assert len(nets) == 1 and nets != {""}, nets  # one network, all five sites
    members = {s for s, a in acc.items() if a["network_id"] in nets}
    assert members == founding  # and nothing else
    title, _, _ = seed_article(DATA)
    arts = [a for a in _rows(out / "articles.csv") if a["origin_site"] == "geopolitica.ru"]
    seed = [a for a in arts if "revising" in a["origin_url"] or title.split()[0].lower() in a["origin_url"]]
    assert len(seed) == 1
    seed = seed[0]
    assert seed["copy_sites"] == "4" and seed["credited_copies"] == "4"
    assert float(seed["first_lag_h"]) == pytest.approx(1.5) and float(seed["last_lag_h"]) == pytest.approx(24.0)
    assert seed["timeline"].startswith("geopolitica.ru +0.0h") and "(credits)" in seed["timeline"]


def test_wire_syndication_is_not_an_operation(run):
    sim, r, out = run
    sites = {s["site"]: s for s in _rows(sim.sites_csv)}
    acc = {a["account_id"]: a for a in _rows(out / "accounts.csv")}
    groups = {g["group_id"]: g for g in _rows(out / "groups.csv")}
    wire = [s for s, x in sites.items() if x["role"] in ("wire", "syndicator")]
    for s in wire:
        assert acc[s]["network_id"] == ""
        g = acc[s]["group_id"]
        assert not g or groups[g]["verdict"] != "operation", (s, groups[g]["reasons"])
    others = [s for s, x in sites.items() if x["role"] in ("independent", "wire", "syndicator")]
    assert all(acc[s]["network_id"] == "" for s in others if s in acc)


def test_wide_third_party_id_is_not_evidence(run):
    sim, r, out = run
    trackers = _rows(out / "trackers.csv")
    gtm = [t for t in trackers if t["kind"] == "gtm"]
    assert len(gtm) == 1 and gtm[0]["evidence"] == "false"
    assert "not evidence" in gtm[0]["reason"] and float(gtm[0]["spread"]) > 0.3


def test_networks_found_with_copies_and_ids(run):
    sim, r, out = run
    sites = {s["site"]: s for s in _rows(sim.sites_csv)}
    acc = {a["account_id"]: a for a in _rows(out / "accounts.csv")}
    for label in {x["network"] for x in sites.values() if x["role"] == "network"} - {"founding"}:
        ids = {acc[s]["network_id"] for s, x in sites.items() if x["network"] == label}
        assert len(ids) == 1 and ids != {""}, (label, ids)
    assert r.summary["site_run"]["defaults_chosen"]["window"] == 3 * 86400.0
    assert {"pages", "first_published", "last_published", "network_id"} <= set(next(iter(acc.values())))
    # one network_id: the site run's (an operation group), not a second one beside the general runs'
    assert not [c for c in next(iter(acc.values())) if c.startswith("network_id_")]
    groups = _rows(out / "groups.csv")
    assert all((g["network_id"] == g["group_id"]) == (g["verdict"] == "operation") for g in groups)
    assert all(a["network_id"] == "" for a in acc.values()
               if a["group_id"] and next(g for g in groups if g["group_id"] == a["group_id"])["verdict"] != "operation")


def test_site_verdicts_counted_reasoned_and_timed_as_written(run):
    """The counts printed and in summary.json are those of groups.csv (the site verdicts
    replace the general ones); a site group's reasons weigh no feed traits ("automation:
    …" under an operation verdict read as a contradiction); ids and bylines, which have
    no time, give no group a first time of 1970."""
    from collections import Counter

    sim, r, out = run
    groups = _rows(out / "groups.csv")
    assert r.summary["counts"]["groups_by_verdict"] == dict(Counter(g["verdict"] for g in groups))
    for g in groups:
        assert "automation" not in g["reasons"] and "templated" not in g["reasons"], g["reasons"]
        assert g["verdict"] == "weak" or "coordinated beyond chance" in g["reasons"], g["reasons"]
        assert not g["first_ts"] or g["first_ts"] >= "2000", g
        assert float(g["span_s"]) < 366 * 86400, g
    tracked = [o for o in _rows(out / "objects.csv") if o["behaviour"] in ("tracker", "byline")]
    assert tracked and all(o["first_ts"] == "" for o in tracked)


def test_report_has_the_site_section(run, tmp_path):
    from inconcert.report import build_report

    sim, r, out = run
    html = build_report(out, tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<section id="sites">' in html and "geopolitica.ru" in html and "(credits)" in html
