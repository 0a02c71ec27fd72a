"""Co-action detection as SQL: pure functions that return SQL strings.

The pipeline chains them as named steps (``traces`` → ``eligible`` →
``pairs`` → ``links``); an engine only executes them. Nothing here touches
data, so every engine runs the very same logic.

The windowed self-join is a *bucketed band join*: time is cut into buckets of
the window's width, each share is joined with shares of the same object in its
own bucket and in the next one (by replicating the right side once, shifted by
one bucket), and only then filtered to ``0 ≤ t_b − t_a ≤ window``. The cost
follows the number of in-window pairs, not the square of an object's shares.

>>> from inconcert.sql.dialect import DuckDBDialect
>>> sql = pairs_sql(DuckDBDialect(), window_us=60_000_000)
>>> "a.bucket = b.bucket" in sql
True
"""

from __future__ import annotations

from inconcert.sql.dialect import Dialect
from inconcert.tables import NO_TIME

__all__ = [
    "timed",
    "unordered_pair_sql",
    "pairs_touching_sql",
    "union_traces_sql",
    "accounts_dict_sql",
    "objects_dict_sql",
    "keyed_traces_sql",
    "repeated_posts_sql",
    "post_seq_sql",
    "eligible_sql",
    "pairs_sql",
    "filter_pairs_sql",
    "participants_sql",
    "links_sql",
    "object_key_ranges_sql",
    "PRIMARY_ORDER",
    "window_level_sql",
    "pairs_by_object_window_sql",
    "post_pairs_sql",
    "repost_edges_sql",
    "repost_edge_sql",
    "post_authors_sql",
    "has_reposts_sql",
    "single_post_pairs_sql",
    "PAIR_COLUMNS",
    "level_sql",
    "pair_behaviours_sql",
    "unpaired_trace_pairs_sql",
    "both_below_sql",
    "event_links_sql",
    "link_keys_sql",
    "link_families_sql",
    "tested_pairs_sql",
]


def timed(col: str) -> str:
    """``col``, a time, as NULL where it is :data:`~inconcert.tables.NO_TIME` (an embedded
    id's or a byline's): never anyone's first or last time.

    >>> timed("t_a")
    'NULLIF(t_a, 0)'
    """
    return f"NULLIF({col}, {NO_TIME})"


def unordered_pair_sql(alias: str = "") -> tuple[str, str]:
    """The smaller and the larger account key of a pair row (``alias.account_a``,
    ``alias.account_b``): a link's ``(account_a, account_b)`` whichever way round
    the pair was formed.

    >>> unordered_pair_sql("p")[0]
    'CASE WHEN p.account_a < p.account_b THEN p.account_a ELSE p.account_b END'
    """
    a, b = (f"{alias}.account_a", f"{alias}.account_b") if alias else ("account_a", "account_b")
    return f"CASE WHEN {a} < {b} THEN {a} ELSE {b} END", f"CASE WHEN {a} < {b} THEN {b} ELSE {a} END"


def pairs_touching_sql(pairs: str, accounts: str) -> str:
    """A sub-query of the rows of ``pairs`` with an account in ``accounts`` (a table
    of ``account_id``): the few pairs of a few accounts, found before any join.

    >>> pairs_touching_sql("pairs", "j")
    '(SELECT * FROM pairs WHERE account_a IN (SELECT account_id FROM j) OR account_b IN (SELECT account_id FROM j))'
    """
    return (f"(SELECT * FROM {pairs} WHERE account_a IN (SELECT account_id FROM {accounts})"
            f" OR account_b IN (SELECT account_id FROM {accounts}))")


def union_traces_sql(d: Dialect, parts: list[tuple[str, str]], post_ids: bool = True) -> str:
    """One ``traces`` query from ``(behaviour name, traces SELECT)`` parts
    (``post_ids``: keep the ``post_id`` column).

    >>> from inconcert.sql.dialect import DuckDBDialect
    >>> "UNION ALL" in union_traces_sql(DuckDBDialect(), [("a", "SELECT 1"), ("b", "SELECT 2")])
    True
    """
    s = d.to_string
    if not parts:
        pid = f"{s('NULL')} AS post_id, " if post_ids else ""
        return (
            f"SELECT {s('NULL')} AS behaviour, {s('NULL')} AS object, "
            f"{s('NULL')} AS account_id, {pid}"
            "CAST(NULL AS BIGINT) AS seq, CAST(NULL AS BIGINT) AS t WHERE 1 = 0"
        )
    pid = f"{s('post_id')} AS post_id, " if post_ids else ""
    selects = [
        f"SELECT '{name}' AS behaviour, {s('object')} AS object, "
        f"{s('account_id')} AS account_id, {pid}"
        f"CAST(seq AS BIGINT) AS seq, CAST(t AS BIGINT) AS t FROM ({sql}) tr_{i}"
        for i, (name, sql) in enumerate(parts)
    ]
    return "\nUNION ALL\n".join(selects)


