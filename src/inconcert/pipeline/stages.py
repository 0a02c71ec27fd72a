"""The named stages of a detection: traces → pairs → links → scoring → groups → verdicts.

Each stage is one function that reads and writes engine tables named by its
arguments (defaults: the contract's names in :mod:`inconcert.tables`) and
returns a small typed result. The SQL lives in :mod:`inconcert.sql`; a stage
only chooses the builders and runs them, so each stage can be run and tested
alone on tables registered by hand (``tests/test_stages.py``).

>>> import datetime as dt, pyarrow as pa
>>> from inconcert.engines.duckdb_engine import DuckDBEngine
>>> e = DuckDBEngine()
>>> t0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
>>> e.register_arrow("actions", pa.table({"post_id": ["1", "2", "3", "4"],
...     "account_id": ["a", "b", "a", "b"], "ts": [t0] * 4,
...     "repost_of": ["x", "x", "y", "y"], "seq": [0, 1, 2, 3]}))
>>> cfg = DetectConfig(behaviours=["repost"], window=60)
>>> tr = traces_stage(e, cfg)
>>> tr.behaviours, tr.window_used, tr.traces
(['repost'], 60.0, 4)
>>> pairs_stage(e, cfg, tr).pairs, links_stage(e, tr.behaviours).links
(2, 1)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from inconcert import scoring
from inconcert.behaviours import BEHAVIOURS, Behaviour, get_behaviour
from inconcert.clock import clock_summary, raise_window, usable_windows
from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.errors import ConfigError
from inconcert.groups import find_components, find_groups, find_networks
from inconcert.groups.amplified import attach_amplified
from inconcert.groups.verdicts import VerdictTables, classify_groups, repost_feed_members
from inconcert.sql.coaction import (
    PAIR_COLUMNS,
    accounts_dict_sql,
    eligible_sql,
    event_links_sql,
    filter_pairs_sql,
    has_reposts_sql,
    keyed_traces_sql,
    link_families_sql,
    link_keys_sql,
    links_sql,
    object_key_ranges_sql,
    objects_dict_sql,
    pair_behaviours_sql,
    pairs_by_object_window_sql,
    pairs_sql,
    participants_sql,
    post_pairs_sql,
    post_seq_sql,
    repeated_posts_sql,
    repost_edge_sql,
    repost_edges_sql,
    tested_pairs_sql,
    union_traces_sql,
    unpaired_trace_pairs_sql,
)
from inconcert.sql.selection import group_edges_sql, passing_links_sql, weight_quantile_sql
from inconcert.sql.summaries import (
    GROUP_PAIR_COLUMNS,
    account_networks_sql,
    account_stats_sql,
    group_pairs_sql,
    group_stats_sql,
    groups_with_verdicts_sql,
    paired_posts_sql,
    verdict_counts_sql,
)
from inconcert.tables import (
    ACCOUNT_KEYS,
    ACCOUNTS_OUT,
    ACTIONS,
    COMPONENTS,
    ELIGIBLE,
    GROUP_NETWORKS,
    GROUP_PAIRS,
    GROUP_VERDICTS,
    GROUPS,
    LINK_FAMILY,
    LINKS,
    MEMBERSHIP,
    NETWORKS,
    OBJECT_KEYS,
    PAIR_BEHAVIOURS,
    PAIR_BELOW,
    PAIR_OK,
    PAIRED_POSTS,
    PAIRS,
    PASSING_LINKS,
    RAW_PAIRS,
    TRACES,
    TRACES_RAW,
)
from inconcert.window import estimate_window

__all__ = [
    "choose_behaviours",
    "near_text_by_default",
    "input_clock",
    "traces_stage",
    "pairs_stage",
    "links_stage",
    "scoring_stage",
    "groups_stage",
    "verdicts_stage",
    "TracesResult",
    "PairsResult",
    "LinksResult",
    "ScoringResult",
    "GroupsResult",
    "VerdictsResult",
]


@dataclass(frozen=True)
class TracesResult:
    """What the traces stage made: the behaviours used, the window the run uses
    (estimated from the traces for ``window="auto"``, never below the clock
    resolution), the number of traces, each behaviour's statistics (from its
    ``prepare``), the input's clock (:func:`inconcert.clock.clock_summary`) and
    warnings for the user."""

    behaviours: list[str]
    window_used: float
    traces: int
    behaviour_stats: dict[str, dict[str, Any]]
    table: str = TRACES
    #: the windows tested (the ladder, less those below the clock resolution)
    windows: tuple[float, ...] = ()
    #: the input's clock (:func:`inconcert.clock.clock_summary`)
    clock: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PairsResult:
    """The number of share pairs within the window that pass the participation filter."""

    pairs: int
    table: str = PAIRS


@dataclass(frozen=True)
class LinksResult:
    """The number of account links (unordered account pairs with a co-action)
    and of those kept in the table (``stored``: every link, or with a ladder the
    links on at least two objects, the only ones the null model can find
    significant; None when it is every link)."""

    links: int
    table: str = LINKS
    stored: int | None = None


@dataclass(frozen=True)
class ScoringResult:
    """Whether the null model scored the links (not in CooRTweet-compatible mode),
    and what it found (windows, links tested and significant per window)."""

    scored: bool
    null: dict[str, Any] | None = None


@dataclass(frozen=True)
class GroupsResult:
    """Links that pass the thresholds, groups found, accounts in them, and the
    accounts attached on pooled evidence (None when pooling did not run)."""

    links_passing: int
    groups: int
    accounts_in_groups: int
    accounts_joined_pooled: int | None = None
    pooled_seconds: float | None = None
    table: str = GROUPS
    #: accounts a group amplifies, joined to it (:mod:`inconcert.groups.amplified`)
    accounts_joined_amplified: int = 0
    #: repost feeds moved out of a group into a group of their own (:func:`_split_repost_feeds`)
    repost_feeds_split: int = 0
    #: groups whose member links together rested on a single object (dropped)
    groups_dropped_one_object: int = 0
    networks: int = 0
    accounts_in_networks: int = 0


@dataclass(frozen=True)
class VerdictsResult:
    """How many groups got each verdict (None when links were not scored)."""

    groups_by_verdict: dict[str, int] | None = None


def choose_behaviours(engine: Engine, config: DetectConfig) -> list[str]:
    """The behaviours a run uses: those named in the config (deduplicated),
    ``object`` in CooRTweet-compatible mode, else every behaviour that is not
    opt-in and has data in the ``actions`` table."""
    if config.behaviours:
        names: list[str] = []
        for n in config.behaviours:
            get_behaviour(n)
            if n not in names:
                names.append(n)
        return names
    if config.coortweet_compatible:
        return ["object"]
    chosen = [
        name
        for name, b in BEHAVIOURS.items()
        if not b.opt_in and engine.to_arrow(b.applicable_sql(engine.dialect)).num_rows
    ]
    if "text" in chosen and "near_text" in BEHAVIOURS and near_text_by_default(engine, config):
        chosen[chosen.index("text")] = "near_text"  # it subsumes exact copies
    return chosen


def near_text_by_default(engine: Engine, config: DetectConfig) -> bool:
    """Whether near-duplicate text replaces exact text among the default
    behaviours: when ``actions`` has at most ``config.near_text_max_texts`` text
    posts (not reposts). Above that its cost (~40 s per 10⁶ texts on 2 cores,
    ``docs/near_text.md``) outgrows the rest of a run and exact text is used."""
    limit = int(config.near_text_max_texts)
    if limit <= 0:
        return False
    n = engine.scalar(
        f"SELECT count(*) FROM (SELECT 1 FROM {ACTIONS} WHERE text IS NOT NULL AND repost_of IS NULL "
        f"LIMIT {limit + 1}) s"
    )
    return int(n or 0) <= limit  # type: ignore[call-overload]


def input_clock(engine: Engine) -> dict[str, Any]:
    """The input's clock resolution (:mod:`inconcert.clock`), per source when the
    actions carry one."""
    cols = set(engine.columns(ACTIONS))
    if {"source", "platform"} <= cols:
        return clock_summary(engine, ACTIONS)
    src = "source" if "source" in cols else "'' AS source"
    plat = "platform" if "platform" in cols else "'' AS platform"
    engine.create_table("ic_clock_in", f"SELECT {src}, {plat}, ts FROM {ACTIONS}")
    try:
        return clock_summary(engine, "ic_clock_in")
    finally:
        engine.drop("ic_clock_in")


def traces_stage(engine: Engine, config: DetectConfig, out: str = TRACES) -> TracesResult:
    """``actions`` → ``out`` (keyed traces) and the key dictionaries
    ``ic_accounts``/``ic_objects``; estimates the window when it is ``"auto"``."""
    names = choose_behaviours(engine, config)
    chosen = [get_behaviour(n) for n in names]
    unready = [n for n, b in zip(names, chosen, strict=True) if engine.name not in b.engines]
    if unready:
        raise ConfigError(
            f"behaviour {', '.join(unready)} does not run on the {engine.name} engine yet: "
            "use --engine duckdb (site runs are checked on DuckDB only)"
        )
    parts, stats = [], {}
    for n, b in zip(names, chosen, strict=True):
        s = b.prepare(engine, config)
        if s is not None:
            stats[n] = s
        parts.append((n, b.traces_sql(engine.dialect, config)))
    engine.create_table(TRACES_RAW, union_traces_sql(engine.dialect, parts, post_ids=config.coortweet_compatible))
    engine.create_table(ACCOUNT_KEYS, accounts_dict_sql(engine.dialect, ACTIONS))
    engine.create_table(OBJECT_KEYS, objects_dict_sql(TRACES_RAW))
    post_seq = None
    if not config.coortweet_compatible and "post_id" in engine.columns(ACTIONS):
        engine.create_table("ic_repeated_posts", repeated_posts_sql(ACTIONS))
        if engine.count("ic_repeated_posts"):  # one post over several rows: one piece of evidence
            post_seq = "ic_post_seq"
            engine.create_table(post_seq, post_seq_sql("ic_repeated_posts", ACTIONS))
        engine.drop("ic_repeated_posts")
    engine.create_table(
        out, keyed_traces_sql(config.coortweet_compatible, TRACES_RAW, ACCOUNT_KEYS, OBJECT_KEYS, post_seq)
    )
    if post_seq:
        engine.drop(post_seq)
    kept = {t for b in chosen for t in b.keeps}
    for t in sorted({t for b in chosen for t in b.scratch} - kept | {TRACES_RAW}):
        engine.drop(t)
    clock = input_clock(engine)
    warning = None
    if config.coortweet_compatible:  # CooRTweet's one window, as given
        given = 60.0 if config.window == "ladder" else (estimate_window(engine) if config.window == "auto" else config.window_seconds())
        _, warning = raise_window(given, clock["resolution_s"])
        if warning:
            warning = warning.replace("raised to", "kept for CooRTweet parity; use at least")
        windows = [given]
    elif config.window == "auto":
        windows = usable_windows([estimate_window(engine)], clock["resolution_s"])
    elif config.window == "ladder":
        windows = usable_windows(config.ladder(), clock["resolution_s"])
    else:
        w, warning = raise_window(config.window_seconds(), clock["resolution_s"])
        windows = [w]
    if warning:
        warnings.warn(warning, stacklevel=2)
    return TracesResult(
        names, windows[-1], engine.count(out), stats, out, tuple(windows), clock, [warning] if warning else []
    )


def pairs_stage(
    engine: Engine, config: DetectConfig, traces: TracesResult, out: str = PAIRS
) -> PairsResult:
    """``traces`` → ``eligible`` → ``raw_pairs`` → ``out``: share pairs within the
    window, filtered by participation; then each behaviour's ``after_pairs``."""
    cc = config.coortweet_compatible
    mp = config.min_participation
    window_us = int(round(traces.window_used * 1_000_000))
    engine.create_table(ELIGIBLE, eligible_sql(mp, cc, traces.table))
    if cc:
        engine.create_table(RAW_PAIRS, pairs_sql(engine.dialect, window_us, cc, ELIGIBLE))
        engine.create_table(out, filter_pairs_sql(mp, True, PAIR_OK, RAW_PAIRS, ELIGIBLE))
    else:
        # the null's tables from every trace; pairs once, at each object's widest
        # meaningful window, with Δt kept; then one row per post pair
        windows_us = [int(round(w * 1_000_000)) for w in (traces.windows or (traces.window_used,))]
        scoring.prepare_null(engine, windows_us, config.max_partners, traces.table)
        engine.create_table(RAW_PAIRS, pairs_by_object_window_sql(engine.dialect, "ic_obj_window", ELIGIBLE, windows_us))
        # the participation filter looks up the accounts that fall short (fewer than those that
        # qualify). A post pair of one trace pair (most) is that trace pair: those stay where
        # they are, and only the others are grouped, in a table of their own, then appended
        # (in place: at 10⁷ posts no second copy of 39 M pairs, which spilled; 4.9 → 1.1 s)
        engine.create_table(PAIR_BELOW, participants_sql(mp, RAW_PAIRS, qualifying=False))
        # a repost and its original share what the repost carries: one post, no evidence
        edges = _repost_edges(engine)
        kept = f"({filter_pairs_sql(mp, False, raw_pairs=RAW_PAIRS, below_table=PAIR_BELOW)}) kept"
        engine.create_table("ic_trace_multi", f"SELECT * FROM {kept} WHERE NOT single"
                            + (f" AND NOT {repost_edge_sql(edges, 'kept')}" if edges else ""))
        engine.create_table("ic_post_multi", post_pairs_sql(engine.dialect, windows_us, traces.behaviours, "ic_trace_multi",
                                                            shares="ic_obj_window"))
        engine.delete_rows(RAW_PAIRS, unpaired_trace_pairs_sql(PAIR_BELOW, RAW_PAIRS)
                           + (f" OR {repost_edge_sql(edges, RAW_PAIRS)}" if edges else ""))
        if edges:
            engine.drop(edges)
        engine.insert_rows(RAW_PAIRS, PAIR_COLUMNS, f"SELECT {', '.join(PAIR_COLUMNS)} FROM ic_post_multi")
        engine.rename(RAW_PAIRS, out)
        engine.create_table(PAIR_BEHAVIOURS, pair_behaviours_sql("ic_post_multi"))
        engine.drop(PAIR_BELOW)
        engine.create_table(
            "ic_obj_window", scoring.primary_share_sql(len(windows_us), pairs=out, multi=("ic_trace_multi", "ic_post_multi"))
        )
        engine.drop("ic_trace_multi")
        engine.drop("ic_post_multi")
    for b in _behaviours(traces.behaviours):
        b.after_pairs(engine, config, out)
    return PairsResult(engine.count(out), out)


