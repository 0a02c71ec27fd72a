"""SQL for what the user reads: per-group and per-account statistics and the
output views of links and evidence. Pure functions returning SQL strings.

Expects tables ``actions``, ``pairs``, ``links``, ``glinks`` (links that pass the
thresholds), ``membership(account_id, group_id)``, optionally ``ic_group_pairs``
(the share pairs inside groups, :func:`group_pairs_sql`), ``account_networks(account_id,
network_id)`` (:func:`account_networks_sql`) and the key dictionaries
``ic_accounts(account_id, name)`` and ``ic_objects(behaviour, object, name)``:
inside, accounts and objects are integer keys; what the user reads has names.

>>> from inconcert.sql.dialect import DuckDBDialect
>>> "density" in group_stats_sql(DuckDBDialect())
True
"""

from __future__ import annotations

from inconcert.sql.coaction import pairs_touching_sql, timed, unordered_pair_sql
from inconcert.sql.dialect import Dialect

__all__ = [
    "group_pairs_sql",
    "group_pairs_from",
    "GROUP_PAIR_COLUMNS",
    "account_networks_sql",
    "group_stats_sql",
    "account_stats_sql",
    "evidence_out_sql",
    "evidence_post_ids_sql",
    "evidence_receipts_sql",
    "links_out_sql",
    "rounded_columns",
    "rounded_select_sql",
    "ACCOUNTS_ORDER",
    "groups_with_verdicts_sql",
    "verdict_counts_sql",
    "accounts_with_attrs_sql",
    "posts_out_sql",
    "paired_posts_sql",
]


#: The columns of ``pairs`` the per-group statistics and verdicts read.
GROUP_PAIR_COLUMNS = ("behaviour", "object", "account_a", "account_b", "seq_a", "seq_b", "t_a", "t_b")


def group_pairs_sql(
    pairs: str = "pairs", membership: str = "membership", touching: str | None = None,
    columns: tuple[str, ...] | None = None,
) -> str:
    """The share pairs inside groups: every row of ``pairs`` (or of any table of
    account pairs, such as the links) whose two accounts are in one group of ``membership`` (its ``columns``, all when None), with that
    ``group_id``; with ``touching`` (a table of ``account_id``), only those with
    an account in it.

    Groups are a small part of the accounts, so these are a small part of the
    pairs (at 10⁶ posts about a tenth): made once as a table (``ic_group_pairs``)
    when the groups are known, they spare every per-group statistic a join of
    all pairs with the groups. The builders that read them take ``group_pairs``:
    such a table, or None to derive them here (:func:`group_pairs_from`).

    >>> "ma.group_id = mb.group_id" in group_pairs_sql()
    True
    """
    source = pairs_touching_sql(pairs, touching) if touching else pairs  # those accounts' few pairs first
    cols = "p.*" if columns is None else ", ".join(f"p.{c}" for c in columns)
    return f"""SELECT {cols}, ma.group_id FROM {source} p
        JOIN {membership} ma ON p.account_a = ma.account_id
        JOIN {membership} mb ON p.account_b = mb.account_id
        WHERE ma.group_id = mb.group_id"""


def group_pairs_from(group_pairs: str | None, pairs: str = "pairs", membership: str = "membership") -> str:
    """What to read the share pairs inside groups from: the table ``group_pairs``
    (of :func:`group_pairs_sql`) or, when None, that SQL on ``pairs`` and
    ``membership`` as a sub-query (to be given an alias).

    >>> group_pairs_from("ic_group_pairs")
    'ic_group_pairs'
    """
    return group_pairs if group_pairs is not None else f"({group_pairs_sql(pairs, membership)})"