def accounts_dict_sql(d: Dialect, actions: str = "actions") -> str:
    """``ic_accounts(account_id INT, name)``: every account of ``actions`` with an
    integer key, numbered in the order of the names, so sorting by key sorts by name.

    Inside the SQL core accounts and objects are integer keys: joins and
    aggregations over tens of millions of share pairs run 3-4x faster on
    integers than on strings. Outputs map the keys back to names.
    """
    return f"""SELECT CAST(row_number() OVER (ORDER BY name) AS INT) AS account_id, name
    FROM (SELECT DISTINCT {d.to_string("account_id")} AS name FROM {actions}
          WHERE account_id IS NOT NULL) s"""


def objects_dict_sql(raw: str = "ic_traces_raw") -> str:
    """``ic_objects(behaviour, object BIGINT, name)``: every object of the raw
    traces with an integer key, numbered in the order of (behaviour, name)."""
    return f"""SELECT behaviour, row_number() OVER (ORDER BY behaviour, name) AS object, name
    FROM (SELECT DISTINCT behaviour, object AS name FROM {raw} WHERE object IS NOT NULL) s"""


def keyed_traces_sql(
    coortweet_compatible: bool = False,
    raw: str = "ic_traces_raw",
    accounts: str = "ic_accounts",
    objects: str = "ic_objects",
    post_seq: str | None = None,
) -> str:
    """The ``traces`` table: raw traces with integer account and object keys.

    ``post_seq`` (a table ``seq, pseq``, from :func:`post_seq_sql`): rows of one
    post spread over several input rows (long exports: one row per image, URL or
    hashtag of a post) take the ``seq`` of the post's first row, so the post pairs
    they make collapse to one piece of evidence.

    Post ids are not carried (outputs take them from ``actions`` by ``seq``),
    except in CooRTweet-compatible mode, which compares them: there ``post_id``
    and ``post_object`` (the key of the object whose name is the trace's own
    post id: a post is never paired with a share of itself) are added.
    """
    post_obj, join = "", ""
    if coortweet_compatible:
        post_obj = ", r.post_id, po.object AS post_object"
        join = f"\n    LEFT JOIN {objects} po ON r.behaviour = po.behaviour AND r.post_id = po.name"
    seq = "r.seq"
    if post_seq:
        seq = "coalesce(ps.pseq, r.seq) AS seq"
        join += f"\n    LEFT JOIN {post_seq} ps ON r.seq = ps.seq"
    return f"""SELECT r.behaviour, o.object, a.account_id, {seq}, r.t{post_obj}
    FROM {raw} r
    JOIN {objects} o ON r.behaviour = o.behaviour AND r.object = o.name
    JOIN {accounts} a ON r.account_id = a.name{join}"""


def repeated_posts_sql(actions: str = "actions") -> str:
    """Posts (account, post id) that stand in more than one input row, with their
    first row's ``seq`` as ``pseq``.

    >>> "HAVING count(*) > 1" in repeated_posts_sql()
    True
    """
    return f"""SELECT account_id, post_id, min(seq) AS pseq FROM {actions}
    WHERE post_id IS NOT NULL GROUP BY account_id, post_id HAVING count(*) > 1"""


def post_seq_sql(repeated: str, actions: str = "actions") -> str:
    """``seq → pseq`` for the rows of repeated posts (:func:`repeated_posts_sql`) other
    than their first row."""
    return f"""SELECT a.seq, r.pseq FROM {actions} a
    JOIN {repeated} r ON a.account_id = r.account_id AND a.post_id = r.post_id
    WHERE a.seq <> r.pseq"""


def eligible_sql(min_participation: int, coortweet_compatible: bool = False, traces: str = "traces") -> str:
    """Traces of accounts with at least ``min_participation`` traces in the behaviour,
    on objects acted on by at least two rows; ``acc_first`` is the account's first
    position in the input (CooRTweet's tie order)."""
    po = ", post_id, post_object" if coortweet_compatible else ""
    return f"""SELECT behaviour, object, account_id, seq, t, acc_first{po} FROM (
        SELECT *, count(*) OVER (PARTITION BY behaviour, account_id) AS n_acc,
               min(seq) OVER (PARTITION BY behaviour, account_id) AS acc_first
        FROM {traces}) s
    WHERE n_acc >= {int(min_participation)}"""