def _split_repost_feeds(engine: Engine, config: DetectConfig, resolution: float) -> int:
    """Move the repost feeds of a group that is not a repost feed as a whole (fewer than
    half its members are) into a group of their own; returns the accounts moved.

    A bot that reposts every post of a news account within seconds co-reposts with
    that account's fans, so it lands in their group, and the group's verdict (by its
    majority) would call it what the fans are called. Its own behaviour says what it
    is (:func:`~inconcert.groups.verdicts.repost_feed_members`, the rule a group's
    verdict uses), so when at least ``min_group_size`` members of a group are
    repost feeds, they become a group of their own, numbered after the others, and
    get their own verdict. They stay in the network of the group they left."""
    sizes = {int(r["group_id"]): int(r["n"]) for r in engine.to_arrow(
        f"SELECT group_id, count(*) AS n FROM {MEMBERSHIP} GROUP BY group_id").to_pylist()}
    feeds, _ = repost_feed_members(engine, sizes, resolution)
    moves = {g: m for g, m in sorted(feeds.items())
             if len(m) >= config.min_group_size and 2 * len(m) < sizes[g]}
    if not moves:
        return 0
    old = engine.to_arrow(f"SELECT * FROM {MEMBERSHIP}")
    new_id = {g: max(sizes) + i for i, g in enumerate(moves, 1)}
    moved = {(g, a): new_id[g] for g, m in moves.items() for a in m}
    gids = [moved.get((int(g), a), int(g)) for g, a in zip(old.column("group_id").to_pylist(),
                                                             old.column("account_id").to_pylist(), strict=True)]
    table = old.set_column(old.column_names.index("group_id"), "group_id", pa.array(gids, pa.int64()))
    engine.register_arrow(MEMBERSHIP, table.sort_by([("group_id", "ascending"), ("account_id", "ascending")]))
    engine.create_table(NETWORKS, account_networks_sql(COMPONENTS, MEMBERSHIP))
    return len(moved)