def account_networks_sql(components: str = "ic_networks", membership: str = "membership") -> str:
    """Each account's network: its connected component in ``components``
    (account_id, network_id), or, for a member that joined a group on pooled
    evidence (and so has no significant link), the network of its group."""
    return f"""SELECT account_id, network_id FROM {components}
    UNION ALL
    SELECT m.account_id, gn.network_id FROM {membership} m
    JOIN (SELECT m2.group_id, min(c.network_id) AS network_id FROM {membership} m2
          JOIN {components} c ON m2.account_id = c.account_id GROUP BY m2.group_id) gn
      ON m.group_id = gn.group_id
    WHERE m.account_id NOT IN (SELECT account_id FROM {components})"""


def group_stats_sql(
    d: Dialect,
    top: int = 5,
    passing: str = "glinks",
    pairs: str = "pairs",
    membership: str = "membership",
    objects: str = "ic_objects",
    networks: str = "account_networks",
    group_pairs: str | None = None,
) -> str:
    """One row per group of ``membership``: its network (of ``networks``), size, links
    (of ``passing``), density, weight, behaviours, objects, time span (of ``pairs``
    inside the group: ``group_pairs``, :func:`group_pairs_sql`, derived when None),
    and the ``top`` objects most members acted on."""
    return f"""WITH gl AS ({group_pairs_sql(passing, membership)}),
    ge AS (SELECT * FROM {group_pairs_from(group_pairs, pairs, membership)} gp),
    sz AS (SELECT m.group_id, min(n.network_id) AS network_id, count(*) AS size
           FROM {membership} m LEFT JOIN {networks} n ON m.account_id = n.account_id
           GROUP BY m.group_id),
    ls AS (SELECT group_id, count(*) AS links, sum(weight) AS weight FROM gl GROUP BY group_id),
    es AS (SELECT group_id, count(DISTINCT behaviour || '|' || {d.to_string('object')}) AS objects,
                  min({timed('t_a')}) AS first_t, max({timed('t_b')}) AS last_t, count(*) AS pairs
           FROM ge GROUP BY group_id),
    bh AS (SELECT group_id, {d.string_agg_distinct('behaviour', ',')} AS behaviours
           FROM ge GROUP BY group_id),
    om AS (SELECT group_id, behaviour, object, count(DISTINCT acc) AS members FROM (
              SELECT group_id, behaviour, object, account_a AS acc FROM ge
              UNION ALL SELECT group_id, behaviour, object, account_b FROM ge) s
           GROUP BY group_id, behaviour, object),
    ot AS (SELECT group_id, behaviour, object, members,
                  row_number() OVER (PARTITION BY group_id ORDER BY members DESC, behaviour, object) AS rk
           FROM om),
    tops AS (SELECT ot.group_id,
                    {d.string_agg_ordered("ot.behaviour || ':' || o.name || ' (' || " + d.to_string('ot.members') + " || ')'", 'ot.rk', ' | ')} AS top_objects
             FROM ot JOIN {objects} o ON ot.behaviour = o.behaviour AND ot.object = o.object
             WHERE ot.rk <= {int(top)} GROUP BY ot.group_id)
    SELECT sz.group_id, sz.network_id, sz.size,
           coalesce(ls.links, 0) AS links,
           CASE WHEN sz.size > 1 THEN CAST(2 * coalesce(ls.links, 0) AS DOUBLE) / (sz.size * (sz.size - 1)) ELSE 0.0 END AS density,
           coalesce(ls.weight, 0) AS weight,
           coalesce(bh.behaviours, '') AS behaviours,
           coalesce(es.objects, 0) AS objects,
           coalesce(es.pairs, 0) AS pairs,
           {d.from_epoch_us('es.first_t')} AS first_ts,
           {d.from_epoch_us('es.last_t')} AS last_ts,
           CAST(coalesce(es.last_t - es.first_t, 0) AS DOUBLE) / 1000000.0 AS span_s,
           coalesce(tops.top_objects, '') AS top_objects
    FROM sz LEFT JOIN ls ON sz.group_id = ls.group_id
    LEFT JOIN es ON sz.group_id = es.group_id
    LEFT JOIN bh ON sz.group_id = bh.group_id
    LEFT JOIN tops ON sz.group_id = tops.group_id
    ORDER BY sz.group_id"""


