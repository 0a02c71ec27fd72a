"""Group verdicts: ``operation``, ``automation`` or ``weak``, with the measured reasons.

Runs after scoring and grouping. A group's combined significance is the Simes
(1986) p-value over the null-model p-values of every link between its members
(valid under the positive dependence such links have; Sarkar 1998). A group is
``weak`` when that p-value is above the run's FDR.

A significant group is ``automation`` when its members do what feeds do, and
``operation`` otherwise. Feeds (a news site's own account, an aggregator, a
bot that reposts every article of a few sources) co-act because they all post
every new item of the same sources first; the people who read those sources
share the items later. So what marks a feed is measured against the accounts
*unrelated* to the group — those outside its component (the connected component
of significant links the group lies in):

- **first shares taken up** (``LEAD_SHARE`` = 50 %): the share of the members'
  link shares that came before any unrelated account shared the link (or in
  the same clock tick: a minute clock cannot order shares within one minute)
  *and* that at least ``UPTAKE_ACCOUNTS`` (2) unrelated accounts shared later;
- **feed traits**, which count only when at least ``LEAD_SHARE`` of the link
  shares are first shares (nobody unrelated shared them earlier; for templated
  texts, of links unrelated accounts share too — a copy-paste campaign posting
  one text with links of its own is templated by construction):
  *steady cadence* — the members' median coefficient of variation of the gaps
  between their posts is ≤ ``STEADY_CV`` (0.3), judged only on members with
  ≥ ``MIN_GAPS`` gaps whose mean gap is ≥ ``CADENCE_TICKS`` (10) clock ticks, so
  a coarse clock neither fakes nor hides a rhythm; *templated texts* — at least
  half of the members open or close ≥ ``TEMPLATE_SHARE`` (50 %) of their own
  texts (≥ ``MIN_TEXTS``, reposts left out) with the same three words once links,
  mentions, hashtags, numbers and punctuation are removed; *covering a source*
  — at least half the members each posted ≥ ``COVER_SHARE`` (80 %) of the links
  of a source domain that has ≥ ``COVER_ITEMS`` (5) links in the data and that
  at least as many unrelated accounts share as the group has members (a source
  others read: pushing one's own site is not "covering a source", nor are the
  few members detection missed its readers), and those domains make
  ≥ ``COVERED_SHARE`` (50 %) of the group's link shares.

**Repost feeds** (a news account's retweet bots, channels forwarding every post
of a source channel): a member is one when it reposted ≥ ``COVER_SHARE`` of the
reposted posts (≥ ``COVER_ITEMS``) of an account that at least as many unrelated
accounts repost as the group has members, those reposts are ≥ ``COVERED_SHARE``
of its reposts, and ≥ ``LEAD_SHARE`` (≥ ``MIN_SHARES``) of them came before any
unrelated repost of the post; a group is a repost feed when half its members are.

``automation`` = significant and (first shares taken up ≥ 50 %, or first shares
≥ 50 % with at least one feed trait, or a repost feed), each share resting on
≥ ``MIN_SHARES`` (5) link shares. No rule asks for a number of seconds or
for one domain. Link shorteners (:mod:`inconcert.normalize.shorteners`) are
never a source domain. Every reason states the measured value and the threshold
it was held against; on a clock coarser than a second the reasons say how much
of the group's evidence lies within one clock tick.

Thresholds are module constants, documented in ``docs/verdicts.md``.

>>> decide(1e-9, 0.01, first_share=0.9, taken_up_share=0.8, traits=[])
'automation'
>>> decide(1e-9, 0.01, first_share=1.0, taken_up_share=0.0, traits=["steady cadence"])
'automation'
>>> decide(1e-9, 0.01, first_share=1.0, taken_up_share=0.0, traits=[])
'operation'
>>> decide(0.3, 0.01, first_share=1.0, taken_up_share=1.0, traits=[])
'weak'
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import pyarrow as pa

from inconcert.clock import clock_name, clock_resolution, coarsest
from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.groups.amplified import AMPLIFIED_AUDIENCE, AMPLIFIED_MIN_MEMBERS
from inconcert.normalize.shorteners import HOST_PATTERN, is_shortener
from inconcert.scoring.nullmodel import fdr_of
from inconcert.scoring.stats import simes
from inconcert.sql.coaction import has_reposts_sql, post_authors_sql, unordered_pair_sql
from inconcert.sql.dialect import Dialect
from inconcert.sql.summaries import group_pairs_from
from inconcert.tables import (
    ACCOUNT_KEYS,
    ACTIONS,
    LINKS,
    MEMBERSHIP,
    NETWORKS,
    OBJECT_KEYS,
    PAIRS,
    TRACES,
)

__all__ = [
    "classify_groups",
    "VerdictTables",
    "short_links_sql",
    "decide",
    "GroupEvidence",
    "first_shares_sql",
    "cadence_sql",
    "templates_sql",
    "url_hosts_sql",
    "hosts_sql",
    "coverage_sql",
    "repost_candidates_sql",
    "author_reposts_sql",
    "author_reach_sql",
    "LEAD_SHARE",
    "MIN_SHARES",
    "UPTAKE_ACCOUNTS",
    "STEADY_CV",
    "CADENCE_TICKS",
    "MIN_GAPS",
    "TEMPLATE_SHARE",
    "MIN_TEXTS",
    "COVER_SHARE",
    "COVER_ITEMS",
    "COVERED_SHARE",
    "AMPLIFY_SHARE",
    "AMPLIFY_AUTHORS",
    "amplified_sql",
    "repost_feed_members",
]

LEAD_SHARE = 0.5
MIN_SHARES = 5
UPTAKE_ACCOUNTS = 2
STEADY_CV = 0.3
CADENCE_TICKS = 10
MIN_GAPS = 5
TEMPLATE_SHARE = 0.5
MIN_TEXTS = 5
COVER_SHARE = 0.8
COVER_ITEMS = 5
COVERED_SHARE = 0.5
#: A group "amplifies" accounts when at least this share of its co-actions are
#: reposts of at most ``AMPLIFY_AUTHORS`` accounts outside it (a caveat, not a verdict).
AMPLIFY_SHARE = 0.8
AMPLIFY_AUTHORS = 3


def decide(
    p_value: float,
    fdr: float,
    first_share: float,
    taken_up_share: float,
    traits: list[str],
    link_shares: int | None = None,
    repost_feed: bool = False,
) -> str:
    """The verdict from a group's combined p-value and its feed features (see module
    docstring); given ``link_shares``, a share of fewer than ``MIN_SHARES`` of them
    decides nothing. ``repost_feed``: half its members are repost feeds
    (:attr:`GroupEvidence.repost_feed`).

    >>> decide(1e-9, 0.01, first_share=1.0, taken_up_share=1.0, traits=[], link_shares=4)
    'operation'
    >>> decide(1e-9, 0.01, first_share=0.0, taken_up_share=0.0, traits=[], link_shares=0, repost_feed=True)
    'automation'
    """
    if not p_value <= fdr:
        return "weak"
    if repost_feed or _enough(taken_up_share, link_shares) or (_enough(first_share, link_shares) and traits):
        return "automation"
    return "operation"


def _enough(share: float, link_shares: int | None) -> bool:
    """``share`` of ``link_shares`` reaches ``LEAD_SHARE`` and at least ``MIN_SHARES`` shares."""
    return share >= LEAD_SHARE and (link_shares is None or round(share * link_shares) >= MIN_SHARES)


# ---------------------------------------------------------------- SQL builders


@dataclass(frozen=True)
class VerdictTables:
    """The tables the verdicts read (defaults: the contract's names, :mod:`inconcert.tables`)."""

    traces: str = TRACES
    membership: str = MEMBERSHIP
    networks: str = NETWORKS  # the accounts' components (not the outputs' ``network_id``)
    actions: str = ACTIONS
    accounts: str = ACCOUNT_KEYS
    objects: str = OBJECT_KEYS
    links: str = LINKS
    pairs: str = PAIRS
    #: the share pairs inside groups (:func:`~inconcert.sql.summaries.group_pairs_sql`);
    #: None: derived from ``pairs`` and ``membership``
    group_pairs: str | None = None
    #: ``(object, host)`` of the ``url`` objects (:func:`url_hosts_sql`); None: derived from ``objects``
    url_hosts: str | None = None

    def inside(self) -> str:
        """What the share pairs inside groups are read from (``group_pairs`` or its SQL)."""
        return group_pairs_from(self.group_pairs, self.pairs, self.membership)


def _members(t: VerdictTables) -> str:
    return f"""SELECT m.account_id, m.group_id, n.network_id
        FROM {t.membership} m JOIN {t.networks} n ON m.account_id = n.account_id"""


def first_shares_sql(
    resolution: float, uptake: int = UPTAKE_ACCOUNTS, t: VerdictTables = VerdictTables(),
    behaviour: str = "url", by: str | None = None,
) -> str:
    """Per group member: link shares, those before any unrelated account's share of the
    link or within one clock tick of it (``n_first``; ``n_inside_only`` of them are of
    links no unrelated account shared), and those of them that at least
    ``uptake`` unrelated accounts shared (``n_taken_up``). Unrelated = outside the
    member's network.

    Computed per link, not per (network, link) × the link's shares: the first share
    outside a network is the earlier of the first share by an account in no network
    and the first share of the first other network (of the two earliest networks,
    the one that is not this one); the accounts outside are the link's sharers less
    the network's own (an account is in one network). ``behaviour = 'repost'``: the
    same for reposts of one post. ``by``: a relation ``(object, host)``; the counts are
    then per member and ``host`` (NULL for objects it does not name)."""
    tick = int(round(resolution * 1_000_000))
    head = f"""WITH mem AS ({_members(t)}),
    lt AS (SELECT object, account_id, t FROM {t.traces} WHERE behaviour = '{behaviour}'),
    gobj AS (SELECT DISTINCT mem.network_id, lt.object FROM lt JOIN mem ON lt.account_id = mem.account_id),
    lo AS (SELECT lt.object, lt.account_id, lt.t, an.network_id
           FROM lt JOIN (SELECT DISTINCT object FROM gobj) go ON lt.object = go.object
           LEFT JOIN {t.networks} an ON lt.account_id = an.account_id),
    free AS (SELECT object, min(t) AS t_free FROM lo WHERE network_id IS NULL GROUP BY object),
    nets AS (SELECT object, network_id, min(t) AS t_net, count(DISTINCT account_id) AS n_net
             FROM lo WHERE network_id IS NOT NULL GROUP BY object, network_id),
    sharers AS (SELECT object, count(DISTINCT account_id) AS n_all FROM lo GROUP BY object),
    ranked AS (SELECT object, network_id, t_net,
                      row_number() OVER (PARTITION BY object ORDER BY t_net, network_id) AS r FROM nets),
    first2 AS (SELECT object, max(CASE WHEN r = 1 THEN network_id END) AS net1,
                      max(CASE WHEN r = 1 THEN t_net END) AS t1, max(CASE WHEN r = 2 THEN t_net END) AS t2
               FROM ranked WHERE r <= 2 GROUP BY object),
    outside AS (
        SELECT g.network_id, g.object,
               least(f.t_free, CASE WHEN x.net1 = g.network_id THEN x.t2 ELSE x.t1 END) AS t_out,
               s.n_all - coalesce(nn.n_net, 0) AS n_out
        FROM gobj g JOIN sharers s ON g.object = s.object
        LEFT JOIN free f ON g.object = f.object
        LEFT JOIN first2 x ON g.object = x.object
        LEFT JOIN nets nn ON g.object = nn.object AND g.network_id = nn.network_id)"""
    host, join = (", h.host", f"\n    LEFT JOIN ({by}) h ON h.object = lt.object") if by else ("", "")
    return f"""{head}
    SELECT mem.group_id, mem.account_id{host}, count(*) AS n_shares,
           sum(CASE WHEN o.t_out IS NULL OR lt.t - o.t_out < {tick} THEN 1 ELSE 0 END) AS n_first,
           sum(CASE WHEN o.t_out IS NULL THEN 1 ELSE 0 END) AS n_inside_only,
           sum(CASE WHEN o.n_out >= {int(uptake)} AND lt.t - o.t_out < {tick} THEN 1 ELSE 0 END) AS n_taken_up
    FROM lt JOIN mem ON lt.account_id = mem.account_id
    LEFT JOIN outside o ON o.network_id = mem.network_id AND o.object = lt.object{join}
    GROUP BY mem.group_id, mem.account_id{host}"""


def cadence_sql(d: Dialect, t: VerdictTables = VerdictTables()) -> str:
    """Per group member: actions, actions with links, and the count, mean and sample
    standard deviation of the gaps (µs) between consecutive actions.

    Computed from exact integer sums, so the same on every run (``avg`` and
    ``stddev_samp`` over DOUBLE vary in the last bits with the order parallel
    threads add rows in): the deviations ``dv`` of the gaps from an integer
    near their mean are summed exactly, and the variance
    ``(Σ dv² − (Σ dv)² / n) / (n − 1)`` has no cancellation (``|Σ dv| < n``):
    gaps that are all equal give 0 exactly.

    >>> from inconcert.sql.dialect import DuckDBDialect
    >>> "DECIMAL(38,0)" in cadence_sql(DuckDBDialect())
    True
    """
    per = "OVER (PARTITION BY group_id, account_id)"
    ref = d.int_div(f"sum(gap) {per}", f"greatest(count(gap) {per}, 1)")
    return f"""WITH ma AS (
        SELECT m.group_id, m.account_id, {d.epoch_us("a.ts")} AS t,
               CASE WHEN a.urls IS NOT NULL AND {d.list_len("a.urls")} > 0 THEN 1 ELSE 0 END AS is_link
        FROM {t.actions} a JOIN {t.accounts} x ON a.account_id = x.name
        JOIN {t.membership} m ON x.account_id = m.account_id),
    gaps AS (
        SELECT group_id, account_id, is_link,
               t - lag(t) OVER (PARTITION BY account_id ORDER BY t) AS gap
        FROM ma),
    dev AS (SELECT group_id, account_id, is_link, gap, gap - {ref} AS dv FROM gaps)
    SELECT group_id, account_id, count(*) AS n_actions, sum(is_link) AS n_links,
           count(gap) AS n_gaps,
           CASE WHEN count(gap) > 0 THEN {d.to_double("sum(gap)")} / count(gap) END AS mean_gap,
           CASE WHEN count(gap) > 1 THEN sqrt(greatest(
               {d.to_double("sum(CAST(dv AS DECIMAL(38,0)) * dv)")}
               - {d.to_double("sum(dv)")} * {d.to_double("sum(dv)")} / count(gap), 0.0) / (count(gap) - 1)) END AS sd_gap
    FROM dev GROUP BY group_id, account_id"""


#: What varies between a template's instances: links, mentions, hashtags, numbers, punctuation.
_VARIABLE = r"https?://[^\s]+|www\.[^\s]+|@[^\s]+|#[^\s]+|[0-9]+|[[:punct:]]+"
_THREE = r"([^\s]+\s+[^\s]+\s+[^\s]+)"
#: The closing three words, anchored at the start: ``_THREE \s*$`` alone is searched from
#: every position, and a backtracking engine (Java's, on Spark) retries each word's length
#: at each one (~20× the time in a backtracking engine on the simulator's texts); the
#: greedy prefix ``(?:.*\s)?`` ends right before the third word from the end, so the
#: captured text is the same.
_CLOSING = r"(?s)^(?:.*\s)?" + _THREE + r"\s*$"
#: A host name a source can have (cut-off links in texts leave hosts such as ``open.s``).
_HOSTNAME = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]+)$")