def pairs_sql(
    d: Dialect, window_us: int, coortweet_compatible: bool = False, eligible: str = "eligible"
) -> str:
    """Every pair of shares of one object by different accounts within the window.

    Side ``a`` is the earlier share; ties in time are ordered by input position
    (``seq``), or, in CooRTweet-compatible mode, by the account's first position
    and then the row's, which is the order CooRTweet's data.table steps leave.
    """
    width = max(int(window_us), 1)
    bucket = d.int_div("t", str(width))
    # post ids ride along only where CooRTweet's filter needs them; outputs get
    # them back from ``actions`` by ``seq`` (two strings less per pair in memory)
    po = ", post_id, post_object" if coortweet_compatible else ""
    posts = "a.post_id AS post_a, b.post_id AS post_b,\n           " if coortweet_compatible else ""
    if coortweet_compatible:
        tie = "(a.acc_first < b.acc_first OR (a.acc_first = b.acc_first AND a.seq < b.seq))"
        extra = (
            " AND a.post_id <> b.post_id AND (a.post_object IS NULL OR a.object <> a.post_object)"
            " AND (b.post_object IS NULL OR a.object <> b.post_object)"
        )
    else:
        tie = "a.seq < b.seq"
        extra = ""
    return f"""WITH e AS (
        SELECT behaviour, object, account_id, seq, t, acc_first{po}, {bucket} AS bucket
        FROM {eligible}),
    r AS (
        SELECT behaviour, object, account_id, seq, t, acc_first{po}, bucket FROM e
        UNION ALL
        SELECT behaviour, object, account_id, seq, t, acc_first{po}, bucket - 1 AS bucket FROM e)
    SELECT a.behaviour, a.object,
           {posts}a.account_id AS account_a, b.account_id AS account_b,
           a.seq AS seq_a, b.seq AS seq_b, a.t AS t_a, b.t AS t_b
    FROM e a JOIN r b
      ON a.behaviour = b.behaviour AND a.object = b.object AND a.bucket = b.bucket
    WHERE b.t - a.t <= {int(window_us)} AND b.t >= a.t
      AND (a.t < b.t OR {tie})
      AND a.account_id <> b.account_id{extra}"""


def filter_pairs_sql(
    min_participation: int,
    coortweet_compatible: bool = False,
    ok_table: str = "ic_pair_ok",
    raw_pairs: str = "raw_pairs",
    eligible: str = "eligible",
    below_table: str | None = None,
) -> str:
    """Keep a pair when one of its accounts has ``min_participation`` co-actions.

    Default: an account qualifies with at least that many distinct posts in
    pairs of the behaviour (table ``ok_table``, from :func:`participants_sql`).
    With ``below_table`` (``participants_sql(…, qualifying=False)``: the
    accounts of ``raw_pairs`` that do not qualify, usually far fewer) a pair is
    kept unless both its accounts are there: the same pairs, looked up in a
    smaller table (at 10⁶ posts 0.64 → 0.49 CPU s).
    CooRTweet-compatible mode reproduces its ``filter_min_participation``
    exactly (it matches rows by content id).
    """
    mp = int(min_participation)
    if coortweet_compatible:
        return f"""WITH ids AS (
            SELECT behaviour, post_a AS post_id FROM {raw_pairs}
            UNION SELECT behaviour, post_b FROM {raw_pairs}),
        rows_in AS (
            SELECT e.behaviour, e.account_id, e.post_id FROM {eligible} e
            JOIN ids ON e.behaviour = ids.behaviour AND e.post_id = ids.post_id),
        ok_acc AS (
            SELECT behaviour, account_id FROM rows_in GROUP BY behaviour, account_id
            HAVING count(*) >= {mp}),
        ok_post AS (
            SELECT DISTINCT r.behaviour, r.post_id FROM rows_in r
            JOIN ok_acc o ON r.behaviour = o.behaviour AND r.account_id = o.account_id)
        SELECT p.* FROM {raw_pairs} p
        WHERE EXISTS (SELECT 1 FROM ok_post o WHERE o.behaviour = p.behaviour AND o.post_id = p.post_a)
           OR EXISTS (SELECT 1 FROM ok_post o WHERE o.behaviour = p.behaviour AND o.post_id = p.post_b)"""
    if below_table:
        return f"""SELECT p.* FROM {raw_pairs} p
        WHERE NOT ({both_below_sql(below_table, "p")})"""
    return f"""SELECT p.* FROM {raw_pairs} p
        WHERE EXISTS (SELECT 1 FROM {ok_table} ok WHERE ok.behaviour = p.behaviour AND ok.account_id = p.account_a)
           OR EXISTS (SELECT 1 FROM {ok_table} ok WHERE ok.behaviour = p.behaviour AND ok.account_id = p.account_b)"""


def participants_sql(min_participation: int, raw_pairs: str = "raw_pairs", qualifying: bool = True) -> str:
    """``(behaviour, account_id)`` of the accounts with at least
    ``min_participation`` distinct posts in the behaviour's share pairs
    (``raw_pairs``): the default participation filter keeps a pair when one of
    its accounts is here (:func:`filter_pairs_sql`). For the default of 2, an
    account qualifies when its smallest and largest post differ: the same set,
    without the distinct (behaviour, account, post) triples. ``qualifying=False``:
    the other accounts of ``raw_pairs`` instead (every account of a pair is in
    one of the two sets).

    >>> "min(lo) < max(hi)" in participants_sql(2)
    True
    """
    if int(min_participation) == 2:
        having = "min(lo) < max(hi)" if qualifying else "min(lo) = max(hi)"
        return f"""WITH sides AS (
            SELECT behaviour, account_a AS account_id, min(seq_a) AS lo, max(seq_a) AS hi FROM {raw_pairs}
            GROUP BY behaviour, account_a
            UNION ALL SELECT behaviour, account_b, min(seq_b), max(seq_b) FROM {raw_pairs}
            GROUP BY behaviour, account_b)
        SELECT behaviour, account_id FROM sides GROUP BY behaviour, account_id
        HAVING {having}"""
    op = ">=" if qualifying else "<"
    return f"""WITH sides AS (
            SELECT behaviour, account_a AS account_id, seq_a AS seq FROM {raw_pairs}
            UNION SELECT behaviour, account_b, seq_b FROM {raw_pairs})
        SELECT behaviour, account_id FROM sides GROUP BY behaviour, account_id
        HAVING count(*) {op} {int(min_participation)}"""


