"""``tracker``: sites that carry the same embedded id (analytics, ads, verification).

One trace per site and id (from the ``site_ids`` side table of the site
readers), all at the same instant: a shared id is infrastructure, not an
action in time, so no window applies. An id is **not evidence** when it is
*wide and incoherent*: on at least ``sites.tracker_min_wide`` sites (10) while
fewer than ``sites.tracker_min_coherence`` (25 %) of the pairs of its sites also
share a copied article — a hosting provider's or a theme's container on
sites that otherwise have nothing to do with each other. Such ids leave no
traces; ``ic_site_trackers`` keeps every id with its ``sites``, ``spread``
(share of all sites), ``coherence`` and the reason, for ``trackers.csv``.

>>> TrackerBehaviour.name
'tracker'
"""

from __future__ import annotations

from inconcert.behaviours.base import Behaviour
from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.sql.dialect import Dialect
from inconcert.tables import NO_TIME

__all__ = ["TrackerBehaviour", "ensure_site_tables"]


def ensure_site_tables(engine: Engine) -> None:
    """Create empty ``site_ids`` / ``site_pages`` when the input had none."""
    for name, cols in (
        ("site_ids", (("account_id", "STRING"), ("post_id", "STRING"), ("kind", "STRING"), ("id", "STRING"),
                      ("location", "STRING"))),
        ("site_pages", (("post_id", "STRING"), ("account_id", "STRING"), ("url", "STRING"), ("title", "STRING"),
                        ("byline", "STRING"), ("lang", "STRING"), ("time_source", "STRING"),
                        ("words", "BIGINT"), ("linked_sites", "STRING"), ("site_name", "STRING"))),
    ):
        try:
            engine.columns(name)
        except Exception:  # the table does not exist: an empty one keeps the SQL uniform
            select = ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in cols)
            engine.create_table(name, f"SELECT {select} WHERE 1 = 0")  # portable: no DDL types


class TrackerBehaviour(Behaviour):
    name = "tracker"
    description = "same embedded id (Analytics, Tag Manager, AdSense, pixel, Metrica, verification); no window"
    columns = ("text",)
    keeps = ("ic_site_trackers",)
    opt_in = True

    def prepare(self, engine: Engine, config: DetectConfig) -> None:
        ensure_site_tables(engine)
        wide, min_coh = int(config.sites.tracker_min_wide), float(config.sites.tracker_min_coherence)
        have_articles = True
        try:
            engine.columns("ic_site_articles")
        except Exception:
            have_articles = False
        engine.create_table(
            "ic_tid",
            "SELECT DISTINCT i.kind, i.id, i.account_id FROM site_ids i "
            "JOIN (SELECT DISTINCT account_id FROM actions) a ON a.account_id = i.account_id",
        )
        # pairs of sites sharing an id that also share a copied article, per id (joins, not a
        # correlated subquery: Spark does not take one inside an aggregate)
        engine.create_table("ic_tid_coh", "SELECT CAST(NULL AS STRING) AS kind, CAST(NULL AS STRING) AS id, "
                                          "CAST(0 AS BIGINT) AS coherent_pairs WHERE 1 = 0")
        if have_articles:
            engine.create_table(
                "ic_art_pairs",
                """WITH s AS (SELECT DISTINCT x.cluster, a.account_id FROM ic_site_articles x
                              JOIN actions a ON a.seq = x.seq)
                   SELECT DISTINCT s1.account_id AS a, s2.account_id AS b FROM s s1
                   JOIN s s2 ON s1.cluster = s2.cluster AND s1.account_id < s2.account_id""",
            )
            engine.create_table(
                "ic_tid_coh",
                """SELECT t1.kind, t1.id, count(*) AS coherent_pairs FROM ic_tid t1 JOIN ic_tid t2
                     ON t1.kind = t2.kind AND t1.id = t2.id AND t1.account_id < t2.account_id
                   JOIN ic_art_pairs p ON p.a = t1.account_id AND p.b = t2.account_id
                   GROUP BY t1.kind, t1.id""",
            )
            engine.drop("ic_art_pairs")
        n_sites = int(engine.scalar("SELECT count(DISTINCT account_id) FROM actions") or 0)
        engine.create_table(
            "ic_site_trackers",
            f"""SELECT kind, id, sites, spread, pairs, coherent_pairs,
                       CASE WHEN pairs > 0 THEN CAST(coherent_pairs AS DOUBLE) / pairs END AS coherence,
                       NOT (sites >= {wide} AND (pairs = 0 OR CAST(coherent_pairs AS DOUBLE) / pairs < {min_coh}))
                           AS evidence,
                       CASE WHEN sites >= {wide} AND (pairs = 0 OR CAST(coherent_pairs AS DOUBLE) / pairs < {min_coh})
                            THEN 'on ' || CAST(sites AS STRING) || ' sites that otherwise share little: shared infrastructure, not evidence'
                            WHEN sites < 2 THEN 'on one site'
                            ELSE 'shared by ' || CAST(sites AS STRING) || ' sites' END AS reason
                FROM (SELECT s.kind, s.id, s.sites, s.spread, s.pairs,
                             CAST(coalesce(c.coherent_pairs, 0) AS BIGINT) AS coherent_pairs
                      FROM (SELECT g.kind, g.id, count(*) AS sites,
                                   CAST(count(*) AS DOUBLE) / {max(n_sites, 1)} AS spread,
                                   CAST(count(*) * (count(*) - 1) / 2 AS BIGINT) AS pairs
                            FROM ic_tid g GROUP BY g.kind, g.id) s
                      LEFT JOIN ic_tid_coh c ON c.kind = s.kind AND c.id = s.id) x""",
        )
        engine.drop("ic_tid_coh")
        engine.drop("ic_tid")

    def traces_sql(self, d: Dialect, config: DetectConfig) -> str:
        return f"""SELECT i.account_id, i.kind || ':' || i.id AS object, CAST({NO_TIME} AS BIGINT) AS t,
                         min(a.post_id) AS post_id, min(a.seq) AS seq
            FROM site_ids i
            JOIN actions a ON a.post_id = i.post_id AND a.account_id = i.account_id
            JOIN ic_site_trackers k ON k.kind = i.kind AND k.id = i.id AND k.evidence AND k.sites >= 2
            GROUP BY i.account_id, i.kind, i.id"""