def account_stats_sql(
    d: Dialect,
    passing: str = "glinks",
    pairs: str = "pairs",
    membership: str = "membership",
    actions: str = "actions",
    accounts: str = "ic_accounts",
    networks: str = "account_networks",
    pooled: bool = False,
    paired_posts: str | None = None,
) -> str:
    """One row per account that acted: network, group, degree and strength in the
    thresholded graph, actions, coordinated actions (posts in share pairs) and their share. A post (``seq``)
    has one account, so the coordinated actions are counted by grouping on ``seq``
    first (one cheap integer key) rather than ``count(DISTINCT seq)`` per account.
    With ``pooled``, also ``membership``'s ``joined_by`` and ``pooled_p``
    (:func:`inconcert.scoring.pooled.attach_pooled`). ``paired_posts``: the posts
    in share pairs as a table already (:func:`paired_posts_sql`).

    >>> from inconcert.sql.dialect import DuckDBDialect
    >>> "m.pooled_p" in account_stats_sql(DuckDBDialect(), pooled=True)
    True
    """
    extra = ", m.joined_by, m.pooled_p" if pooled else ""
    posts = paired_posts or f"({paired_posts_sql(pairs)}) u"
    return f"""WITH deg AS (
        SELECT acc, count(*) AS degree, sum(weight) AS strength FROM (
            SELECT account_a AS acc, weight FROM {passing}
            UNION ALL SELECT account_b, weight FROM {passing}) s GROUP BY acc),
    act AS (SELECT x.account_id, x.name, count(*) AS n_actions, min(a.platform) AS platform
            FROM {actions} a JOIN {accounts} x ON a.account_id = x.name
            GROUP BY x.account_id, x.name),
    co AS (SELECT acc, count(*) AS n_coordinated FROM {posts} GROUP BY acc)
    SELECT act.name AS account_id, n.network_id, m.group_id,
           coalesce(deg.degree, 0) AS degree, coalesce(deg.strength, 0) AS strength,
           act.n_actions, coalesce(co.n_coordinated, 0) AS n_coordinated,
           CAST(coalesce(co.n_coordinated, 0) AS DOUBLE) / act.n_actions AS coordinated_share,
           act.platform{extra}
    FROM act LEFT JOIN {membership} m ON act.account_id = m.account_id
    LEFT JOIN {networks} n ON act.account_id = n.account_id
    LEFT JOIN deg ON act.account_id = deg.acc
    LEFT JOIN co ON act.account_id = co.acc
    """


def paired_posts_sql(pairs: str = "pairs") -> str:
    """``(seq, acc)``: every post in a share pair of ``pairs``, once, with its account
    (a post has one account). The accounts' coordinated actions
    (:func:`account_stats_sql`) and ``posts.parquet`` (:func:`posts_out_sql`) are
    read from it, so all the pairs are gone through once for both.

    >>> "GROUP BY seq" in paired_posts_sql()
    True
    """
    return f"""SELECT seq, any_value(acc) AS acc FROM (
                SELECT account_a AS acc, seq_a AS seq FROM {pairs}
                UNION ALL SELECT account_b, seq_b FROM {pairs}) s GROUP BY seq"""


#: Order of the written accounts: grouped accounts first, by group, strongest first.
ACCOUNTS_ORDER = "ORDER BY group_id IS NULL, group_id, strength DESC, account_id"