def links_sql(
    d: Dialect,
    behaviours: list[str],
    key_ranges: dict[str, tuple[int, int]] | None = None,
    pairs: str = "pairs",
) -> str:
    """Aggregate share pairs to one row per unordered account pair.

    ``weight`` = distinct (behaviour, object) co-acted on; ``n_<behaviour>`` =
    distinct objects per behaviour; ``pairs`` = share pairs (the ``behaviours``
    names column is added on output, :func:`inconcert.sql.summaries.links_out_sql`). Two-level
    aggregation (first per pair and object, then per pair) avoids
    ``count(DISTINCT …)``. ``key_ranges`` (behaviour → first and last object
    key, from ``ic_objects``, whose keys are unique across behaviours) lets the
    first level group on integers alone and the second tell behaviours apart
    by key range; without it (objects as names) it groups on the behaviour too.
    """
    if key_ranges:
        keys = "object"

        def is_b(b: str) -> str:
            lo, hi = key_ranges.get(b, (0, -1))
            return f"object BETWEEN {int(lo)} AND {int(hi)}"
    else:
        keys = "behaviour, object"

        def is_b(b: str) -> str:
            return f"behaviour = '{b}'"

    per = "".join(
        f"CAST(sum(CASE WHEN {is_b(b)} THEN 1 ELSE 0 END) AS INT) AS n_{b},\n               "
        for b in behaviours
    )
    acc_lo, acc_hi = unordered_pair_sql()
    return f"""WITH po AS (
        SELECT {acc_lo} AS account_a, {acc_hi} AS account_b,
               {keys},
               count(*) AS n, sum(t_b - t_a) AS sum_dt_us, min({timed('t_a')}) AS first_t,
               max({timed('t_b')}) AS last_t
        FROM {pairs}
        GROUP BY 1, 2, {keys}),
    l AS (
        SELECT account_a, account_b,
               CAST(count(*) AS INT) AS weight,
               CAST(sum(n) AS INT) AS pairs,
               {per}CAST(sum(sum_dt_us) AS DOUBLE) / sum(n) / 1000000.0 AS mean_dt,
               min(first_t) AS first_t,
               max(last_t) AS last_t
        FROM po GROUP BY account_a, account_b)
    SELECT * FROM l"""


def object_key_ranges_sql(objects: str = "ic_objects") -> str:
    """``(behaviour, lo, hi)``: the first and last object key of each behaviour
    in the key dictionary ``objects`` (keys are numbered by behaviour, then name,
    so each behaviour's keys form one range: see :func:`links_sql`).

    >>> "GROUP BY behaviour" in object_key_ranges_sql()
    True
    """
    return f"SELECT behaviour, min(object) AS lo, max(object) AS hi FROM {objects} GROUP BY behaviour"


#: When one post pair co-acts under several behaviours (a retweet, its URLs, its
#: hashtags; a URL and its domain), the first of these names is its *primary*
#: behaviour and object: the one piece of evidence the pair counts as.
PRIMARY_ORDER = (
    "repost", "reply", "near_text", "text", "semantic_text", "url", "image", "hashtags", "object",
)



def window_level_sql(dt: str, windows_us: list[int]) -> str:
    """The ladder level of a time difference: the index of the smallest window
    that holds it (SQL expression).

    >>> window_level_sql("dt", [10, 60])
    'CASE WHEN dt <= 10 THEN 0 ELSE 1 END'
    """
    cases = " ".join(f"WHEN {dt} <= {int(w)} THEN {i}" for i, w in enumerate(windows_us[:-1]))
    last = len(windows_us) - 1
    return f"CASE {cases} ELSE {last} END" if cases else "0"


