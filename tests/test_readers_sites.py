"""Site readers: HTML files/folders, WARC, article tables; the site as actor, offline."""

import datetime as dt
import io
import json
import socket

import pyarrow.parquet as pq
import pytest

from inconcert.config import SiteParams
from inconcert.ingest import ingest
from inconcert.readers import detect_format
from inconcert.sites import domains
from inconcert.sites.extract import extract_page

PAGE = """<!doctype html><html lang="en"><head><title>{title} | {site}</title>
<link rel="canonical" href="https://www.{site}/news/{slug}">
<meta property="article:published_time" content="{ts}">
<meta name="author" content="By Ann Writer">
<script>gtag('config','G-ABCD1234EF');</script></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1><p>{body}</p><p>Source: <a href="https://origin.example.org/x">origin.example.org</a></p></article>
<aside>You may also like: <a href="/other">Other story</a></aside><footer>© {site}</footer></body></html>"""

BODY = ("The river authority said on Monday that the northern dam would be drained for inspection "
        "after engineers found cracks in the spillway, and residents downstream were told to expect "
        "higher water for a week while the work goes on.")


def _w(tmp_path):
    (tmp_path / "w").mkdir(exist_ok=True)
    return tmp_path / "w"


def _page(site, slug, ts="2024-05-01T08:00:00Z", title="Dam to be drained"):
    return PAGE.format(site=site, slug=slug, ts=ts, title=title, body=BODY)


def test_html_folder_any_depth(tmp_path):
    root = tmp_path / "pages"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "p1.html").write_text(_page("alpha-news.com", "p1"))
    (root / "a" / "p2.htm").write_text(_page("beta.co.uk", "p2", ts="2024-05-01T09:30:00+01:00"))
    (root / "broken.html").write_text("<html><body><p>no url anywhere</p></body></html>")
    assert detect_format(root).name == "html"
    ing = ingest([root], _w(tmp_path))
    t = pq.read_table(ing.actions_path)
    assert sorted(t.column("account_id").to_pylist()) == ["alpha-news.com", "beta.co.uk"]
    assert ing.rows_rejected == 1 and "no page URL" in next(iter(ing.inputs[0]["reject_reasons"]))
    ts = dict(zip(t.column("account_id").to_pylist(), t.column("ts").to_pylist(), strict=True))
    assert ts["beta.co.uk"] == dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC)
    assert t.column("urls").to_pylist()[0] == ["https://origin.example.org/x"]
    pages = pq.read_table(ing.side["site_pages"]).to_pylist()
    assert {p["byline"] for p in pages} == {"Ann Writer"}
    ids = pq.read_table(ing.side["site_ids"]).to_pylist()
    assert {(i["kind"], i["id"], i["location"]) for i in ids} == {("ga4", "G-ABCD1234EF", "script")}


def test_url_from_file_name_and_crawl_time(tmp_path):
    d = tmp_path / "site"
    d.mkdir()
    (d / "news.example.com_story.html").write_text(f"<html><body><p>{BODY}</p></body></html>")
    ing = ingest([d], _w(tmp_path))
    t = pq.read_table(ing.actions_path)
    assert t.column("post_id").to_pylist() == ["https://news.example.com/story.html"]
    assert pq.read_table(ing.side["site_pages"]).column("time_source").to_pylist() == ["crawl"]


