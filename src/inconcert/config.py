"""Detection settings: one typed object, validated in one place, never mutated.

Every setting is a named field with a default (``docs/settings.md`` lists
them all); behaviour parameters are nested dataclasses
(:class:`~inconcert.textsim.minhash.NearTextParams`,
:class:`SemanticTextParams`). As in scikit-learn, the object stores what the
caller gave (``window="auto"`` stays ``"auto"``); what a run found, such as
the window it used, is part of the run's result and ``summary.json``.

Settings round-trip through a plain dict (:meth:`DetectConfig.to_dict`,
:meth:`DetectConfig.from_dict`) and a TOML file (:meth:`DetectConfig.to_toml`,
:meth:`DetectConfig.from_toml`); unknown names are rejected with the closest
valid one.

>>> DetectConfig(window=10).window
10
>>> DetectConfig.from_dict({"near_text": {"treshold": 0.9}})
Traceback (most recent call last):
...
inconcert.errors.ConfigError: unknown setting 'near_text.treshold' (did you mean 'near_text.threshold'?)
"""

from __future__ import annotations

import difflib
import json
import math
import tomllib
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from inconcert.errors import ConfigError
from inconcert.textsim.minhash import NearTextParams

__all__ = [
    "DetectConfig",
    "NearTextParams",
    "SemanticTextParams",
    "SiteParams",
    "POOLED_ROUNDS",
    "POPULAR_SHARERS",
    "DEFAULT_WINDOWS",
    "MAX_PARTNERS",
    "NEAR_TEXT_MAX_TEXTS",
    "EXPECTED_CV",
    "EXPECTED_CV_FROM",
    "read_settings_file",
]

#: Default rounds of pooled-evidence attachment (:mod:`inconcert.scoring.pooled`).
POOLED_ROUNDS = 3
#: Rounds of the robust null fit (docs/null-model.md, "A null fitted to the uncoordinated").
NULL_ROUNDS = 2
#: Default object size above which the null model treats sharers as popular
#: (:mod:`inconcert.scoring.nullmodel`).
POPULAR_SHARERS = 50
#: The ladder of co-action windows tested by default, in seconds (10 s to 6 h).
DEFAULT_WINDOWS = (10.0, 60.0, 600.0, 3600.0, 21600.0)
#: An object counts at a window only while a share of it has on average at most
#: this many other shares within the window (docs/null-model.md, "Cost").
MAX_PARTNERS = 50.0
#: Near-duplicate text replaces exact text among the default behaviours up to
#: this many text posts (its cost: ~40 s per 10⁶ texts on 2 cores).
NEAR_TEXT_MAX_TEXTS = 2_000_000
#: Multiplicative uncertainty (coefficient of variation) of the null model's
#: expectations at wide windows, and the narrowest window it applies to (s).
EXPECTED_CV = 0.0
EXPECTED_CV_FROM = 3600.0

#: ``NearTextParams`` fields that are not near-text settings of their own: they
#: come from the top-level ``min_text_tokens`` and ``seed``.
_NEAR_TEXT_FROM_TOP = {"min_tokens": "min_text_tokens", "seed": "seed"}


@dataclass(frozen=True)
class SemanticTextParams:
    """Settings of the ``semantic_text`` behaviour.

    threshold: minimum cosine similarity of two texts' embeddings, in [-1, 1].
    neighbours: nearest neighbours looked up per text in the HNSW index (≥ 1).
    batch: texts embedded per batch (≥ 1; memory, not results).

    >>> SemanticTextParams().threshold
    0.7
    """

    threshold: float = 0.7
    neighbours: int = 10
    batch: int = 256

    def problems(self) -> list[str]:
        """What is wrong with these settings (empty when valid)."""
        out = []
        if not _number(self.threshold) or not -1 <= self.threshold <= 1:
            out.append(f"semantic_text.threshold must be in [-1, 1], not {self.threshold!r}")
        for name in ("neighbours", "batch"):
            v = getattr(self, name)
            if not _integer(v) or v < 1:
                out.append(f"semantic_text.{name} must be an integer ≥ 1, not {v!r}")
        return out


