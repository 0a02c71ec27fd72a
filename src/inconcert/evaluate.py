"""Score a detection run against known labels (from the simulator or a study).

Account-level precision, recall and F1 of "in a group" vs "labelled
operation", the false-positive rate on organic accounts, and the adjusted Rand
index between found groups and labelled operations (over labelled-operation
accounts and accounts in groups).

>>> adjusted_rand([1, 1, 2, 2], [5, 5, 7, 7])
1.0
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from inconcert.errors import InputError
from inconcert.outputs.csvfile import read_csv_rows

__all__ = ["evaluate", "adjusted_rand", "precision_recall_f1", "read_rows"]


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
    return list(read_csv_rows(path))  # our CSVs' spreadsheet escapes undone (labels files have none)


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