def test_warc_reads_only_html_responses(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for url, ctype, status, body in [
            ("https://www.alpha-news.com/news/a", "text/html; charset=utf-8", "200 OK", _page("alpha-news.com", "a")),
            ("https://www.alpha-news.com/logo.png", "image/png", "200 OK", "PNG"),
            ("https://www.beta.co.uk/gone", "text/html", "404 Not Found", "<html></html>"),
            ("https://www.beta.co.uk/news/b", "text/html", "200 OK", _page("beta.co.uk", "b")),
        ]:
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = w.create_warc_record(url, "response", payload=io.BytesIO(body.encode()), http_headers=http)
            w.write_record(rec)
            w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    assert detect_format(path).name == "warc"
    ing = ingest([path], _w(tmp_path))
    assert ing.rows_used == 2 and ing.rows_rejected == 2
    assert set(ing.inputs[0]["reject_reasons"]) == {"HTTP status 404 (not a page)", "not HTML (image/png)"}


def test_warc_with_binary_and_non_utf8_records_is_read_as_is(tmp_path):
    """A real crawl holds images and pages in other charsets: the WARC is never
    transcoded as one text (that broke its framing: ``Invalid WARC header``)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(range(256))
    ru = _page("novosti-primer.ru", "r").replace(BODY, "Власти заявили в понедельник, что плотину осушат.")
    fr = _page("gazette-exemple.fr", "f").replace(BODY, "Le barrage sera vidé, a déclaré l'autorité fluviale.")
    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for url, ctype, body in [
            ("https://www.alpha-news.com/news/a", "text/html; charset=utf-8", _page("alpha-news.com", "a").encode()),
            ("https://www.alpha-news.com/logo.png", "image/png", png),
            ("https://novosti-primer.ru/news/r", "text/html; charset=windows-1251", ru.encode("cp1251")),
            ("https://gazette-exemple.fr/news/f", "text/html", fr.encode("cp1252")),  # charset undeclared
        ]:
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    ing = ingest([path], _w(tmp_path))
    assert (ing.rows_used, ing.rows_rejected) == (3, 1)
    assert set(ing.inputs[0]["reject_reasons"]) == {"not HTML (image/png)"}
    texts = " ".join(pq.read_table(ing.actions_path).column("text").to_pylist())
    assert "плотину осушат" in texts and "Le barrage sera vidé" in texts
    single = tmp_path / "page.html"  # one saved page in its own charset, read the same way
    single.write_bytes(ru.encode("cp1251"))
    (tmp_path / "w2").mkdir()
    ing = ingest([single], tmp_path / "w2")
    assert "плотину осушат" in pq.read_table(ing.actions_path).column("text").to_pylist()[0]


def test_articles_table(tmp_path):
    p = tmp_path / "articles.jsonl"
    rows = [
        {"url": "https://www.alpha-news.com/a", "published": "2024-05-01T08:00:00Z", "title": "T", "text": BODY},
        {"url": "https://m.beta.co.uk/b", "site": "beta.co.uk", "published": "2024-05-01T09:00:00Z",
         "html": _page("beta.co.uk", "b")},
        {"url": "", "text": "x"},
        {"url": "https://c.example.com/c", "published": "2024-05-01"},
    ]
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert detect_format(p).name == "articles"
    ing = ingest([p], _w(tmp_path))
    assert ing.rows_used == 2
    assert ing.inputs[0]["reject_reasons"] == {"neither text nor html": 1, "no url": 1}


def test_site_of_never_touches_the_network(monkeypatch):
    def no_net(*a, **k):
        raise OSError("network unavailable in this test")

    monkeypatch.setattr(socket.socket, "connect", no_net)
    monkeypatch.setattr(socket, "getaddrinfo", no_net)
    monkeypatch.setattr(socket, "create_connection", no_net)
    domains._extractor.cache_clear()
    domains._site_of_host.cache_clear()
    assert domains.site_of("https://lt.sputniknews.ru/x") == "sputniknews.ru"
    assert domains.site_of("https://a.b.example.co.uk") == "example.co.uk"


@pytest.mark.parametrize("mode", ["fast", "precise", "raw"])
def test_extraction_modes_keep_the_body(mode):
    p = extract_page(_page("alpha-news.com", "a"), mode=mode)
    assert "northern dam would be drained" in p.text
    if mode != "raw":
        assert "You may also like" not in p.text
    assert p.title.startswith("Dam to be drained")


def test_extraction_settings_reach_the_readers(tmp_path):
    """--extract and --workers are settings (sites.extract, sites.workers): raw keeps the menus."""
    from click.testing import CliRunner

    from inconcert.cli import main

    root = tmp_path / "pages"
    root.mkdir()
    for i, site in enumerate(("alpha-news.com", "beta.co.uk", "gamma.org")):
        (root / f"p{i}.html").write_text(_page(site, f"p{i}"))
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["detect", str(root), "-o", str(out), "--extract", "raw", "--workers", "1", "-q"])
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["parameters"]["sites"]["extract"] == "raw" and summary["parameters"]["sites"]["workers"] == 1
    ing = ingest([root], _w(tmp_path), sites=SiteParams(extract="raw", workers=1))
    assert all("You may also like" in t for t in pq.read_table(ing.actions_path).column("text").to_pylist())
    ing = ingest([root], _w(tmp_path), sites=SiteParams(extract="fast", workers=1))
    assert not any("You may also like" in t for t in pq.read_table(ing.actions_path).column("text").to_pylist())
