"""Detection settings as one plain object.

>>> DetectConfig(window=10).window
10.0
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from inconcert.errors import ConfigError

__all__ = ["DetectConfig"]


@dataclass
class DetectConfig:
    """Every knob of a detection run, with defaults.

    window: seconds within which two accounts' actions on one object count as
        a co-action (inclusive: |Δt| ≤ window); ``"auto"`` estimates it from the
        data as CooRnet does (see :mod:`inconcert.window`).
    behaviours: behaviour names to use; None = every behaviour the input has data for.
    min_participation: an account needs at least this many actions in a behaviour
        (and this many co-actions) to be paired, as in CooRTweet.
    min_weight: a link joins accounts into groups only when they co-acted on at
        least this many distinct objects.
    weight_percentile: if set (0–100), also require the link weight to reach this
        percentile of all link weights (as CooRTweet/CooRnet do).
    communities: ``leiden`` (CPM, seeded) splits components into dense groups;
        ``components`` keeps connected components whole.
    resolution: CPM resolution for Leiden; groups are at least this dense.
    min_group_size: smaller groups are not reported.
    min_text_tokens: texts shorter than this (after normalisation) are ignored by
        the text behaviours.
    fdr: false discovery rate for the null-model test of links (Benjamini–Hochberg);
        only significant links form groups.
    coortweet_compatible: reproduce CooRTweet 2.1.3 ``detect_groups`` share pairs exactly.
    seed: randomness (Leiden) is seeded by this.
    """

    window: float | str = 60.0
    behaviours: list[str] | None = None
    min_participation: int = 2
    min_weight: int = 2
    weight_percentile: float | None = None
    communities: Literal["leiden", "components"] = "leiden"
    resolution: float = 0.05
    min_group_size: int = 2
    min_text_tokens: int = 4
    fdr: float = 0.01
    coortweet_compatible: bool = False
    seed: int = 42
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        if self.window == "auto":  # estimated from the data once traces exist
            self.extra = {**self.extra, "window_auto": True}
            self.window = 60.0
        try:
            self.window = float(self.window)
        except (TypeError, ValueError):
            problems.append(f"window must be a number of seconds, not {self.window!r}")
        else:
            if self.window < 0:
                problems.append("window must be ≥ 0 seconds")
        if self.min_participation < 1:
            problems.append("min_participation must be ≥ 1")
        if self.min_weight < 1:
            problems.append("min_weight must be ≥ 1")
        if self.weight_percentile is not None and not 0 <= self.weight_percentile <= 100:
            problems.append("weight_percentile must be between 0 and 100")
        if self.communities not in ("leiden", "components"):
            problems.append("communities must be 'leiden' or 'components'")
        if not 0 < self.fdr < 1:
            problems.append("fdr must be between 0 and 1 (e.g. 0.01)")
        if self.min_group_size < 2:
            problems.append("min_group_size must be ≥ 2")
        if problems:
            raise ConfigError("; ".join(problems))

    @property
    def window_us(self) -> int:
        return int(round(self.window * 1_000_000))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
