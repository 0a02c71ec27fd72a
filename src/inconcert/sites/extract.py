"""One web page in, its article out: body text, title, byline, language, time, links, ids.

Three ways to get the body (``mode``):

- ``"precise"``: trafilatura (Barbaresi 2021), the most accurate open
  extractor in published comparisons (Bevendorff et al. 2023), ~60 pages/s
  per core here;
- ``"fast"``: resiliparse's main-content extraction (Bevendorff et al. 2018),
  ~10x faster; what a crawl of millions of pages needs;
- ``"raw"``: every visible text of the page, boilerplate included — only to
  show what boilerplate removal is worth (``docs/sites.md``).

The rest comes from the markup, in this order of trust:

- **url**: ``<link rel="canonical">``, then ``og:url``, then the one given;
- **publication time**: ``article:published_time`` (and its ``og:``/``DC``
  kin), JSON-LD ``datePublished``, the first ``<time datetime>``, then (precise
  htmldate (dates in the URL and the visible text, day precision); a page with none gets the crawl time, with
  ``time_source = "crawl"`` so nobody mistakes it for a publication time;
- **title**: ``og:title``, JSON-LD ``headline``, ``<title>``;
- **site name**: ``og:site_name``, JSON-LD ``publisher.name`` (credit by name:
  "(Reuters) —");
- **byline**: ``<meta name="author">``, JSON-LD ``author``, ``rel="author"``,
  an element whose class says ``byline``/``author``;
- **language**: ``<html lang>``, else resiliparse's detector on the body;
- **links**: outbound links (to another registered domain) whose anchor
  text is part of the extracted body — links in the article, not in the
  site's menus and footers;
- **ids**: :func:`inconcert.sites.ids.find_ids`.

>>> html = '''<html lang="en"><head><title>T | Site</title>
... <link rel="canonical" href="https://www.example.com/a">
... <meta property="article:published_time" content="2024-03-01T10:00:00+01:00">
... <meta name="author" content="By Jane Roe"></head><body><nav>Home</nav>
... <article><p>The council voted on Tuesday to close the old bridge to all traffic,
... citing a report by <a href="https://wire.example.org/r">the wire</a> on its cracks.</p></article>
... <footer>(c) Site</footer></body></html>'''
>>> p = extract_page(html, mode="raw")
>>> p.url, p.site, p.published.isoformat(), p.time_source, p.byline
('https://www.example.com/a', 'example.com', '2024-03-01T09:00:00+00:00', 'published_time', 'Jane Roe')
>>> p.links
['https://wire.example.org/r']
"""

from __future__ import annotations

import datetime as dt
import html as _html
import json
import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urljoin

from inconcert.errors import ConfigError, InconcertError
from inconcert.sites.domains import INSTALL_HINT, host_of, site_of
from inconcert.sites.ids import FoundId, find_ids

__all__ = ["Page", "Mode", "MODES", "extract_page", "body_text", "decode_html", "parse_time"]

Mode = Literal["precise", "fast", "raw"]
MODES: tuple[str, ...] = ("precise", "fast", "raw")
UTC = dt.UTC


@dataclass
class Page:
    """What :func:`extract_page` found in one page (``None`` = not found)."""

    url: str | None
    site: str | None
    title: str | None
    byline: str | None
    lang: str | None
    published: dt.datetime | None
    time_source: str
    text: str
    links: list[str] = field(default_factory=list)
    ids: list[FoundId] = field(default_factory=list)
    #: registered domains linked from anywhere in the page (credit lines are often
    #: short linked paragraphs that main-text extraction drops)
    linked_sites: list[str] = field(default_factory=list)
    #: the site's name as the page gives it (``og:site_name``, JSON-LD ``publisher``)
    site_name: str | None = None