def pairs_by_object_window_sql(
    d: Dialect, windows_table: str = "ic_obj_window", eligible: str = "eligible", windows_us: list[int] | None = None,
) -> str:
    """Share pairs by different accounts within each object's own widest window
    (``windows_table(behaviour, object, w_us)``): the bucketed band join of
    :func:`pairs_sql` with a bucket width per object. Computed once, at the widest
    window of the ladder; each pair keeps its times, so the counts at every
    narrower window are derived by filtering Δt (:func:`post_pairs_sql`).
    A post carrying several objects (a retweet, its URL, its hashtags) pairs
    within the narrowest of their windows under all of them, so that which
    object a post pair counts under (its primary) never depends on the caps.
    Objects with fewer than two sharers are not in ``windows_table`` and pair nothing.

    ``single`` is true when both posts have one trace here (most posts): the
    trace pair is then its post pair's only one, which :func:`post_pairs_sql`
    takes as it is. A post's narrowest window and its number of traces come
    from one ``GROUP BY seq`` joined back (at 10⁶ posts 1.57 → 1.21 CPU s
    against a window over ``PARTITION BY seq``); ``seq`` is never NULL.

    With ``windows_us`` (the ladder) each pair also gets ``lvl``
    (:func:`level_sql`), so that its single trace pairs are post pairs as they
    stand (:func:`unpaired_trace_pairs_sql`).

    >>> from inconcert.sql.dialect import DuckDBDialect
    >>> "b.t - a.t <= a.w_us" in pairs_by_object_window_sql(DuckDBDialect())
    True
    """
    bucket = d.int_div("e.t", "w.w_us")
    lvl = f", {level_sql(windows_us, 'b.t - a.t')}" if windows_us else ""
    return f"""WITH j AS (
        SELECT e.behaviour, e.object, e.account_id, e.seq, e.t, w.w_us, {bucket} AS bucket
        FROM {eligible} e JOIN {windows_table} w ON e.behaviour = w.behaviour AND e.object = w.object),
    ps AS (SELECT seq, min(w_us) AS w_post, count(*) AS n_post FROM j GROUP BY seq),
    e AS (
        SELECT j.behaviour, j.object, j.account_id, j.seq, j.t, j.w_us, j.bucket, ps.w_post, ps.n_post
        FROM j JOIN ps ON j.seq = ps.seq),
    r AS (
        SELECT behaviour, object, account_id, seq, t, w_post, n_post, bucket FROM e
        UNION ALL
        SELECT behaviour, object, account_id, seq, t, w_post, n_post, bucket - 1 AS bucket FROM e)
    SELECT a.behaviour, a.object, a.account_id AS account_a, b.account_id AS account_b,
           a.seq AS seq_a, b.seq AS seq_b, a.t AS t_a, b.t AS t_b, (a.n_post = 1 AND b.n_post = 1) AS single{lvl}
    FROM e a JOIN r b
      ON a.behaviour = b.behaviour AND a.object = b.object AND a.bucket = b.bucket
    WHERE b.t - a.t <= a.w_us AND b.t - a.t <= a.w_post AND b.t - a.t <= b.w_post AND b.t >= a.t
      AND (a.t < b.t OR a.seq < b.seq)
      AND a.account_id <> b.account_id"""


