"""How a run writes its files (not what it detects: that is :class:`~inconcert.config.DetectConfig`).

>>> OutputOptions(bom=True).to_dict()["bom"]
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from inconcert.errors import ConfigError

__all__ = ["OutputOptions"]


@dataclass(frozen=True)
class OutputOptions:
    """Options of the written files.

    raw_csv: write CSV cells a spreadsheet would execute as they are (by default
        they get a leading ``'``; :mod:`inconcert.outputs.csvfile`).
    bom: write CSVs as UTF-8 with a byte-order mark, so Excel reads accents,
        Arabic and emoji right (``--excel``).
    report: also write ``report.html`` into the result set.
    redact_paths: record only the file names of the inputs (``summary.json``,
        ``rejects.csv``, the report), and not the command line.
    pseudonymise: a key file; account ids and names/handles are replaced by
        keyed hashes (:mod:`inconcert.outputs.pseudonymise`); the key file is
        created when missing.
    all_evidence: write every share pair to ``evidence.parquet`` (by default it
        holds the receipts: the post pairs behind the links that pass and
        between members of one group; CooRTweet-compatible runs write every pair).
    """

    raw_csv: bool = False
    bom: bool = False
    report: bool = False
    redact_paths: bool = False
    pseudonymise: Path | None = None
    all_evidence: bool = False

    def __post_init__(self) -> None:
        bad = [n for n in ("raw_csv", "bom", "report", "redact_paths", "all_evidence") if not isinstance(getattr(self, n), bool)]
        if bad:
            raise ConfigError(f"{', '.join(bad)} must be true or false")
        if self.pseudonymise is not None and not isinstance(self.pseudonymise, Path):
            object.__setattr__(self, "pseudonymise", Path(self.pseudonymise))

    def to_dict(self) -> dict[str, Any]:
        """As recorded in ``summary.json`` (the key file by name only, never its content)."""
        d = asdict(self)
        d["pseudonymise"] = self.pseudonymise is not None
        return d