def templates_sql(d: Dialect, t: VerdictTables = VerdictTables()) -> str:
    """Per group member: own texts (reposts left out) with at least three words once the
    variable part is removed, and how many share the member's most common opening and
    closing three words."""
    masked = d.regexp_replace_all(
        d.regexp_replace_all("lower(a.text)", r"^rt\s+@[^\s:]+:?", " "), _VARIABLE, " "
    )
    opening = d.regexp_extract("s.masked", r"^\s*" + _THREE, 1)
    closing = d.regexp_extract("s.masked", _CLOSING, 1)
    return f"""WITH s AS (
        SELECT m.group_id, m.account_id, {masked} AS masked
        FROM {t.actions} a JOIN {t.accounts} x ON a.account_id = x.name
        JOIN {t.membership} m ON x.account_id = m.account_id
        WHERE a.text IS NOT NULL AND a.repost_of IS NULL),
    f AS (SELECT s.group_id, s.account_id, {opening} AS opening, {closing} AS closing FROM s),
    ok AS (SELECT * FROM f WHERE opening <> '' AND closing <> ''),
    op AS (SELECT group_id, account_id, max(n) AS n_opening FROM (
               SELECT group_id, account_id, count(*) AS n FROM ok GROUP BY group_id, account_id, opening) x
           GROUP BY group_id, account_id),
    cl AS (SELECT group_id, account_id, max(n) AS n_closing FROM (
               SELECT group_id, account_id, count(*) AS n FROM ok GROUP BY group_id, account_id, closing) x
           GROUP BY group_id, account_id),
    tot AS (SELECT group_id, account_id, count(*) AS n_texts FROM ok GROUP BY group_id, account_id)
    SELECT tot.group_id, tot.account_id, tot.n_texts, op.n_opening, cl.n_closing
    FROM tot JOIN op ON tot.group_id = op.group_id AND tot.account_id = op.account_id
    JOIN cl ON tot.group_id = cl.group_id AND tot.account_id = cl.account_id"""