def evidence_receipts_sql(
    pairs: str = "pairs",
    membership: str = "membership",
    passing: str | None = "glinks",
    group_pairs: str | None = None,
    behaviours_table: str | None = None,
) -> str:
    """The share pairs :func:`evidence_out_sql` writes, by integer keys only, with
    the group both accounts share and the pair's account keys in order
    (``lo``, ``hi``).

    With ``passing`` (the links that pass), the receipts: the post pairs behind a
    passing link, and those between two members of one group (a member joined on
    pooled evidence has no passing link); with ``passing=None``, every share pair.
    With ``group_pairs`` (the pairs inside groups as a table, :func:`group_pairs_sql`,
    and ``passing``) those are taken from there and only the pairs behind passing
    links are looked up in ``pairs``: the columns of :data:`GROUP_PAIR_COLUMNS`,
    the same rows. With ``behaviours_table`` (``seq_a, seq_b, behaviours`` of the
    few post pairs of several behaviours, :func:`inconcert.sql.coaction.pair_behaviours_sql`)
    each receipt gets ``behaviours``: from there, else its one ``behaviour``.

    >>> "LEFT JOIN glinks g" in evidence_receipts_sql()
    True
    >>> "glinks" in evidence_receipts_sql(passing=None)
    False
    """
    lo, hi = unordered_pair_sql("p")
    behs, bjoin = "", ""
    if behaviours_table:
        behs = ", coalesce(pb.behaviours, p.behaviour) AS behaviours"
        bjoin = f"\n    LEFT JOIN {behaviours_table} pb ON pb.seq_a = p.seq_a AND pb.seq_b = p.seq_b"
    if group_pairs and passing is not None:
        cols = ", ".join(f"p.{c}" for c in GROUP_PAIR_COLUMNS)
        return f"""SELECT {cols}, CAST(p.group_id AS BIGINT) AS group_id, {lo} AS lo, {hi} AS hi{behs}
    FROM {group_pairs} p{bjoin}
    UNION ALL
    SELECT {cols}, CAST(NULL AS BIGINT) AS group_id, {lo} AS lo, {hi} AS hi{behs} FROM {pairs} p
    JOIN {passing} g ON g.account_a = {lo} AND g.account_b = {hi}
    LEFT JOIN {membership} ma ON p.account_a = ma.account_id
    LEFT JOIN {membership} mb ON p.account_b = mb.account_id{bjoin}
    WHERE ma.group_id IS NULL OR mb.group_id IS NULL OR ma.group_id <> mb.group_id"""
    group = "CASE WHEN ma.group_id = mb.group_id THEN ma.group_id END"
    receipts, where = "", ""
    if passing is not None:
        receipts = f"\n    LEFT JOIN {passing} g ON g.account_a = {lo} AND g.account_b = {hi}"
        where = "\n    WHERE g.account_a IS NOT NULL OR ma.group_id = mb.group_id"
    return f"""SELECT p.*, CAST({group} AS BIGINT) AS group_id, {lo} AS lo, {hi} AS hi{behs} FROM {pairs} p
    LEFT JOIN {membership} ma ON p.account_a = ma.account_id
    LEFT JOIN {membership} mb ON p.account_b = mb.account_id{receipts}{bjoin}{where}"""


def evidence_post_ids_sql(receipts: str, side: str, actions: str = "actions") -> str:
    """``receipts`` with ``post_<side>``, the post id of ``seq_<side>`` from
    ``actions``. One side per query: each join then builds one hash table, on the
    smaller of the receipts and the actions, which spills when memory is short
    (two such joins in one query must both stay in memory).

    >>> evidence_post_ids_sql("r", "a")
    'SELECT r.*, x.post_id AS post_a FROM r r JOIN actions x ON x.seq = r.seq_a'
    """
    return f"SELECT r.*, x.post_id AS post_{side} FROM {receipts} r JOIN {actions} x ON x.seq = r.seq_{side}"


