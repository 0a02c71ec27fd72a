"""``articles``: already-extracted articles — CSV, JSON Lines or Parquet with one article a row.

Columns (case-insensitive; the first alias present wins): ``url`` (required),
``site`` (else the URL's registered domain), ``published`` (also
``published_at``, ``date``, ``datePublished``), ``title``, ``text`` (also
``body``, ``content``), ``byline`` (also ``author``), and ``html`` (optional:
when given, the page is extracted from it like a saved page and ``text``
is only the fallback). A row without a URL, a site or a time, or with
neither text nor HTML, is rejected with the reason.

>>> import tempfile, pathlib, json
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
>>> _ = p.write_text(json.dumps({"url": "https://www.example.com/a", "published": "2024-01-01T10:00:00Z",
...     "title": "T", "text": "Some words of an article."}) + "\\n")
>>> t = next(ArticlesReader().read(p, ReadContext(p)))
>>> t.column("account_id").to_pylist(), t.column("text").to_pylist()
(['example.com'], ['Some words of an article.'])
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from inconcert.readers.base import ReadContext, Reader, open_text
from inconcert.readers.generic import table_kind
from inconcert.sites.domains import site_of
from inconcert.sites.extract import Page, parse_time
from inconcert.sites.rows import PageBatcher, RawPage

__all__ = ["ArticlesReader", "ARTICLE_ALIASES"]

#: Field → accepted column names.
ARTICLE_ALIASES: dict[str, tuple[str, ...]] = {
    "url": ("url", "page_url", "link"),
    "site": ("site", "domain", "website"),
    "published": ("published", "published_at", "datepublished", "date_published", "date", "publish_date"),
    "title": ("title", "headline"),
    "text": ("text", "body", "content", "article_text"),
    "byline": ("byline", "author", "authors"),
    "html": ("html", "raw_html"),
}


def _map(columns: list[str]) -> dict[str, str]:
    lower = {c.lower(): c for c in columns}
    out = {}
    for field, aliases in ARTICLE_ALIASES.items():
        for a in aliases:
            if a in lower:
                out[field] = lower[a]
                break
    return out


def _columns(path: Path, head: bytes, kind: str) -> list[str]:
    if kind == "parquet":
        return pq.ParquetFile(path).schema_arrow.names
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if kind == "jsonl":
        keys: dict[str, None] = {}
        for line in text.splitlines()[:50]:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                keys.update(dict.fromkeys(obj))
        return list(keys)
    delim = "\t" if kind == "tsv" else ","
    try:
        return next(csv.reader(io.StringIO(text.split("\n", 1)[0].rstrip("\r")), delimiter=delim))
    except StopIteration:
        return []


def _records(path: Path, kind: str) -> Iterator[dict[str, Any]]:
    if kind == "parquet":
        for batch in pq.ParquetFile(path).iter_batches(batch_size=2000):
            yield from batch.to_pylist()
        return
    with open_text(path) as fh:
        if kind == "jsonl":
            for line in fh:
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError:
                    yield {"__bad__": line[:2000]}
                    continue
                yield obj if isinstance(obj, dict) else {"__bad__": line[:2000]}
            return
        yield from csv.DictReader(fh, delimiter="\t" if kind == "tsv" else ",")


class ArticlesReader(Reader):
    name = "articles"
    description = "extracted articles (CSV/JSONL/Parquet: url, site, published, title, text, html optional)"
    platform = "web"

    def sniff(self, path: Path, head: bytes) -> float:
        kind = table_kind(path, head)
        if kind is None:
            return 0.0
        m = _map(_columns(path, head, kind))
        if "url" in m and ("text" in m or "html" in m) and ("published" in m or "html" in m):
            return 0.7
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        from inconcert.readers.base import read_head

        head = read_head(path)
        kind = table_kind(path, head) or "csv"
        m = _map(_columns(path, head, kind))
        batcher = PageBatcher(ctx)
        raws: list[RawPage] = []
        pages: list[Page | str] = []
        html_raws: list[RawPage] = []

        def flush() -> Iterator[pa.Table]:
            if html_raws:
                done = batcher._map(html_raws)
                for r, p in zip(html_raws, done, strict=True):
                    raws.append(r)
                    pages.append(_override(p, r))
                html_raws.clear()
            yield from batcher.emit_pages(list(raws), list(pages))
            raws.clear()
            pages.clear()

        try:
            for row, rec in enumerate(_records(path, kind), start=1):
                ctx.records_read = row
                if "__bad__" in rec:
                    ctx.reject(row, "not a JSON object", rec["__bad__"])
                    continue
                get = {f: (rec.get(c) if c in rec else None) for f, c in m.items()}
                url = str(get.get("url") or "").strip()
                if not url:
                    ctx.reject(row, "no url", rec)
                    continue
                pub = get.get("published")
                published = pub if hasattr(pub, "tzinfo") else parse_time(str(pub) if pub else None)
                if published is not None and getattr(published, "tzinfo", None) is None:
                    published = published.replace(tzinfo=dt.UTC)
                site = str(get.get("site") or "").strip().lower() or None
                site = site_of(site) if site else site_of(url)
                raw = RawPage(row, get.get("html") or "", url, published, None, json.dumps(rec, default=str)[:2000])
                raw.extra = {
                    "site": site, "title": get.get("title"), "text": get.get("text"),
                    "byline": get.get("byline"), "published": published,
                }
                if get.get("html"):
                    html_raws.append(raw)
                elif get.get("text"):
                    raws.append(raw)
                    pages.append(Page(url, site, _s(get.get("title")), _s(get.get("byline")), None,
                                      published, "published_time" if published else "crawl",
                                      str(get["text"]), [], []))
                else:
                    ctx.reject(row, "neither text nor html", rec)
                    continue
                if len(raws) + len(html_raws) >= 2000:
                    yield from flush()
            yield from flush()
        finally:
            batcher.close()


def _s(x: Any) -> str | None:
    return str(x).strip() or None if x is not None else None


def _override(p: Page | str, raw: RawPage) -> Page | str:
    """The table's own site, time, title and byline win over what the HTML says."""
    if isinstance(p, str):
        return p
    x = raw.extra or {}
    if x["site"]:
        p.site = x["site"]
    if x["published"] is not None:
        p.published, p.time_source = x["published"], "published_time"
    p.title = _s(x["title"]) or p.title
    p.byline = _s(x["byline"]) or p.byline
    if not p.text and x["text"]:
        p.text = str(x["text"])
    return p