@dataclass(frozen=True)
class SiteParams:
    """Settings of site runs: web pages in, sites as actors (``docs/sites.md``).

    extract: how a page's article body is taken out of its boilerplate:
        ``"auto"`` (``fast`` when resiliparse is installed, else ``precise``),
        ``"fast"`` (resiliparse), ``"precise"`` (trafilatura), ``"raw"`` (no removal:
        only to show what removal is worth).
    workers: processes extracting pages (None: one per CPU; 1: in the main process).
    copy_jaccard, copy_containment: two bodies are copies when their shingles'
        Jaccard similarity or containment reaches its threshold.
    copy_min_shared, copy_partial_containment: … or when they share at least
        ``copy_min_shared`` 3-grams that are at least ``copy_partial_containment``
        of the shorter body (a partial copy: start and end rewritten, the middle kept).
    copy_min_words: bodies with fewer words are not articles (menus, stubs).
    copy_bands, copy_rows: MinHash-LSH banding of the copy search.
    tracker_min_wide, tracker_min_coherence: an id on at least ``tracker_min_wide``
        sites is not evidence when fewer than ``tracker_min_coherence`` of its site
        pairs also share a copied article (a host's or a theme's container).
    copy_site_share: a group whose sites' median share of pages that are copies
        reaches this "does little but copy" (one sign of an operation).

    >>> SiteParams().extract, SiteParams(workers=1).workers
    ('auto', 1)
    """

    extract: Literal["auto", "fast", "precise", "raw"] = "auto"
    workers: int | None = None
    copy_jaccard: float = 0.5
    copy_containment: float = 0.8
    copy_min_shared: int = 100
    copy_partial_containment: float = 0.3
    copy_min_words: int = 50
    copy_bands: int = 40
    copy_rows: int = 3
    tracker_min_wide: int = 10
    tracker_min_coherence: float = 0.25
    copy_site_share: float = 0.8

    def problems(self) -> list[str]:
        """What is wrong with these settings (empty when valid)."""
        out = []
        if self.extract not in ("auto", "fast", "precise", "raw"):
            out.append(f"sites.extract must be 'auto', 'fast', 'precise' or 'raw', not {self.extract!r}")
        if self.workers is not None and (not _integer(self.workers) or self.workers < 1):
            out.append(f"sites.workers must be an integer ≥ 1 (or none: one per CPU), not {self.workers!r}")
        for name in ("copy_jaccard", "copy_containment", "copy_partial_containment", "tracker_min_coherence", "copy_site_share"):
            v = getattr(self, name)
            if not _number(v) or not 0 <= v <= 1:
                out.append(f"sites.{name} must be a number in [0, 1], not {v!r}")
        for name in ("copy_min_words", "copy_min_shared", "copy_bands", "copy_rows", "tracker_min_wide"):
            v = getattr(self, name)
            if not _integer(v) or v < 1:
                out.append(f"sites.{name} must be an integer ≥ 1, not {v!r}")
        return out


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _integer(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


@dataclass(frozen=True)
class DetectConfig:
    """Every setting of a detection run, with defaults (stored as given).

    window: ``"ladder"`` (default) tests every window of ``windows``, each
        against its own null, and reports per link the window where it is most
        significant; a number fixes one window: seconds within which two
        accounts' actions on one object count as a co-action (inclusive:
        |Δt| ≤ window); ``"auto"`` estimates one from the data as CooRnet does
        (see :mod:`inconcert.window`). The windows used are in the run's result
        (``summary.json``: ``windows``, ``window_used``).
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
    keep_insignificant: group links even when the null model finds them not significant.
    pooled: attach accounts to groups on pooled evidence (links each too weak,
        together beyond chance; :mod:`inconcert.scoring.pooled`).
    pooled_rounds: at most this many rounds of pooled attachment.
    null_rounds: the null model is fitted again without the accounts each round
        found coordinated, at most this many times (1: one fit over everyone).
    null_popular_sharers: objects with more sharers than this are "popular" in
        the null model (:mod:`inconcert.scoring.nullmodel`).
    null_blocks: in the refit, objects that belong to a community of the
        uncoordinated accounts get a BiCM of their own (:mod:`inconcert.scoring.blocks`).
    coortweet_compatible: reproduce CooRTweet 2.1.3 ``detect_groups`` share pairs exactly.
    fast_share_fraction: a share pair is flagged ``fast`` in the evidence when its
        Δt is at most this fraction of the window (with the ladder: of its narrowest window) (CooRTweet's ``flag_speed_share``).
    seed: randomness (Leiden, MinHash, HNSW) is seeded by this.
    near_text: settings of the ``near_text`` behaviour
        (:class:`~inconcert.textsim.minhash.NearTextParams`; its ``min_tokens``
        and ``seed`` come from ``min_text_tokens`` and ``seed``).
    semantic_text: settings of the ``semantic_text`` behaviour (:class:`SemanticTextParams`).
    sites: settings of site runs (web pages in: :class:`SiteParams`).
    windows: the ladder of windows (seconds) tested when ``window`` is ``"ladder"``;
        windows below the input's clock resolution are skipped.
    max_partners: at a window where a share of an object has on average more
        than this many other shares within it, the object counts only up to the
        widest window where it has not (docs/null-model.md, "Cost").
    near_text_max_texts: ``near_text`` replaces ``text`` among the default
        behaviours when the input has at most this many text posts (0: never).
    expected_cv: the null model's expectations are estimates; at windows of
        ``expected_cv_from`` seconds and more their multiplicative uncertainty
        (coefficient of variation) widens the test's tail (negative binomial of
        size 1/cv²; 0 = Poisson everywhere).
    expected_cv_from: see ``expected_cv``.
    """

    window: float | Literal["auto", "ladder"] = "ladder"
    behaviours: list[str] | None = None
    min_participation: int = 2
    min_weight: int = 2
    weight_percentile: float | None = None
    communities: Literal["leiden", "components"] = "leiden"
    resolution: float = 0.05
    min_group_size: int = 2
    min_text_tokens: int = 4
    fdr: float = 0.01
    keep_insignificant: bool = False
    pooled: bool = True
    pooled_rounds: int = POOLED_ROUNDS
    null_rounds: int = NULL_ROUNDS
    null_popular_sharers: int = POPULAR_SHARERS
    null_blocks: bool = True
    coortweet_compatible: bool = False
    fast_share_fraction: float = 0.1
    seed: int = 42
    near_text: NearTextParams = field(default_factory=NearTextParams)
    semantic_text: SemanticTextParams = field(default_factory=SemanticTextParams)
    sites: SiteParams = field(default_factory=SiteParams)
    windows: list[float] = field(default_factory=lambda: list(DEFAULT_WINDOWS))
    max_partners: float = MAX_PARTNERS
    near_text_max_texts: int = NEAR_TEXT_MAX_TEXTS
    expected_cv: float = EXPECTED_CV
    expected_cv_from: float = EXPECTED_CV_FROM

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ConfigError("; ".join(problems))

    def problems(self) -> list[str]:
        """Every problem with these settings at once (empty when valid)."""
        p: list[str] = []
        w = self.window
        if w not in ("auto", "ladder") and not _number(w):
            p.append(f"window must be a number of seconds, 'ladder' or 'auto', not {w!r}")
        elif w not in ("auto", "ladder") and w < 0:  # type: ignore[operator]
            p.append("window must be ≥ 0 seconds")
        if not isinstance(self.windows, (list, tuple)) or not self.windows or not all(
            _number(x) and x > 0 for x in self.windows
        ):
            p.append(f"windows must be a non-empty list of seconds > 0, not {self.windows!r}")
        for name in ("max_partners", "expected_cv_from"):
            if not _number(getattr(self, name)) or getattr(self, name) <= 0:
                p.append(f"{name} must be a number > 0, not {getattr(self, name)!r}")
        if not _number(self.expected_cv) or self.expected_cv < 0:
            p.append(f"expected_cv must be a number ≥ 0, not {self.expected_cv!r}")
        if not _integer(self.near_text_max_texts) or self.near_text_max_texts < 0:
            p.append(f"near_text_max_texts must be an integer ≥ 0, not {self.near_text_max_texts!r}")
        if self.behaviours is not None and (
            isinstance(self.behaviours, str) or not all(isinstance(b, str) for b in self.behaviours)
        ):
            p.append(f"behaviours must be a list of names, not {self.behaviours!r}")
        for name in ("min_participation", "min_weight", "pooled_rounds", "null_rounds", "null_popular_sharers"):
            v = getattr(self, name)
            if not _integer(v) or v < 1:
                p.append(f"{name} must be an integer ≥ 1, not {v!r}")
        if not _integer(self.min_group_size) or self.min_group_size < 2:
            p.append(f"min_group_size must be an integer ≥ 2, not {self.min_group_size!r}")
        if not _integer(self.min_text_tokens) or self.min_text_tokens < 0:
            p.append(f"min_text_tokens must be an integer ≥ 0, not {self.min_text_tokens!r}")
        if not _integer(self.seed):
            p.append(f"seed must be an integer, not {self.seed!r}")
        if self.weight_percentile is not None and not (
            _number(self.weight_percentile) and 0 <= self.weight_percentile <= 100
        ):
            p.append("weight_percentile must be between 0 and 100")
        if not _number(self.fast_share_fraction) or not 0 <= self.fast_share_fraction <= 1:
            p.append(f"fast_share_fraction must be between 0 and 1, not {self.fast_share_fraction!r}")
        if self.communities not in ("leiden", "components"):
            p.append("communities must be 'leiden' or 'components'")
        if not _number(self.resolution) or self.resolution < 0:
            p.append(f"resolution must be a number ≥ 0, not {self.resolution!r}")
        if not _number(self.fdr) or not 0 < self.fdr < 1:
            p.append("fdr must be between 0 and 1 (e.g. 0.01)")
        for name in ("keep_insignificant", "pooled", "coortweet_compatible", "null_blocks"):
            if not isinstance(getattr(self, name), bool):
                p.append(f"{name} must be true or false, not {getattr(self, name)!r}")
        if not isinstance(self.near_text, NearTextParams):
            p.append("near_text must be a NearTextParams")
        else:
            default = NearTextParams()
            for nested, top in _NEAR_TEXT_FROM_TOP.items():
                if getattr(self.near_text, nested) != getattr(default, nested):
                    p.append(f"near_text.{nested} comes from '{top}': set that instead")
        if not isinstance(self.semantic_text, SemanticTextParams):
            p.append("semantic_text must be a SemanticTextParams")
        else:
            p.extend(self.semantic_text.problems())
        if not isinstance(self.sites, SiteParams):
            p.append("sites must be a SiteParams")
        else:
            p.extend(self.sites.problems())
        return p

    def fast_within_s(self, windows: list[float] | tuple[float, ...]) -> float:
        """Seconds within which a share pair is ``fast``: ``fast_share_fraction`` of the
        narrowest window tested.

        >>> DetectConfig().fast_within_s([10.0, 60.0])
        1.0
        """
        return self.fast_share_fraction * min(windows)

    def ladder(self) -> list[float]:
        """The windows this run tests, before the clock's resolution is applied:
        ``windows`` sorted for ``"ladder"``, else the one window.

        >>> DetectConfig().ladder()[:2], DetectConfig(window=30).ladder()
        ([10.0, 60.0], [30.0])
        """
        if self.window == "ladder":
            return sorted({float(x) for x in self.windows})
        return [self.window_seconds()]

    def window_seconds(self) -> float:
        """The window as given, in seconds; a :class:`ConfigError` for ``"auto"``
        (the run estimates it: see :func:`inconcert.window.estimate_window`).

        >>> DetectConfig(window=30).window_seconds()
        30.0
        """
        if self.window == "auto":
            raise ConfigError("window is 'auto': it is estimated from the traces of a run")
        if self.window == "ladder":
            raise ConfigError("window is 'ladder': every window of 'windows' is tested")
        return float(self.window)

    def near_text_params(self) -> NearTextParams:
        """The near-text parameters a run uses (with ``min_tokens`` and ``seed``
        from ``min_text_tokens`` and ``seed``).

        >>> DetectConfig(min_text_tokens=6).near_text_params().min_tokens
        6
        """
        kw = {k: getattr(self, top) for k, top in _NEAR_TEXT_FROM_TOP.items()}
        return NearTextParams(**{**asdict(self.near_text), **kw})

    # -- round trips -------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Every setting as plain values (nested settings as dicts).

        >>> DetectConfig.from_dict(DetectConfig(window="auto").to_dict()).window
        'auto'
        """
        out = asdict(self)
        for k in _NEAR_TEXT_FROM_TOP:
            out["near_text"].pop(k)
        return out

    @classmethod
    def from_dict(cls, settings: dict[str, Any]) -> DetectConfig:
        """Settings from a dict such as :meth:`to_dict` gives (missing ones: defaults).

        Unknown names, at the top level or nested, and invalid values are all
        reported at once in one :class:`ConfigError`.

        >>> DetectConfig.from_dict({"min_wieght": 3})
        Traceback (most recent call last):
        ...
        inconcert.errors.ConfigError: unknown setting 'min_wieght' (did you mean 'min_weight'?)
        """
        if not isinstance(settings, dict):
            raise ConfigError(f"settings must be a table of name = value, not {type(settings).__name__}")
        problems = _unknown(settings, [f.name for f in fields(cls)], "")
        kw = {k: v for k, v in settings.items() if k in {f.name for f in fields(cls)}}
        nested_types: dict[str, type] = {"near_text": NearTextParams, "semantic_text": SemanticTextParams,
                                         "sites": SiteParams}
        for name, typ in nested_types.items():
            if name not in kw:
                continue
            sub = kw[name]
            if not isinstance(sub, dict):
                problems.append(f"{name} must be a table of settings, not {sub!r}")
                kw.pop(name)
                continue
            top = _NEAR_TEXT_FROM_TOP if name == "near_text" else {}
            valid = [f.name for f in fields(typ) if f.name not in top]
            problems += _unknown({k: v for k, v in sub.items() if k not in top}, valid, f"{name}.")
            problems += [f"{name}.{k} comes from '{t}': set that instead" for k, t in top.items() if k in sub]
            try:
                kw[name] = typ(**{k: v for k, v in sub.items() if k in valid})
            except (ConfigError, TypeError) as e:
                problems.append(str(e))
                kw.pop(name)
        if isinstance(kw.get("behaviours"), tuple):
            kw["behaviours"] = list(kw["behaviours"])
        problems += _unchecked(cls, kw).problems()
        if problems:
            raise ConfigError("; ".join(problems))
        return cls(**kw)

    def to_toml(self) -> str:
        """The settings as a TOML document (``None`` settings are left out).

        >>> print(DetectConfig().to_toml().splitlines()[0])
        window = "ladder"
        """
        top, tables = [], []
        for k, v in self.to_dict().items():
            if isinstance(v, dict):
                tables.append(f"\n[{k}]\n" + "".join(
                    f"{kk} = {_toml_value(vv)}\n" for kk, vv in v.items() if vv is not None))
            elif v is not None:
                top.append(f"{k} = {_toml_value(v)}\n")
        return "".join(top) + "".join(tables)

    @classmethod
    def from_file(cls, path: str | Path) -> DetectConfig:
        """Settings from a ``.toml`` file, or a ``.json`` file: a dict of settings
        or a ``summary.json`` (its ``parameters``)."""
        data = read_settings_file(path)
        if isinstance(data, dict) and isinstance(data.get("parameters"), dict):
            data = data["parameters"]
        return cls.from_dict(data)

    @classmethod
    def from_toml(cls, path: str | Path) -> DetectConfig:
        """Settings from a TOML file (keys as in :meth:`to_dict`)."""
        return cls.from_dict(read_settings_file(path, "toml"))


def read_settings_file(path: str | Path, kind: Literal["toml", "json"] | None = None) -> Any:
    """The parsed content of a TOML or JSON file (``kind`` None: by its suffix),
    or a one-line :class:`ConfigError` saying why it cannot be read."""
    p = Path(path)
    kind = kind or ("json" if p.suffix.lower() == ".json" else "toml")
    try:
        text = p.read_text(encoding="utf-8")
        return json.loads(text) if kind == "json" else tomllib.loads(text)
    except OSError as e:
        raise ConfigError(f"{p}: cannot read the settings file: {e.strerror or e}") from None
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{p}: not a valid {kind.upper()} settings file: {e}") from None


def _unchecked(cls: type[DetectConfig], kw: dict[str, Any]) -> DetectConfig:
    """A config with ``kw`` (defaults elsewhere) that skips validation, to collect its problems."""
    inst = object.__new__(cls)
    for f in fields(cls):
        if f.name in kw:
            v = kw[f.name]
        elif f.default_factory is not MISSING:  # type: ignore[misc]
            v = f.default_factory()  # type: ignore[misc]
        else:
            v = f.default
        object.__setattr__(inst, f.name, v)
    return inst


def _unknown(settings: dict[str, Any], valid: list[str], prefix: str) -> list[str]:
    out = []
    for k in settings:
        if k in valid:
            continue
        close = difflib.get_close_matches(str(k), valid, n=1, cutoff=0.6)
        hint = f" (did you mean '{prefix}{close[0]}'?)" if close else f"; valid: {', '.join(valid)}"
        out.append(f"unknown setting '{prefix}{k}'{hint}")
    return out


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else ("nan" if v != v else ("inf" if v > 0 else "-inf"))
    if isinstance(v, (int, str)):
        return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise ConfigError(f"cannot write {v!r} to TOML")
