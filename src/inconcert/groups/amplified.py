"""Accounts a group amplifies: joined as ``amplified`` members.

A repost carries what its original carries (URLs, hashtags, text), so the
original and each of its reposts would co-act on them every time one account
reposts another. That is one post seen twice, not two accounts acting alike,
and it is no evidence (:func:`inconcert.sql.coaction.repost_edges_sql`). But an
account whose posts a coordinated group reposts, and hardly anyone else does,
is what the group works for: the leader of a retweet ring, the seed accounts an
operation amplifies. It joins the group, with its own test:

- ``n``: the reposts of its posts (by other accounts, each account and post
  once); ``k``: those by the members of one group;
- under the null, whoever reposts its posts is drawn from all reposting in the
  input, so the group's share of them is the group's share ``π`` of all
  reposts of originals in the input: ``p = P(Bin(n, π) ≥ k)``;
- it joins when ``k ≥ 5`` from at least 3 members, the group is **most of
  its audience** (``k ≥ n / 2``), and the p-value passes Benjamini–Hochberg
  at the run's ``fdr`` over all candidates; an account in a group already
  stays where it is.

The audience condition is what tells the amplified from the popular: a
popular account whose fans form a group is reposted by many accounts outside
it (its fans are a fraction of its audience), so it stays out and the group's
reasons say that it amplifies that account (:mod:`inconcert.groups.verdicts`).

>>> amplified_candidates_sql().startswith("WITH rp AS")
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from scipy.stats import binom

from inconcert.engines.base import Engine
from inconcert.scoring.stats import bh_qvalues
from inconcert.sql.coaction import post_authors_sql

__all__ = ["amplified_candidates_sql", "attach_amplified", "AMPLIFIED_MIN_REPOSTS", "AMPLIFIED_MIN_MEMBERS",
           "AMPLIFIED_AUDIENCE"]

#: An amplified account needs at least this many reposts of its posts by the group …
AMPLIFIED_MIN_REPOSTS = 5
#: … by at least this many members …
AMPLIFIED_MIN_MEMBERS = 3
#: … and the group must be at least this share of everyone who reposted its posts.
AMPLIFIED_AUDIENCE = 0.5


def amplified_candidates_sql(
    traces: str = "traces", objects: str = "ic_objects", actions: str = "actions",
    accounts: str = "ic_accounts", membership: str = "membership",
) -> str:
    """``(account_id, group_id, k, n, members, g, n_all)``: accounts outside every group
    whose posts a group's members reposted (``k`` reposts by ``members`` members, of ``n``
    by anyone), with ``g`` the group's reposts and ``n_all`` all reposts of originals in
    the input. Only the candidates that meet the counts of :func:`attach_amplified`."""
    half = AMPLIFIED_AUDIENCE
    return f"""WITH rp AS (SELECT object, account_id FROM {traces} WHERE behaviour = 'repost'),
    nm AS (SELECT object, name FROM {objects} WHERE behaviour = 'repost'),
    au AS (SELECT a.post_id, k.account_id AS author
           FROM ({post_authors_sql(actions, "post_id IN (SELECT name FROM nm)")}) a
           JOIN {accounts} k ON k.name = a.author),
    r AS (SELECT DISTINCT au.author, rp.account_id AS reposter, rp.object
          FROM rp JOIN nm ON rp.object = nm.object JOIN au ON au.post_id = nm.name
          WHERE rp.account_id <> au.author),
    tot AS (SELECT author, count(*) AS n FROM r GROUP BY author),
    rm AS (SELECT r.author, r.reposter, m.group_id FROM r JOIN {membership} m ON m.account_id = r.reposter),
    gs AS (SELECT group_id, count(*) AS g FROM rm GROUP BY group_id),
    byg AS (SELECT author, group_id, count(*) AS k, count(DISTINCT reposter) AS members
            FROM rm GROUP BY author, group_id),
    al AS (SELECT count(*) AS n_all FROM r)
    SELECT byg.author AS account_id, byg.group_id, byg.k, tot.n, byg.members, gs.g, al.n_all
    FROM byg JOIN tot ON tot.author = byg.author JOIN gs ON gs.group_id = byg.group_id CROSS JOIN al
    WHERE byg.k >= {AMPLIFIED_MIN_REPOSTS} AND byg.members >= {AMPLIFIED_MIN_MEMBERS}
      AND byg.k >= {half} * tot.n
      AND byg.author NOT IN (SELECT account_id FROM {membership})"""


def attach_amplified(engine: Engine, fdr: float, membership: str = "membership", **tables: str) -> dict[str, Any]:
    """Append the amplified accounts to ``membership`` (``joined_by = 'amplified'``,
    ``pooled_p`` their test's p-value; see the module docstring). ``membership``
    must have ``joined_by`` and ``pooled_p``; needs the traces with ``repost``.
    Returns ``{"candidates", "attached"}``."""
    cand = engine.to_arrow(
        amplified_candidates_sql(membership=membership, **tables)
        + " ORDER BY account_id, group_id"
    )
    info: dict[str, Any] = {"candidates": cand.num_rows, "attached": 0}
    if not cand.num_rows:
        return info
    k, n, g, n_all = (cand.column(c).to_numpy(zero_copy_only=False).astype(np.float64) for c in ("k", "n", "g", "n_all"))
    p = binom.sf(k - 1, n, np.clip(g / n_all, 0.0, 1.0))
    ok = np.flatnonzero(bh_qvalues(p) <= fdr)
    best: dict[Any, tuple[float, float, int]] = {}
    ids, gids = cand.column("account_id").to_pylist(), cand.column("group_id").to_pylist()
    for i in ok:  # the group with the most reposts, then the smallest p, then the smallest id
        x = (-float(k[i]), float(p[i]), int(gids[i]))
        if ids[i] not in best or x < best[ids[i]]:
            best[ids[i]] = x
    if not best:
        return info
    old = engine.to_arrow(f"SELECT account_id, group_id, joined_by, pooled_p FROM {membership}")
    chosen = sorted(best)
    new = pa.table({
        "account_id": pa.array(chosen, old.schema.field("account_id").type),
        "group_id": pa.array([best[a][2] for a in chosen], old.schema.field("group_id").type),
        "joined_by": pa.array(["amplified"] * len(chosen), pa.string()),
        "pooled_p": pa.array([best[a][1] for a in chosen], pa.float64()),
    })
    out = pa.concat_tables([old, new]).sort_by([("group_id", "ascending"), ("account_id", "ascending")])
    engine.register_arrow(membership, out)
    info["attached"] = len(chosen)
    return info