def post_pairs_sql(
    d: Dialect, windows_us: list[int], behaviours: list[str], trace_pairs: str = "ic_trace_pairs",
    single: str | None = None, shares: str | None = None,
) -> str:
    """One row per post pair: **one post, one piece of evidence**.

    A retweet co-acts as a repost, through each URL it carries and its hashtag
    set; a URL again through its domain column. The trace-level pairs of one
    post pair collapse here to one row with its *primary* behaviour and object,
    ``behaviours`` (all of them, comma
    separated, in that order) and ``lvl``, the index of the narrowest window of
    the ladder ``windows_us`` that holds its Δt; its times are the posts' (a
    trace without time, :data:`~inconcert.tables.NO_TIME`, gives none).

    The primary object is the post pair's **most specific** one: with ``shares``
    (a relation ``(behaviour, object, s)``, ``s`` the object's shares), the object
    with the fewest shares, ties (and without ``shares``, all) broken by
    :data:`PRIMARY_ORDER`; a trace without time (an embedded id, a byline: a
    site's, not a post's) is primary only alone. Six accounts posting one
    slogan with a new link each time co-act on twelve links, not twelve times
    on one text cluster; a link pushed again and again with new texts co-acts
    on each text's cluster.

    ``single``: a boolean column of ``trace_pairs``, true when the trace pair is
    its post pair's only one (:func:`pairs_by_object_window_sql`). Those rows
    (most: a post usually carries one trace) are taken as they are, the primary
    being their behaviour and object, and only the others are grouped: the same
    rows, without grouping them all (at 10⁶ posts 2.9 → 0.5 CPU s). Every
    behaviour of ``trace_pairs`` must then be in ``behaviours``.

    >>> from inconcert.sql.dialect import DuckDBDialect
    >>> "GROUP BY seq_a, seq_b" in post_pairs_sql(DuckDBDialect(), [10], ["url"])
    True
    """
    order = [b for b in PRIMARY_ORDER if b in behaviours] + [b for b in behaviours if b not in PRIMARY_ORDER]
    order = order or ["object"]
    rank = " ".join(f"WHEN '{b}' THEN {i}" for i, b in enumerate(order))
    back = " ".join(f"WHEN {i} THEN '{b}'" for i, b in enumerate(order))
    big = 10**12
    # a post (seq) is one account's: the post pair alone is the group key; which
    # behaviours it co-acts under ride as integer flags, named once per post pair
    flags = ", ".join(f"max(CASE WHEN r = {i} THEN 1 ELSE 0 END) AS h{i}" for i in range(len(order)))
    names = "concat_ws(',', " + ", ".join(  # every behaviour of the post pair, in primary order
        f"CASE WHEN h{i} = 1 THEN '{b}' END" for i, b in enumerate(order)
    ) + ")"  # concat_ws skips NULLs on every engine (Spark's two-argument ltrim differs)
    where, alone = "", ""
    if single:
        where = f"\n        WHERE NOT {single}"
        alone = f"{single_post_pairs_sql(windows_us, trace_pairs, single)}\n    UNION ALL\n    "
    if shares:  # the most specific object: fewest shares first; an id or byline (no time) last
        k = f"""k0 AS (
        SELECT tp.account_a, tp.account_b, tp.seq_a, tp.seq_b, tp.t_a, tp.t_b, tp.object,
               CAST(CASE tp.behaviour {rank} ELSE {len(order)} END AS BIGINT) AS r,
               CASE WHEN tp.t_a = {NO_TIME} THEN CAST({2**62} AS BIGINT)
                    ELSE coalesce(CAST(sh.s AS BIGINT), CAST({2**62} AS BIGINT)) END AS s
        FROM {trace_pairs} tp LEFT JOIN {shares} sh ON sh.behaviour = tp.behaviour AND sh.object = tp.object{
            where.replace("WHERE NOT ", "WHERE NOT tp.")}),
    k AS (
        SELECT k0.*, min(k0.s) OVER (PARTITION BY k0.seq_a, k0.seq_b) AS s_min FROM k0)"""
        pick = f"min(CASE WHEN s = s_min THEN r * {big} + object END)"
    else:
        k = f"""k AS (
        SELECT account_a, account_b, seq_a, seq_b, t_a, t_b, object,
               CAST(CASE behaviour {rank} ELSE {len(order)} END AS BIGINT) AS r
        FROM {trace_pairs}{where})"""
        pick = f"min(r * {big} + object)"
    return f"""WITH {k},
    g AS (
        SELECT min(account_a) AS account_a, min(account_b) AS account_b, seq_a, seq_b,
               coalesce(min({timed('t_a')}), {NO_TIME}) AS t_a,
               coalesce(min({timed('t_b')}), {NO_TIME}) AS t_b, {pick} AS key, {flags}
        FROM k GROUP BY seq_a, seq_b)
    {alone}SELECT CASE {d.int_div('key', str(big))} {back} END AS behaviour, key % {big} AS object,
           account_a, account_b, seq_a, seq_b, t_a, t_b,
           {names} AS behaviours,
           {level_sql(windows_us)}
    FROM g"""


def single_post_pairs_sql(
    windows_us: list[int], trace_pairs: str, single: str = "single", behaviours: bool = True
) -> str:
    """The post pairs of :func:`post_pairs_sql` that are one trace pair (``single``
    true): the trace pair as it is, its behaviour naming ``behaviours`` (without
    ``behaviours``: the columns of :data:`PAIR_COLUMNS`, as the pipeline stores them).

    >>> single_post_pairs_sql([10], "tp")[-20:]
    'FROM tp WHERE single'
    """
    behs = "behaviour AS behaviours, " if behaviours else ""
    return f"""SELECT behaviour, object, account_a, account_b, seq_a, seq_b, t_a, t_b,
           {behs}{level_sql(windows_us)}
    FROM {trace_pairs} WHERE {single}"""


#: The columns of the stored post pairs (``pairs``). Their ``behaviours`` (every
#: behaviour a post pair co-acts under) is not stored with them: for all but a few
#: post pairs it is their one behaviour, and a string column more is 16 bytes a
#: row, 0.6 GB at 10⁷ posts, which spill. The few others stand in a table of their
#: own (:func:`pair_behaviours_sql`), joined back where the evidence is written.
PAIR_COLUMNS = ("behaviour", "object", "account_a", "account_b", "seq_a", "seq_b", "t_a", "t_b", "lvl")


def level_sql(windows_us: list[int], dt: str = "t_b - t_a") -> str:
    """The ``lvl`` column of post pairs: :func:`window_level_sql` as a one-byte integer.

    >>> level_sql([10, 60])
    'CAST(CASE WHEN t_b - t_a <= 10 THEN 0 ELSE 1 END AS TINYINT) AS lvl'
    """
    return f"CAST({window_level_sql(dt, windows_us)} AS TINYINT) AS lvl"


def both_below_sql(below_table: str, pairs: str) -> str:
    """The condition on a row of ``pairs`` (an alias or table name) that both its accounts
    fall short of the participation filter (are in ``below_table``,
    ``participants_sql(…, qualifying=False)``): the pairs the filter drops.

    >>> both_below_sql("b", "p").count("EXISTS")
    2
    """
    def below(side: str) -> str:
        return (f"EXISTS (SELECT 1 FROM {below_table} x WHERE x.behaviour = {pairs}.behaviour "
                f"AND x.account_id = {pairs}.account_{side})")
    return f"{below('a')} AND {below('b')}"


