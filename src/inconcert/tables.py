"""The tables of the detection contract: one name per table, and who makes it.

Every stage of :mod:`inconcert.pipeline` reads and writes engine tables by
these names, and every SQL builder in :mod:`inconcert.sql` takes its input
tables as arguments whose defaults are these names. A stage can therefore run
alone on tables registered under other names (see ``tests/test_stages.py``).

Accounts and objects are integer keys inside the SQL core (``ic_accounts``,
``ic_objects`` map them to names); the output tables carry names.

========================  =================================================  ===================  ===========================
table                     holds                                              written by           read by
========================  =================================================  ===================  ===========================
``actions``               canonical actions, one row per post (``seq``)      ingest (Parquet)     traces, verdicts, outputs
``ic_traces_raw``         ``(behaviour, object, account_id, seq, t)`` names  traces stage         traces stage (dropped)
``ic_accounts``           ``account_id`` key ↔ ``name``                      traces stage         every later stage
``ic_objects``            ``(behaviour, object)`` key ↔ ``name``             traces stage         links, verdicts, outputs
``traces``                keyed traces, one per (account, object, action)    traces stage         pairs, scoring, verdicts
``eligible``              traces of accounts with ``min_participation``      pairs stage          pairs, scoring (dropped)
``raw_pairs``             share pairs within the window, before filtering    pairs stage          pairs, scoring (dropped)
``ic_pair_ok``            accounts that pass the participation filter       pairs stage          pairs stage (dropped)
``ic_pair_below``         accounts of ``raw_pairs`` that fall short of it    pairs stage          pairs stage (dropped)
``pairs``                 share pairs ``(behaviour, object, account_a/b,     pairs stage          links, scoring, groups,
                          seq_a/b, t_a/b)``; with a ladder post pairs, and                        outputs
                          ``lvl``
``ic_pair_behaviours``    ``(seq_a, seq_b, behaviours)`` of the post pairs   pairs stage          outputs
                          that co-act under more than one behaviour
``links``                 one row per account pair: weight, counts,          links stage;         groups, verdicts, outputs
                          then ``p_value``, ``significant`` … (with a        scoring stage
                          ladder: pairs on two objects or more)
``ic_link_family``        ``(account_id, k)``: every account's links         links stage          scoring, verdicts
``glinks``                links that pass ``min_weight``, the percentile     groups stage         groups, outputs
                          and significance
``membership``            ``(account_id, group_id[, joined_by, pooled_p])``  groups stage         verdicts, outputs
``ic_group_pairs``        the rows of ``pairs`` inside one group, with its   groups stage         groups, verdicts,
                          ``group_id`` (pooled members' too)                                      outputs
``ic_networks``           ``(account_id, network_id)``: connected            groups stage         groups stage
                          components of ``glinks``
``account_networks``      ``(account_id, network_id)``: the account's        groups stage         verdicts
                          component, pooled members too
``ic_group_networks``     ``(account_id, network_id)``: networks (groups     groups stage         outputs
                          tied by most of their members), pooled members
``groups``                one row per group with statistics (and verdict)    groups; verdicts     outputs
``group_verdicts``        ``(group_id, p_value, verdict, reasons)``          verdicts stage       verdicts stage
``accounts_out``          one row per account with group, degree, shares     groups stage         outputs
``ic_paired_posts``       ``(seq, acc)``: every post in a share pair, once   groups stage         groups, outputs
========================  =================================================  ===================  ===========================

Behaviours add their own scratch tables in ``prepare`` (``ic_text_norm``,
``ic_near_text``, ``ic_semantic_text``, …) and may declare a pair-similarity
table made by ``after_pairs`` (``ic_near_text_pairs``).

>>> PAIRS, LINKS
('pairs', 'links')
"""

from __future__ import annotations

__all__ = [
    "ACTIONS",
    "TRACES_RAW",
    "ACCOUNT_KEYS",
    "OBJECT_KEYS",
    "TRACES",
    "ELIGIBLE",
    "RAW_PAIRS",
    "PAIR_OK",
    "PAIR_BELOW",
    "PAIRS",
    "PAIR_BEHAVIOURS",
    "LINKS",
    "LINK_FAMILY",
    "PASSING_LINKS",
    "RECEIPTS",
    "MEMBERSHIP",
    "GROUP_PAIRS",
    "COMPONENTS",
    "NETWORKS",
    "GROUP_NETWORKS",
    "GROUPS",
    "GROUP_VERDICTS",
    "ACCOUNTS_OUT",
    "PAIRED_POSTS",
    "CONTRACT",
    "NO_TIME",
]

#: ``t`` of the traces that have no time (``tracker``, ``byline``: an embedded id or a
#: byline is not an action in time, so every pair of them is within any window). It is
#: never anyone's first or last time: summaries read it through :func:`inconcert.sql.coaction.timed`.
NO_TIME = 0

ACTIONS = "actions"
TRACES_RAW = "ic_traces_raw"
ACCOUNT_KEYS = "ic_accounts"
OBJECT_KEYS = "ic_objects"
TRACES = "traces"
ELIGIBLE = "eligible"
RAW_PAIRS = "raw_pairs"
PAIR_OK = "ic_pair_ok"
PAIR_BELOW = "ic_pair_below"
PAIRS = "pairs"
PAIR_BEHAVIOURS = "ic_pair_behaviours"
LINKS = "links"
LINK_FAMILY = "ic_link_family"
PASSING_LINKS = "glinks"
MEMBERSHIP = "membership"
GROUP_PAIRS = "ic_group_pairs"
COMPONENTS = "ic_networks"
NETWORKS = "account_networks"
GROUP_NETWORKS = "ic_group_networks"
GROUPS = "groups"
GROUP_VERDICTS = "group_verdicts"
ACCOUNTS_OUT = "accounts_out"
PAIRED_POSTS = "ic_paired_posts"
RECEIPTS = "ic_receipts"  # the share pairs evidence.parquet gets, while it is written

#: Every table of the contract, in the order the stages make them.
CONTRACT: tuple[str, ...] = (
    ACTIONS,
    TRACES_RAW,
    ACCOUNT_KEYS,
    OBJECT_KEYS,
    TRACES,
    ELIGIBLE,
    RAW_PAIRS,
    PAIR_OK,
    PAIR_BELOW,
    PAIRS,
    PAIR_BEHAVIOURS,
    LINKS,
    LINK_FAMILY,
    PASSING_LINKS,
    MEMBERSHIP,
    GROUP_PAIRS,
    COMPONENTS,
    NETWORKS,
    GROUP_NETWORKS,
    GROUPS,
    GROUP_VERDICTS,
    ACCOUNTS_OUT,
    PAIRED_POSTS,
)
