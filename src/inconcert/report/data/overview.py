"""The report's overview: counts, verdicts, parameters, software, timings of a run."""

from __future__ import annotations

import json
from typing import Any

from inconcert.config import DetectConfig
from inconcert.report.data.values import fmt_duration

__all__ = ["clock_line", "overview", "split_settings", "window_seconds"]


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
    set_settings, default_settings = split_settings(params if isinstance(params, dict) else {})
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
        "settings_set": set_settings,
        "settings_default": default_settings,
        "clock": clock_line(summary.get("clock")),
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


def _flat(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out.update(_flat(v, key + "."))
        else:
            out[key] = v
    return out


def _shown(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, list | tuple):
        return ", ".join(str(x) for x in v)
    if isinstance(v, str):
        return v
    return json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)


def split_settings(params: dict[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(settings the user set, settings left at their default), as display pairs.

    A setting is "set" when its value differs from ``DetectConfig()``'s default.
    Empty values (``None``, ``{}``, ``[]``: "not used" or "all the input has")
    are left out; nested settings read ``near_text.threshold``.

    >>> split_settings({"window": 600.0, "fdr": 0.01, "behaviours": None, "extra": {}})
    ([('window', '600')], [('fdr', '0.01')])
    """
    defaults = _flat(DetectConfig().to_dict())
    chosen, default = [], []
    for key, value in sorted(_flat(params).items()):
        if value is None or value == {} or value == [] or value == "":
            continue
        (default if key in defaults and defaults[key] == value else chosen).append((key, _shown(value)))
    return chosen, default


def clock_line(clock: Any) -> str:
    """One sentence on the input's clock from ``summary.json`` ``clock`` ('' when absent).

    >>> clock_line({"resolution_s": 60.0, "clock": "minute", "by_source": {"a.csv": 60.0}})
    'Timestamps tick in minutes (60 s): a co-action within one tick means only "same or next minute".'
    """
    if not isinstance(clock, dict) or not isinstance(clock.get("resolution_s"), int | float):
        return ""
    res = float(clock["resolution_s"])
    name = str(clock.get("clock") or f"{res:g} s")
    if res <= 1:
        text = f"Timestamps tick in seconds ({res:g} s)."
    else:
        text = (
            f"Timestamps tick in {name}s ({res:g} s): a co-action within one tick means only "
            f'"same or next {name}".'
        )
    by_source = clock.get("by_source")
    if isinstance(by_source, dict) and len({v for v in by_source.values()}) > 1:
        text += " Per source: " + "; ".join(f"{k} {v:g} s" for k, v in sorted(by_source.items()) if isinstance(v, int | float)) + "."
    return text


def window_seconds(summary: dict[str, Any]) -> float | None:
    """The run's time window in seconds: ``window_used``, else the ``window`` setting.

    >>> window_seconds({"window_used": 60.0}), window_seconds({"parameters": {"window": "auto"}})
    (60.0, None)
    """
    params = summary.get("parameters") if isinstance(summary.get("parameters"), dict) else {}
    for value in (summary.get("window_used"), params.get("window")):
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
    return None