def _has_reposts(engine: Engine) -> bool:
    """Whether the traces hold reposts and ``membership`` says how members joined."""
    if "joined_by" not in engine.columns(MEMBERSHIP):
        return False
    return bool(engine.scalar(has_reposts_sql(TRACES)))


def _repost_edges(engine: Engine) -> str | None:
    """The table of reposts and their originals in the input
    (:func:`~inconcert.sql.coaction.repost_edges_sql`), or None when there are none."""
    if "repost_of" not in engine.columns(ACTIONS):
        return None
    engine.create_table("ic_repost_edges", repost_edges_sql(ACTIONS))
    if engine.count("ic_repost_edges"):
        return "ic_repost_edges"
    engine.drop("ic_repost_edges")
    return None


def links_stage(
    engine: Engine,
    behaviours: list[str],
    pairs: str = PAIRS,
    objects: str = OBJECT_KEYS,
    out: str = LINKS,
    n_windows: int | None = None,
    fast_within_s: float | None = None,
    all_links: bool = True,
    strata: list[int] | None = None,
) -> LinksResult:
    """``pairs`` → ``out``: one row per account pair with weight and counts per
    behaviour; with ``n_windows`` (post pairs of a ladder) also the distinct
    objects co-acted on within each window (``w0 …``) and, with ``fast_within_s``,
    ``fast_pairs``: post pairs at most that many seconds apart.

    With a ladder, ``ic_link_family(account_id, k)`` counts every account's
    links (its family in the two-level FDR), and unless ``all_links`` ``out``
    holds only the links on at least two distinct objects: a link on one object
    is never tested, never significant, never in a group (at 10⁷ posts 95 % of
    the links; docs/null-model.md, "Links on one object"). The others are
    counted in ``LinksResult.links`` and ``ic_link_family``. ``strata`` (with a
    ladder; :func:`inconcert.scoring.nullmodel.sharer_strata`): the links also get
    the null model's stratum counts ``s<j>_<i>``, from ``ic_null_objects``, in
    the same pass (the scoring reads and drops them)."""
    ranges = {
        str(r["behaviour"]): (int(r["lo"]), int(r["hi"]))
        for r in engine.to_arrow(object_key_ranges_sql(objects)).to_pylist()
    }
    if n_windows is None:
        engine.create_table(out, links_sql(engine.dialect, behaviours, ranges, pairs))
    else:
        fast = None if fast_within_s is None else int(round(fast_within_s * 1_000_000))
        engine.create_table("ic_link_keys", link_keys_sql(pairs))
        engine.create_table(LINK_FAMILY, link_families_sql("ic_link_keys"))
        n_all = engine.count("ic_link_keys")
        source = pairs if all_links else tested_pairs_sql(pairs, "ic_link_keys")
        engine.create_table(out, event_links_sql(engine.dialect, behaviours, n_windows, ranges, source, fast, strata))
        engine.drop("ic_link_keys")
        if not all_links:
            return LinksResult(n_all, out, engine.count(out))
    return LinksResult(engine.count(out), out)