def repost_edges_sql(actions: str = "actions") -> str:
    """``(seq_a, seq_b)``, both ways round, of every repost and its original when both
    are in the input (by different accounts).

    A repost carries its original's URLs, hashtags and text (issue 12, item 2): the
    original and its repost would co-act on them, within minutes, every time an
    account reposts another. That is one post seen twice, not two accounts acting
    alike; such post pairs are no evidence (:func:`repost_edge_sql`). Two reposts of
    one original still co-act, on the repost itself.

    >>> "o.post_id = r.repost_of" in repost_edges_sql()
    True
    """
    return f"""WITH e AS (
        SELECT r.seq AS s_r, o.seq AS s_o FROM {actions} r JOIN {actions} o ON o.post_id = r.repost_of
        WHERE r.repost_of IS NOT NULL AND r.account_id <> o.account_id)
    SELECT s_r AS seq_a, s_o AS seq_b FROM e UNION ALL SELECT s_o AS seq_a, s_r AS seq_b FROM e"""


def post_authors_sql(actions: str, where: str) -> str:
    """``(post_id, author)`` of the posts of ``actions`` that ``where`` picks (the author
    by name, as ``actions`` has it).

    >>> post_authors_sql("actions", "post_id = 'x'")
    "SELECT post_id, min(account_id) AS author FROM actions WHERE post_id = 'x' GROUP BY post_id"
    """
    return f"SELECT post_id, min(account_id) AS author FROM {actions} WHERE {where} GROUP BY post_id"


def has_reposts_sql(traces: str = "traces") -> str:
    """1 when ``traces`` hold a repost, else 0 (stops at the first it finds).

    >>> has_reposts_sql().endswith("LIMIT 1) s")
    True
    """
    return f"SELECT count(*) FROM (SELECT 1 FROM {traces} WHERE behaviour = 'repost' LIMIT 1) s"


def repost_edge_sql(edges: str, pairs: str) -> str:
    """The condition on a row of ``pairs`` that its two posts are a repost and its
    original (``edges``: :func:`repost_edges_sql`).

    >>> repost_edge_sql("e", "p")
    'EXISTS (SELECT 1 FROM e x WHERE x.seq_a = p.seq_a AND x.seq_b = p.seq_b)'
    """
    return f"EXISTS (SELECT 1 FROM {edges} x WHERE x.seq_a = {pairs}.seq_a AND x.seq_b = {pairs}.seq_b)"


def unpaired_trace_pairs_sql(below_table: str, pairs: str = "raw_pairs") -> str:
    """The condition on ``pairs`` (trace pairs with ``single``, :func:`pairs_by_object_window_sql`)
    of the rows that are not post pairs as they stand: trace pairs of a post pair
    of several (``NOT single``: grouped in a table of their own, :func:`post_pairs_sql`)
    and the pairs the participation filter drops (both accounts in ``below_table``,
    :func:`filter_pairs_sql`). Deleting them leaves the single post pairs in place.

    >>> unpaired_trace_pairs_sql("b", "p").startswith("NOT single OR (EXISTS")
    True
    """
    return f"NOT single OR ({both_below_sql(below_table, pairs)})"


def pair_behaviours_sql(multi: str = "ic_post_multi") -> str:
    """``(seq_a, seq_b, behaviours)`` of the post pairs of ``multi`` (grouped post
    pairs, :func:`post_pairs_sql`) that co-act under more than their primary
    behaviour: the only ones whose ``behaviours`` is not their ``behaviour``.

    >>> "behaviours <> behaviour" in pair_behaviours_sql()
    True
    """
    return f"SELECT seq_a, seq_b, behaviours FROM {multi} WHERE behaviours <> behaviour"


