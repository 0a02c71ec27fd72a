"""Detection settings as one plain object.

>>> DetectConfig(window=10).window
10.0
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from inconcert.errors import ConfigError

__all__ = ["DetectConfig", "DEFAULT_WINDOWS", "MAX_PARTNERS", "NEAR_TEXT_MAX_TEXTS", "EXPECTED_CV", "EXPECTED_CV_FROM"]

#: The ladder of co-action windows tested by default, in seconds (10 s to 6 h).
DEFAULT_WINDOWS: tuple[float, ...] = (10.0, 60.0, 600.0, 3600.0, 21600.0)

#: An object counts at a window only while a share of it has on average at most
#: this many other shares within the window (wider windows are meaningless for it).
MAX_PARTNERS = 50.0

#: Multiplicative uncertainty (CV) of the null model's expectations (docs/null-model.md).
EXPECTED_CV = 0.5

#: ... from this window up (seconds); narrower windows use the Poisson tail.
EXPECTED_CV_FROM = 3600.0

#: Near-duplicate text is a default behaviour up to this many text posts.
NEAR_TEXT_MAX_TEXTS = 2_000_000


@dataclass
class DetectConfig:
    """Every knob of a detection run, with defaults.

    window: None (default) tests every window of ``windows``, each against its
        own null, and reports per link the window where it is most significant;
        a number fixes one window (seconds within which two accounts' actions on
        one object count as a co-action, inclusive: |Δt| ≤ window); ``"auto"``
        estimates one from the data as CooRnet does (see :mod:`inconcert.window`).
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
    windows: the ladder of windows (seconds) tested when ``window`` is None;
        windows below the input's clock resolution are skipped.
    max_partners: at a window where a share of an object has on average more
        than this many other shares within the window, the object counts only at
        the widest window where it has not (docs/null-model.md, "Cost").
    near_text_max_texts: near-duplicate text replaces exact text among the
        default behaviours when the input has at most this many text posts
        (0: never by default); above it its cost outgrows the rest of a run.
    expected_cv: the null model's expectations are estimates; their
        multiplicative uncertainty (coefficient of variation) widens the tails
        of the test (negative binomial of size 1/cv²; 0 = plain Poisson), at
        windows of ``expected_cv_from`` seconds and more.
    expected_cv_from: the narrowest window (seconds) tested with that
        uncertainty; below it the object's own timing predicts co-actions well
        and the plain Poisson tail is used.
    """

    window: float | str | None = None
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
    windows: tuple[float, ...] = DEFAULT_WINDOWS
    max_partners: float = MAX_PARTNERS
    near_text_max_texts: int = NEAR_TEXT_MAX_TEXTS
    expected_cv: float = EXPECTED_CV
    expected_cv_from: float = EXPECTED_CV_FROM

    def __post_init__(self) -> None:
        problems = []
        if self.window == "auto":  # estimated from the data once traces exist
            self.extra = {**self.extra, "window_auto": True}
            self.window = 60.0
        if self.window is not None:
            try:
                self.window = float(self.window)
            except (TypeError, ValueError):
                problems.append(f"window must be a number of seconds, not {self.window!r}")
            else:
                if self.window < 0:
                    problems.append("window must be ≥ 0 seconds")
        try:
            self.windows = tuple(sorted({float(w) for w in self.windows}))
        except (TypeError, ValueError):
            problems.append(f"windows must be numbers of seconds, not {self.windows!r}")
        else:
            if not self.windows or self.windows[0] <= 0:
                problems.append("windows must be a non-empty list of seconds > 0")
        if not self.expected_cv >= 0:
            problems.append("expected_cv must be ≥ 0")
        if not self.max_partners > 0:
            problems.append("max_partners must be > 0")
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
        """The fixed window in microseconds (the widest of the ladder when none is fixed)."""
        w = self.window if isinstance(self.window, float) else max(self.windows)
        return int(round(w * 1_000_000))

    def ladder(self) -> list[float]:
        """The windows this run tests, before the clock's resolution is applied.

        >>> DetectConfig().ladder()[:2], DetectConfig(window=30).ladder()
        ([10.0, 60.0], [30.0])
        """
        if isinstance(self.window, float):
            return [self.window]
        return [float(w) for w in self.windows]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