def url_hosts_sql(d: Dialect, t: VerdictTables = VerdictTables()) -> str:
    """``(object, host)``: the host of every ``url`` object (lower case, ``www.``
    removed), extracted once for the source-domain queries that follow."""
    return f"SELECT object, {_host_sql(d, 'name')} AS host FROM {t.objects} WHERE behaviour = 'url'"


def _url_hosts(d: Dialect, t: VerdictTables) -> str:
    return t.url_hosts if t.url_hosts is not None else f"({url_hosts_sql(d, t)})"


def hosts_sql(d: Dialect, t: VerdictTables = VerdictTables()) -> str:
    """Distinct hosts of the ``url`` objects (lower case, ``www.`` removed)."""
    return f"SELECT DISTINCT host FROM {_url_hosts(d, t)} s WHERE host <> ''"


def _host_sql(d: Dialect, name: str) -> str:
    """The host of URL ``name``, lower case, without ``www.``."""
    h = f"lower({d.regexp_extract(name, HOST_PATTERN, 1)})"
    return f"CASE WHEN {h} LIKE 'www.%' THEN substr({h}, 5) ELSE {h} END"


def coverage_sql(d: Dialect, hosts: str = "ic_sources", t: VerdictTables = VerdictTables()) -> str:
    """Per group, source domain (``hosts(host)``: hosts that are not shorteners) and
    member sharing it: the group's shares of the domain, the domain's links in the data,
    how many of them the member posted, and the accounts outside the group's component
    that share the domain.

    Each link's host is extracted once per object (not per share), and the accounts
    outside a network are counted as the domain's accounts less those inside the
    network (an account is in at most one network), so the cost follows the shares,
    not groups × the domain's shares."""
    return f"""WITH mem AS ({_members(t)}),
    oh AS (SELECT uh.object, src.host FROM {_url_hosts(d, t)} uh JOIN {hosts} src ON src.host = uh.host),
    u AS (SELECT tr.object, tr.account_id, oh.host
          FROM {t.traces} tr JOIN oh ON tr.object = oh.object
          WHERE tr.behaviour = 'url'),
    items AS (SELECT host, count(DISTINCT object) AS n_items FROM u GROUP BY host),
    sharers AS (SELECT DISTINCT host, account_id FROM u),
    n_all AS (SELECT host, count(*) AS n FROM sharers GROUP BY host),
    n_in AS (SELECT s.host, an.network_id, count(*) AS n
             FROM sharers s JOIN {t.networks} an ON s.account_id = an.account_id
             GROUP BY s.host, an.network_id),
    um AS (SELECT mem.group_id, mem.network_id, mem.account_id, u.host, u.object
           FROM u JOIN mem ON u.account_id = mem.account_id),
    gh AS (SELECT group_id, network_id, host, count(*) AS n_shares FROM um GROUP BY group_id, network_id, host),
    per AS (SELECT group_id, host, account_id, count(DISTINCT object) AS n_covered
            FROM um GROUP BY group_id, host, account_id)
    SELECT per.group_id, per.host, per.account_id, gh.n_shares, items.n_items, per.n_covered,
           n_all.n - coalesce(n_in.n, 0) AS n_out
    FROM per JOIN gh ON per.group_id = gh.group_id AND per.host = gh.host
    JOIN items ON per.host = items.host
    JOIN n_all ON per.host = n_all.host
    LEFT JOIN n_in ON n_in.host = per.host AND n_in.network_id = gh.network_id"""