def event_links_sql(
    d: Dialect,
    behaviours: list[str],
    n_windows: int,
    key_ranges: dict[str, tuple[int, int]] | None = None,
    pairs: str = "pairs",
    fast_within_us: int | None = None,
    strata: list[int] | None = None,
    objects: str = "ic_null_objects",
) -> str:
    """Aggregate post pairs (:func:`post_pairs_sql`) to one row per unordered account pair.

    ``w<i>`` = distinct (primary) objects the two accounts co-acted on within
    window ``i`` of the ladder: an object co-acted on in many post pairs counts
    once, a post pair counts once under its primary object. ``weight`` = the
    count at the widest window (the scoring sets it to the count at the link's
    window), ``pairs`` = post pairs, ``n_<behaviour>`` = distinct objects whose
    post pairs' primary behaviour it is, ``mean_dt``, ``first_t``, ``last_t``.
    With ``strata`` (sharer counts) and ``objects`` (``object, n``: each object's
    sharers, :func:`inconcert.scoring.nullmodel.prepare_null`), also ``s<j>_<i>``,
    the distinct objects of at most ``strata[j]`` sharers co-acted on within window
    ``i`` (:func:`inconcert.scoring.nullmodel.stratum_counts_sql`, counted here in
    the same pass over the pairs). Needs ``key_ranges`` (object keys unique across
    behaviours).
    """
    if key_ranges:
        def is_b(b: str) -> str:
            lo, hi = key_ranges.get(b, (0, -1))
            return f"object BETWEEN {int(lo)} AND {int(hi)}"
    else:
        def is_b(b: str) -> str:
            return f"behaviour = '{b}'"

    # conditional counts as count(CASE … THEN 1 END): a 64-bit count, where a sum of
    # integers is a 128-bit sum on DuckDB (the links step: 5.6 -> 4.7 CPU s at 1e6 posts)
    per = "".join(
        f"CAST(count(CASE WHEN {is_b(b)} THEN 1 END) AS INT) AS n_{b},\n               "
        for b in behaviours
    )
    ws = ",\n               ".join(
        f"CAST(count(CASE WHEN lvl <= {i} THEN 1 END) AS INT) AS w{i}" for i in range(n_windows)
    )
    keys = "object" if key_ranges else "behaviour, object"
    # fast shares (CooRTweet's flag_speed_share): post pairs within a fraction of the window
    fast_in = "" if fast_within_us is None else (
        f", count(CASE WHEN t_b - t_a <= {int(fast_within_us)} THEN 1 END) AS nf")
    fast_out = "" if fast_within_us is None else ",\n           CAST(sum(nf) AS INT) AS fast_pairs"
    acc_lo, acc_hi = unordered_pair_sql()
    sources, strat = "po", ""
    if strata and key_ranges:
        # an object's sharers, for the strata: joined per (pair, object), after the first level
        sources = f"(SELECT po.*, o.n AS n_o FROM po LEFT JOIN {objects} o ON o.object = po.object) po"
        strat = "".join(
            f",\n           CAST(count(CASE WHEN n_o <= {int(b)} AND lvl <= {i} THEN 1 END) AS INT) AS s{j}_{i}"
            for j, b in enumerate(strata) for i in range(n_windows)
        )
    return f"""WITH po AS (
        SELECT {acc_lo} AS account_a, {acc_hi} AS account_b,
               {keys}, min(lvl) AS lvl,
               count(*) AS n, sum(t_b - t_a) AS sum_dt_us, min({timed('t_a')}) AS first_t,
               max({timed('t_b')}) AS last_t{fast_in}
        FROM {pairs}
        GROUP BY 1, 2, {keys})
    SELECT account_a, account_b,
           CAST(count(*) AS INT) AS weight,
           CAST(sum(n) AS INT) AS pairs,
           {per}CAST(sum(sum_dt_us) AS DOUBLE) / sum(n) / 1000000.0 AS mean_dt,
           min(first_t) AS first_t,
           max(last_t) AS last_t,
           {ws}{fast_out}{strat}
    FROM {sources} GROUP BY account_a, account_b"""


def link_keys_sql(pairs: str = "pairs") -> str:
    """One row per unordered account pair of ``pairs`` (post pairs,
    :func:`post_pairs_sql`): ``account_a < account_b`` and ``tested``, whether
    the two co-acted on at least two distinct (primary) objects — the links the
    null model tests (``w<L-1> >= 2`` of :func:`event_links_sql`: every post
    pair is within the ladder's widest window). A narrow aggregation: the wide
    one of :func:`event_links_sql` then runs only over the tested links' pairs.

    >>> "min(object) <> max(object)" in link_keys_sql()
    True
    """
    lo, hi = unordered_pair_sql()
    return f"""SELECT {lo} AS account_a, {hi} AS account_b, min(object) <> max(object) AS tested
        FROM {pairs} GROUP BY 1, 2"""


def link_families_sql(keys: str = "ic_link_keys") -> str:
    """Per account: ``k``, the number of its links (all of them, tested or not),
    from :func:`link_keys_sql` — the account's family size in the two-level
    false discovery rate (:func:`inconcert.scoring.stats.account_link_qvalues`).

    >>> "UNION ALL" in link_families_sql()
    True
    """
    return f"""SELECT x AS account_id, count(*) AS k FROM (
        SELECT account_a AS x FROM {keys} UNION ALL SELECT account_b AS x FROM {keys}) s GROUP BY x"""


def tested_pairs_sql(pairs: str = "pairs", keys: str = "ic_link_keys") -> str:
    """The post pairs of the tested links (:func:`link_keys_sql`), as a subquery
    for :func:`event_links_sql`.

    >>> tested_pairs_sql().startswith("(SELECT p.* FROM pairs p JOIN")
    True
    """
    lo, hi = unordered_pair_sql("p")
    return f"""(SELECT p.* FROM {pairs} p JOIN {keys} k ON k.account_a = {lo} AND k.account_b = {hi}
        WHERE k.tested) tp"""
