"""Verdict-level evaluation against labels (``operation``, ``automation``, ``organic``).

An account is *called an operation* when it belongs to a group whose verdict
is ``operation``, and *flagged* when its group's verdict is not ``weak``.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "accounts.csv").write_text("account_id,group_id\\na,1\\nb,1\\nc,2\\nd,2\\ne,\\n")
>>> _ = (d / "groups.csv").write_text("group_id,verdict\\n1,operation\\n2,automation\\n")
>>> _ = (d / "labels.csv").write_text(
...     "account_id,label\\na,operation\\nb,operation\\nc,automation\\nd,organic\\ne,organic\\n")
>>> m = evaluate_verdicts(d, d / "labels.csv")
>>> m["operation_f1"], m["organic_false_positive_rate"], m["automation_called_operation"]
(1.0, 0.5, 0)
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa

from inconcert.errors import InputError
from inconcert.evaluate import precision_recall_f1, read_rows

__all__ = ["evaluate_verdicts"]


def _rows(path: Path) -> list[dict[str, str]]:
    return read_rows(path, "; run `inconcert detect` first")


def evaluate_verdicts(outdir: str | Path, labels: str | Path | pa.Table) -> dict[str, Any]:
    """Operation precision/recall/F1, organic false-positive rate and automation
    accounts called ``operation``, from ``OUTDIR/{accounts,groups}.csv`` and labels
    (a CSV path or table with ``account_id, label``)."""
    out = Path(outdir)
    acc = _rows(out / "accounts.csv")
    grp = _rows(out / "groups.csv")
    if isinstance(labels, pa.Table):
        lab_rows = labels.select(["account_id", "label"]).to_pylist()
    else:
        lab_rows = _rows(Path(labels))
        if lab_rows and not {"account_id", "label"} <= set(lab_rows[0]):
            raise InputError(f"{labels}: needs columns account_id and label")
    verdict_of = {r["group_id"]: (r.get("verdict") or "operation") for r in grp}
    verdict = {
        r["account_id"]: verdict_of.get(r["group_id"], "operation")
        for r in acc
        if r.get("group_id") not in (None, "")
    }
    label = {str(r["account_id"]): str(r["label"]) for r in lab_rows}
    ops = {a for a, x in label.items() if x == "operation"}
    organic = {a for a, x in label.items() if x == "organic"}
    auto = {a for a, x in label.items() if x == "automation"}
    called_op = {a for a, v in verdict.items() if v == "operation"}
    flagged = {a for a, v in verdict.items() if v != "weak"}
    prec, rec, f1 = precision_recall_f1(called_op, ops)
    return {
        "operation_precision": round(prec, 4),
        "operation_recall": round(rec, 4),
        "operation_f1": round(f1, 4),
        "operation_accounts": len(ops),
        "organic_accounts": len(organic),
        "organic_flagged": len(flagged & organic),
        "organic_false_positive_rate": round(len(flagged & organic) / len(organic), 6)
        if organic
        else 0.0,
        "automation_accounts": len(auto),
        "automation_called_operation": len(called_op & auto),
        "automation_called_automation": sum(1 for a in auto if verdict.get(a) == "automation"),
        "groups_by_verdict": dict(sorted(Counter(verdict_of.values()).items())),
    }