def scoring_stage(
    engine: Engine, config: DetectConfig, links: str = LINKS, windows: tuple[float, ...] = ()
) -> ScoringResult:
    """Score ``links`` with the null model (:func:`inconcert.scoring.score_links`)
    at every window of ``windows``, except in CooRTweet-compatible mode; then
    drop what only scoring needed."""
    scored, null = False, None
    if not config.coortweet_compatible:
        null = scoring.score_links(engine, config, list(windows) or None)
        scored = "significant" in engine.columns(links)
    for t in (RAW_PAIRS, ELIGIBLE, "ic_null_ao", "ic_null_owp"):  # free the memory for the outputs
        engine.drop(t)
    return ScoringResult(scored, null)


def groups_stage(
    engine: Engine,
    config: DetectConfig,
    scoring_result: ScoringResult,
    links: str = LINKS,
    pairs: str = PAIRS,
    out: str = GROUPS,
    resolution: float = 1.0,
) -> GroupsResult:
    """``links`` → ``glinks`` (links that pass) → ``membership`` (communities,
    then accounts attached on pooled evidence, then the accounts a group amplifies
    (:mod:`inconcert.groups.amplified`), then repost feeds moved out of groups
    that are not feeds (:func:`_split_repost_feeds`; ``resolution``: the clock
    tick in seconds, for "first")) and ``account_networks``
    (connected components of ``glinks``) → ``out`` (group statistics) and
    ``accounts_out`` (one row per account). ``ic_group_pairs``, the share pairs
    inside the groups, is made once the communities are known and kept up to
    date as groups are dropped and accounts join; the statistics here and the
    verdicts read it instead of joining all of ``pairs`` with the groups."""
    d = engine.dialect
    q_weight: float | None = None
    if config.weight_percentile is not None:
        q = engine.scalar(weight_quantile_sql(d, config.weight_percentile / 100.0, links))
        q_weight = None if q is None else float(q)  # type: ignore[arg-type]
    significant_only = scoring_result.scored and not config.keep_insignificant
    engine.create_table(
        PASSING_LINKS, passing_links_sql(config.min_weight, q_weight, significant_only, links)
    )
    edges = engine.to_arrow(group_edges_sql(PASSING_LINKS))  # the passing links never change below
    membership = find_groups(
        edges,
        method=config.communities,
        resolution=config.resolution,
        seed=config.seed,
        min_size=config.min_group_size,
    )
    engine.register_arrow(MEMBERSHIP, membership)
    # the share pairs inside groups, once: every per-group statistic below reads them
    engine.create_table(GROUP_PAIRS, group_pairs_sql(pairs, MEMBERSHIP, columns=GROUP_PAIR_COLUMNS))
    one_object = (
        scoring.drop_one_object_groups(engine, pairs, PASSING_LINKS, MEMBERSHIP, GROUP_PAIRS)
        if scoring_result.scored else 0
    )
    windows = (scoring_result.null or {}).get("windows")
    pooled = scoring.attach_pooled(engine, config, windows) if scoring_result.scored else None
    amplified = 0
    reposts = pooled is not None and _has_reposts(engine)
    if reposts:
        amplified = int(attach_amplified(engine, float(config.fdr), MEMBERSHIP, traces=TRACES, objects=OBJECT_KEYS,
                                         actions=ACTIONS, accounts=ACCOUNT_KEYS)["attached"])
    # components of the passing links (pooled members: their group's), which the
    # verdicts measure "unrelated accounts" against; networks: groups tied by most
    # of their members, which the outputs show
    engine.register_arrow(COMPONENTS, find_components(edges, config.min_group_size))
    engine.create_table(NETWORKS, account_networks_sql(COMPONENTS, MEMBERSHIP))
    split = _split_repost_feeds(engine, config, resolution) if reposts else 0
    if split:  # members moved between groups: the pairs inside groups anew
        engine.create_table(GROUP_PAIRS, group_pairs_sql(pairs, MEMBERSHIP, columns=GROUP_PAIR_COLUMNS))
    elif one_object or amplified or (pooled is not None and pooled["attached"]):
        _update_group_pairs(engine, pairs)
    members = engine.to_arrow(f"SELECT account_id, group_id FROM {MEMBERSHIP}")
    engine.register_arrow(GROUP_NETWORKS, find_networks(edges, members, config.min_group_size))
    engine.create_table(
        out, group_stats_sql(d, 5, PASSING_LINKS, pairs, MEMBERSHIP, OBJECT_KEYS, GROUP_NETWORKS, GROUP_PAIRS)
    )
    engine.create_table(PAIRED_POSTS, paired_posts_sql(pairs))  # kept for posts.parquet
    engine.create_table(ACCOUNTS_OUT, account_stats_sql(
        d, PASSING_LINKS, pairs, MEMBERSHIP, ACTIONS, ACCOUNT_KEYS, GROUP_NETWORKS, pooled=pooled is not None,
        paired_posts=PAIRED_POSTS,
    ))
    return GroupsResult(
        links_passing=engine.count(PASSING_LINKS),
        groups=engine.count(out),
        accounts_in_groups=membership.num_rows if pooled is None else engine.count(MEMBERSHIP),
        accounts_joined_pooled=None if pooled is None else int(pooled["attached"]),
        accounts_joined_amplified=amplified,
        repost_feeds_split=split,
        pooled_seconds=None if pooled is None else float(pooled["seconds"]),
        table=out,
        groups_dropped_one_object=one_object,
        networks=int(engine.scalar(f"SELECT count(DISTINCT network_id) FROM {GROUP_NETWORKS}") or 0),
        accounts_in_networks=engine.count(GROUP_NETWORKS),
    )


