"""The report's overview: counts, verdicts, parameters, software, timings of a run."""

from __future__ import annotations

import json
from typing import Any

from inconcert.report.data.values import fmt_duration

__all__ = ["overview"]


def overview(
    summary: dict[str, Any],
    ranked: list[dict[str, Any]],
    accounts: list[dict[str, Any]],
    evidence_rows: int,
) -> dict[str, Any]:
    """The overview block from ``summary.json``, the ranked groups and accounts."""
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
