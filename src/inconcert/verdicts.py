"""Group verdicts: ``operation``, ``automation`` or ``weak``, with the measured reasons.

Runs after scoring and grouping. A group's combined significance is the Simes
(1986) p-value over the null-model p-values of every link between its members
(valid under the positive dependence such links have; Sarkar 1998). A group is
``weak`` when that p-value is above the run's FDR. A significant group is
``automation`` when its members behave like feeds — most of their actions are
links posted within seconds of the object's first appearance in the data, and
either one source domain dominates or the accounts post with a clock-like
cadence — and ``operation`` otherwise. Each verdict carries the features that
decided it.

Feed thresholds (module constants, documented in ``docs/null-model.md``):
``FAST_SECONDS`` = 5, ``FAST_SHARE`` = 0.5, ``DOMAIN_SHARE`` = 0.8,
``REGULAR_CV`` = 0.3.

>>> decide(1e-9, 0.01, fast_share=0.93, top_domain_share=0.99, cadence_cv=1.0)
'automation'
>>> decide(1e-9, 0.01, fast_share=0.20, top_domain_share=1.0, cadence_cv=1.1)
'operation'
>>> decide(0.3, 0.01, fast_share=0.0, top_domain_share=0.0, cadence_cv=None)
'weak'
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pyarrow as pa

from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.scoring.nullmodel import fdr_of
from inconcert.scoring.stats import simes

__all__ = ["classify_groups", "decide", "member_features_sql", "domain_sql"]

FAST_SECONDS = 5.0
FAST_SHARE = 0.5
DOMAIN_SHARE = 0.8
REGULAR_CV = 0.3


def decide(
    p_value: float,
    fdr: float,
    fast_share: float,
    top_domain_share: float,
    cadence_cv: float | None,
) -> str:
    """The verdict from a group's combined p-value and its feed features."""
    if not p_value <= fdr:
        return "weak"
    regular = cadence_cv is not None and cadence_cv <= REGULAR_CV
    if fast_share >= FAST_SHARE and (top_domain_share >= DOMAIN_SHARE or regular):
        return "automation"
    return "operation"


def member_features_sql(d: Any, fast_seconds: float = FAST_SECONDS, has_url: bool = True) -> str:
    """Per group member: actions, link actions, URL traces posted ≤ ``fast_seconds``
    after the object's first share (the first share itself does not count: an
    operation's trigger post is not automation), and the mean and spread of gaps
    between actions."""
    fast_us = int(fast_seconds * 1_000_000)
    if has_url:
        fast = f"""fu AS (
            SELECT tr.account_id, count(*) AS n_url,
                   sum(CASE WHEN tr.t > f.t0 AND tr.t - f.t0 <= {fast_us} THEN 1 ELSE 0 END) AS n_fast
            FROM traces tr
            JOIN (SELECT object, min(t) AS t0 FROM traces WHERE behaviour = 'url'
                  GROUP BY object) f ON tr.object = f.object
            JOIN membership m ON tr.account_id = m.account_id
            WHERE tr.behaviour = 'url'
            GROUP BY tr.account_id)"""
    else:
        fast = (
            "fu AS (SELECT account_id, CAST(0 AS BIGINT) AS n_url, CAST(0 AS BIGINT) AS n_fast "
            "FROM membership)"
        )
    return f"""WITH ma AS (
        SELECT m.account_id, {d.epoch_us("a.ts")} AS t,
               CASE WHEN a.urls IS NOT NULL AND {d.list_len("a.urls")} > 0 THEN 1 ELSE 0 END AS is_link
        FROM actions a JOIN ic_accounts x ON a.account_id = x.name
        JOIN membership m ON x.account_id = m.account_id),
    gaps AS (
        SELECT account_id, CAST(t - lag(t) OVER (PARTITION BY account_id ORDER BY t) AS DOUBLE) AS gap
        FROM ma),
    cad AS (
        SELECT account_id, avg(gap) AS mean_gap, {d.stddev_samp('gap')} AS sd_gap, count(gap) AS n_gaps
        FROM gaps WHERE gap IS NOT NULL GROUP BY account_id),
    act AS (SELECT account_id, count(*) AS n_actions, sum(is_link) AS n_links
            FROM ma GROUP BY account_id),
    {fast}
    SELECT m.group_id, m.account_id,
           coalesce(act.n_actions, 0) AS n_actions, coalesce(act.n_links, 0) AS n_links,
           coalesce(fu.n_url, 0) AS n_url, coalesce(fu.n_fast, 0) AS n_fast,
           cad.mean_gap, cad.sd_gap, coalesce(cad.n_gaps, 0) AS n_gaps
    FROM membership m
    LEFT JOIN act ON m.account_id = act.account_id
    LEFT JOIN fu ON m.account_id = fu.account_id
    LEFT JOIN cad ON m.account_id = cad.account_id
    ORDER BY m.group_id, m.account_id"""


def domain_sql(d: Any) -> str:
    """URL traces of group members per (group, domain)."""
    domain = d.regexp_extract("o.name", "^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]+)", 1)
    return f"""SELECT m.group_id,
               {domain} AS domain,
               count(*) AS n
        FROM traces tr JOIN membership m ON tr.account_id = m.account_id
        JOIN ic_objects o ON tr.behaviour = o.behaviour AND tr.object = o.object
        WHERE tr.behaviour = 'url'
        GROUP BY m.group_id, {domain}"""


def _group_link_sql() -> str:
    return """SELECT ma.group_id, l.p_value, l.significant
        FROM links l
        JOIN membership ma ON l.account_a = ma.account_id
        JOIN membership mb ON l.account_b = mb.account_id
        WHERE ma.group_id = mb.group_id"""


