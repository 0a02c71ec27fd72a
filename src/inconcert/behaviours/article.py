"""``article``: sites that carry copies of the same article (near-duplicate bodies).

Each page's extracted body is matched against every other page's by
MinHash-LSH and verified by exact Jaccard *or* containment
(:mod:`inconcert.sites.copies`), so a copy that was truncated, given an added
intro or wrapped in the copying site's own lines still matches its origin.
Every page in a cluster of copies that spans at least two sites leaves a
trace whose object is the cluster, named by its origin page's URL (the
earliest copy); the windowed co-action detection then runs as usual, with
the site run's window of days (a copy lag is hours to days, not seconds).

Table made by :meth:`ArticleBehaviour.prepare` (kept for the outputs):
``ic_site_articles(seq, cluster, origin_seq, jaccard, containment, credits)``
(``credits``: ``;a.com;b.org;``, the other sites of its cluster the page credits
by domain, link or name: :mod:`inconcert.sites.credit`).
Settings: ``sites.copy_*`` of :class:`~inconcert.config.SiteParams` (Jaccard 0.5,
containment 0.8, bodies of ≥ 50 words, 40 bands × 3 rows), seeded by ``config.seed``.

>>> from inconcert.behaviours import BEHAVIOURS
>>> BEHAVIOURS["article"].opt_in
True
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inconcert.behaviours.base import Behaviour
from inconcert.behaviours.tracker import ensure_site_tables
from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.errors import InconcertError
from inconcert.sites.copies import CopyParams, CopySearch, set_origins
from inconcert.sites.credit import credited_sites, site_names
from inconcert.sql.dialect import Dialect

__all__ = ["ArticleBehaviour", "copy_params"]


def copy_params(config: DetectConfig | None) -> CopyParams:
    """The :class:`CopyParams` of a run: its ``sites.copy_*`` settings, seeded by ``config.seed``.

    >>> from inconcert.config import SiteParams
    >>> p = copy_params(DetectConfig(seed=7, sites=SiteParams(copy_containment=0.9)))
    >>> p.seed, p.containment
    (7, 0.9)
    """
    config = config or DetectConfig()
    s = config.sites
    return CopyParams(jaccard=s.copy_jaccard, containment=s.copy_containment, min_shared=s.copy_min_shared,
                      partial_containment=s.copy_partial_containment, min_tokens=s.copy_min_words,
                      bands=s.copy_bands, rows=s.copy_rows, seed=int(config.seed))


class ArticleBehaviour(Behaviour):
    name = "article"
    description = "copies of one article on several sites (MinHash-LSH, Jaccard or containment)"
    columns = ("text",)
    keeps = ("ic_site_articles",)
    opt_in = True

    def prepare(self, engine: Engine, config: DetectConfig) -> dict[str, Any]:
        d = engine.dialect
        ensure_site_tables(engine)
        # the per-page facts without the texts; the texts are read in slices of seq (bounded memory)
        t = engine.to_arrow(
            f"""SELECT a.seq, a.account_id, {d.epoch_us('a.ts')} AS t,
                       coalesce(p.time_source IN ('htmldate', 'crawl'), false) AS imprecise,
                       coalesce(p.linked_sites, '') AS linked, p.byline, p.site_name
                FROM actions a LEFT JOIN site_pages p ON p.post_id = a.post_id AND p.account_id = a.account_id
                WHERE a.text IS NOT NULL ORDER BY a.seq"""
        )
        seq = t.column("seq").to_numpy()
        times = t.column("t").to_numpy()
        enc = pc.dictionary_encode(t.column("account_id").combine_chunks())
        codes = enc.indices.to_numpy().astype(np.int64)
        names = enc.dictionary.to_pylist()
        sites_l = [names[c] for c in codes.tolist()]
        search = CopySearch(copy_params(config))
        try:
            for lo, hi, texts in _text_slices(engine, seq):
                search.add(texts, times[lo:hi], codes[lo:hi])
            first = search.find()
            in_c = np.flatnonzero(first.cluster >= 0)
            names_of: dict[int, set[str]] = {}
            for i in in_c.tolist():
                names_of.setdefault(int(first.cluster[i]), set()).add(sites_l[i])
            linked, bylines, given = t.column("linked"), t.column("byline"), t.column("site_name")
            known: dict[str, set[str | None]] = {}  # the names each site's own pages in clusters give it
            for i in in_c.tolist():
                known.setdefault(sites_l[i], set()).add(given[i].as_py())
            site_names_of = {s: site_names(s, *sorted(n for n in g if n)) for s, g in known.items()}
            credits: dict[int, set[str]] = {}
            wanted = np.zeros(len(seq), bool)
            wanted[in_c] = True
            for lo, hi, texts in _text_slices(engine, seq, wanted):  # what each copy credits: by link, domain or name
                for i in (in_c[(in_c >= lo) & (in_c < hi)]).tolist():
                    others = names_of[int(first.cluster[i])] - {sites_l[i]}
                    cr = credited_sites(texts[i - lo].as_py() or "", bylines[i].as_py(), linked[i].as_py(),
                                        {s: site_names_of[s] for s in others})
                    if cr:
                        credits[i] = cr
            r = set_origins(first, times, sites_l, credits, t.column("imprecise").to_numpy(zero_copy_only=False))
        finally:
            search.close()
        keep = np.flatnonzero(r.cluster >= 0)
        if len(keep):  # clusters on one site only (a page saved twice) are not copies across sites
            cl = r.cluster[keep]
            order = np.lexsort((codes[keep], cl))
            cs, ss = cl[order], codes[keep][order]
            new = np.concatenate(([True], (cs[1:] != cs[:-1]) | (ss[1:] != ss[:-1])))
            nsites = np.bincount(np.searchsorted(np.unique(cs), cs[new]), minlength=len(np.unique(cs)))
            multi = np.unique(cs)[nsites >= 2]
            keep = keep[np.isin(r.cluster[keep], multi)]
        table = pa.table(
            {
                "seq": pa.array(seq[keep], pa.int64()),
                "origin_seq": pa.array(seq[r.cluster[keep]], pa.int64()),
                "jaccard": pa.array(r.jaccard[keep]),
                "containment": pa.array(r.containment[keep]),
                "credits": pa.array([";" + ";".join(sorted(credits[i])) + ";" if i in credits else None
                                     for i in keep.tolist()], pa.string()),
            }
        )
        engine.register_arrow("ic_site_articles_a", table)
        engine.create_table(
            "ic_site_articles",
            """SELECT x.seq, o.post_id AS cluster, x.origin_seq, x.jaccard, x.containment, x.credits
               FROM ic_site_articles_a x JOIN actions o ON o.seq = x.origin_seq ORDER BY x.seq""",
        )
        engine.drop("ic_site_articles_a")
        stats = dict(r.stats)
        stats["pages_in_cross_site_clusters"] = int(len(keep))
        return stats

    def traces_sql(self, d: Dialect, config: DetectConfig) -> str:
        return f"""SELECT a.account_id, s.cluster AS object, {d.epoch_us("a.ts")} AS t, a.post_id, a.seq
            FROM ic_site_articles s JOIN actions a ON a.seq = s.seq"""


#: texts read from the engine per query
TEXT_SLICE = 20_000


def _text_slices(engine: Engine, seq: np.ndarray, wanted: np.ndarray | None = None
                 ) -> Iterator[tuple[int, int, pa.Array]]:
    """``(lo, hi, texts)``: the texts of rows ``lo:hi`` of ``seq`` (sorted seqs of the rows
    with a text), :data:`TEXT_SLICE` at a time; slices with no ``wanted`` row are skipped."""
    for lo in range(0, len(seq), TEXT_SLICE):
        hi = min(lo + TEXT_SLICE, len(seq))
        if wanted is not None and not wanted[lo:hi].any():
            continue
        texts = engine.to_arrow(
            f"SELECT text FROM actions WHERE text IS NOT NULL AND seq BETWEEN {int(seq[lo])} AND {int(seq[hi - 1])} "
            "ORDER BY seq").column("text").combine_chunks()
        if len(texts) != hi - lo:  # seq is unique in the actions table; anything else is a bug
            raise InconcertError(f"actions.seq {seq[lo]}–{seq[hi - 1]}: {len(texts)} texts for {hi - lo} rows")
        yield lo, hi, texts