def evidence_out_sql(
    d: Dialect,
    receipts: str,
    similarity_table: str | None = None,
    similarity_behaviour: str = "near_text",
    accounts: str = "ic_accounts",
    objects: str = "ic_objects",
    behaviours: bool = False,
    fast_within_s: float | None = None,
) -> str:
    """The share-pair evidence as written, from ``receipts`` (the rows of
    :func:`evidence_receipts_sql` with ``post_a``, ``post_b``): names, timestamps,
    the group both accounts share and (for ``similarity_behaviour``'s pairs, from
    ``similarity_table``) the two posts' similarity. With ``fast_within_s``,
    ``fast`` flags the pairs whose Δt is at most that many seconds.
    ``behaviours``: post pairs, each with every behaviour it co-acts under (the
    receipts' ``behaviours`` column).

    Order, by integer keys only: a group's pairs together (groups in order, pairs
    outside any group last), within it each link's (by account keys, which sort
    like the names), within a link by time (then post sequence numbers), so a
    reader filtering one ``group_id`` skips the other row groups by their
    statistics.

    >>> from inconcert.sql.dialect import DuckDBDialect
    >>> "ORDER BY p.group_id NULLS LAST" in evidence_out_sql(DuckDBDialect(), "r")
    True
    """
    sim = "s.similarity" if similarity_table else "CAST(NULL AS DOUBLE)"
    fast = "" if fast_within_s is None else f",\n           (p.t_b - p.t_a <= {int(round(fast_within_s * 1e6))}) AS fast"
    join = (
        f"\n    LEFT JOIN {similarity_table} s ON p.behaviour = '{similarity_behaviour}' "
        "AND s.seq_a = p.seq_a AND s.seq_b = p.seq_b"
        if similarity_table
        else ""
    )
    behs = "p.behaviours, " if behaviours else ""  # post pairs: every behaviour they co-act under
    return f"""SELECT p.behaviour, {behs}o.name AS object, p.post_a, p.post_b, xa.name AS account_a, xb.name AS account_b,
           {d.from_epoch_us('p.t_a')} AS ts_a, {d.from_epoch_us('p.t_b')} AS ts_b,
           CAST(p.t_b - p.t_a AS DOUBLE) / 1000000.0 AS dt,
           p.group_id,
           {sim} AS similarity{fast}
    FROM {receipts} p{join}
    JOIN {objects} o ON p.behaviour = o.behaviour AND p.object = o.object
    JOIN {accounts} xa ON p.account_a = xa.account_id
    JOIN {accounts} xb ON p.account_b = xb.account_id
    ORDER BY p.group_id NULLS LAST, p.lo, p.hi, p.t_a, p.t_b, p.seq_a, p.seq_b, p.object"""


def rounded_columns(d: Dialect, columns: dict[str, bool], prefix: str = "", digits: int = 10) -> list[str]:
    """SELECT-list items for ``columns`` (name → is floating point), with floats rounded
    to ``digits`` significant digits: parallel aggregation adds floats in varying
    order, so the last bits can differ between runs; rounding makes files identical.

    >>> from inconcert.sql.dialect import DuckDBDialect
    >>> rounded_columns(DuckDBDialect(), {"n": False, "p": True}, "l.")
    ['l.n', "CAST(format('{:.10g}', l.p) AS DOUBLE) AS p"]
    """
    return [(f"{d.round_sig(prefix + c, digits)} AS {c}" if is_float else prefix + c) for c, is_float in columns.items()]


def rounded_select_sql(d: Dialect, columns: dict[str, bool], table: str, order: str, digits: int = 12) -> str:
    """``SELECT`` every column of ``table`` with floats rounded (see :func:`rounded_columns`)."""
    return f"SELECT {', '.join(rounded_columns(d, columns, digits=digits))} FROM {table} {order}"