def repost_candidates_sql(t: VerdictTables = VerdictTables(), min_items: int = COVER_ITEMS) -> str:
    """``(group_id, account_id, author, n, n_reposts)``: the members that reposted at least
    ``min_items`` posts of one author (the only members that can be repost feeds), ``n``
    of that author's posts, ``n_reposts`` all their reposts. Authors are known for
    originals that are in the input; only the objects members reposted are looked up."""
    return f"""WITH mr AS (SELECT tr.object, m.account_id, m.group_id FROM {t.traces} tr
                   JOIN {t.membership} m ON tr.account_id = m.account_id WHERE tr.behaviour = 'repost'),
    tot AS (SELECT group_id, account_id, count(*) AS n_reposts FROM mr GROUP BY group_id, account_id),
    nm AS (SELECT o.object, o.name FROM {t.objects} o
           WHERE o.behaviour = 'repost' AND o.object IN (SELECT object FROM mr)),
    ps AS ({post_authors_sql(t.actions, "post_id IN (SELECT name FROM nm)")}),
    oa AS (SELECT nm.object, ps.author FROM nm JOIN ps ON ps.post_id = nm.name),
    c AS (SELECT mr.group_id, mr.account_id, oa.author, count(DISTINCT mr.object) AS n
          FROM mr JOIN oa ON mr.object = oa.object GROUP BY mr.group_id, mr.account_id, oa.author
          HAVING count(DISTINCT mr.object) >= {int(min_items)})
    SELECT c.group_id, c.account_id, c.author, c.n, tot.n_reposts
    FROM c JOIN tot ON tot.group_id = c.group_id AND tot.account_id = c.account_id"""


def author_reposts_sql(authors: str, t: VerdictTables = VerdictTables()) -> str:
    """``(object, author, host)``: every ``repost`` object whose original is by one of
    ``authors(author)`` (``host`` = ``author``, the name :func:`first_shares_sql`'s ``by`` reads)."""
    return f"""SELECT o.object, ps.author, ps.author AS host FROM {t.objects} o
        JOIN ({post_authors_sql(t.actions, f"account_id IN (SELECT author FROM {authors})")}) ps ON ps.post_id = o.name
        WHERE o.behaviour = 'repost'"""


def author_reach_sql(reposts: str, t: VerdictTables = VerdictTables()) -> str:
    """``(author, network_id, n_items, n_all, n_in)``: for each author of ``reposts``
    (:func:`author_reposts_sql`), its posts that anyone reposted, its reposters, and those
    of them in each network (``network_id`` NULL: the totals' row)."""
    return f"""WITH u AS (SELECT tr.object, tr.account_id, r.author FROM {t.traces} tr
                  JOIN {reposts} r ON tr.object = r.object WHERE tr.behaviour = 'repost'),
    s AS (SELECT DISTINCT author, account_id FROM u),
    items AS (SELECT author, count(DISTINCT object) AS n_items FROM u GROUP BY author),
    alls AS (SELECT author, count(*) AS n_all FROM s GROUP BY author)
    SELECT i.author, CAST(NULL AS BIGINT) AS network_id, CAST(i.n_items AS BIGINT) AS n_items,
           CAST(a.n_all AS BIGINT) AS n_all, CAST(0 AS BIGINT) AS n_in
    FROM items i JOIN alls a ON a.author = i.author
    UNION ALL
    SELECT s.author, CAST(an.network_id AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(count(*) AS BIGINT)
    FROM s JOIN {t.networks} an ON s.account_id = an.account_id
    GROUP BY s.author, an.network_id"""


def short_links_sql(d: Dialect, hosts: str = "ic_short_hosts", t: VerdictTables = VerdictTables()) -> str:
    """Per group: its members' link shares whose host is in ``hosts`` (shorteners)."""
    return f"""SELECT m.group_id, count(*) AS n FROM {t.traces} tr
        JOIN {t.membership} m ON tr.account_id = m.account_id
        JOIN {_url_hosts(d, t)} uh ON tr.object = uh.object
        JOIN {hosts} s ON s.host = uh.host
        WHERE tr.behaviour = 'url' GROUP BY m.group_id"""


def _group_link_sql(t: VerdictTables) -> str:
    return f"""SELECT ma.group_id, l.p_value, l.significant
        FROM {t.links} l
        JOIN {t.membership} ma ON l.account_a = ma.account_id
        JOIN {t.membership} mb ON l.account_b = mb.account_id
        WHERE ma.group_id = mb.group_id"""


def group_link_counts_sql(t: VerdictTables) -> str:
    """Per group: its in-group links, tested or not (the links table may hold the
    tested ones only), from the share pairs they rest on."""
    lo, hi = unordered_pair_sql("p")
    return f"""SELECT group_id, count(*) AS n FROM (
        SELECT DISTINCT p.group_id, {lo} AS a, {hi} AS b FROM {t.inside()} p) s GROUP BY group_id"""


def amplified_sql(t: VerdictTables = VerdictTables(), joined_by: bool = False) -> str:
    """Per group and original author: the group's in-group co-action pairs that are
    reposts of the author's posts (``n``), all its in-group pairs (``n_pairs``), and
    whether the author is a member (``member``: 1, or 2 when it joined as amplified,
    which needs ``joined_by`` in ``membership``). Authors are known only for
    originals that are in the input."""
    kind = "CASE WHEN m.joined_by = 'amplified' THEN 2 ELSE 1 END" if joined_by else "1"
    return f"""WITH gp AS (SELECT p.group_id, p.behaviour, p.object FROM {t.inside()} p),
    tot AS (SELECT group_id, count(*) AS n_pairs FROM gp GROUP BY group_id),
    ro AS (SELECT gp.group_id, o.name, count(*) AS n FROM gp
           JOIN {t.objects} o ON o.behaviour = gp.behaviour AND o.object = gp.object
           WHERE gp.behaviour = 'repost' GROUP BY gp.group_id, o.name),
    posts AS ({post_authors_sql(t.actions, "post_id IN (SELECT name FROM ro)")}),
    rp AS (SELECT ro.group_id, ps.author, sum(ro.n) AS n FROM ro
           JOIN posts ps ON ps.post_id = ro.name GROUP BY ro.group_id, ps.author)
    SELECT rp.group_id, rp.author, rp.n, tot.n_pairs,
           max(CASE WHEN m.account_id IS NULL THEN 0 ELSE {kind} END) AS member
    FROM rp JOIN tot ON rp.group_id = tot.group_id
    LEFT JOIN {t.accounts} k ON k.name = rp.author
    LEFT JOIN {t.membership} m ON m.account_id = k.account_id AND m.group_id = rp.group_id
    GROUP BY rp.group_id, rp.author, rp.n, tot.n_pairs"""


def _amplified(engine: Engine, groups: dict[int, GroupEvidence], t: VerdictTables) -> None:
    """Groups whose co-actions are mostly (≥ ``AMPLIFY_SHARE``) reposts of at most
    ``AMPLIFY_AUTHORS`` accounts outside the group (or in it only as amplified
    accounts, :mod:`inconcert.groups.amplified`): say so."""
    by_group: dict[int, list[tuple[int, str, int, int]]] = defaultdict(list)
    joined_by = "joined_by" in engine.columns(t.membership)
    for r in engine.to_arrow(amplified_sql(t, joined_by)).to_pylist():
        by_group[int(r["group_id"])].append((int(r["n"]), str(r["author"]), int(r["member"]), int(r["n_pairs"])))
    for g, rows in by_group.items():
        rows.sort(key=lambda x: (-x[0], x[1]))
        total = rows[0][3]
        got, authors = 0, []
        for n, author, member, _ in rows[:AMPLIFY_AUTHORS]:
            if member == 1:  # a member by its own links: the group amplifies itself
                break
            got += n
            authors.append(f"{author} (joined as amplified)" if member == 2 else f"{author} (not in the group)")
            if got >= AMPLIFY_SHARE * total:
                groups[g].amplified = (authors, got, total)
                break