def _update_group_pairs(engine: Engine, pairs: str) -> None:
    """``ic_group_pairs`` for ``membership`` as it changed since the table was made
    (groups dropped, accounts joined on pooled evidence): the rows of the groups
    that remain, and the pairs of the accounts that joined (never in the table,
    as they were outside the groups or in a dropped one) with their new group."""
    engine.create_table("ic_joined", f"SELECT account_id FROM {MEMBERSHIP} WHERE joined_by IN ('pooled', 'amplified')")
    # in place (no copy of the rows that stay): the dropped groups' rows go, the joined accounts' come
    engine.delete_rows(GROUP_PAIRS, f"group_id NOT IN (SELECT group_id FROM {MEMBERSHIP})")
    engine.insert_rows(
        GROUP_PAIRS, (*GROUP_PAIR_COLUMNS, "group_id"),
        group_pairs_sql(pairs, MEMBERSHIP, touching="ic_joined", columns=GROUP_PAIR_COLUMNS),
    )
    engine.drop("ic_joined")


def verdicts_stage(
    engine: Engine,
    config: DetectConfig,
    scoring_result: ScoringResult,
    groups: str = GROUPS,
    resolution: float | None = None,
) -> VerdictsResult:
    """Classify the groups (:func:`inconcert.groups.verdicts.classify_groups`, which
    needs scored links; ``resolution``: the clock tick in seconds, measured when not
    given) and add ``p_value``, ``verdict``, ``reasons`` to ``groups``. Reads the
    groups stage's tables, ``ic_group_pairs`` among them."""
    if not scoring_result.scored:
        return VerdictsResult(None)
    classify_groups(engine, config, resolution, VerdictTables(group_pairs=GROUP_PAIRS))
    engine.create_table(groups, groups_with_verdicts_sql(groups, GROUP_VERDICTS))
    v = engine.to_arrow(verdict_counts_sql(groups))
    counts = dict(zip([str(x) for x in v.column("verdict").to_pylist()], v.column("n").to_pylist(), strict=True))
    return VerdictsResult(counts)


def _behaviours(names: list[str]) -> list[Behaviour]:
    return [get_behaviour(n) for n in names]
