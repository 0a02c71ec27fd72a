"""Collect what the evidence report shows from an inconcert output directory.

Everything here is plain data (dicts, lists, strings, numbers) built in a fixed
order, so the same output directory always gives the same report. Heavy work
(scanning ``evidence.parquet``) is done in DuckDB and capped by
:class:`ReportLimits`; every cap that bites is recorded as a note the report shows.

>>> fmt_time(1_700_000_000_000_000)
'2023-11-14 22:13:20Z'
>>> fmt_duration(3725)
'1h 2m 5s'
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from inconcert.errors import InputError
from inconcert.report.sites import collect_site_data

__all__ = [
    "ReportLimits",
    "REQUIRED_FILES",
    "collect_report_data",
    "fmt_time",
    "fmt_duration",
    "fmt_ts_text",
    "rank_groups",
]

REQUIRED_FILES = ("summary.json", "groups.csv", "accounts.csv", "links.parquet", "evidence.parquet")
#: optional: posts in the evidence (post_id, account_id, ts, text, urls) for example texts
POSTS_FILE = "posts.parquet"
#: behaviours whose object is itself a (normalised) text
TEXT_BEHAVIOURS = ("text", "near_text", "semantic_text")

_NUMERIC = {
    "group_id",
    "size",
    "links",
    "density",
    "weight",
    "objects",
    "span_s",
    "p_value",
    "q_value",
    "degree",
    "strength",
    "n_actions",
    "n_coordinated",
    "coordinated_share",
}

#: groups.csv columns the report reads; absent ones (older outputs, no scoring) become None
_GROUP_KEYS = (
    "links",
    "density",
    "weight",
    "behaviours",
    "objects",
    "first_ts",
    "last_ts",
    "span_s",
    "top_objects",
    "p_value",
    "verdict",
    "reasons",
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ReportLimits:
    """Caps that keep the report small (≈10 MB for 1,000 groups) and fast to open.

    >>> ReportLimits(sections=10).sections
    10
    """

    sections: int = 200  # groups that get a full section (the rest: one table row)
    members: int = 60  # member-table rows per group
    objects: int = 8  # top objects (receipts) per group
    receipts: int = 40  # member timestamps per object
    timeline_rows: int = 15  # members drawn as rows in a group timeline
    timeline_points: int = 150  # actions drawn per timeline row
    timeline_bins: int = 48  # histogram bars per group timeline
    texts: int = 5  # example texts per group
    text_chars: int = 600  # characters shown per text / object
    nodes: int = 5000  # accounts drawn in the network picture
    edges: int = 20000  # links drawn in the network picture
    index_accounts: int = 5000  # accounts in the search index
    neighbours: int = 6  # links listed per account in the lookup
    account_objects: int = 3  # co-action objects listed per account in the lookup
    table_groups: int = 5000  # rows of the ranked group table


def fmt_time(us: int | None) -> str:
    """Microseconds since 1970 (UTC) as ``YYYY-MM-DD HH:MM:SS[.ffffff]Z``."""
    if us is None:
        return ""
    dt = _EPOCH + timedelta(microseconds=int(us))
    text = dt.strftime("%Y-%m-%d %H:%M:%S")
    if dt.microsecond:
        text += f".{dt.microsecond:06d}".rstrip("0")
    return text + "Z"


def fmt_duration(seconds: float | None) -> str:
    """A duration in seconds as a short human string (``'1h 2m 5s'``, ``'3.5s'``)."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return ""
    s = float(seconds)
    if s < 60:
        return f"{s:.3g}s" if s != int(s) else f"{int(s)}s"
    s = int(round(s))
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    parts = [f"{days}d"] if days else []
    parts += [f"{hours}h"] if hours or days else []
    parts += [f"{minutes}m", f"{s}s"]
    return " ".join(parts)


