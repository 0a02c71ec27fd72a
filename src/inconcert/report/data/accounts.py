"""The account lookup: accounts in groups first, then the most connected, each with
its strongest links and the objects it co-acted on most."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from inconcert.report.data.files import query_rows
from inconcert.report.data.limits import ReportLimits
from inconcert.report.data.values import clip, fmt_time

__all__ = ["account_index"]


def account_index(
    con: duckdb.DuckDBPyConnection,
    accounts: list[dict[str, Any]],
    account_columns: list[str],
    limits: ReportLimits,
    notes: list[str],
    labels: dict[str, str] | None = None,
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
    for account, other, weight, behaviours, gid in query_rows(
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
    for account, behaviour, obj, n, first_t, total in query_rows(
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
        shown = "repost of identical text" if behaviour == "repost" and obj.startswith("text:") else None
        objs.setdefault(account, []).append(
            [shown or (labels or {}).get(behaviour, behaviour), clip(obj, 160), int(n), fmt_time(first_t)]
        )
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