def _tick_sql(resolution: float, t: VerdictTables) -> str:
    """Per group: its co-action pairs and those within one clock tick of each other."""
    tick = int(round(resolution * 1_000_000))
    return f"""SELECT p.group_id, count(*) AS n_pairs,
               sum(CASE WHEN p.t_b - p.t_a <= {tick} THEN 1 ELSE 0 END) AS n_one_tick
        FROM {t.inside()} p GROUP BY p.group_id"""


# ---------------------------------------------------------------- the verdict


def _pct(x: float) -> str:
    """A share in whole percent that never rounds a part to none or to all.

    >>> _pct(0.999), _pct(0.004), _pct(0.5), _pct(1.0)
    ('> 99 %', '< 1 %', '50 %', '100 %')
    """
    if 0 < x < 0.01:
        return "< 1 %"
    if 0.99 < x < 1:
        return "> 99 %"
    return f"{100.0 * x:.0f} %"


@dataclass
class GroupEvidence:
    """What a group's verdict rests on, measured; :meth:`reasons` says it in words."""

    group_id: int
    size: int
    p_value: float
    fdr: float
    n_links: int
    n_significant: int
    resolution: float
    link_shares: int = 0
    first: int = 0
    inside_only: int = 0
    taken_up: int = 0
    actions: int = 0
    actions_with_links: int = 0
    cadence_cvs: list[float] = field(default_factory=list)
    cadence_unjudged: int = 0
    templated_members: int = 0
    texts_judged_members: int = 0
    covered: tuple[str, int, int] | None = None  # best covered: (domain, member's links, domain's links)
    covered_shares: int = 0  # the group's link shares of the domains it covers
    covering_members: int = 0  # members that cover a source
    top_domain: tuple[str, float] | None = None  # (domain, share of the group's known-source links)
    n_domains: int = 0
    shortened: float = 0.0  # share of the group's link shares that are short links
    pooled: list[float] = field(default_factory=list)
    amplified_members: list[float] = field(default_factory=list)  # p-values of the accounts joined as amplified
    pairs: int = 0
    pairs_one_tick: int = 0
    window_ticks: float = 1.0  # the widest co-action of the run, in clock ticks
    amplified: tuple[list[str], int, int] | None = None  # (authors not in it by links, their repost pairs, all pairs)
    repost_shares: int = 0  # the members' reposts
    covered_author: tuple[str, int, int, float] | None = None  # best: (author, reposted, its posts, first share)
    repost_feeds: int = 0  # members that are repost feeds (``_repost_feeds``)

    @property
    def first_share(self) -> float:
        return self.first / self.link_shares if self.link_shares else 0.0

    @property
    def first_read_share(self) -> float:
        """Of its link shares, the first ones on links that accounts outside its component
        share too."""
        return (self.first - self.inside_only) / self.link_shares if self.link_shares else 0.0

    def feed_traits(self) -> list[str]:
        """The traits that count for automation: templated texts only when the group is
        first on links others share too (a copy-paste campaign posting one slogan with
        links of its own is templated by construction)."""
        return [t for t in self.traits()
                if t != "templated texts" or _enough(self.first_read_share, self.link_shares)]

    @property
    def taken_up_share(self) -> float:
        return self.taken_up / self.link_shares if self.link_shares else 0.0

    @property
    def repost_feed(self) -> bool:
        """At least half the members are repost feeds (module docstring)."""
        return self.size > 0 and self.repost_feeds >= 0.5 * self.size

    @property
    def cadence_cv(self) -> float | None:
        return statistics.median(self.cadence_cvs) if self.cadence_cvs else None

    def traits(self) -> list[str]:
        """The feed traits the group shows."""
        out = []
        cv = self.cadence_cv
        if cv is not None and cv <= STEADY_CV:
            out.append("steady cadence")
        if self.size and self.templated_members >= 0.5 * self.size:
            out.append("templated texts")
        if (
            self.covered is not None
            and self.covered_shares >= COVERED_SHARE * max(self.link_shares, 1)
            and self.covering_members >= 0.5 * self.size
        ):
            out.append("covers a source")
        return out

    @property
    def verdict(self) -> str:
        return decide(
            self.p_value, self.fdr, self.first_share, self.taken_up_share, self.feed_traits(), self.link_shares,
            self.repost_feed,
        )

    def reasons(self) -> list[str]:
        """The verdict's reasons in words, each with its measured value and threshold."""
        v = self.verdict
        sig = (
            f"{self.n_significant} of {self.n_links} member links significant (FDR {self.fdr:g}); "
            f"group p {self.p_value:.1e} (Simes)"
        ).replace("; ", ", ")
        out = []
        if v == "weak":
            out.append(f"weak: the group's links together are not significant ({sig}; needs group p ≤ {self.fdr:g})")
        else:
            out.append(f"coordinated beyond chance: {sig}")
        out.extend(self._automation_reasons(v))
        if self.pooled:
            k = len(self.pooled)
            out.append(
                f"{k} member{'s' if k > 1 else ''} joined on pooled evidence (pooled p ≤ {max(self.pooled):.1e})"
            )
        if self.amplified_members:
            k = len(self.amplified_members)
            out.append(
                f"{k} member{'s' if k > 1 else ''} joined as amplified: "
                f"{'its' if k == 1 else 'their'} posts were reposted by ≥ {AMPLIFIED_MIN_MEMBERS} members, who made "
                f"≥ {_pct(AMPLIFIED_AUDIENCE)} of all reposts of {'them' if k > 1 else 'its posts'} "
                f"(binomial p ≤ {max(self.amplified_members):.1e} against the group's share of all reposts), "
                "but being amplified is not acting in concert: check who runs "
                f"{'it' if k == 1 else 'them'}"
            )
        out.extend(self._link_reasons())
        if self.resolution > 1 and self.pairs:
            tick = clock_name(self.resolution)
            gap = f"a real gap of 0–{2 * self.resolution - 1:g} s"
            if self.window_ticks <= 1:
                out.append(
                    f"timing on a coarse clock: timestamps tick in {tick}s and every co-action of this run "
                    f"lies within one tick, so each means only 'same or next {tick}' ({gap})"
                )
            else:
                share = self.pairs_one_tick / self.pairs
                mostly = "mostly timing on a coarse clock: " if share >= 0.5 else ""
                out.append(
                    f"{mostly}{_pct(share)} of the group's co-actions are in the same or next clock "
                    f"{tick} ({gap})"
                )
        return out

    def _automation_reasons(self, v: str) -> list[str]:
        need = f"automation needs ≥ {_pct(LEAD_SHARE)} and ≥ {MIN_SHARES} shares"
        inside = self.inside_only / self.link_shares if self.link_shares else 0.0
        first = (
            f"{_pct(self.first_share)} of its link shares came first ({_pct(inside)} are of links no "
            f"account outside its component shared, {_pct(self.first_share - inside)} came before the first "
            f"outside share or in the same clock tick)"
        )
        taken = (
            f"{_pct(self.taken_up_share)} of its link shares came first and were then shared by "
            f"≥ {UPTAKE_ACCOUNTS} accounts outside its component"
        )
        traits, feed = self.traits(), self.feed_traits()
        out: list[str]
        link_feed = decide(self.p_value, self.fdr, self.first_share, self.taken_up_share, feed,
                           self.link_shares) == "automation"
        if v == "automation" and not link_feed:  # automation as a repost feed
            return [f"automation: {self._repost_text()}"] + (
                [first, taken] if self.link_shares else []) + self._trait_texts()
        if not self.link_shares and self.repost_shares >= MIN_SHARES:
            out = [f"not automation: {self._repost_text()}" if v == "operation" else self._repost_text()]
            return out + self._trait_texts()[:2]
        if not self.link_shares:
            why = "its members share no links, so nothing shows them posting items first as feeds do"
            out = [f"not automation: {why}" if v == "operation" else why]
        elif v == "automation" and _enough(self.taken_up_share, self.link_shares):
            out = [f"automation: {taken} ({need})", first]
        elif v == "automation":
            out = [f"automation: {first} ({need}) and it shows {' and '.join(feed)}", taken]
        elif v == "weak":
            out = [first, taken]
        elif traits and not feed and _enough(self.first_share, self.link_shares):
            out = [
                f"not automation: {first}, and it uses templated texts, but only {_pct(self.first_read_share)} "
                f"came first on links that accounts outside its component share too (a copy-paste campaign "
                f"posting one text with links of its own is templated by construction: templated texts count "
                f"as a feed trait only with ≥ {_pct(LEAD_SHARE)} and ≥ {MIN_SHARES} such shares)",
                f"{taken} ({need})",
            ]
        elif not _enough(self.first_share, self.link_shares):
            if self.first_share >= LEAD_SHARE:
                n = round(self.first_share * self.link_shares)
                lead = f"not automation: only {n} link share{'s' if n != 1 else ''} came first, too few ({need})"
                out = [lead, first, f"{taken} ({need})"]
            else:
                out = [f"not automation: only {first} ({need})", f"{taken} ({need})"]
        else:
            out = [
                f"not automation: only {taken} ({need})",
                f"{first}, but it shows no feed trait (steady cadence, templated texts, covering a source)",
            ]
        if self.repost_shares >= MIN_SHARES:
            out.append(self._repost_text())
        return out + self._trait_texts()

    def _repost_text(self) -> str:
        """The repost-feed test in words."""
        rule = (
            f"a member is a repost feed when it reposted ≥ {_pct(COVER_SHARE)} of the reposted posts "
            f"(≥ {COVER_ITEMS}) of an account that at least as many accounts outside its component repost "
            f"as the group has members, those reposts are ≥ {_pct(COVERED_SHARE)} of its reposts and "
            f"≥ {_pct(LEAD_SHARE)} of them came first; a feed group needs half its members so"
        )
        best = ""
        if self.covered_author is not None:
            who, k, n, first = self.covered_author
            best = (f"best covered: {k} of the {n} reposted posts of {who}, {_pct(first)} of them first (before "
                    f"any account outside its component reposted the post, or in the same clock tick); ")
        word = "a repost feed" if self.repost_feed else "not a repost feed"
        return (f"{word}: {self.repost_feeds} of {self.size} members are repost feeds ({self.repost_shares} "
                f"reposts by its members; {best}{rule})")

    def _trait_texts(self) -> list[str]:
        cv = self.cadence_cv
        if cv is None:
            cad = f"cadence not judged (no member has ≥ {MIN_GAPS} gaps averaging ≥ {CADENCE_TICKS} clock ticks)"
        else:
            word = "steady" if cv <= STEADY_CV else "not steady"
            cad = (
                f"cadence {word}: median CV of gaps {cv:.2f} over {len(self.cadence_cvs)} "
                f"member{'s' if len(self.cadence_cvs) > 1 else ''} (steady needs ≤ {STEADY_CV:g})"
            )
        if self.texts_judged_members:
            tpl = (
                f"{self.templated_members} of {self.size} members use templated texts, the same opening or "
                f"closing three words in ≥ {_pct(TEMPLATE_SHARE)} of their own texts (a feed trait needs half the members)"
            )
        else:
            tpl = f"texts not judged (no member has ≥ {MIN_TEXTS} texts of its own, reposts left out)"
        rule = (
            f"covering needs half the members each posting ≥ {_pct(COVER_SHARE)} of the links of a domain "
            f"with ≥ {COVER_ITEMS} links that at least as many accounts outside its component share as it "
            f"has members, and such domains making ≥ {_pct(COVERED_SHARE)} of its link shares"
        )
        if self.covered is not None:
            dom, k, n = self.covered
            share = self.covered_shares / self.link_shares if self.link_shares else 0.0
            word = "covers a source" if "covers a source" in self.traits() else "covers no source"
            cov = (
                f"{word}: {self.covering_members} of {self.size} members each posted ≥ {_pct(COVER_SHARE)} of "
                f"a domain's links (best: {k} of the {n} links of {dom}), and those domains make {_pct(share)} "
                f"of its link shares ({rule})"
            )
        else:
            cov = f"covers no source ({rule})"
        return [cad, tpl, cov]

    def _amplify_reasons(self) -> list[str]:
        if self.amplified is None:
            return []
        authors, n, total = self.amplified
        who = ", ".join(authors)
        k = len(authors)
        if self.repost_feed:  # its members repost all of them, first: feeds, not followers
            return [f"amplifies {'one account' if k == 1 else f'{k} accounts'}: {_pct(n / total)} of its "
                    f"co-actions are reposts of posts by {who}"]
        return [
            f"amplifies {'one account' if k == 1 else f'{k} accounts'}: {_pct(n / total)} of its co-actions "
            f"are reposts of posts by {who} — devoted followers who repost "
            f"{'it' if k == 1 else 'them'} within minutes, again and again, act the same, and behaviour "
            f"alone cannot tell them from an operation amplifying {'it' if k == 1 else 'them'}"
        ]

    def _link_reasons(self) -> list[str]:
        out = self._amplify_reasons()
        if self.actions:
            out.append(f"{_pct(self.actions_with_links / self.actions)} of its actions carry links")
        if self.top_domain is not None:
            dom, share = self.top_domain
            more = f", {self.n_domains} source domains" if self.n_domains > 1 else ", its only source domain"
            out.append(f"top source domain {dom} ({_pct(share)} of the links with a known source{more})")
        if self.link_shares and self.shortened > 0:
            out.append(
                f"{_pct(self.shortened)} of its links are short links (t.co, bit.ly …) whose source is "
                f"unknown and never counts as a source domain"
            )
        return out