def fmt_ts_text(value: Any) -> str:
    """A timestamp as written in a CSV, shown like :func:`fmt_time` (UTC assumed if no zone).

    >>> fmt_ts_text("2024-01-01 01:18:54.000000"), fmt_ts_text("not a time")
    ('2024-01-01 01:18:54Z', 'not a time')
    """
    if value is None or value == "":
        return ""
    text = str(value).strip()
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return fmt_time((dt - _EPOCH) // timedelta(microseconds=1))


def _clip(text: Any, n: int) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _number(value: str) -> int | float | None:
    value = value.strip()
    if value == "" or value.lower() in ("nan", "null", "none"):
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Rows of a CSV as dicts; known numeric columns converted, everything else kept as text."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            columns = list(reader.fieldnames or [])
            rows = []
            for raw in reader:
                row: dict[str, Any] = {}
                for k in columns:
                    v = raw.get(k)
                    v = "" if v is None else v
                    row[k] = _number(v) if k in _NUMERIC else v
                rows.append(row)
    except (UnicodeDecodeError, csv.Error) as e:
        raise InputError(
            f"{path}: cannot read it as UTF-8 CSV ({e}); re-run `inconcert detect` to rewrite it"
        ) from e
    return columns, rows


def _sortable_p(value: Any) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.inf
    return float(value)


def rank_groups(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Groups ordered most significant first: by p_value when present, then size, weight, id.

    >>> [g["group_id"] for g in rank_groups([
    ...     {"group_id": 1, "size": 9, "weight": 5, "p_value": 0.2},
    ...     {"group_id": 2, "size": 3, "weight": 5, "p_value": 0.001},
    ...     {"group_id": 3, "size": 4, "weight": 5}])]
    [2, 1, 3]
    """
    return sorted(
        groups,
        key=lambda g: (
            _sortable_p(g.get("p_value")),
            -(g.get("size") or 0),
            -(g.get("weight") or 0),
            g.get("group_id") or 0,
        ),
    )


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def check_outdir(outdir: Path) -> None:
    """Raise :class:`InputError` naming every contract file missing from ``outdir``."""
    if not outdir.is_dir():
        raise InputError(
            f"{outdir}: no such output directory. Run `inconcert detect FILES -o {outdir}` first."
        )
    missing = [name for name in REQUIRED_FILES if not (outdir / name).is_file()]
    if missing:
        raise InputError(
            f"{outdir}: not a complete inconcert output directory (missing {', '.join(missing)}). "
            f"Run `inconcert detect FILES -o {outdir}` to write it."
        )


def collect_report_data(outdir: str | Path, limits: ReportLimits | None = None) -> dict[str, Any]:
    """Everything the report template needs, as plain data.

    Keys: ``summary``, ``overview``, ``groups`` (all, ranked), ``sections`` (the
    top ``limits.sections`` groups with receipts, members, texts, timeline),
    ``network`` (the laid-out picture), ``accounts`` (search index), ``notes``
    (what was truncated), ``posts_available``.
    """
    from inconcert.report.layout import group_colour, network_picture

    limits = limits or ReportLimits()
    outdir = Path(outdir)
    check_outdir(outdir)
    try:
        summary = json.loads((outdir / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"{outdir / 'summary.json'}: cannot read it as JSON ({e})") from e
    if not isinstance(summary, dict):
        raise InputError(f"{outdir / 'summary.json'}: expected a JSON object")
    group_columns, groups = _read_csv(outdir / "groups.csv")
    account_columns, accounts = _read_csv(outdir / "accounts.csv")
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
        for key in _GROUP_KEYS:
            g.setdefault(key, None)
        g["rank"] = i
        g["has_section"] = i <= limits.sections
        g["colour"] = group_colour(i)
        g["first_text"] = fmt_ts_text(g.get("first_ts"))
        g["last_text"] = fmt_ts_text(g.get("last_ts"))
        g["reason_list"] = [r.strip() for r in str(g.get("reasons") or "").split(";") if r.strip()]
        g["span_text"] = (
            fmt_duration(g.get("span_s")) if isinstance(g.get("span_s"), int | float) else ""
        )
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
            f"CREATE TEMP VIEW ev AS SELECT * FROM read_parquet({_sql_path(outdir / 'evidence.parquet')})"
        )
        con.execute(
            f"CREATE TEMP VIEW lk AS SELECT * FROM read_parquet({_sql_path(outdir / 'links.parquet')})"
        )
        posts_path = outdir / POSTS_FILE
        posts_available = posts_path.is_file()
        if posts_available:
            con.execute(
                f"CREATE TEMP VIEW posts AS SELECT * FROM read_parquet({_sql_path(posts_path)})"
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
        sections = _sections(con, ranked, accounts, account_columns, limits, posts_available, notes)
        network = network_picture(con, ranked, accounts, limits, notes)
        index = _account_index(con, accounts, account_columns, limits, notes)
        evidence_rows = con.execute("SELECT count(*) FROM ev").fetchone()[0]
    except duckdb.Error as e:
        raise InputError(
            f"{outdir}: cannot read the evidence files ({e}). "
            "Re-run `inconcert detect` to rewrite them."
        ) from e
    finally:
        con.close()

    return {
        "summary": summary,
        "overview": _overview(summary, ranked, accounts, evidence_rows),
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
    }


def _overview(
    summary: dict[str, Any],
    ranked: list[dict[str, Any]],
    accounts: list[dict[str, Any]],
    evidence_rows: int,
) -> dict[str, Any]:
    verdicts: dict[str, int] = {}
    for g in ranked:
        v = g.get("verdict")
        if v not in (None, ""):
            verdicts[str(v)] = verdicts.get(str(v), 0) + 1
    timings = summary.get("timings") or {}
    total = None
    if isinstance(timings, dict):
        if isinstance(timings.get("total"), int | float):
            total = float(timings["total"])
        else:
            nums = [v for v in timings.values() if isinstance(v, int | float)]
            total = float(sum(nums)) if nums else None
    params = summary.get("parameters") or {}
    return {
        "n_groups": len(ranked),
        "n_accounts": len(accounts),
        "n_in_groups": sum(1 for a in accounts if a.get("group_id") is not None),
        "evidence_rows": evidence_rows,
        "verdicts": sorted(verdicts.items(), key=lambda kv: (-kv[1], kv[0])),
        "runtime": fmt_duration(total) if total is not None else "",
        "window": summary.get("window_used", params.get("window") if isinstance(params, dict) else None),
        "behaviours": summary.get("behaviours")
        or (params.get("behaviours") if isinstance(params, dict) else None)
        or [],
        "parameters": _flat_items(params),
        "software": _flat_items(summary.get("software") or {}),
        "inputs": [i for i in summary.get("inputs") or [] if isinstance(i, dict)],
        "rows": summary.get("rows") or {},
        "counts": summary.get("counts") or {},
        "timings": _flat_items(timings),
        "command": str(summary.get("command") or ""),
    }


def _flat_items(d: Any) -> list[tuple[str, str]]:
    """(key, display value) pairs of a dict in key order; nested values as compact JSON."""
    if not isinstance(d, dict):
        return []
    out = []
    for k in sorted(d, key=str):
        v = d[k]
        if isinstance(v, str):
            text = v
        elif isinstance(v, float):
            text = f"{v:.6g}"
        else:
            text = json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)
        out.append((str(k), text))
    return out


def _sections(
    con: duckdb.DuckDBPyConnection,
    ranked: list[dict[str, Any]],
    accounts: list[dict[str, Any]],
    account_columns: list[str],
    limits: ReportLimits,
    posts_available: bool,
    notes: list[str],
) -> list[dict[str, Any]]:
    chosen = [g for g in ranked if g["has_section"]]
    if not chosen:
        return []
    by_group: dict[int, dict[str, Any]] = {
        g["group_id"]: {
            "group": g,
            "timeline": {
                "t0": None,
                "t1": None,
                "bins": [],
                "rows": [],
                "n_events": 0,
                "n_rows": 0,
            },
            "objects": [],
            "texts": [],
            "texts_source": "",
            "members": [],
            "n_members": 0,
            "member_columns": [],
            "member_numeric": [],
            "behaviour_counts": [],
        }
        for g in chosen
    }

    # -- timeline: every member action that is part of an in-group co-action
    con.execute("CREATE TEMP TABLE events AS SELECT DISTINCT group_id, account, post, t FROM acts")
    bounds = {
        gid: (t0, t1, n)
        for gid, t0, t1, n in _rows(
            con, "SELECT group_id, min(t), max(t), count(*) FROM events GROUP BY 1 ORDER BY 1"
        )
    }
    nb = int(limits.timeline_bins)
    hist = _rows(
        con,
        f"""
        WITH b AS (SELECT group_id, min(t) AS t0, max(t) AS t1 FROM events GROUP BY 1)
        SELECT e.group_id,
               least({nb - 1}, CAST(floor((e.t - b.t0) * {nb}.0 / greatest(b.t1 - b.t0, 1)) AS BIGINT)) AS bin,
               count(*)
        FROM events e JOIN b USING (group_id) GROUP BY 1, 2 ORDER BY 1, 2
        """,
    )
    bins: dict[int, list[int]] = {gid: [0] * nb for gid in bounds}
    for gid, b, n in hist:
        bins[gid][int(b)] = int(n)
    row_counts = {
        gid: n
        for gid, n in _rows(
            con,
            "SELECT group_id, count(DISTINCT account) FROM events GROUP BY 1 ORDER BY 1",
        )
    }
    strip = _rows(
        con,
        f"""
        WITH per AS (
          SELECT group_id, account, count(*) AS n FROM events GROUP BY 1, 2),
        top AS (
          SELECT group_id, account, n FROM per
          QUALIFY row_number() OVER (PARTITION BY group_id ORDER BY n DESC, account) <= {int(limits.timeline_rows)}),
        pts AS (
          SELECT e.group_id, e.account, e.t FROM events e JOIN top USING (group_id, account)
          QUALIFY row_number() OVER (PARTITION BY e.group_id, e.account ORDER BY e.t, e.post) <= {int(limits.timeline_points)})
        SELECT top.group_id, top.account, top.n, list(pts.t ORDER BY pts.t)
        FROM top JOIN pts USING (group_id, account)
        GROUP BY 1, 2, 3 ORDER BY 1, 3 DESC, 2
        """,
    )
    for gid, (t0, t1, n) in bounds.items():
        tl = by_group[gid]["timeline"]
        tl.update(
            t0=t0,
            t1=t1,
            t0_text=fmt_time(t0),
            t1_text=fmt_time(t1),
            span=fmt_duration((t1 - t0) / 1e6),
            bins=bins[gid],
            n_events=int(n),
            n_rows=int(row_counts.get(gid, 0)),
        )
    for gid, account, n, times in strip:
        t0 = bounds[gid][0]
        by_group[gid]["timeline"]["rows"].append(
            [account, int(n), [round((t - t0) / 1e6, 1) for t in times]]
        )

    # -- behaviours involved (distinct objects co-acted on, per behaviour)
    for gid, behaviour, n_obj in _rows(
        con,
        "SELECT group_id, behaviour, count(DISTINCT object) FROM acts GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
    ):
        by_group[gid]["behaviour_counts"].append((behaviour, int(n_obj)))

    # -- top objects with every member's earliest action on them (the receipts)
    con.execute(
        f"""
        CREATE TEMP TABLE topobj AS
        SELECT group_id, behaviour, object, count(DISTINCT account) AS n_accounts,
               count(DISTINCT post) AS n_posts, min(t) AS first_t, max(t) AS last_t
        FROM acts GROUP BY 1, 2, 3
        QUALIFY row_number() OVER (PARTITION BY group_id
            ORDER BY n_accounts DESC, n_posts DESC, first_t, behaviour, object) <= {int(limits.objects)}
        """
    )
    if posts_available:  # each member's own post text, next to its timestamp
        text_sql = "p.text"
        join_sql = (
            "LEFT JOIN (SELECT CAST(post_id AS VARCHAR) AS post, min(CAST(text AS VARCHAR)) AS text "
            "FROM posts GROUP BY 1) p USING (post)"
        )
    else:
        text_sql, join_sql = "NULL", ""
    receipts = _rows(
        con,
        f"""
        WITH r AS (
          SELECT a.group_id, a.behaviour, a.object, a.account, min(a.t) AS t,
                 first(a.post ORDER BY a.t, a.post) AS post, count(DISTINCT a.post) AS n_posts
          FROM acts a JOIN topobj o USING (group_id, behaviour, object)
          GROUP BY 1, 2, 3, 4)
        SELECT group_id, behaviour, object, account, t, post, n_posts, {text_sql} FROM r {join_sql}
        QUALIFY row_number() OVER (PARTITION BY group_id, behaviour, object ORDER BY t, account)
            <= {int(limits.receipts)}
        ORDER BY group_id, behaviour, object, t, account
        """,
    )
    rec_map: dict[tuple, list] = {}
    for gid, behaviour, obj, account, t, post, n_posts, text in receipts:
        rec_map.setdefault((gid, behaviour, obj), []).append((account, t, post, n_posts, text))
    for gid, behaviour, obj, n_acc, n_posts, first_t, last_t in _rows(
        con,
        "SELECT group_id, behaviour, object, n_accounts, n_posts, first_t, last_t FROM topobj "
        "ORDER BY group_id, n_accounts DESC, n_posts DESC, first_t, behaviour, object",
    ):
        rows = [
            {
                "account": account,
                "time": fmt_time(t),
                "delta": "+" + fmt_duration((t - first_t) / 1e6),
                "post": post,
                "n_posts": int(np),
                "text": _clip(text, 200) if text else "",
            }
            for account, t, post, np, text in rec_map.get((gid, behaviour, obj), [])
        ]
        by_group[gid]["objects"].append(
            {
                "behaviour": behaviour,
                "object": _clip(obj, limits.text_chars),
                "n_accounts": int(n_acc),
                "n_posts": int(n_posts),
                "first": fmt_time(first_t),
                "span": fmt_duration((last_t - first_t) / 1e6),
                "receipts": rows,
                "has_text": any(r["text"] for r in rows),
                "more": max(0, int(n_acc) - len(rows)),
            }
        )

    # -- example texts: the posts' texts when posts.parquet exists, else text objects
    if posts_available:
        texts = _rows(
            con,
            f"""
            WITH e AS (SELECT DISTINCT group_id, account, post, t FROM acts),
            j AS (SELECT e.group_id, e.account, e.post, e.t, CAST(p.text AS VARCHAR) AS text
                  FROM e JOIN posts p ON CAST(p.post_id AS VARCHAR) = e.post
                  WHERE p.text IS NOT NULL AND trim(CAST(p.text AS VARCHAR)) <> '')
            SELECT group_id, text, count(DISTINCT account) AS n_accounts, count(DISTINCT post) AS n_posts,
                   min(t) AS first_t, first(post ORDER BY t, post), first(account ORDER BY t, post)
            FROM j GROUP BY 1, 2
            QUALIFY row_number() OVER (PARTITION BY group_id
                ORDER BY n_accounts DESC, n_posts DESC, first_t, text) <= {int(limits.texts)}
            ORDER BY group_id, n_accounts DESC, n_posts DESC, first_t, text
            """,
        )
        source = "posts.parquet"
    else:
        beh = ", ".join(f"'{b}'" for b in TEXT_BEHAVIOURS)
        texts = _rows(
            con,
            f"""
            SELECT group_id, object, count(DISTINCT account) AS n_accounts, count(DISTINCT post) AS n_posts,
                   min(t) AS first_t, first(post ORDER BY t, post), first(account ORDER BY t, post)
            FROM acts WHERE behaviour IN ({beh}) GROUP BY 1, 2
            QUALIFY row_number() OVER (PARTITION BY group_id
                ORDER BY n_accounts DESC, n_posts DESC, first_t, object) <= {int(limits.texts)}
            ORDER BY group_id, n_accounts DESC, n_posts DESC, first_t, object
            """,
        )
        source = "objects"
    for gid, text, n_acc, n_posts, first_t, post, account in texts:
        by_group[gid]["texts"].append(
            {
                "text": _clip(text, limits.text_chars),
                "n_accounts": int(n_acc),
                "n_posts": int(n_posts),
                "first": fmt_time(first_t),
                "post": post,
                "account": account,
            }
        )
    for sec in by_group.values():
        sec["texts_source"] = source

    # -- member tables from accounts.csv
    shown = [c for c in account_columns if c not in ("group_id",) and not c.startswith("_")]
    members: dict[int, list[dict[str, Any]]] = {}
    for a in accounts:
        gid = a.get("group_id")
        if gid in by_group:
            members.setdefault(gid, []).append(a)
    truncated = 0
    for gid, sec in by_group.items():
        rows = sorted(
            members.get(gid, []),
            key=lambda a: (
                -(a.get("strength") or 0),
                -(a.get("n_coordinated") or 0),
                str(a["account_id"]),
            ),
        )
        sec["n_members"] = len(rows)
        sec["member_columns"] = shown
        sec["member_numeric"] = [c in _NUMERIC for c in shown]
        sec["members"] = [[_cell(a.get(c)) for c in shown] for a in rows[: limits.members]]
        truncated += len(rows) > limits.members
    if truncated:
        notes.append(
            f"Member tables show the {limits.members} strongest members of each group "
            f"({truncated} group(s) have more; see accounts.csv)."
        )
    return [by_group[g["group_id"]] for g in chosen]


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _account_index(
    con: duckdb.DuckDBPyConnection,
    accounts: list[dict[str, Any]],
    account_columns: list[str],
    limits: ReportLimits,
    notes: list[str],
) -> list[dict[str, Any]]:
    """Search index: accounts in groups first, then the most connected others."""
    ordered = sorted(
        accounts,
        key=lambda a: (
            a.get("group_id") is None,
            -(a.get("strength") or 0),
            -(a.get("degree") or 0),
            str(a["account_id"]),
        ),
    )
    chosen = ordered[: limits.index_accounts]
    if len(ordered) > len(chosen):
        notes.append(
            f"The account lookup holds {len(chosen)} of {len(ordered)} accounts "
            "(all accounts in groups first, then the most connected); every account is in accounts.csv."
        )
    ids = [str(a["account_id"]) for a in chosen]
    con.register("idx_arrow", pa.table({"account": pa.array(ids, pa.string())}))
    con.execute("CREATE TEMP TABLE idx AS SELECT account FROM idx_arrow")
    con.unregister("idx_arrow")
    neigh: dict[str, list] = {}
    for account, other, weight, behaviours, gid in _rows(
        con,
        f"""
        WITH l AS (
          SELECT CAST(account_a AS VARCHAR) AS account, CAST(account_b AS VARCHAR) AS other,
                 weight, CAST(behaviours AS VARCHAR) AS behaviours, group_id FROM lk
          UNION ALL
          SELECT CAST(account_b AS VARCHAR), CAST(account_a AS VARCHAR), weight,
                 CAST(behaviours AS VARCHAR), group_id FROM lk)
        SELECT account, other, weight, behaviours, group_id FROM l
        WHERE account IN (SELECT account FROM idx)
        QUALIFY row_number() OVER (PARTITION BY account ORDER BY weight DESC, other) <= {int(limits.neighbours)}
        ORDER BY account, weight DESC, other
        """,
    ):
        neigh.setdefault(account, []).append(
            [other, int(weight), behaviours or "", None if gid is None else int(gid)]
        )
    objs: dict[str, list] = {}
    totals: dict[str, int] = {}
    for account, behaviour, obj, n, first_t, total in _rows(
        con,
        f"""
        WITH s AS (
          SELECT CAST(account_a AS VARCHAR) AS account, CAST(behaviour AS VARCHAR) AS behaviour,
                 CAST(object AS VARCHAR) AS object, epoch_us(ts_a) AS t FROM ev
          UNION ALL
          SELECT CAST(account_b AS VARCHAR), CAST(behaviour AS VARCHAR), CAST(object AS VARCHAR),
                 epoch_us(ts_b) FROM ev),
        c AS (
          SELECT account, behaviour, object, count(*) AS n, min(t) AS first_t FROM s
          WHERE account IN (SELECT account FROM idx) GROUP BY 1, 2, 3)
        SELECT account, behaviour, object, n, first_t, sum(n) OVER (PARTITION BY account) FROM c
        QUALIFY row_number() OVER (PARTITION BY account ORDER BY n DESC, first_t, behaviour, object)
            <= {int(limits.account_objects)}
        ORDER BY account, n DESC, first_t, behaviour, object
        """,
    ):
        objs.setdefault(account, []).append([behaviour, _clip(obj, 160), int(n), fmt_time(first_t)])
        totals[account] = int(total)
    extra = [c for c in ("account_name", "platform", "account_category") if c in account_columns]
    out = []
    for a in chosen:
        aid = str(a["account_id"])
        entry: dict[str, Any] = {
            "id": aid,
            "g": a.get("group_id"),
            "deg": a.get("degree"),
            "str": a.get("strength"),
            "act": a.get("n_actions"),
            "co": totals.get(aid, 0),
            "nb": neigh.get(aid, []),
            "ob": objs.get(aid, []),
        }
        info = [[c, str(a.get(c))] for c in extra if a.get(c) not in (None, "")]
        if info:
            entry["info"] = info
        out.append(entry)
    return out
