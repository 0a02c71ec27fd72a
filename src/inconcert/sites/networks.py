"""Site runs: their defaults, origin and copies, and the network verdicts.

**Defaults.** When the input is pages (the site readers' ``site_pages``
side table exists), :func:`site_defaults` picks the site behaviours
(``article``, ``tracker``, ``byline``, ``url``), a window of three days
(a copy lag is hours to days) unless one was given, and
``min_participation = 1`` (a site that copied one article and shares one id
is still tested; the null model decides). What it chose goes to
``summary.json``.

**Origin and copies** (:func:`finish_site_run`): for each cluster of copies,
the first publisher is the **origin**; each copy has its **lag**, whether it
**credits** the origin (names its domain or links to it), and how much it
**changed** (Jaccard and containment against the origin).

**Verdicts.** A significant group of sites is an ``operation`` (a covert
network) when it shows what syndication does not: ids shared across its
sites (each evidence-grade, see :mod:`inconcert.behaviours.tracker`), a byline
on several of its sites, copies that mostly do not credit their origin, or
sites that do little but copy (median share of pages that are copies
≥ ``sites.copy_site_share``, 0.8). Otherwise it is ``syndication``: sites that each
republish, with credit, what one source published — a wire service and its
clients. A significant group no two of whose sites carry a copy of one article — held
together by shared ids alone — is ``infrastructure``: one web agency, host or
operator runs their page code, which is a lead, not an article network.
``weak`` groups stay weak. ``network_id`` in ``accounts.csv`` and
``groups.csv`` is the group id of operation groups only (in place of the
general runs' network, the connected component of links: sites of a wire
service's clients linked to a network's sites are not that network).

>>> decide_site("operation", shared_ids=0, shared_bylines=0, uncredited_share=0.05, copy_site_share=0.4)
('syndication', 'copies credit their origin (95%); no shared ids or bylines; sites publish their own articles too (copies 40% of pages)')
>>> decide_site("operation", shared_ids=2, shared_bylines=0, uncredited_share=0.9, copy_site_share=0.9)[0]
'operation'
>>> decide_site("operation", shared_ids=3, shared_bylines=0, uncredited_share=0, copy_site_share=0, copies=0)[0]
'infrastructure'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inconcert.behaviours.tracker import ensure_site_tables
from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.outputs.csvfile import write_csv

__all__ = ["SITE_BEHAVIOURS", "SITE_WINDOW", "site_defaults", "finish_site_run", "decide_site", "general_evidence"]

SITE_BEHAVIOURS = ("article", "tracker", "byline", "url")
#: Default window of a site run: three days.
SITE_WINDOW = 3 * 86400.0


def site_defaults(config: DetectConfig) -> tuple[DetectConfig, dict[str, Any]]:
    """A copy of ``config`` with the site-run defaults where the user left the general ones."""
    default = DetectConfig()
    changes: dict[str, Any] = {}
    kw: dict[str, Any] = {}
    if config.window == default.window:
        kw["window"] = SITE_WINDOW
    if config.behaviours is None:
        kw["behaviours"] = list(SITE_BEHAVIOURS)
    if config.min_participation == default.min_participation:
        kw["min_participation"] = 1
    changes.update(kw)
    return dataclasses.replace(config, **kw), changes


def general_evidence(reasons: str | None) -> str:
    """Of a general verdict's ``reasons``, what a site group keeps: the strength of its
    evidence (the first clause). The rest weighs feed traits — being first to share
    links, templated openings — which every publisher has of its own articles, so it
    says nothing about sites (and read "automation: …" under an operation verdict).

    >>> general_evidence("coordinated beyond chance: 9 of 9 member links significant; automation: 100 % …")
    'coordinated beyond chance: 9 of 9 member links significant'
    """
    return (reasons or "").split(" | ")[-1].split("; ")[0].strip()


def decide_site(
    verdict: str, shared_ids: int, shared_bylines: int, uncredited_share: float, copy_site_share: float,
    copier_share: float = 0.8, copies: int | None = None,
) -> tuple[str, str]:
    """``(verdict, reasons)`` of a group of sites (see the module docstring); ``copier_share``
    is the ``sites.copy_site_share`` setting, ``copies`` the articles two or more of its sites
    carry (None: unknown)."""
    if verdict == "weak":
        return "weak", "not significant under the null model"
    if copies == 0:
        return "infrastructure", (
            f"{shared_ids} embedded id(s) or {shared_bylines} byline(s) shared but no copied article: "
            "shared page code (a web agency, a host or one operator) — a lead to verify, not an article network")
    covert = []
    if shared_ids:
        covert.append(f"{shared_ids} embedded id(s) shared across its sites")
    if shared_bylines:
        covert.append(f"{shared_bylines} byline(s) on several of its sites")
    if uncredited_share >= 0.5:
        covert.append(f"{uncredited_share:.0%} of copies do not credit their origin")
    if copy_site_share >= copier_share:
        covert.append(f"its sites do little but copy (copies {copy_site_share:.0%} of pages)")
    if covert:
        return "operation", "; ".join(covert)
    return "syndication", (
        f"copies credit their origin ({1 - uncredited_share:.0%}); no shared ids or bylines; "
        f"sites publish their own articles too (copies {copy_site_share:.0%} of pages)"
    )


def _round(expr: str, digits: int) -> str:
    """``expr`` rounded half up to ``digits`` decimals, the same on every engine (SQL ``round``
    of a double differs between DuckDB and Spark at halves written in decimal).

    >>> _round("x", 2)
    '(floor((x) * 100 + 0.5) / 100)'
    """
    return f"(floor(({expr}) * {10 ** digits} + 0.5) / {10 ** digits})"


def finish_site_run(engine: Engine, config: DetectConfig, path: Callable[[str], Path], raw_csv: bool = False,
                    bom: bool = False) -> dict[str, Any]:
    """Origin/copies, site verdicts and the site outputs; run after :func:`run_detection`.

    Adds ``network_id``, ``pages``, ``first_published``, ``last_published``,
    ``copies`` and ``credited_copies`` to ``accounts_out``; replaces the
    verdicts of ``groups``; writes ``articles.csv``, ``article_copies.csv``
    and ``trackers.csv`` where ``path(name)`` says (a result set's
    :meth:`~inconcert.outputs.resultset.ResultSet.path`), with
    :func:`~inconcert.outputs.csvfile.write_csv` (``raw_csv``, ``bom`` as there).
    """

    def _csv(sql: str, name: str) -> None:
        write_csv(engine.to_arrow(sql), path(name), raw=raw_csv, bom=bom)

    d = engine.dialect
    ensure_site_tables(engine)
    tables = set()
    for t in ("ic_site_articles", "ic_site_trackers"):
        try:
            engine.columns(t)
            tables.add(t)
        except Exception:
            pass
    empty = {  # the tables of the article and tracker behaviours, empty when they did not run (portable: no DDL)
        "ic_site_articles": (("seq", "BIGINT"), ("cluster", "STRING"), ("origin_seq", "BIGINT"),
                             ("jaccard", "DOUBLE"), ("containment", "DOUBLE"), ("credits", "STRING")),
        "ic_site_trackers": (("kind", "STRING"), ("id", "STRING"), ("sites", "BIGINT"), ("spread", "DOUBLE"),
                             ("pairs", "BIGINT"), ("coherent_pairs", "BIGINT"), ("coherence", "DOUBLE"),
                             ("evidence", "BOOLEAN"), ("reason", "STRING")),
    }
    for name, cols in empty.items():
        if name not in tables:
            engine.create_table(name, "SELECT " + ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in cols) + " WHERE 1 = 0")
    engine.create_table(
        "ic_copy_links",
        f"SELECT seq, lower(u) AS u FROM (SELECT a.seq, {d.explode('a.urls')} AS u FROM actions a "
        "JOIN ic_site_articles s ON s.seq = a.seq WHERE a.urls IS NOT NULL) x",
    )
    engine.create_table(
        "ic_copies",
        f"""SELECT s.cluster, s.seq, a.account_id AS site, a.post_id AS url, a.ts,
                   o.account_id AS origin_site, o.post_id AS origin_url, o.ts AS origin_ts,
                   CAST(({d.epoch_us('a.ts')} - {d.epoch_us('o.ts')}) AS DOUBLE) / 1000000.0 AS lag_s,
                   s.seq = s.origin_seq AS is_origin,
                   (s.seq <> s.origin_seq AND (lower(coalesce(a.text, '')) LIKE '%' || lower(o.account_id) || '%'
                     OR coalesce(s.credits, '') LIKE '%;' || o.account_id || ';%'
                     OR coalesce(sp.linked_sites, '') LIKE '%;' || o.account_id || ';%'
                     OR EXISTS (SELECT 1 FROM ic_copy_links l WHERE l.seq = s.seq
                                AND (l.u LIKE '%://' || lower(o.account_id) || '/%'
                                     OR l.u LIKE '%.' || lower(o.account_id) || '/%')))) AS credited,
                   s.jaccard, s.containment,
                   substr(coalesce(a.text, ''), 1, 200) AS snippet
            FROM ic_site_articles s JOIN actions a ON a.seq = s.seq JOIN actions o ON o.seq = s.origin_seq
            LEFT JOIN site_pages sp ON sp.post_id = a.post_id AND sp.account_id = a.account_id""",
    )
    engine.drop("ic_copy_links")
    engine.create_table(
        "ic_member",
        "SELECT x.name AS site, m.group_id FROM membership m JOIN ic_accounts x ON x.account_id = m.account_id",
    )
    engine.create_table(
        "ic_site_stats",
        """SELECT p.site, p.pages, p.first_published, p.last_published,
                  coalesce(c.copies, 0) AS copies, coalesce(c.credited, 0) AS credited_copies
           FROM (SELECT account_id AS site, count(*) AS pages, min(ts) AS first_published,
                        max(ts) AS last_published FROM actions GROUP BY account_id) p
           LEFT JOIN (SELECT site, count(*) AS copies,
                             sum(CASE WHEN credited THEN 1 ELSE 0 END) AS credited
                      FROM ic_copies WHERE NOT is_origin AND site <> origin_site GROUP BY site) c
             ON c.site = p.site""",
    )
    share = d.quantile("CAST(s.copies AS DOUBLE) / s.pages", 0.5)
    feats = engine.to_arrow(
        f"""WITH ids AS (SELECT i.kind, i.id, m.group_id, count(DISTINCT m.site) AS n
                        FROM site_ids i JOIN ic_member m ON m.site = i.account_id
                        JOIN ic_site_trackers k ON k.kind = i.kind AND k.id = i.id AND k.evidence
                        GROUP BY i.kind, i.id, m.group_id),
                unc AS (SELECT DISTINCT c.site FROM ic_copies c WHERE NOT c.is_origin AND NOT c.credited
                          AND c.site <> c.origin_site),
                byl AS (SELECT lower(trim(p.byline)) AS b, m.group_id, count(DISTINCT m.site) AS n
                       FROM site_pages p JOIN ic_member m ON m.site = p.account_id
                       JOIN unc ON unc.site = p.account_id
                       WHERE p.byline IS NOT NULL GROUP BY lower(trim(p.byline)), m.group_id),
                cp AS (SELECT m.group_id, count(*) AS copies,
                              sum(CASE WHEN c.credited THEN 0 ELSE 1 END) AS uncredited
                       FROM ic_copies c JOIN ic_member m ON m.site = c.site
                       WHERE NOT c.is_origin AND c.site <> c.origin_site GROUP BY m.group_id),
                sa AS (SELECT group_id, count(*) AS articles
                       FROM (SELECT c.cluster, m.group_id FROM ic_copies c JOIN ic_member m ON m.site = c.site
                             GROUP BY c.cluster, m.group_id HAVING count(DISTINCT c.site) >= 2) x
                       GROUP BY group_id),
                cs AS (SELECT m.group_id,
                              {share} AS copy_site_share
                       FROM ic_site_stats s JOIN ic_member m ON m.site = s.site GROUP BY m.group_id)
           SELECT g.group_id,
                  (SELECT count(*) FROM ids WHERE ids.group_id = g.group_id AND ids.n >= 2) AS shared_ids,
                  (SELECT count(*) FROM byl WHERE byl.group_id = g.group_id AND byl.n >= 2) AS shared_bylines,
                  coalesce(cp.copies, 0) AS copies, coalesce(cp.uncredited, 0) AS uncredited,
                  coalesce(cs.copy_site_share, 0) AS copy_site_share, coalesce(sa.articles, 0) AS shared_articles
           FROM (SELECT DISTINCT group_id FROM ic_member) g
           LEFT JOIN cp ON cp.group_id = g.group_id LEFT JOIN cs ON cs.group_id = g.group_id
           LEFT JOIN sa ON sa.group_id = g.group_id
           ORDER BY g.group_id"""
    ).to_pylist()
    gcols = engine.columns("groups")
    old: dict[Any, Any] = {}
    general: dict[Any, str] = {}
    if "verdict" in gcols:
        rs = ", reasons" if "reasons" in gcols else ""
        for r in engine.to_arrow(f"SELECT group_id, verdict{rs} FROM groups").to_pylist():
            old[r["group_id"]] = r["verdict"]
            general[r["group_id"]] = general_evidence(r.get("reasons"))
    rows = []
    for f in feats:
        unc = f["uncredited"] / f["copies"] if f["copies"] else 0.0
        v, why = decide_site(old.get(f["group_id"]) or "operation", int(f["shared_ids"]), int(f["shared_bylines"]),
                             unc, float(f["copy_site_share"]), float(config.sites.copy_site_share),
                             copies=int(f["shared_articles"]))
        g = general.get(f["group_id"], "")
        rows.append({"group_id": f["group_id"], "site_verdict": v, "site_reasons": f"{why} | {g}" if g else why,
                     "shared_ids": int(f["shared_ids"]), "shared_bylines": int(f["shared_bylines"]),
                     "uncredited_share": round(unc, 6), "copy_site_share": round(float(f["copy_site_share"]), 6)})
    import pyarrow as pa

    sv = pa.Table.from_pylist(rows) if rows else pa.table(
        {"group_id": pa.array([], pa.int64()), "site_verdict": pa.array([], pa.string()),
         "site_reasons": pa.array([], pa.string()), "shared_ids": pa.array([], pa.int64()),
         "shared_bylines": pa.array([], pa.int64()), "uncredited_share": pa.array([], pa.float64()),
         "copy_site_share": pa.array([], pa.float64())})
    engine.register_arrow("ic_site_verdicts", sv)
    # a site run's network is one operation group (module docstring), in groups.csv as in accounts.csv
    site_net = "CASE WHEN v.site_verdict = 'operation' THEN g.group_id END AS network_id"
    keep = ", ".join(site_net if c == "network_id" else f"g.{c}" for c in gcols if c not in ("verdict", "reasons"))
    engine.create_table(
        "ic_groups_sites",
        f"""SELECT {keep}, v.site_verdict AS verdict, v.site_reasons AS reasons,
                   v.shared_ids, v.shared_bylines, v.uncredited_share, v.copy_site_share
            FROM groups g LEFT JOIN ic_site_verdicts v ON v.group_id = g.group_id ORDER BY g.group_id""",
    )
    engine.create_table("groups", "SELECT * FROM ic_groups_sites")
    engine.drop("ic_groups_sites")
    acols = [c for c in engine.columns("accounts_out") if c not in ("n_actions",)]
    net = "CASE WHEN g.verdict = 'operation' THEN a.group_id END AS network_id"
    sel = ", ".join(net if c == "network_id" else "a." + c for c in acols)
    engine.create_table(
        "ic_accounts_sites",
        f"""SELECT {sel}{'' if 'network_id' in acols else ', ' + net},
                   s.pages, s.first_published, s.last_published, s.copies, s.credited_copies
            FROM accounts_out a LEFT JOIN ic_site_stats s ON s.site = a.account_id
            LEFT JOIN groups g ON g.group_id = a.group_id""",
    )
    engine.create_table("accounts_out", "SELECT * FROM ic_accounts_sites")
    engine.drop("ic_accounts_sites")
    # articles.csv: one row per cluster of copies
    _csv(f"""WITH c AS (SELECT c.*, m.group_id FROM ic_copies c LEFT JOIN ic_member m ON m.site = c.site)
        SELECT cluster AS article, min(origin_site) AS origin_site, min(origin_url) AS origin_url,
               min(origin_ts) AS origin_published,
               count(DISTINCT site) - 1 AS copy_sites,
               sum(CASE WHEN is_origin THEN 0 ELSE 1 END) AS copies,
               sum(CASE WHEN credited THEN 1 ELSE 0 END) AS credited_copies,
               {_round('min(CASE WHEN is_origin THEN NULL ELSE lag_s END) / 3600.0', 3)} AS first_lag_h,
               {_round('max(lag_s) / 3600.0', 3)} AS last_lag_h,
               {_round('avg(CASE WHEN is_origin THEN NULL ELSE jaccard END)', 4)} AS mean_jaccard,
               {_round('min(CASE WHEN is_origin THEN NULL ELSE containment END)', 4)} AS min_containment,
               {d.string_agg_ordered("site || ' +' || CAST(" + _round('lag_s / 3600.0', 1) + " AS STRING) || 'h' || CASE WHEN credited THEN ' (credits)' ELSE '' END", 'lag_s', '; ')} AS timeline,
               {d.string_agg_distinct("CAST(group_id AS STRING)", ',')} AS groups
        FROM c GROUP BY cluster ORDER BY min(origin_ts), cluster""", "articles.csv")
    _csv(f"""SELECT cluster AS article, site, url, ts AS published, is_origin, {_round('lag_s / 3600.0', 3)} AS lag_h,
               credited, jaccard, containment, snippet
        FROM ic_copies ORDER BY cluster, ts, site""", "article_copies.csv")
    _csv(f"""SELECT k.id, k.kind, k.sites, {_round('k.spread', 6)} AS spread, {_round('k.coherence', 6)} AS coherence,
               k.evidence, k.reason,
               (SELECT {d.string_agg_distinct('i.location', ',')} FROM site_ids i WHERE i.kind = k.kind AND i.id = k.id) AS found_in,
               (SELECT {d.string_agg_distinct('i.account_id', ';')} FROM site_ids i WHERE i.kind = k.kind AND i.id = k.id) AS site_list
        FROM ic_site_trackers k WHERE k.sites >= 2 ORDER BY k.sites DESC, k.kind, k.id""", "trackers.csv")
    counts = {
        "article_clusters": int(engine.scalar("SELECT count(DISTINCT cluster) FROM ic_copies") or 0),
        "shared_ids": int(engine.scalar("SELECT count(*) FROM ic_site_trackers WHERE sites >= 2") or 0),
        "shared_ids_not_evidence": int(engine.scalar(
            "SELECT count(*) FROM ic_site_trackers WHERE sites >= 2 AND NOT evidence") or 0),
        "networks": int(engine.scalar("SELECT count(*) FROM groups WHERE verdict = 'operation'") or 0),
        "syndication_groups": int(engine.scalar("SELECT count(*) FROM groups WHERE verdict = 'syndication'") or 0),
    }
    for t in ("ic_member", "ic_site_stats", "ic_site_verdicts"):
        engine.drop(t)
    return counts
