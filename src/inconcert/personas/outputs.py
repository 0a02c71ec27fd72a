"""Write a personas result: ``same_hand.csv``, ``hands.csv``, ``hand_chunks.csv``,
``persona_accounts.csv``, ``persona_evidence.json``, ``personas.json`` (the
summary: counts, what the run chose, the settings, what scores rest on).

>>> PERSONA_FILES[0]
'same_hand.csv'
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from inconcert.outputs.atomic import atomic_path
from inconcert.personas.evidence import HANDS_COLUMNS, SAME_HAND_COLUMNS
from inconcert.personas.run import PersonaResult

__all__ = ["write_personas", "PERSONA_FILES"]

PERSONA_FILES = ("same_hand.csv", "hands.csv", "hand_chunks.csv", "persona_accounts.csv",
                 "persona_evidence.json", "personas.json")
_CHUNK_COLUMNS = ["account_id", "chunk", "hand", "n_texts", "n_words", "first_post_id", "last_post_id",
                  "first_ts", "last_ts"]
_ACCOUNT_COLUMNS = ["account_id", "n_texts", "n_words", "scored", "hands_tested", "note"]


def _csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: ("" if r.get(c) is None else r[c]) for c in columns})


def _json(path: Path, value: Any) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")


def write_personas(result: PersonaResult, outdir: str | Path) -> list[Path]:
    """Write every personas file into ``outdir`` (created); returns the paths.

    The files are byte-identical for the same input and settings (timings are
    kept out of ``personas.json``'s deterministic part: see ``timings_s``)."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    _csv(out / "same_hand.csv", SAME_HAND_COLUMNS, result.same_hand)
    _csv(out / "hands.csv", HANDS_COLUMNS, result.hands)
    _csv(out / "hand_chunks.csv", _CHUNK_COLUMNS, result.hand_chunks)
    _csv(out / "persona_accounts.csv", _ACCOUNT_COLUMNS, result.accounts)
    _json(out / "persona_evidence.json", result.evidence)
    _json(out / "personas.json", result.summary)
    return [out / f for f in PERSONA_FILES]
