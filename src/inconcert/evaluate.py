"""Score a detection run against known labels (from the simulator or a study).

Two levels, one module (the CLI's ``inconcert evaluate``, ``inconcert demo``
and ``benchmarks/bench_scenarios.py`` all use it):

- :func:`evaluate` — account level: precision, recall and F1 of "in a group"
  vs "labelled operation", the false-positive rate on organic accounts, and the
  adjusted Rand index between found groups and labelled operations (over
  labelled-operation accounts and accounts in groups);
- :func:`evaluate_verdicts` — verdict level against ``operation``,
  ``automation`` and ``organic`` labels: an account is *called an operation*
  when it belongs to a group whose verdict is ``operation``, and *flagged* when
  its group's verdict is not ``weak``.

>>> adjusted_rand([1, 1, 2, 2], [5, 5, 7, 7])
1.0
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

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa

from inconcert.errors import InputError

__all__ = ["evaluate", "evaluate_verdicts", "adjusted_rand", "precision_recall_f1", "read_rows"]


def _comb2(n: int) -> float:
    return n * (n - 1) / 2.0


def adjusted_rand(a: list[Any], b: list[Any]) -> float:
    """Adjusted Rand index of two labelings of the same items (Hubert & Arabie 1985)."""
    n = len(a)
    if n < 2:
        return 1.0
    cont = Counter(zip(a, b, strict=True))
    sum_ij = sum(_comb2(v) for v in cont.values())
    sum_a = sum(_comb2(v) for v in Counter(a).values())
    sum_b = sum(_comb2(v) for v in Counter(b).values())
    expected = sum_a * sum_b / _comb2(n)
    maximum = (sum_a + sum_b) / 2.0
    if maximum == expected:
        return 1.0
    return round((sum_ij - expected) / (maximum - expected), 6)


def read_rows(path: Path, hint: str = "") -> list[dict[str, str]]:
    """The rows of a CSV file as dicts; a missing file is an :class:`InputError`
    (``hint`` is appended to its message)."""
    if not path.exists():
        raise InputError(f"{path}: no such file{hint}")
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def precision_recall_f1(found: set[Any], positives: set[Any]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the ``found`` items against the ``positives``.

    >>> precision_recall_f1({"a", "b", "x"}, {"a", "b", "c", "d"})
    (0.6666666666666666, 0.5, 0.5714285714285715)
    """
    tp = len(found & positives)
    fp = len(found - positives)
    fn = len(positives - found)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(outdir: str | Path, labels: str | Path, positive: str = "operation") -> dict[str, Any]:
    """Compare ``OUTDIR/accounts.csv`` with a labels file (``account_id, label[, group]``)."""
    out = Path(outdir)
    acc_rows = read_rows(out / "accounts.csv")
    lab_rows = read_rows(Path(labels))
    if lab_rows and not {"account_id", "label"} <= set(lab_rows[0]):
        raise InputError(f"{labels}: needs columns account_id and label")
    group = {r["account_id"]: r["group_id"] for r in acc_rows if r.get("group_id") not in (None, "")}
    label = {r["account_id"]: r["label"] for r in lab_rows}
    truth_group = {r["account_id"]: r.get("group", "") for r in lab_rows}
    pos = {a for a, lab in label.items() if lab == positive}
    neg = {a for a, lab in label.items() if lab == "organic"}
    flagged = set(group)
    tp, fp, fn = len(flagged & pos), len(flagged - pos), len(pos - flagged)
    precision, recall, f1 = precision_recall_f1(flagged, pos)
    fpr = len(flagged & neg) / len(neg) if neg else 0.0
    items = sorted(pos | flagged)
    ari = adjusted_rand(
        [truth_group.get(a) or f"none:{a}" for a in items],
        [group.get(a) or f"none:{a}" for a in items],
    )
    result: dict[str, Any] = {
        "accounts_labelled": len(label),
        "operation_accounts": len(pos),
        "flagged_accounts": len(flagged),
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "organic_false_positive_rate": round(fpr, 6),
        "adjusted_rand_index": ari,
    }
    return result


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
