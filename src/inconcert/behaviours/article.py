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
``ic_site_articles(seq, cluster, origin_seq, jaccard, containment)``.
Settings: :class:`~inconcert.sites.copies.CopyParams` defaults (Jaccard 0.5,
containment 0.8, bodies of ≥ 50 words), seeded by ``config.seed``.

>>> from inconcert.behaviours import BEHAVIOURS
>>> BEHAVIOURS["article"].opt_in
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inconcert.behaviours.base import Behaviour
from inconcert.behaviours.tracker import ensure_site_tables
from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.sites.copies import CopyParams, find_copies, set_origins
from inconcert.sql.dialect import Dialect

__all__ = ["ArticleBehaviour", "copy_params"]


def copy_params(config: DetectConfig | None) -> CopyParams:
    """The :class:`CopyParams` of a run (the defaults, seeded by ``config.seed``).

    >>> copy_params(DetectConfig(seed=7)).seed
    7
    """
    return CopyParams(seed=int(config.seed) if config is not None else 42)


class ArticleBehaviour(Behaviour):
    name = "article"
    description = "copies of one article on several sites (MinHash-LSH, Jaccard or containment)"
    columns = ("text",)
    keeps = ("ic_site_articles",)
    opt_in = True
    engines = ("duckdb",)  # site runs are not checked on Spark yet

    def prepare(self, engine: Engine, config: DetectConfig) -> dict[str, Any]:
        d = engine.dialect
        ensure_site_tables(engine)
        t = engine.to_arrow(
            f"""SELECT a.seq, a.account_id, a.post_id, a.text, {d.epoch_us('a.ts')} AS t,
                       coalesce(p.time_source IN ('htmldate', 'crawl'), false) AS imprecise,
                       coalesce(p.linked_sites, '') AS linked
                FROM actions a LEFT JOIN site_pages p ON p.post_id = a.post_id AND p.account_id = a.account_id
                WHERE a.text IS NOT NULL ORDER BY a.seq"""
        )
        texts = t.column("text").combine_chunks()
        params = copy_params(config)
        sites_l = t.column("account_id").to_pylist()
        codes = pc.dictionary_encode(t.column("account_id").combine_chunks()).indices.to_numpy()
        first = find_copies(texts, t.column("t").to_numpy(), params, codes)
        credits: list[set[str]] = [set() for _ in range(len(sites_l))]
        in_c = np.flatnonzero(first.cluster >= 0)
        names_of: dict[int, set[str]] = {}
        for i in in_c.tolist():
            names_of.setdefault(int(first.cluster[i]), set()).add(sites_l[i])
        linked = t.column("linked")
        for i in in_c.tolist():  # what each copy credits: sites it links, or names in its text
            others = names_of[int(first.cluster[i])] - {sites_l[i]}
            low = (texts[i].as_py() or "").lower()
            ls = linked[i].as_py()
            credits[i] = {s for s in others if s in low or f";{s};" in ls}
        r = set_origins(first, t.column("t").to_numpy(), sites_l, credits,
                        t.column("imprecise").to_numpy(zero_copy_only=False))
        keep = np.flatnonzero(r.cluster >= 0)
        sites = np.asarray(t.column("account_id").to_pylist(), dtype=object)
        if len(keep):  # clusters on one site only (a page saved twice) are not copies across sites
            cl = r.cluster[keep]
            order = np.lexsort((sites[keep], cl))
            cs, ss = cl[order], sites[keep][order]
            new = np.concatenate(([True], (cs[1:] != cs[:-1]) | (ss[1:] != ss[:-1])))
            nsites = np.bincount(np.searchsorted(np.unique(cs), cs[new]), minlength=len(np.unique(cs)))
            multi = set(np.unique(cs)[nsites >= 2].tolist())
            keep = keep[np.isin(r.cluster[keep], list(multi))]
        seq = t.column("seq").to_numpy()
        post = t.column("post_id").combine_chunks()
        table = pa.table(
            {
                "seq": pa.array(seq[keep], pa.int64()),
                "cluster": post.take(pa.array(r.cluster[keep])),
                "origin_seq": pa.array(seq[r.cluster[keep]], pa.int64()),
                "jaccard": pa.array(r.jaccard[keep]),
                "containment": pa.array(r.containment[keep]),
            }
        )
        engine.register_arrow("ic_site_articles_a", table)
        engine.create_table("ic_site_articles", "SELECT * FROM ic_site_articles_a ORDER BY seq")
        engine.drop("ic_site_articles_a")
        stats = dict(r.stats)
        stats["pages_in_cross_site_clusters"] = int(len(keep))
        return stats

    def traces_sql(self, d: Dialect, config: DetectConfig) -> str:
        return f"""SELECT a.account_id, s.cluster AS object, {d.epoch_us("a.ts")} AS t, a.post_id, a.seq
            FROM ic_site_articles s JOIN actions a ON a.seq = s.seq"""