_TAG_RE = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")
_META = re.compile(r"<meta\b[^>]*>", re.I)
_LINK = re.compile(r"<link\b[^>]*>", re.I)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_HREF = re.compile(r"""(?<![-a-zA-Z0-9_:.])href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.S | re.I)
_LDJSON = re.compile(r"""<script[^>]*type\s*=\s*["']application/ld\+json["'][^>]*>(.*?)</script\s*>""", re.S | re.I)
_TIME = re.compile(r"""<time\b[^>]*\bdatetime\s*=\s*["']([^"']+)["']""", re.I)
_HTML_LANG = re.compile(r"""<html\b[^>]*\blang\s*=\s*["']?([A-Za-z]{2,3})""", re.I)
_A = re.compile(r"""<a\b([^>]*)>(.*?)</a\s*>""", re.S | re.I)
_REL_AUTHOR = re.compile(r"""<a\b[^>]*\brel\s*=\s*["'][^"']*\bauthor\b[^"']*["'][^>]*>(.*?)</a\s*>""", re.S | re.I)
_CLASS_AUTHOR = re.compile(
    r"""<(span|div|p|a)\b[^>]*\bclass\s*=\s*["'][^"']*\b(?:byline|author-name|author|entry-author|article-author)\b[^"']*["'][^>]*>(.*?)</\1\s*>""",
    re.S | re.I,
)
_DROP_BLOCKS = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.S | re.I)
_COMMENTS = re.compile(r"<!--.*?-->", re.S)
_BY = re.compile(r"^\s*(?:by|von|par|por|автор:?)\s+", re.I)

_PUBLISHED_METAS = (
    "article:published_time", "og:article:published_time", "datepublished",
    "dc.date.issued", "dcterms.created", "pubdate", "publish-date", "sailthru.date",
)


def decode_html(data: bytes | str, charset: str | None = None) -> str:
    """Bytes of a page as text: the declared ``charset``, else UTF-8, else the
    ``<meta charset>``, else the guess of :func:`inconcert.readers.encoding.detect_encoding`
    (a non-Latin script by charset-normalizer, else Windows-1252; undecodable bytes replaced).

    >>> decode_html("café".encode("cp1252"))
    'café'
    """
    if isinstance(data, str):
        return data
    for enc in (charset, "utf-8"):
        if enc:
            try:
                return data.decode(enc)
            except (LookupError, UnicodeDecodeError):
                pass
    m = re.search(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    # the tables' guess (a non-Latin script, else cp1252); imported here: readers import this module
    from inconcert.readers.encoding import detect_encoding

    guess = detect_encoding(data[:65536])  # UTF-8 already failed on the whole page
    return data.decode("cp1252" if guess == "utf-8" else guess, errors="replace")


def parse_time(value: str | None) -> dt.datetime | None:
    """An ISO-8601 time as UTC (a time without zone is taken as UTC); None if unreadable.

    >>> parse_time("2024-03-01T10:00:00+01:00").isoformat(), parse_time("2024-03-01").isoformat()
    ('2024-03-01T09:00:00+00:00', '2024-03-01T00:00:00+00:00')
    >>> parse_time("last Tuesday") is None
    True
    """
    if not value:
        return None
    v = value.strip()
    if v.endswith("Z") or v.endswith("z"):
        v = v[:-1] + "+00:00"
    try:
        t = dt.datetime.fromisoformat(v)
    except ValueError:
        try:
            t = dt.datetime.fromisoformat(v[:19])
        except ValueError:
            return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    t = t.astimezone(UTC)
    if not 1990 <= t.year <= 2100:
        return None
    return t


def _clean(s: str | None) -> str | None:
    if s is None:
        return None
    s = _WS.sub(" ", _html.unescape(_TAG_RE.sub(" ", s))).strip()
    return s or None


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTR.finditer(tag)}


def _ld_items(html: str) -> list[dict]:
    out: list[dict] = []
    for m in _LDJSON.finditer(html):
        try:
            data = json.loads(m.group(1).strip())
        except ValueError:
            continue
        stack = [data]
        while stack:
            x = stack.pop()
            if isinstance(x, list):
                stack.extend(reversed(x))
            elif isinstance(x, dict):
                out.append(x)
                if "@graph" in x:
                    stack.append(x["@graph"])
    return out


def _ld_author(a: object) -> str | None:
    if isinstance(a, list):
        names = [n for n in (_ld_author(x) for x in a) if n]
        return ", ".join(names) or None
    if isinstance(a, dict):
        return _clean(str(a.get("name", ""))) if a.get("name") else None
    if isinstance(a, str):
        return _clean(a)
    return None


def _byline(name: str | None) -> str | None:
    name = _clean(name)
    if not name:
        return None
    name = _BY.sub("", name).strip(" ,.-|")
    if not name or len(name) > 80 or name.lower() in ("admin", "administrator", "editor", "staff"):
        return None
    return name


def _visible_text(html: str) -> str:
    s = _COMMENTS.sub(" ", html)
    s = _DROP_BLOCKS.sub(" ", s)
    s = re.sub(r"<head\b.*?</head\s*>", " ", s, flags=re.S | re.I)
    s = re.sub(r"</(p|div|li|h[1-6]|br|tr|article|section|header|footer|nav)\s*>|<br\s*/?>", "\n", s, flags=re.I)
    s = _html.unescape(_TAG_RE.sub(" ", s))
    lines = (_WS.sub(" ", ln).strip() for ln in s.split("\n"))
    return "\n".join(ln for ln in lines if ln)


def body_text(html: str, mode: Mode = "fast") -> str:
    """The page's main text in ``mode`` (see the module docstring).

    >>> body_text("<html><body><nav>Menu</nav><p>Hello world.</p></body></html>", "raw")
    'Menu\\nHello world.'
    """
    if mode == "raw":
        return _visible_text(html)
    if mode == "fast":
        try:
            from resiliparse.extract.html2text import extract_plain_text
        except ImportError as e:  # pragma: no cover - optional dependency
            raise InconcertError(f"fast extraction needs resiliparse: {INSTALL_HINT} (or use mode='precise')") from e
        return extract_plain_text(html, main_content=True, alt_texts=False, links=False, list_bullets=False).strip()
    if mode == "precise":
        try:
            import trafilatura
        except ImportError as e:  # pragma: no cover - optional dependency
            raise InconcertError(f"precise extraction needs trafilatura and lxml_html_clean: {INSTALL_HINT}") from e
        return (
            trafilatura.extract(
                html, include_comments=False, include_tables=True, favor_precision=True,
                deduplicate=False, with_metadata=False,
            )
            or ""
        ).strip()
    raise ConfigError(f"extraction mode must be one of {', '.join(MODES)}, not {mode!r}")


def _lang_of(text: str) -> str | None:
    try:
        from resiliparse.parse.lang import detect_fast
    except ImportError:  # pragma: no cover - optional dependency
        return None
    if len(text) < 40:
        return None
    lang, score = detect_fast(text[:3000])
    return lang if lang and lang != "unknown" else None


def extract_page(
    html: str | bytes,
    url: str | None = None,
    crawl_time: dt.datetime | None = None,
    mode: Mode = "fast",
    charset: str | None = None,
) -> Page:
    """Extract one page (see the module docstring for what comes from where)."""
    html = decode_html(html, charset)
    metas: dict[str, str] = {}
    for m in _META.finditer(html):
        a = _attrs(m.group(0))
        key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
        if key and "content" in a and key not in metas:
            metas[key] = a["content"]
    canonical = None
    for m in _LINK.finditer(html):
        a = _attrs(m.group(0))
        if "canonical" in a.get("rel", "").lower().split() and a.get("href"):
            canonical = a["href"].strip()
            break
    page_url = None
    for cand in (canonical, metas.get("og:url"), url):
        if cand and cand.strip().lower().startswith(("http://", "https://")):
            page_url = cand.strip()
            break
        if cand and url and cand.startswith("/"):
            page_url = urljoin(url, cand)
            break
    ld = _ld_items(html)

    published, source = None, "crawl"
    for k in _PUBLISHED_METAS:
        published = parse_time(metas.get(k))
        if published:
            source = "published_time"
            break
    if published is None:
        for item in ld:
            published = parse_time(str(item.get("datePublished", "")) or None)
            if published:
                source = "json-ld"
                break
    if published is None:
        m = _TIME.search(html)
        if m:
            published = parse_time(m.group(1))
            source = "time-tag" if published else source
    if published is None:  # ~2 ms a page, only for pages without date markup
        try:
            from htmldate import find_date

            found = find_date(html, extensive_search=False, outputformat="%Y-%m-%dT%H:%M:%S")
        except ImportError:  # pragma: no cover - optional dependency
            found = None
        except Exception:  # htmldate raises on odd markup; no date is the answer then
            found = None
        published = parse_time(found)
        source = "htmldate" if published else source
    if published is None:
        published = crawl_time.astimezone(UTC) if crawl_time else None
        source = "crawl"

    title = _clean(metas.get("og:title"))
    if not title:
        title = next((_clean(str(i["headline"])) for i in ld if i.get("headline")), None)
    if not title:
        m = _TITLE.search(html)
        title = _clean(m.group(1)) if m else None

    byline = _byline(metas.get("author") or metas.get("article:author") or metas.get("dc.creator"))
    if byline is None:
        byline = next((b for b in (_byline(_ld_author(i.get("author"))) for i in ld if i.get("author")) if b), None)
    if byline is None:
        m = _REL_AUTHOR.search(html) or _CLASS_AUTHOR.search(html)
        if m:
            byline = _byline(m.group(m.lastindex or 1))

    site_name = _clean(metas.get("og:site_name"))
    if not site_name:
        site_name = next((_ld_author(i["publisher"]) for i in ld if i.get("publisher")), None)

    text = body_text(html, mode)
    m = _HTML_LANG.search(html)
    lang = m.group(1).lower() if m else _lang_of(text)

    site = site_of(page_url) if page_url else None
    links: list[str] = []
    seen: set[str] = set()
    linked: set[str] = set()
    flat = _WS.sub(" ", text)
    own_host = host_of(page_url) if page_url else None
    for m in _A.finditer(html):
        hm = _HREF.search(m.group(1))
        href = (hm.group(1) or hm.group(2) or hm.group(3) or "").strip() if hm else ""
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        if not href.startswith(("http://", "https://", "//", "HTTP")):
            continue  # a relative link stays on the site
        h = href.split("/", 3)[2].lower() if href.count("/") >= 2 else ""
        if own_host and (h == own_host or (site and (h == site or h.endswith("." + site)))):
            continue  # the site's own pages (menus, related posts)
        full = _html.unescape(href)
        if not full.startswith(("http://", "https://")):  # absolute links need no joining
            full = urljoin(page_url or "", full)
        if not full.lower().startswith(("http://", "https://")):
            continue
        target = site_of(full)
        if target is None or target == site:
            continue
        linked.add(target)
        if full in seen:
            continue
        anchor = _clean(m.group(2))
        if anchor and anchor in flat:
            seen.add(full)
            links.append(full)
    return Page(page_url, site, title, byline, lang, published, source, text, links, find_ids(html),
                sorted(linked), site_name)