def classify_groups(
    engine: Engine,
    config: DetectConfig,
    resolution: float | None = None,
    tables: VerdictTables = VerdictTables(),
    out: str = "group_verdicts",
) -> None:
    """Create table ``out(group_id, p_value, verdict, reasons)``.

    Reads the :class:`VerdictTables`: ``membership``, ``account_networks``,
    ``links`` (scored), ``traces``, ``pairs``, ``actions`` and the key
    dictionaries ``ic_accounts`` and ``ic_objects``. ``resolution``: the clock
    tick in seconds (:mod:`inconcert.clock`; measured from ``actions`` when not given).

    >>> import pyarrow as pa, datetime as dt
    >>> from inconcert.engines.duckdb_engine import DuckDBEngine
    >>> e = DuckDBEngine()
    >>> e.register_arrow("ic_accounts", pa.table({"account_id": [1, 2], "name": ["a", "b"]}))
    >>> e.register_arrow("ic_objects", pa.table({"behaviour": ["url"], "object": [1],
    ...     "name": ["https://x.org/1"]}))
    >>> e.register_arrow("membership", pa.table({"account_id": [1, 2], "group_id": [1, 1]}))
    >>> e.register_arrow("account_networks", pa.table({"account_id": [1, 2], "network_id": [1, 1]}))
    >>> e.register_arrow("links", pa.table({"account_a": [1], "account_b": [2],
    ...     "p_value": [1e-6], "significant": [True]}))
    >>> t0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    >>> e.register_arrow("actions", pa.table({"account_id": ["a", "b"], "ts": [t0, t0],
    ...     "text": [None, None], "repost_of": [None, None],
    ...     "urls": [["https://x.org/1"], ["https://x.org/1"]]}))
    >>> e.register_arrow("traces", pa.table({"behaviour": ["url", "url"],
    ...     "object": [1, 1], "account_id": [1, 2], "t": [0, 1]}))
    >>> e.register_arrow("pairs", pa.table({"account_a": [1], "account_b": [2], "t_a": [0], "t_b": [1]}))
    >>> classify_groups(e, DetectConfig(), resolution=1.0)
    >>> r = e.to_arrow("SELECT verdict, reasons FROM group_verdicts").to_pylist()[0]
    >>> r["verdict"]
    'operation'
    >>> r["reasons"].split("; ")[1]
    'not automation: only 2 link shares came first, too few (automation needs ≥ 50 % and ≥ 5 shares)'
    """
    d = engine.dialect
    fdr = fdr_of(config)
    if resolution is None:
        resolution = coarsest(clock_resolution(engine, tables.actions))
    t = tables
    has_url = bool(engine.scalar(f"SELECT count(*) FROM {t.traces} WHERE behaviour = 'url'"))
    groups: dict[int, GroupEvidence] = {}
    sizes = {
        int(r["group_id"]): int(r["n"])
        for r in engine.to_arrow(f"SELECT group_id, count(*) AS n FROM {t.membership} GROUP BY group_id").to_pylist()
    }
    pvals: dict[int, list[float]] = defaultdict(list)
    nsig: dict[int, int] = defaultdict(int)
    for r in engine.to_arrow(_group_link_sql(t)).to_pylist():
        g = int(r["group_id"])
        pvals[g].append(1.0 if r["p_value"] is None else float(r["p_value"]))
        nsig[g] += bool(r["significant"])
    # the family of a group's Simes test: every in-group link, untested ones with p = 1
    n_links = {int(r["group_id"]): int(r["n"]) for r in engine.to_arrow(group_link_counts_sql(t)).to_pylist()}
    for g, n in sorted(sizes.items()):
        ps = pvals.get(g, [])
        m = max(n_links.get(g, 0), len(ps))
        groups[g] = GroupEvidence(
            g, n, simes(ps, m) if ps else 1.0, fdr, m, nsig[g], float(resolution)
        )

    tick_us = resolution * 1_000_000
    for r in engine.to_arrow(cadence_sql(d, t)).to_pylist():
        ge = groups[int(r["group_id"])]
        ge.actions += int(r["n_actions"])
        ge.actions_with_links += int(r["n_links"] or 0)
        n_gaps, mean, sd = int(r["n_gaps"] or 0), r["mean_gap"], r["sd_gap"]
        if n_gaps >= MIN_GAPS and mean and sd is not None and mean >= CADENCE_TICKS * tick_us:
            ge.cadence_cvs.append(float(sd) / float(mean))
        else:
            ge.cadence_unjudged += 1
    for r in engine.to_arrow(templates_sql(d, t)).to_pylist():
        if int(r["n_texts"]) < MIN_TEXTS:
            continue
        ge = groups[int(r["group_id"])]
        ge.texts_judged_members += 1
        best = max(int(r["n_opening"] or 0), int(r["n_closing"] or 0))
        ge.templated_members += best >= TEMPLATE_SHARE * int(r["n_texts"])
    if has_url:
        for r in engine.to_arrow(first_shares_sql(resolution, UPTAKE_ACCOUNTS, t)).to_pylist():
            ge = groups[int(r["group_id"])]
            ge.link_shares += int(r["n_shares"])
            ge.first += int(r["n_first"] or 0)
            ge.inside_only += int(r["n_inside_only"] or 0)
            ge.taken_up += int(r["n_taken_up"] or 0)
        _domains(engine, groups, t)
    if "post_id" in engine.columns(t.actions):
        _amplified(engine, groups, t)
        if engine.scalar(has_reposts_sql(t.traces)):
            _repost_feeds(engine, groups, resolution, t)
    if "joined_by" in engine.columns(t.membership):
        for r in engine.to_arrow(
            f"SELECT group_id, joined_by, pooled_p FROM {t.membership} WHERE joined_by IN ('pooled', 'amplified')"
        ).to_pylist():
            ge = groups[int(r["group_id"])]
            (ge.pooled if r["joined_by"] == "pooled" else ge.amplified_members).append(float(r["pooled_p"]))
    if resolution > 1:
        widest = float(engine.scalar(f"SELECT max(t_b - t_a) FROM {t.pairs}") or 0) / 1e6
        for r in engine.to_arrow(_tick_sql(resolution, t)).to_pylist():
            ge = groups[int(r["group_id"])]
            ge.pairs, ge.pairs_one_tick = int(r["n_pairs"]), int(r["n_one_tick"] or 0)
            ge.window_ticks = widest / resolution

    rows = [groups[g] for g in sorted(groups)]
    engine.register_arrow(
        out,
        pa.table(
            {
                "group_id": pa.array([g.group_id for g in rows], pa.int64()),
                "p_value": pa.array([g.p_value for g in rows], pa.float64()),
                "verdict": pa.array([g.verdict for g in rows], pa.string()),
                "reasons": pa.array(["; ".join(g.reasons()) for g in rows], pa.string()),
            }
        ),
    )


