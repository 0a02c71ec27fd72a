"""A site-network simulator: networks that republish articles, and the hard negatives.

What it plants (all times in a ``days``-long window from 2024-01-01):

- **networks** (the positives): groups of sites, named and labelled after the
  real networks in ``../shared/data/sites/`` (DIMA's PortalKombat, Pravda,
  Doppelganger…, the Tow Center's Metric Media, Local Report…). A hub site
  publishes stories that other sites of the network republish with lags of
  hours to two days, mostly **without credit**; ``altered`` (30 %) of the
  copies are changed — an added intro, a truncation, word changes, or the
  copying site's own boilerplate lines. Some network sites share analytics /
  AdSense ids and persona bylines.
- **hard negatives**: independent sites covering the **same events in their
  own words**; **wire stories republished with credit** by unrelated sites
  ("This article was originally published by …" and a link); independent
  sites on a **shared CMS theme** with no shared ids; **one third-party id**
  (a hosting provider's Tag Manager container) on a third of all sites.
- **the founding example** (``seed=True``): the seed article
  (``seed_article.txt``) published by ``geopolitica.ru`` and republished by
  several sites of one network, each in a different template, with the
  credit line kept.

Every site has one of :data:`~inconcert.simulate.site_templates.TEMPLATES`; pages are
written as ``pages/<host>/<yyyy>/<mm>/<slug>.html``, or, with ``warc=``, straight
into one WARC.gz (a ``response`` and a ``request`` record per page, the same HTML;
no folder). Generation streams: a page's text goes to a temporary spill file as
it is written and is rendered from there, so memory holds only each site's
headlines (the sidebars: ~0.3 KB a page), not the pages. Labels:
``sites.csv`` (``site, role, network, template``; role ``network`` /
``wire`` / ``syndicator`` / ``independent`` / ``origin``) and ``pages.csv``
(``url, site, story, origin_url, published, altered, credited``): pages with
the same ``story`` are copies of one article.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> s = simulate_sites(d, "../shared/data/sites" if pathlib.Path("../shared/data/sites").exists()
...                    else "/work/shared/data/sites", n_networks=2, sites_per_network=(3, 4),
...                    stories_per_network=3, n_independent=4, n_syndicators=3, wire_stories=4, seed=1)
>>> s.pages > 20 and (d / "pages").is_dir()
True
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import os
import pickle
import re
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from inconcert.errors import InputError
from inconcert.simulate.site_templates import TEMPLATES, PageContent, Template, render
from inconcert.sites.domains import site_of

__all__ = ["simulate_sites", "SiteSimulation", "seed_article", "NETWORK_SOURCES", "write_warc"]

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
#: network labels taken from the real lists, in this order
NETWORK_SOURCES = [
    ("dima_domains.csv", "network", "domain"),
    ("partisan_local_news_domains.csv", "network", "domain"),  # with its subnetwork: "Metric Media / LGIS"
]
_FIRST = ["Anna", "Mark", "Elena", "Pierre", "Ivan", "Laura", "Tomas", "Sofia", "Daniel", "Maria", "Jonas",
          "Clara", "Viktor", "Nadia", "Oskar", "Irina", "Paul", "Julia", "Marek", "Lena"]
_LAST = ["Novak", "Keller", "Petrov", "Laurent", "Fischer", "Morozova", "Horvat", "Weber", "Bauer", "Sokolov",
         "Dubois", "Kovacs", "Lindqvist", "Moreau", "Varga", "Nowak", "Ricci", "Berg", "Jansen", "Costa"]
_PAGE_COLUMNS = ["url", "site", "story", "origin_url", "published", "altered", "credited"]
_COMMENTERS = ["Mike", "truthseeker", "Ana R.", "J. Smith", "patriot77", "Olga", "Ben", "reader123"]


@dataclass
class SiteSimulation:
    """What :func:`simulate_sites` wrote: folder, counts and the label files."""

    outdir: Path
    sites: int
    pages: int
    networks: int
    templates: int
    sites_csv: Path
    pages_csv: Path


def seed_article(data_dir: str | Path) -> tuple[str, list[str], str]:
    """``(title, body paragraphs, credit line)`` of ``seed_article.txt``.

    The file is one republished page: breadcrumb, title, caption, body, the
    credit line, then the site's boilerplate (``You may also like``).
    """
    lines = [ln.strip() for ln in Path(data_dir, "seed_article.txt").read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    title = lines[1]
    end = lines.index("You may also like")
    credit = lines[end - 1]
    body = lines[3 : end - 1]
    return title, body, credit


def _read_networks(data_dir: Path) -> dict[str, list[str]]:
    nets: dict[str, list[str]] = {}
    seen: set[str] = set()
    for fname, label_col, dom_col in NETWORK_SOURCES:
        path = data_dir / fname
        if not path.exists():
            raise InputError(f"{path}: missing (the simulator reads real domain lists from ../shared/data/sites)")
        with open(path, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                label = (r.get(label_col) or "").strip()
                if (r.get("subnetwork") or "").strip():
                    label = f"{label} / {r['subnetwork'].strip()}"
                site = site_of((r.get(dom_col) or "").strip().lower())
                if not label or not site or site in seen:
                    continue
                seen.add(site)
                nets.setdefault(label, []).append(site)
    return nets


def _read_news_sites(data_dir: Path, exclude: set[str]) -> list[str]:
    out = []
    with open(data_dir / "disinfo_laundromat_sites_of_concern.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r.get("Source") != "Wikidata All News":
                continue
            s = site_of((r.get("Domain") or "").strip().lower())
            if s and s not in exclude and s not in out and s not in ("t.me", "youtube.com"):
                out.append(s)
    return out


class _Writer:
    def __init__(self, rng: np.random.Generator, words: np.ndarray) -> None:
        self.rng = rng
        self.words = words
        p = 1.0 / np.arange(1, len(words) + 1) ** 0.9
        self.p = p / p.sum()
        # what ``rng.choice(words, n, p=self.p)`` computes on every call (the same draws, done once)
        self.cdf = self.p.cumsum()
        self.cdf /= self.cdf[-1]

    def _words(self, n: int) -> list[str]:
        """``list(rng.choice(words, n, p=p))``: the same words from the same random numbers."""
        return list(self.words[self.cdf.searchsorted(self.rng.random(n), side="right")])

    def sentence(self, entities: list[str]) -> str:
        n = int(self.rng.integers(10, 24))
        w = self._words(n)
        if entities and self.rng.random() < 0.6:
            w.insert(int(self.rng.integers(0, n)), str(self.rng.choice(entities)))
        s = " ".join(w)
        return s[0].upper() + s[1:] + "."

    def paragraphs(self, entities: list[str], lo: int = 5, hi: int = 9) -> list[str]:
        return [" ".join(self.sentence(entities) for _ in range(int(self.rng.integers(2, 5))))
                for _ in range(int(self.rng.integers(lo, hi + 1)))]

    def title(self, entities: list[str]) -> str:
        w = self._words(int(self.rng.integers(4, 8)))
        if entities:
            w.insert(0, str(self.rng.choice(entities)))
        s = " ".join(w)
        return s[0].upper() + s[1:]


def _alter(rng: np.random.Generator, wr: _Writer, body: list[str], entities: list[str], own: str) -> tuple[list[str], str]:
    kind = str(rng.choice(["intro", "truncate", "words", "boilerplate"]))
    b = list(body)
    if kind == "intro":
        b = [wr.sentence(entities) + " " + wr.sentence(entities), *b]
    elif kind == "truncate":
        keep = max(2, int(round(len(b) * rng.uniform(0.55, 0.85))))
        b = b[:keep]
    elif kind == "words":
        out = []
        for para in b:
            toks = para.split(" ")
            for i in range(len(toks)):
                if rng.random() < 0.06:
                    toks[i] = str(rng.choice(wr.words))
            out.append(" ".join(toks))
        b = out
    else:
        b = [f"{own} brings you this report.", *b, f"Follow {own} on Telegram for more news every day."]
    return b, kind


def _ids_html(ids: list[tuple[str, str]]) -> str:
    parts = []
    for kind, v in ids:
        if kind == "ga4":
            parts.append(f'<script async src="https://www.googletagmanager.com/gtag/js?id={v}"></script>'
                         f"<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}"
                         f"gtag('js',new Date());gtag('config','{v}');</script>")
        elif kind == "ua":
            parts.append(f"<script>ga('create','{v}','auto');ga('send','pageview');</script>")
        elif kind == "gtm":
            parts.append(f"<script>(function(w,d,s,l,i){{w[l]=w[l]||[];}})(window,document,'script','dataLayer','{v}');</script>")
        elif kind == "adsense":
            parts.append(f'<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-{v}"></script>')
        elif kind == "ym":
            parts.append(f'<script>ym({v}, "init", {{clickmap:true}});</script>')
        elif kind == "gsv":
            parts.append(f'<meta name="google-site-verification" content="{v}">')
    return "".join(parts)


def _rid(rng: np.random.Generator, kind: str) -> tuple[str, str]:
    al = list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    if kind == "ga4":
        while True:
            s = "".join(rng.choice(al, 10))
            if re.search("[A-Z]", s) and re.search("[0-9]", s):
                return kind, "G-" + s
    if kind == "ua":
        return kind, f"UA-{int(rng.integers(10**7, 10**8))}-1"
    if kind == "gtm":
        return kind, "GTM-" + "".join(rng.choice(al[:24], 7))
    if kind == "adsense":
        return kind, "pub-" + "".join(str(int(x)) for x in rng.integers(0, 10, 16))
    if kind == "ym":
        return kind, str(int(rng.integers(10**7, 10**8)))
    return kind, "".join(rng.choice(al, 24))


def simulate_sites(
    outdir: str | Path,
    data_dir: str | Path = "../shared/data/sites",
    n_networks: int = 12,
    sites_per_network: tuple[int, int] = (8, 14),
    stories_per_network: int = 40,
    copy_share: tuple[float, float] = (0.5, 0.9),
    own_per_network_site: int = 2,
    n_independent: int = 60,
    independent_articles: int = 15,
    n_syndicators: int = 30,
    wire_stories: int = 80,
    syndication_rate: float = 0.25,
    altered: float = 0.3,
    third_party_share: float = 1 / 3,
    shared_theme_sites: int = 8,
    days: int = 60,
    seed: int = 0,
    founding: bool = True,
    warc: str | Path | None = None,
) -> SiteSimulation:
    """Write a simulated crawl into ``outdir`` (see the module docstring).

    ``warc``: write the pages into this WARC.gz instead of ``outdir/pages/``
    (the same pages, byte for byte, as :func:`write_warc` packs from the folder).
    """
    rng = np.random.default_rng(seed)
    out = Path(outdir)
    data = Path(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    if warc is None:
        (out / "pages").mkdir(exist_ok=True)
    title_s, body_s, credit_s = seed_article(data)
    vocab = sorted({w for w in re.findall(r"[a-z]+", " ".join(body_s).lower()) if len(w) > 1})
    rng.shuffle(vocab)
    wr = _Writer(rng, np.array(vocab))

    nets = _read_networks(data)
    labels = [k for k, v in sorted(nets.items(), key=lambda kv: (-len(kv[1]), kv[0])) if len(v) >= sites_per_network[1]]
    if len(labels) < n_networks:
        raise InputError(f"the domain lists hold {len(labels)} networks with ≥ {sites_per_network[1]} sites; "
                         f"asked for {n_networks}")
    used: set[str] = {"geopolitica.ru"}
    site_rows: list[dict[str, str]] = []
    tmpl_of: dict[str, Template] = {}
    ids_of: dict[str, list[tuple[str, str]]] = {}
    byl_of: dict[str, list[str]] = {}
    recent: dict[str, list[tuple[str, str]]] = {}

    def new_site(site: str, role: str, network: str, template: Template | None = None) -> str:
        used.add(site)
        tmpl_of[site] = template or TEMPLATES[int(rng.integers(len(TEMPLATES)))]
        ids_of[site] = [_rid(rng, "ga4"), _rid(rng, "gsv")] + ([_rid(rng, "adsense")] if rng.random() < 0.5 else [])
        byl_of[site] = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(2)]
        recent[site] = []
        site_rows.append({"site": site, "role": role, "network": network, "template": tmpl_of[site].name})
        return site

    # networks
    networks: list[tuple[str, list[str]]] = []
    for label in labels[:n_networks]:
        pool = [s for s in nets[label] if s not in used]
        k = int(rng.integers(sites_per_network[0], sites_per_network[1] + 1))
        members = [new_site(s, "network", label) for s in pool[:k]]
        shared = [_rid(rng, "ua"), _rid(rng, "adsense")]
        persona = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(2)]
        for s in members:  # most sites carry the network's ids; some its personas
            if rng.random() < 0.6:
                ids_of[s] = ids_of[s] + [shared[int(rng.integers(2))]]
            if rng.random() < 0.5:
                byl_of[s] = persona
        networks.append((label, members))
    news = _read_news_sites(data, used)
    need = 2 + n_syndicators + n_independent
    if len(news) < need:
        raise InputError(f"only {len(news)} news sites in the laundromat list; need {need}")
    news_iter = iter(news)
    wires = [new_site(next(news_iter), "wire", "") for _ in range(2)]
    syndicators = [new_site(next(news_iter), "syndicator", "") for _ in range(n_syndicators)]
    theme = TEMPLATES[3]
    independents = [new_site(next(news_iter), "independent", "", theme if i < shared_theme_sites else None)
                    for i in range(n_independent)]
    all_sites = [r["site"] for r in site_rows]
    # one third-party container on a third of all sites
    tp = _rid(rng, "gtm")
    for s in rng.choice(all_sites, int(round(len(all_sites) * third_party_share)), replace=False):
        ids_of[str(s)] = ids_of[str(s)] + [tp]

    events = [[f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", str(rng.choice(["Ministry", "Council", "Court", "Agency"]))
               + " of " + str(rng.choice(["Trade", "Defence", "Energy", "Health", "Justice"]))] for _ in range(days * 3)]
    span = days * 86400.0
    # a page's labels go to pages.csv and its text to the spill file as it is made (rendered below)
    spill_path = out / f".pages-{os.getpid()}.spill"
    spill = open(spill_path, "wb")
    labels_fh = open(out / "pages.csv", "w", newline="", encoding="utf-8")
    labels_w = csv.writer(labels_fh)
    labels_w.writerow(_PAGE_COLUMNS)
    n_pages = 0

    def t_at(sec: float) -> dt.datetime:
        return START + dt.timedelta(seconds=int(min(sec, span + 5 * 86400)))

    def emit(site: str, title: str, body: list[str], when: dt.datetime, story: str, origin_url: str,
             kind: str, credited: bool, byline: str | None) -> str:
        nonlocal n_pages
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] + f"-{n_pages}"
        url = f"https://www.{site}/{when:%Y/%m}/{slug}/"
        published = when.isoformat().replace("+00:00", "Z")
        labels_w.writerow([url, site, story, origin_url, published, kind, int(credited)])
        pickle.dump((site, url, title, body, published, byline, len(recent[site])), spill, protocol=5)
        recent[site].append((title, url))
        n_pages += 1
        return url

    def publish_story(origin: str, copiers: list[str], story: str, title: str, body: list[str], t0: float,
                      entities: list[str], credit_share: float, lag_mean: float) -> None:
        ourl = emit(origin, title, body, t_at(t0), story, "", "", False, str(rng.choice(byl_of[origin])))
        for c in copiers:
            lag = min(float(rng.exponential(lag_mean)) + 600, 2 * 86400)
            b, kind = (_alter(rng, wr, body, entities, c) if rng.random() < altered else (list(body), ""))
            credited = rng.random() < credit_share
            if credited:
                b = [*b, f'This article was originally published by <a href="{ourl}">{origin}</a>.']
            emit(c, title, b, t_at(t0 + lag), story, ourl, kind, credited, str(rng.choice(byl_of[c])))

    n_story = 0
    for _label, members in networks:
        hub = members[0]
        for _ in range(stories_per_network):
            ents = events[int(rng.integers(len(events)))]
            k = max(1, int(round((len(members) - 1) * rng.uniform(*copy_share))))
            copiers = [str(s) for s in rng.choice(members[1:], k, replace=False)]
            origin = hub if rng.random() < 0.7 else str(rng.choice(members))
            copiers = [c for c in copiers if c != origin] or [hub]
            publish_story(origin, copiers, f"s{n_story}", wr.title(ents), wr.paragraphs(ents),
                          float(rng.uniform(0, span)), ents, 0.1, 6 * 3600)
            n_story += 1
        for s in members:
            for _ in range(own_per_network_site):
                ents = events[int(rng.integers(len(events)))]
                emit(s, wr.title(ents), wr.paragraphs(ents), t_at(float(rng.uniform(0, span))), f"s{n_story}", "",
                     "", False, str(rng.choice(byl_of[s])))
                n_story += 1
    for _ in range(wire_stories):
        ents = events[int(rng.integers(len(events)))]
        w = str(rng.choice(wires))
        copiers = [s for s in syndicators if rng.random() < syndication_rate]
        publish_story(w, copiers, f"s{n_story}", wr.title(ents), wr.paragraphs(ents), float(rng.uniform(0, span)),
                      ents, 1.0, 3 * 3600)
        n_story += 1
    for s in syndicators + independents:  # own reporting: the same events, in their own words
        for _ in range(independent_articles):
            ei = int(rng.integers(len(events)))
            ents = events[ei]
            when = START + dt.timedelta(seconds=int(ei / len(events) * span + rng.uniform(0, 86400)))
            emit(s, wr.title(ents), wr.paragraphs(ents), when, f"s{n_story}", "", "", False, str(rng.choice(byl_of[s])))
            n_story += 1
    if founding:  # the seed article: geopolitica.ru first, then a network's sites in their own templates
        origin = new_site("geopolitica.ru", "origin", "founding")
        fam = [new_site(s, "network", "founding", TEMPLATES[i * 6 % len(TEMPLATES)])
               for i, s in enumerate(["iran-front.com", "khalqwatch.net", "mek-news.org",
                                      "ashraf3-news.info"])]
        shared = _rid(rng, "ua")
        for s in fam:
            ids_of[s] = ids_of[s] + [shared]
        t0 = 10 * 86400.0
        ourl = emit(origin, title_s, body_s, t_at(t0), "seed", "", "", False, "Alireza Niknam")
        for i, s in enumerate(fam):
            emit(s, title_s, [*body_s, credit_s], t_at(t0 + (i + 1) * 5400 * (i + 1)), "seed", ourl, "", True, None)
        for j in range(5):  # the network also copies some of its origin's other pieces
            ents = events[j]
            b = wr.paragraphs(ents)
            ti = wr.title(ents)
            ou = emit(origin, ti, b, t_at(t0 + 86400 * (j + 1)), f"seed{j}", "", "", False, "Alireza Niknam")
            for s in fam:
                emit(s, ti, [*b, f"{title_s.split()[0]} Niknam, geopolitica.ru"], t_at(t0 + 86400 * (j + 1) + 7200),
                     f"seed{j}", ou, "", True, None)

    spill.close()
    labels_fh.close()
    # render the pages in the order made (recent headlines of the page's own site fill the sidebars)
    sink = _WarcSink(warc) if warc is not None else None
    try:
        with open(spill_path, "rb") as fh:
            for _ in range(n_pages):
                site, url, title, body, published, byline, pos = pickle.load(fh)
                t = tmpl_of[site]
                rec_all = recent[site]
                idx = int(rng.integers(0, max(1, len(rec_all) - 1)))
                content = PageContent(
                    site=f"www.{site}", site_name=site.split(".")[0].replace("-", " ").title(), url=url,
                    title=title, body=body, published=published,
                    byline=byline, category=str(rng.choice(["World", "Politics", "Economy", "Society"])),
                    recent=_slice_without(rec_all, pos, idx, 18),
                    comments=[(str(rng.choice(_COMMENTERS)), wr.sentence([])) for _ in range(int(rng.integers(0, 7)))],
                    head_extra=_ids_html(ids_of[site]),
                )
                html = render(t, content)
                if sink is not None:
                    sink.add(url, html.encode("utf-8"), published)
                    continue
                path = out / "pages" / f"www.{site}" / url.split(f"www.{site}/", 1)[1].rstrip("/")
                path = path.with_name(path.name + ".html")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(html, encoding="utf-8")
    finally:
        if sink is not None:
            sink.close()
        spill_path.unlink(missing_ok=True)
    with open(out / "sites.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, ["site", "role", "network", "template"])
        w.writeheader()
        w.writerows(sorted(site_rows, key=lambda r: r["site"]))
    return SiteSimulation(out, len(site_rows), n_pages, len(networks) + int(founding),
                          len({r["template"] for r in site_rows}), out / "sites.csv", out / "pages.csv")


def _slice_without(seq: Sequence[Any], pos: int, start: int, n: int) -> list[Any]:
    """``[x for i, x in enumerate(seq) if i != pos][start : start + n]`` without the copy.

    >>> _slice_without("abcdefg", 2, 1, 3), _slice_without("abcdefg", 0, 1, 3), _slice_without("abcdefg", 6, 1, 3)
    (['b', 'd', 'e'], ['c', 'd', 'e'], ['b', 'c', 'd'])
    """
    if pos < start:
        return list(seq[start + 1 : start + 1 + n])
    if pos >= start + n:
        return list(seq[start : start + n])
    return [*seq[start:pos], *seq[pos + 1 : start + n + 1]]


class _WarcSink:
    """Pages into one WARC.gz: a ``response`` record each (HTTP 200, ``text/html``)
    and a ``request`` record when ``request_records``, each record its own gzip
    member (as crawlers write them) with SHA-1 block and payload digests. Record
    ids are derived from the URL and the WARC-Date is the publication time plus one
    day (a crawl after publication), so the same pages give the same file, byte for
    byte. Written here rather than with warcio's writer, which took 0.6 ms a page
    (its level-9 gzip and header plumbing) against ~0.15 ms; warcio and fastwarc
    both read the result (``tests/test_sites_simulate_warc.py``)."""

    def __init__(self, path: str | Path, request_records: bool = True) -> None:
        self.fh: BinaryIO = open(path, "wb")
        self.request_records = request_records
        self.n = 0

    def _record(self, kind: str, url: str, date: str, block: bytes, payload: bytes) -> None:
        head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: {_record_id(kind, url)}\r\n"
                f"WARC-Target-URI: {url}\r\nWARC-Date: {date}\r\n"
                f"WARC-Payload-Digest: {_sha1(payload)}\r\nWARC-Block-Digest: {_sha1(block)}\r\n"
                f"Content-Type: application/http; msgtype={kind}\r\nContent-Length: {len(block)}\r\n\r\n")
        z = zlib.compressobj(1, zlib.DEFLATED, 31)  # one gzip member per record; level 1: 0.16 ms a page, 8 % larger than 6
        self.fh.write(z.compress(head.encode()) + z.compress(block) + z.compress(b"\r\n\r\n") + z.flush())

    def add(self, url: str, html: bytes, published: str) -> None:
        host = url.split("/")[2]
        rel = url.split(host + "/", 1)[1].rstrip("/") + ".html"
        crawl = dt.datetime.fromisoformat(published.replace("Z", "+00:00")) + dt.timedelta(days=1)
        date = crawl.strftime("%Y-%m-%dT%H:%M:%SZ")
        http = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                f"Content-Length: {len(html)}\r\n\r\n").encode()
        self._record("response", url, date, http + html, html)
        if self.request_records:
            req = f"GET /{rel} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
            self._record("request", url, date, req, b"")
        self.n += 1

    def close(self) -> None:
        self.fh.close()


def _record_id(kind: str, url: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, kind + ' ' + url)}>"


def _sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def write_warc(sim_dir: str | Path, path: str | Path, request_records: bool = True) -> int:
    """Pack a simulation's pages folder into one WARC.gz (a ``response`` record per page,
    plus a ``request`` record each when ``request_records``); returns the pages written.

    The WARC-Date is the page's publication time plus one day (a crawl after
    publication); uses warcio's writer. ``simulate_sites(..., warc=path)`` writes
    the same file without the folder.
    """
    sim = Path(sim_dir)
    sink = _WarcSink(path, request_records)
    try:
        with open(sim / "pages.csv", newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                host = r["url"].split("/")[2]
                rel = r["url"].split(host + "/", 1)[1].rstrip("/") + ".html"
                sink.add(r["url"], (sim / "pages" / host / rel).read_bytes(), r["published"])
    finally:
        sink.close()
    return sink.n