def links_out_sql(
    d: Dialect,
    columns: list[str],
    source: str = "links",
    where: str = "",
    passing: str = "glinks",
    membership: str = "membership",
    accounts: str = "ic_accounts",
) -> str:
    """The links as written, strongest first, with account names,
    ``passes_threshold``, ``in_group`` and ``group_id``.

    ``columns``: the ``links`` columns (``behaviours``, the names of the
    behaviours with co-actions, is made here from the ``n_<behaviour>`` counts);
    ``source`` is ``links`` (all) or ``passing`` (those that pass); ``where``: an
    optional condition on ``l``. No column is
    rounded: weights and counts are integers, ``mean_dt`` is an integer sum
    divided by a count, and the null model's scores are computed from rounded
    expectations, so repeated runs give identical files. Ties in weight are
    ordered by the account keys, which sort like the names.
    """
    passes = "true" if source == passing else "(g.account_a IS NOT NULL)"
    join = (
        ""
        if source == passing
        else f"\n    LEFT JOIN {passing} g ON l.account_a = g.account_a AND l.account_b = g.account_b"
    )
    names = {"account_a": "xa.name AS account_a", "account_b": "xb.name AS account_b"}
    cols = [names.get(c, f"l.{c}") for c in columns if c not in ("first_t", "last_t")]
    behs = [c[2:] for c in columns if c.startswith("n_")]
    # ``behaviours`` follows the last per-behaviour count, as in the files before
    after = max((i for i, c in enumerate(cols) if c.startswith("l.n_")), default=len(cols) - 1)
    named = ", ".join(f"CASE WHEN l.n_{b} > 0 THEN '{b}' END" for b in behs) or "''"
    cols.insert(after + 1, f"concat_ws(',', {named}) AS behaviours")
    cond = f"\n    WHERE {where}" if where else ""
    return f"""SELECT {', '.join(cols)},
           {d.from_epoch_us('l.first_t')} AS first_ts, {d.from_epoch_us('l.last_t')} AS last_ts,
           {passes} AS passes_threshold,
           CAST(CASE WHEN ma.group_id = mb.group_id THEN ma.group_id END AS BIGINT) AS group_id,
           (ma.group_id IS NOT NULL AND ma.group_id = mb.group_id) AS in_group
    FROM {source} l{join}
    JOIN {accounts} xa ON l.account_a = xa.account_id
    JOIN {accounts} xb ON l.account_b = xb.account_id
    LEFT JOIN {membership} ma ON l.account_a = ma.account_id
    LEFT JOIN {membership} mb ON l.account_b = mb.account_id{cond}
    ORDER BY l.weight DESC, l.account_a, l.account_b"""


def groups_with_verdicts_sql(groups: str = "groups", verdicts: str = "group_verdicts") -> str:
    """The groups table with each group's ``p_value``, ``verdict`` and ``reasons``.

    >>> "LEFT JOIN group_verdicts v" in groups_with_verdicts_sql()
    True
    """
    return (
        f"SELECT g.*, v.p_value, v.verdict, v.reasons FROM {groups} g "
        f"LEFT JOIN {verdicts} v ON g.group_id = v.group_id ORDER BY g.group_id"
    )


def verdict_counts_sql(groups: str = "groups") -> str:
    """``(verdict, n)``: how many groups got each verdict."""
    return f"SELECT verdict, count(*) AS n FROM {groups} GROUP BY verdict ORDER BY verdict"


def accounts_with_attrs_sql(columns: list[str], accounts: str = "accounts_out", attrs: str = "account_attrs") -> str:
    """The accounts table with the attribute ``columns`` the readers found (by account name).

    >>> accounts_with_attrs_sql(["platform_id"])
    'SELECT a.*, x.platform_id FROM accounts_out a LEFT JOIN account_attrs x ON a.account_id = x.account_id'
    """
    cols = ", ".join(f"x.{c}" for c in columns)
    return f"SELECT a.*, {cols} FROM {accounts} a LEFT JOIN {attrs} x ON a.account_id = x.account_id"


def posts_out_sql(
    actions: str = "actions", pairs: str = "pairs", membership: str = "membership", paired_posts: str | None = None,
) -> str:
    """The posts of grouped accounts that are in share pairs (``posts.parquet``), in input order;
    with ``paired_posts`` (:func:`paired_posts_sql`) found there instead of in ``pairs``.

    >>> "pp.acc = m.account_id" in posts_out_sql(paired_posts="pp")
    True
    """
    posts = paired_posts or f"({paired_posts_sql(pairs)})"
    return f"""SELECT a.post_id, a.account_id, a.ts, a.text, a.urls, a.repost_of, a.reply_to,
                   a.hashtags, a.platform, a.seq
            FROM {actions} a WHERE a.seq IN (
                SELECT pp.seq FROM {posts} pp JOIN {membership} m ON pp.acc = m.account_id)
            ORDER BY a.seq"""
