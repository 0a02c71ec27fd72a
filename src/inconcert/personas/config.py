"""Settings of a personas run: :class:`PersonaConfig`.

Every knob is a typed, documented field with a default; validation collects
all problems and raises one :class:`~inconcert.errors.ConfigError`.

>>> PersonaConfig().top_k
10
>>> PersonaConfig(min_texts=0, top_k=0)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
inconcert.errors.ConfigError: min_texts must be ≥ 1; top_k must be ≥ 1
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from inconcert.errors import ConfigError

__all__ = ["PersonaConfig"]


@dataclass
class PersonaConfig:
    """Every knob of a personas run, with defaults.

    unit: whose hand a profile is: ``account`` (the input's account column), ``byline``
        (pages only: the page's byline, across sites; pages without one are left out),
        ``auto`` = ``byline`` when the input is pages (site readers), else ``account``.
    min_text_tokens: a text counts only with at least this many words after the
        text behaviours' normalisation (as ``DetectConfig.min_text_tokens``).
    min_texts, min_words: the text-amount floor; an account below either gets no
        same-hand score and no hands test (it is listed with the reason).
    mask_topic: replace URLs, @mentions and #hashtags by placeholders before the
        style profile (they carry topic, not hand); the placeholder keeps the habit
        (where a link goes, how a hashtag is cased), not the word.
    ngram_min, ngram_max: character n-gram lengths of the style profile (case kept).
    min_df: an n-gram must occur in this many accounts to be a feature.
    max_features: keep at most this many n-grams, the most widespread first
        (feature selection by document frequency: frequent features are style).
    char_weight, habit_weight, word_weight: weights of the three style views in the score.
    function_words: the word view's words: the input's this many most frequent tokens
        (function words and punctuation; :mod:`inconcert.personas.words`); 0 = no word view.
    habit_weighting: how the habits count in Burrows' Delta: ``learned`` = each habit
        weighted by how well it keeps within an account (its two time halves) and
        differs between accounts, learned from the input itself (no labels; see
        :func:`~inconcert.personas.habits.habit_weights`); ``equal`` = every habit alike.
    hubness_k: neighbours used for the hubness correction (CSLS) of the char view.
    top_k: candidates kept per account in ``same_hand.csv``.
    neighbours: ``exact`` compares all pairs; ``hnsw`` uses approximate nearest
        neighbours on an SVD-reduced profile; ``auto`` = exact up to ``exact_limit``.
    exact_limit: largest number of scored accounts compared exactly under ``auto``.
    svd_dims: dimensions of the reduced profile for ``hnsw``.
    fit_sample: accounts (drawn with ``seed``) on which features and idf are fitted.
    svd_sample: this many accounts of the fit sample (drawn with ``seed``) fit the SVD
        (its cost grows with the text behind it; 128 directions need a few thousand accounts).
    background_pairs: random pairs of different accounts that calibrate p-values.
    chunk_words: words per chunk in the several-hands test.
    min_chunk_words: a short account's chunks are shortened down to this many words so
        that it still has ``2 × min_chunks`` chunks (``chunk_words`` = no shortening).
    hands_weights: weights of the char, habit and word views in the hands test's
        before/after score (the same-hand score of two segments of one account); the
        char view counts less than in ``score`` because it follows one hand's topics
        over time more than the habits and frequent words do (see docs/personas.md).
    hands_reference: what the before/after score of the hands test is compared with:
        ``input`` = the input's other tested accounts only; ``interleaved`` = also the
        account's own even against odd chunks (same times, same text amount): the
        dispersion becomes (interleaved score − before/after score). See docs/personas.md.
    segment_profiles: how the hands test profiles the texts before and after a split:
        ``texts`` = from the segment's own n-gram counts (as an account is profiled);
        ``chunk_mean`` = the mean of its chunks' reduced profiles, about 3× less
        projection work (each account's text is covered once, not ten times), a little
        less sensitive on the IRA protocol (see docs/personas.md).
    min_chunks: an account needs this many chunks for the hands test.
    max_hands: largest number of hands the clustering may report.
    alpha: p-value below which an account is said to show several hands.
    evidence_pairs: best pairs that get n-gram evidence and passages side by side.
    seed: every random draw (sample, background, SVD, index) is seeded by this.
    workers: processes for vectorising (None = every core).
    """

    unit: Literal["auto", "account", "byline"] = "auto"
    min_text_tokens: int = 4
    min_texts: int = 20
    min_words: int = 200
    mask_topic: bool = True
    ngram_min: int = 1
    ngram_max: int = 4
    min_df: int = 2
    max_features: int = 100_000
    char_weight: float = 2.0
    habit_weight: float = 1.0
    habit_weighting: Literal["learned", "equal"] = "learned"
    word_weight: float = 1.0
    function_words: int = 100
    hubness_k: int = 3
    top_k: int = 10
    neighbours: Literal["auto", "exact", "hnsw"] = "auto"
    exact_limit: int = 5_000
    svd_dims: int = 128
    fit_sample: int = 20_000
    svd_sample: int = 4_000
    background_pairs: int = 20_000
    chunk_words: int = 150
    min_chunk_words: int = 50
    segment_profiles: Literal["texts", "chunk_mean"] = "texts"
    hands_reference: Literal["input", "interleaved"] = "input"
    hands_weights: tuple[float, float, float] = (0.5, 1.0, 1.0)
    min_chunks: int = 4
    max_hands: int = 4
    alpha: float = 0.01
    evidence_pairs: int = 200
    seed: int = 42
    workers: int | None = None

    def __post_init__(self) -> None:
        p = []
        for name in (
            "min_text_tokens",
            "min_texts",
            "ngram_min",
            "min_df",
            "top_k",
            "hubness_k",
            "exact_limit",
            "svd_dims",
            "fit_sample",
            "svd_sample",
            "background_pairs",
            "chunk_words",
            "min_chunk_words",
        ):
            if int(getattr(self, name)) < 1:
                p.append(f"{name} must be ≥ 1")
        if self.min_words < 0:
            p.append("min_words must be ≥ 0")
        if self.ngram_max < self.ngram_min:
            p.append("ngram_max must be ≥ ngram_min")
        if self.max_features < 10:
            p.append("max_features must be ≥ 10")
        if (
            self.char_weight < 0
            or self.habit_weight < 0
            or self.char_weight + self.habit_weight <= 0
        ):
            p.append("char_weight and habit_weight must be ≥ 0 and not both 0")
        if self.unit not in ("auto", "account", "byline"):
            p.append("unit must be 'auto', 'account' or 'byline'")
        if self.neighbours not in ("auto", "exact", "hnsw"):
            p.append("neighbours must be 'auto', 'exact' or 'hnsw'")
        if self.word_weight < 0:
            p.append("word_weight must be ≥ 0")
        if self.function_words < 0:
            p.append("function_words must be ≥ 0 (0 = no word view)")
        if self.habit_weighting not in ("learned", "equal"):
            p.append("habit_weighting must be 'learned' or 'equal'")
        if (
            len(self.hands_weights) != 3
            or min(self.hands_weights) < 0
            or sum(self.hands_weights) <= 0
        ):
            p.append("hands_weights must be three weights ≥ 0 (char, habits, words), not all 0")
        if self.hands_reference not in ("input", "interleaved"):
            p.append("hands_reference must be 'input' or 'interleaved'")
        if self.segment_profiles not in ("texts", "chunk_mean"):
            p.append("segment_profiles must be 'texts' or 'chunk_mean'")
        if self.min_chunks < 3:
            p.append("min_chunks must be ≥ 3 (two hands need at least three chunks to tell)")
        if self.max_hands < 2:
            p.append("max_hands must be ≥ 2")
        if not 0 < self.alpha < 1:
            p.append("alpha must be between 0 and 1 (e.g. 0.01)")
        if self.evidence_pairs < 0:
            p.append("evidence_pairs must be ≥ 0")
        if self.workers is not None and self.workers < 1:
            p.append("workers must be ≥ 1 (or None for every core)")
        if p:
            raise ConfigError("; ".join(p))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
