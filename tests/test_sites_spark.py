"""Site runs give the same answer on DuckDB and Spark: groups, sites, copies, shared ids."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from inconcert.config import DetectConfig, SiteParams
from inconcert.engines import unavailable_reason
from inconcert.pipeline import detect
from inconcert.simulate.sites import simulate_sites

if unavailable_reason("spark"):  # pyspark or Java missing: pip install -e '.[spark]'
    pytest.skip(unavailable_reason("spark"), allow_module_level=True)

from inconcert.engines.spark_engine import SparkEngine  # noqa: E402

DATA = Path("../shared/data/sites")
pytestmark = [pytest.mark.spark, pytest.mark.skipif(not DATA.exists(), reason="needs ../shared/data/sites")]

#: the site outputs, and the columns that identify a row
_FILES = {
    "accounts.csv": ("account_id",),
    "groups.csv": ("group_id",),
    "articles.csv": ("article",),
    "article_copies.csv": ("article", "url"),
    "trackers.csv": ("kind", "id"),
}


def _rows(p: Path) -> list[dict]:
    with open(p, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_site_run_is_the_same_on_spark(tmp_path):
    # the world of test_sites_network (65 sites, 790 pages): a smaller one has no group beyond chance
    simulate_sites(tmp_path / "sim", DATA, n_networks=2, sites_per_network=(4, 5), stories_per_network=20,
                   copy_share=(0.7, 1.0), n_independent=40, independent_articles=10, n_syndicators=10,
                   wire_stories=16, syndication_rate=0.6, third_party_share=0.5, shared_theme_sites=3, seed=3)
    cfg = DetectConfig(sites=SiteParams(workers=1))
    pages = tmp_path / "sim" / "pages"
    rd = detect([pages], tmp_path / "duckdb", cfg, engine="duckdb")
    e = SparkEngine(master="local[2]")
    try:
        rs = detect([pages], tmp_path / "spark", cfg, engine=e)
    finally:
        e.close()
    assert rs.summary["engine"] == "spark" and rd.summary["counts"] == rs.summary["counts"]
    assert rd.summary["behaviours"] == rs.summary["behaviours"]
    assert rd.summary["site_run"] == rs.summary["site_run"]
    for name, key in _FILES.items():
        a, b = _rows(tmp_path / "duckdb" / name), _rows(tmp_path / "spark" / name)
        assert list(a[0]) == list(b[0]) if a and b else len(a) == len(b), name
        def order(r: dict, key: tuple[str, ...] = key) -> tuple[str, ...]:
            return tuple(r[k] for k in key)
        assert sorted(a, key=order) == sorted(b, key=order), name
    assert rd.summary["counts"]["groups"] > 0