def _pct(x: float) -> str:
    return f"{100.0 * x:.0f}%"


def classify_groups(engine: Engine, config: DetectConfig) -> None:
    """Create table ``group_verdicts(group_id, p_value, verdict, reasons)``.

    Needs ``membership``, ``links`` (scored), ``traces``, ``actions`` and the key
    dictionaries ``ic_accounts`` and ``ic_objects``.

    >>> import pyarrow as pa, datetime as dt
    >>> from inconcert.engines.duckdb_engine import DuckDBEngine
    >>> e = DuckDBEngine()
    >>> e.register_arrow("ic_accounts", pa.table({"account_id": [1, 2], "name": ["a", "b"]}))
    >>> e.register_arrow("ic_objects", pa.table({"behaviour": ["url"], "object": [1],
    ...     "name": ["https://x.org/1"]}))
    >>> e.register_arrow("membership", pa.table({"account_id": [1, 2], "group_id": [1, 1]}))
    >>> e.register_arrow("links", pa.table({"account_a": [1], "account_b": [2],
    ...     "p_value": [1e-6], "significant": [True]}))
    >>> t0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    >>> e.register_arrow("actions", pa.table({"account_id": ["a", "b"], "ts": [t0, t0],
    ...     "urls": [["https://x.org/1"], ["https://x.org/1"]]}))
    >>> e.register_arrow("traces", pa.table({"behaviour": ["url", "url"],
    ...     "object": [1, 1], "account_id": [1, 2], "t": [0, 1]}))
    >>> classify_groups(e, DetectConfig())
    >>> e.to_arrow("SELECT verdict FROM group_verdicts").column(0).to_pylist()
    ['automation']
    """
    d = engine.dialect
    fdr = fdr_of(config)
    has_url = bool(engine.scalar("SELECT count(*) FROM traces WHERE behaviour = 'url'"))
    feats = engine.to_arrow(member_features_sql(d, FAST_SECONDS, has_url)).to_pylist()
    doms = engine.to_arrow(domain_sql(d)).to_pylist() if has_url else []
    glinks = engine.to_arrow(_group_link_sql()).to_pylist()

    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in feats:
        members[int(r["group_id"])].append(r)
    domains: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for r in doms:
        domains[int(r["group_id"])].append((int(r["n"]), str(r["domain"] or "")))
    pooled: dict[int, list[float]] = defaultdict(list)  # p-values of members joined on pooled evidence
    if "joined_by" in engine.columns("membership"):
        for r in engine.to_arrow(
            "SELECT group_id, pooled_p FROM membership WHERE joined_by = 'pooled'"
        ).to_pylist():
            pooled[int(r["group_id"])].append(float(r["pooled_p"]))
    pvals: dict[int, list[float]] = defaultdict(list)
    nsig: dict[int, int] = defaultdict(int)
    for r in glinks:
        g = int(r["group_id"])
        pvals[g].append(1.0 if r["p_value"] is None else float(r["p_value"]))
        nsig[g] += bool(r["significant"])

    gids, ps, verdicts, reasons = [], [], [], []
    for g in sorted(members):
        rows = members[g]
        n_actions = sum(int(r["n_actions"]) for r in rows)
        n_links = sum(int(r["n_links"]) for r in rows)
        n_fast = sum(int(r["n_fast"]) for r in rows)
        fast_share = n_fast / n_actions if n_actions else 0.0
        link_share = n_links / n_actions if n_actions else 0.0
        cvs = [
            float(r["sd_gap"]) / float(r["mean_gap"])
            for r in rows
            if r["n_gaps"] and int(r["n_gaps"]) >= 3 and r["mean_gap"] and r["sd_gap"] is not None
        ]
        cadence_cv = float(np.median(cvs)) if cvs else None
        ds = sorted(domains.get(g, []), key=lambda x: (-x[0], x[1]))
        n_dom = sum(n for n, _ in ds)
        top_dom, top_share = (ds[0][1], ds[0][0] / n_dom) if n_dom else ("", 0.0)
        p = simes(pvals.get(g, [])) if pvals.get(g) else 1.0
        verdict = decide(p, fdr, fast_share, top_share, cadence_cv)
        parts = [
            f"{nsig[g]} of {len(pvals.get(g, []))} member links significant "
            f"(FDR {fdr:g}); group p {p:.1e} (Simes)"
        ]
        if pooled.get(g):
            k = len(pooled[g])
            parts.append(
                f"{k} member{'s' if k > 1 else ''} joined on pooled evidence "
                f"(pooled p ≤ {max(pooled[g]):.1e})"
            )
        parts.append(
            f"{_pct(fast_share)} of actions are links posted ≤ {FAST_SECONDS:g} s after "
            f"the object's first share"
        )
        parts.append(f"{_pct(link_share)} of actions carry links")
        if top_dom:
            more = f", {len(ds)} domains" if len(ds) > 1 else ", one source domain"
            parts.append(f"top domain {top_dom} ({_pct(top_share)}{more})")
        if cadence_cv is not None:
            parts.append(f"cadence CV {cadence_cv:.2f}")
        gids.append(g)
        ps.append(p)
        verdicts.append(verdict)
        reasons.append("; ".join(parts))
    engine.register_arrow(
        "group_verdicts",
        pa.table(
            {
                "group_id": pa.array(gids, pa.int64()),
                "p_value": pa.array(ps, pa.float64()),
                "verdict": pa.array(verdicts, pa.string()),
                "reasons": pa.array(reasons, pa.string()),
            }
        ),
    )