def _repost_feeds(engine: Engine, groups: dict[int, GroupEvidence], resolution: float, t: VerdictTables) -> None:
    """Which members are repost feeds (module docstring), counted per group, with the
    best covered author and the members' reposts for the reasons."""
    for r in engine.to_arrow(f"""SELECT m.group_id, count(*) AS n FROM {t.traces} tr
            JOIN {t.membership} m ON tr.account_id = m.account_id
            WHERE tr.behaviour = 'repost' GROUP BY m.group_id""").to_pylist():
        groups[int(r["group_id"])].repost_shares = int(r["n"])
    feeds, best = repost_feed_members(engine, {g: ge.size for g, ge in groups.items()}, resolution, t)
    for g, members in feeds.items():
        groups[g].repost_feeds += len(members)
    for g, covered in best.items():
        groups[g].covered_author = covered


def repost_feed_members(
    engine: Engine, sizes: dict[int, int], resolution: float, t: VerdictTables = VerdictTables(),
) -> tuple[dict[int, list[Any]], dict[int, tuple[str, int, int, float]]]:
    """``({group: members that are repost feeds}, {group: best covered author})`` for the
    groups of ``t.membership`` of sizes ``sizes`` (module docstring: a member is a repost
    feed when it reposted ≥ ``COVER_SHARE`` of the reposted posts of an account that
    outside accounts repost too, those reposts are ≥ ``COVERED_SHARE`` of its reposts,
    and enough of them came first). Only members that reposted at least ``COVER_ITEMS``
    posts of one author can be, so only those, and those authors, are measured: at 10⁷
    posts the grouped accounts' reposts, not every repost."""
    feeds: dict[int, list[Any]] = {}
    best: dict[int, tuple[str, int, int, float]] = {}
    cand = engine.to_arrow(repost_candidates_sql(t)).to_pylist()
    if not cand:
        return feeds, best
    authors = sorted({str(r["author"]) for r in cand})
    engine.register_arrow("ic_rf_authors", pa.table({"author": pa.array(authors, pa.string())}))
    engine.create_table("ic_rf_reposts", author_reposts_sql("ic_rf_authors", t))
    reach: dict[str, tuple[int, int]] = {}  # author -> (posts reposted, reposters)
    inside: dict[tuple[str, Any], int] = {}  # (author, network) -> reposters in it
    for r in engine.to_arrow(author_reach_sql("ic_rf_reposts", t)).to_pylist():
        if r["network_id"] is None:
            reach[str(r["author"])] = (int(r["n_items"]), int(r["n_all"]))
        else:
            inside[(str(r["author"]), r["network_id"])] = int(r["n_in"])
    keys = sorted({(int(r["group_id"]), r["account_id"]) for r in cand}, key=lambda x: (x[0], str(x[1])))
    engine.register_arrow("ic_rf_members", pa.table({
        "group_id": pa.array([g for g, _ in keys], pa.int64()),
        "account_id": pa.array([a for _, a in keys], engine.to_arrow(f"SELECT account_id FROM {t.membership} LIMIT 0")
                               .schema.field("account_id").type)}))
    first: dict[tuple[int, Any, str], tuple[int, int]] = {}  # (group, member, author) -> (reposts, first)
    for r in engine.to_arrow(first_shares_sql(resolution, UPTAKE_ACCOUNTS, replace(t, membership="ic_rf_members"),
                                              behaviour="repost", by="SELECT object, host FROM ic_rf_reposts")
                             ).to_pylist():
        if r["host"] is not None:
            first[(int(r["group_id"]), r["account_id"], str(r["host"]))] = (int(r["n_shares"]), int(r["n_first"] or 0))
    net = {r["account_id"]: r["network_id"] for r in engine.to_arrow(
        f"SELECT n.account_id, n.network_id FROM {t.networks} n JOIN ic_rf_members m ON m.account_id = n.account_id"
    ).to_pylist()}
    covered: dict[tuple[int, Any], list[int]] = {}  # (group, member) -> [its reposts, of covered authors, first]
    for r in sorted(cand, key=lambda r: (int(r["group_id"]), str(r["account_id"]), str(r["author"]))):
        g, acc, who = int(r["group_id"]), r["account_id"], str(r["author"])
        n_items, n_all = reach.get(who, (0, 0))
        n_out = n_all - inside.get((who, net.get(acc)), 0)
        n_cov = int(r["n"])
        if not (n_items >= COVER_ITEMS and n_cov >= COVER_SHARE * n_items and n_out >= max(UPTAKE_ACCOUNTS, sizes[g])):
            continue  # not covering an account others repost
        shares, firsts = first.get((g, acc, who), (n_cov, 0))
        c = covered.setdefault((g, acc), [int(r["n_reposts"]), 0, 0])
        c[1] += shares
        c[2] += firsts
        share = firsts / shares if shares else 0.0
        if g not in best or (n_cov / n_items, n_items) > (best[g][1] / best[g][2], best[g][2]):
            best[g] = (who, n_cov, n_items, share)
    for (g, acc), (n_rep, shares, firsts) in sorted(covered.items(), key=lambda x: (x[0][0], str(x[0][1]))):
        if shares >= COVERED_SHARE * n_rep and _enough(firsts / shares if shares else 0.0, shares):
            feeds.setdefault(g, []).append(acc)
    for name in ("ic_rf_authors", "ic_rf_reposts", "ic_rf_members"):
        engine.drop(name)
    return feeds, best


