"""The site simulator writes pages straight into a WARC.gz: the same pages as the folder, deterministic."""

import csv
from pathlib import Path

import pytest

from inconcert.readers.base import ReadContext
from inconcert.readers.warc import _fastwarc_records, _warcio_records
from inconcert.simulate.sites import simulate_sites, write_warc

DATA = Path("../shared/data/sites")
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="needs ../shared/data/sites")
SMALL = dict(n_networks=2, sites_per_network=(3, 4), stories_per_network=4, n_independent=4,
             independent_articles=2, n_syndicators=3, wire_stories=3, seed=5)


def _labels(d: Path) -> list[dict[str, str]]:
    with open(d / "pages.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_warc_holds_the_folder_pages_and_is_deterministic(tmp_path):
    folder = simulate_sites(tmp_path / "f", DATA, **SMALL)
    w1 = simulate_sites(tmp_path / "w1", DATA, warc=tmp_path / "w1" / "crawl.warc.gz", **SMALL)
    simulate_sites(tmp_path / "w2", DATA, warc=tmp_path / "w2" / "crawl.warc.gz", **SMALL)
    assert w1.pages == folder.pages > 40
    assert not (tmp_path / "w1" / "pages").exists()  # no folder
    assert not list((tmp_path / "w1").glob(".pages-*"))  # the spill file is gone
    assert (tmp_path / "w1" / "pages.csv").read_bytes() == (tmp_path / "f" / "pages.csv").read_bytes()
    assert (tmp_path / "w1" / "sites.csv").read_bytes() == (tmp_path / "f" / "sites.csv").read_bytes()
    warc = (tmp_path / "w1" / "crawl.warc.gz").read_bytes()
    assert warc == (tmp_path / "w2" / "crawl.warc.gz").read_bytes()  # same seed, same bytes
    # packing the folder afterwards gives the same file
    assert write_warc(tmp_path / "f", tmp_path / "packed.warc.gz") == folder.pages
    assert (tmp_path / "packed.warc.gz").read_bytes() == warc

    labels = _labels(tmp_path / "f")
    files = {}
    for r in labels:
        host = r["url"].split("/")[2]
        files[r["url"]] = (tmp_path / "f" / "pages" / host / (r["url"].split(host + "/", 1)[1].rstrip("/") + ".html"))
    for records in (_fastwarc_records, _warcio_records):  # both readers read it: one response per page, in order
        ctx = ReadContext(tmp_path / "w1" / "crawl.warc.gz")
        pages = list(records(tmp_path / "w1" / "crawl.warc.gz", ctx))
        assert [p.url for p in pages] == [r["url"] for r in labels]
        assert all(p.html == files[p.url].read_bytes() for p in pages)
        assert ctx.n_rejected == 0 and pages[0].charset == "utf-8"
        assert pages[0].crawl_time is not None and pages[0].crawl_time.isoformat().startswith("2024-")
