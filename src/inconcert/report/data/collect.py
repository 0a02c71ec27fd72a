"""Collect what the evidence report shows from an inconcert output directory.

Everything here is plain data (dicts, lists, strings, numbers) built in a fixed
order, so the same output directory always gives the same report. Heavy work
(scanning ``evidence.parquet``) is done in DuckDB and capped by
:class:`ReportLimits`; every cap that bites is recorded as a note the report shows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from inconcert.errors import InputError
from inconcert.report.data.accounts import account_index
from inconcert.report.data.files import POSTS_FILE, check_outdir, read_csv, sql_path
from inconcert.report.data.labels import behaviour_labels, label_behaviours
from inconcert.report.data.limits import ReportLimits
from inconcert.report.data.networks import attach_networks
from inconcert.report.data.overview import overview, window_seconds
from inconcert.report.data.ranking import GROUP_KEYS, rank_groups
from inconcert.report.data.sections import sections as collect_sections
from inconcert.report.data.values import fmt_duration, fmt_ts_text, reason_text, split_reasons
from inconcert.report.sites import collect_site_data

__all__ = ["collect_report_data"]


def collect_report_data(
    outdir: str | Path, limits: ReportLimits | None = None, personas: str | Path | None = None
) -> dict[str, Any]:
    """Everything the report template needs, as plain data.

    Keys: ``summary``, ``overview``, ``groups`` (all, ranked), ``sections`` (the
    top ``limits.sections`` groups with receipts, members, texts, timeline and,
    with a personas run, ``personas``: the same-hand candidates of its members),
    ``network`` (the laid-out picture), ``accounts`` (search index), ``notes``
    (what was truncated), ``posts_available``, ``personas`` (the joined personas
    run or ``None``). ``personas``: a personas output folder; by default
    ``OUTDIR/personas`` when it holds one.
    """
    from inconcert.report.layout import group_colour, network_picture
    from inconcert.report.personas import collect_persona_links, find_personas_dir

    limits = limits or ReportLimits()
    outdir = Path(outdir)
    check_outdir(outdir)
    try:
        summary = json.loads((outdir / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"{outdir / 'summary.json'}: cannot read it as JSON ({e})") from e
    if not isinstance(summary, dict):
        raise InputError(f"{outdir / 'summary.json'}: expected a JSON object")
    group_columns, groups = read_csv(outdir / "groups.csv")
    account_columns, accounts = read_csv(outdir / "accounts.csv")
    for name, cols, need in (
        ("groups.csv", group_columns, ("group_id", "size")),
        ("accounts.csv", account_columns, ("account_id", "group_id")),
    ):
        absent = [c for c in need if c not in cols]
        if absent:
            raise InputError(
                f"{outdir / name}: missing column(s) {', '.join(absent)}; "
                "was it written by `inconcert detect`?"
            )
    groups = [g for g in groups if g.get("group_id") is not None]
    ranked = rank_groups(groups)
    for i, g in enumerate(ranked, 1):
        for key in GROUP_KEYS:
            g.setdefault(key, None)
        g["rank"] = i
        g["has_section"] = i <= limits.sections
        g["colour"] = group_colour(i)
        g["first_text"] = fmt_ts_text(g.get("first_ts"))
        g["last_text"] = fmt_ts_text(g.get("last_ts"))
        g["reason_list"] = [reason_text(r) for r in split_reasons(str(g.get("reasons") or ""))]
        g["span_text"] = (
            fmt_duration(g.get("span_s")) if isinstance(g.get("span_s"), int | float) else ""
        )
    networks = attach_networks(ranked, accounts)
    labels = behaviour_labels(summary)
    for g in ranked:
        g["behaviours_text"] = label_behaviours(g.get("behaviours"), labels)
    notes: list[str] = []
    if len(ranked) > limits.sections:
        notes.append(
            f"Full sections are shown for the {limits.sections} highest-ranked of "
            f"{len(ranked)} groups; the others are listed in the group table only "
            "(all of them are in groups.csv and evidence.parquet)."
        )

    con = duckdb.connect()
    try:
        con.execute(
            f"CREATE TEMP VIEW ev AS SELECT * FROM read_parquet({sql_path(outdir / 'evidence.parquet')})"
        )
        con.execute(
            f"CREATE TEMP VIEW lk AS SELECT * FROM read_parquet({sql_path(outdir / 'links.parquet')})"
        )
        posts_path = outdir / POSTS_FILE
        posts_available = posts_path.is_file()
        if posts_available:
            con.execute(
                f"CREATE TEMP VIEW posts AS SELECT * FROM read_parquet({sql_path(posts_path)})"
            )
        section_ids = [g["group_id"] for g in ranked if g["has_section"]]
        con.register("sel_arrow", pa.table({"group_id": pa.array(section_ids, pa.int64())}))
        con.execute("CREATE TEMP TABLE sel AS SELECT group_id FROM sel_arrow")
        con.unregister("sel_arrow")
        con.execute(
            """
            CREATE TEMP TABLE acts AS
            SELECT DISTINCT group_id, behaviour, object, account, post, t FROM (
              SELECT CAST(group_id AS BIGINT) AS group_id, CAST(behaviour AS VARCHAR) AS behaviour,
                     CAST(object AS VARCHAR) AS object, CAST(account_a AS VARCHAR) AS account,
                     CAST(post_a AS VARCHAR) AS post, epoch_us(ts_a) AS t
              FROM ev WHERE group_id IN (SELECT group_id FROM sel)
              UNION ALL
              SELECT CAST(group_id AS BIGINT), CAST(behaviour AS VARCHAR), CAST(object AS VARCHAR),
                     CAST(account_b AS VARCHAR), CAST(post_b AS VARCHAR), epoch_us(ts_b)
              FROM ev WHERE group_id IN (SELECT group_id FROM sel))
            """
        )
        sections = collect_sections(
            con, ranked, accounts, account_columns, limits, posts_available, notes,
            window=window_seconds(summary), labels=labels,
        )
        network = network_picture(con, ranked, accounts, limits, notes)
        index = account_index(con, accounts, account_columns, limits, notes, labels)
        evidence_rows = con.execute("SELECT count(*) FROM ev").fetchone()[0]
        per_link_windows = "window_s" in {r[0] for r in con.execute("DESCRIBE lk").fetchall()}
    except duckdb.Error as e:
        raise InputError(
            f"{outdir}: cannot read the evidence files ({e}). "
            "Re-run `inconcert detect` to rewrite them."
        ) from e
    finally:
        con.close()

    persona_dir = find_personas_dir(outdir, personas)
    persona_links = None
    if persona_dir is not None:
        persona_links = collect_persona_links(persona_dir, ranked, accounts, limits.persona_passages,
                                              limits.persona_links)
        for sec in sections:
            sec["personas"] = persona_links["by_group"].get(sec["group"]["group_id"])
        if persona_links["n_touching"] == 0:
            notes.append(
                f"No same-hand candidate of the personas run ({persona_links['dir']}/) touches an account "
                "of these groups: was it run on the same input?"
            )
    return {
        "summary": summary,
        "personas": persona_links,
        "overview": overview(summary, ranked, accounts, evidence_rows),
        "group_columns": group_columns,
        "groups": ranked,
        "table_groups": ranked[: limits.table_groups],
        "has_p": "p_value" in group_columns,
        "has_verdict": "verdict" in group_columns,
        "sections": sections,
        "network": network,
        "accounts": index,
        "notes": notes,
        "posts_available": posts_available,
        "sites": collect_site_data(outdir),  # site runs: networks, articles, shared ids
        "per_link_windows": per_link_windows,
        "labels": labels,
        "networks": networks,
    }
