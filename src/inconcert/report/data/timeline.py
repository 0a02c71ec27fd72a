"""Group timelines: every member action in an in-group co-action, as a histogram
and as one strip of points per (most active) member; each row lists the actions
inside the window of another member's action, then those outside."""

from __future__ import annotations

from typing import Any

import duckdb

from inconcert.report.data.files import query_rows
from inconcert.report.data.limits import ReportLimits
from inconcert.report.data.values import fmt_duration, fmt_time

__all__ = ["add_timelines"]


def add_timelines(
    con: duckdb.DuckDBPyConnection,
    by_group: dict[int, dict[str, Any]],
    limits: ReportLimits,
) -> None:
    """Fill each section's ``timeline`` from the ``acts`` table (creates ``events``)."""
    con.execute(
        "CREATE TEMP TABLE events AS SELECT group_id, account, post, t, bool_or(inside) AS inside "
        "FROM act_in GROUP BY 1, 2, 3, 4"
    )
    bounds = {
        gid: (t0, t1, n)
        for gid, t0, t1, n in query_rows(
            con, "SELECT group_id, min(t), max(t), count(*) FROM events GROUP BY 1 ORDER BY 1"
        )
    }
    nb = int(limits.timeline_bins)
    hist = query_rows(
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
    outside = {
        gid: (int(n_out), bool(marked))
        for gid, n_out, marked in query_rows(
            con,
            "SELECT group_id, count(*) FILTER (WHERE inside IS NOT NULL AND NOT inside), "
            "bool_or(inside IS NOT NULL) FROM events GROUP BY 1 ORDER BY 1",
        )
    }
    row_counts = {
        gid: n
        for gid, n in query_rows(
            con,
            "SELECT group_id, count(DISTINCT account) FROM events GROUP BY 1 ORDER BY 1",
        )
    }
    strip = query_rows(
        con,
        f"""
        WITH per AS (
          SELECT group_id, account, count(*) AS n FROM events GROUP BY 1, 2),
        top AS (
          SELECT group_id, account, n FROM per
          QUALIFY row_number() OVER (PARTITION BY group_id ORDER BY n DESC, account) <= {int(limits.timeline_rows)}),
        pts AS (
          SELECT e.group_id, e.account, e.t, e.inside IS NULL OR e.inside AS inside
          FROM events e JOIN top USING (group_id, account)
          QUALIFY row_number() OVER (PARTITION BY e.group_id, e.account ORDER BY e.t, e.post) <= {int(limits.timeline_points)})
        SELECT top.group_id, top.account, top.n,
               list(pts.t ORDER BY pts.t) FILTER (WHERE pts.inside),
               list(pts.t ORDER BY pts.t) FILTER (WHERE NOT pts.inside)
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
            n_outside=outside.get(gid, (0, False))[0],
            marked=outside.get(gid, (0, False))[1],
        )
    for gid, account, n, times, out_times in strip:
        t0 = bounds[gid][0]
        by_group[gid]["timeline"]["rows"].append(
            [
                account,
                int(n),
                [round((t - t0) / 1e6, 1) for t in times or []],
                [round((t - t0) / 1e6, 1) for t in out_times or []],
            ]
        )