def _domains(engine: Engine, groups: dict[int, GroupEvidence], t: VerdictTables) -> None:
    """Source domains (shorteners left out), their coverage, and the short-link share."""
    d = engine.dialect
    engine.create_table("ic_url_hosts", url_hosts_sql(d, t))  # each URL's host, once
    t = replace(t, url_hosts="ic_url_hosts")
    hosts = [str(h) for h in engine.to_arrow(hosts_sql(d, t)).column("host").to_pylist() if h]
    sources = sorted(h for h in hosts if _HOSTNAME.match(h) and not is_shortener(h))
    engine.register_arrow("ic_sources", pa.table({"host": pa.array(sources, pa.string())}))
    known: dict[int, int] = defaultdict(int)
    by_group: dict[int, list[tuple[int, str]]] = defaultdict(list)
    covering: dict[int, set[str]] = defaultdict(set)  # members covering some source
    covered: dict[int, dict[str, int]] = defaultdict(dict)  # covered host -> the group's shares
    seen: set[tuple[int, str]] = set()
    for r in sorted(
        engine.to_arrow(coverage_sql(d, "ic_sources", t)).to_pylist(), key=lambda r: (r["group_id"], r["host"], str(r["account_id"]))
    ):
        g, host = int(r["group_id"]), str(r["host"])
        ge = groups[g]
        if (g, host) not in seen:
            seen.add((g, host))
            known[g] += int(r["n_shares"])
            by_group[g].append((int(r["n_shares"]), host))
        n_items, n_cov = int(r["n_items"]), int(r["n_covered"])
        others = int(r["n_out"]) >= max(UPTAKE_ACCOUNTS, ge.size)  # a source others read
        if n_items >= COVER_ITEMS and n_cov >= COVER_SHARE * n_items and others:
            covering[g].add(str(r["account_id"]))
            covered[g][host] = int(r["n_shares"])
            if ge.covered is None or (n_cov / n_items, n_items) > (ge.covered[1] / ge.covered[2], ge.covered[2]):
                ge.covered = (host, n_cov, n_items)
    for g, ge in groups.items():
        ge.covering_members = len(covering.get(g, ()))
        ge.covered_shares = sum(covered.get(g, {}).values())
    for g, ge in groups.items():
        ds = sorted(by_group.get(g, []), key=lambda x: (-x[0], x[1]))
        if ds:
            ge.top_domain = (ds[0][1], ds[0][0] / known[g])
            ge.n_domains = len(ds)
    engine.drop("ic_sources")
    short = sorted(h for h in hosts if is_shortener(h))
    if short:
        engine.register_arrow("ic_short_hosts", pa.table({"host": pa.array(short, pa.string())}))
        for r in engine.to_arrow(short_links_sql(d, "ic_short_hosts", t)).to_pylist():
            ge = groups[int(r["group_id"])]
            ge.shortened = int(r["n"]) / ge.link_shares if ge.link_shares else 0.0
        engine.drop("ic_short_hosts")
    engine.drop("ic_url_hosts")
