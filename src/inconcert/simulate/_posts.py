"""Column builders shared by the held-out worlds of :mod:`inconcert.simulate.hard_cases`.

:class:`PostLog` collects posts in numpy chunks (one call per burst, not per
post), gives every post its id when it is added (so retweets can point at
it) and turns the lot into the generic ``posts.csv`` columns, sorted by time.

>>> import numpy as np
>>> log = PostLog("x")
>>> ids = log.add(["a", "b"], [5.0, 1.0], text="hi", urls="https://e.org/1")
>>> t = log.table(span=10.0)
>>> t.column("post_id").to_pylist(), t.column("account_id").to_pylist()
(['x1', 'x0'], ['b', 'a'])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from inconcert.simulate.base import START

__all__ = ["PostLog", "POST_COLUMNS", "labels_table", "LABEL_COLUMNS", "Vocabulary"]

#: Columns of ``posts.csv`` written by the held-out worlds (``domain`` only when asked for).
POST_COLUMNS = ("post_id", "account_id", "created_at", "text", "urls", "repost_of", "hashtags")
#: Columns of ``labels.csv``: role (``label``), network id (``group``) and how it acts (``tactic``).
LABEL_COLUMNS = ("account_id", "label", "group", "tactic")
_FIELDS = ("acc", "ts", "text", "urls", "repost_of", "hashtags", "domain", "event")


def _col(x: object, n: int) -> np.ndarray:
    if isinstance(x, str):
        return np.full(n, x, dtype=object)
    a = np.asarray(x, dtype=object)
    if a.ndim == 0:
        return np.full(n, a.item(), dtype=object)
    return a


class PostLog:
    """Posts being built, in chunks; ids are ``prefix`` + running number."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.n = 0
        self.chunks: dict[str, list[np.ndarray]] = {f: [] for f in _FIELDS}

    def add(
        self,
        acc: object,
        ts: object,
        text: object = "",
        urls: object = "",
        repost_of: object = "",
        hashtags: object = "",
        domain: object = "",
        event: object = "",
    ) -> np.ndarray:
        """Append posts (scalars broadcast); return their post ids. ``event`` is the
        truth (which planted event or organic meme/trend a post belongs to)."""
        t = np.atleast_1d(np.asarray(ts, dtype=np.float64))
        n = len(t)
        self.chunks["ts"].append(t)
        for name, val in (
            ("acc", acc),
            ("text", text),
            ("urls", urls),
            ("repost_of", repost_of),
            ("hashtags", hashtags),
            ("domain", domain),
            ("event", event),
        ):
            col = _col(val, n)
            if len(col) != n:
                raise ValueError(f"{name}: {len(col)} values for {n} posts")
            self.chunks[name].append(col)
        ids = np.array([f"{self.prefix}{i}" for i in range(self.n, self.n + n)], dtype=object)
        self.n += n
        return ids

    def column(self, name: str) -> np.ndarray:
        """One column of everything added so far (``ts`` as float seconds)."""
        parts = self.chunks[name]
        if not parts:
            return np.zeros(0, dtype=np.float64 if name == "ts" else object)
        return np.concatenate(parts)

    def table(
        self, span: float, start: int = START, with_domain: bool = False, with_event: bool = False
    ) -> pa.Table:
        """The generic posts table: posts outside ``[0, span]`` dropped (not
        clipped: clipping would pile them on one second), sorted by time then
        insertion, times floored to the second; ``domain`` and the ``event``
        truth columns on request."""
        ts = self.column("ts")
        keep = np.flatnonzero((ts >= 0.0) & (ts <= span))
        order = keep[np.lexsort((keep, ts[keep]))]
        ids = np.array([f"{self.prefix}{i}" for i in order], dtype=object)
        us = ((start + np.floor(ts[order])) * 1_000_000).astype("int64")
        cols: dict[str, pa.Array] = {
            "post_id": pa.array(ids, pa.string()),
            "account_id": pa.array(self.column("acc")[order], pa.string()),
            "created_at": pa.array(us, pa.timestamp("us", tz="UTC")),
        }
        extra = (("domain",) if with_domain else ()) + (("event",) if with_event else ())
        for name in ("text", "urls", "repost_of", "hashtags") + extra:
            cols[name] = pa.array(self.column(name)[order], pa.string())
        return pa.table(cols)


def labels_table(rows: Sequence[tuple[str, str, int, str]]) -> pa.Table:
    """``labels.csv`` from ``(account_id, label, group, tactic)`` rows."""
    return pa.table(
        {
            "account_id": pa.array([r[0] for r in rows], pa.string()),
            "label": pa.array([r[1] for r in rows], pa.string()),
            "group": pa.array([r[2] for r in rows], pa.int64()),
            "tactic": pa.array([r[3] for r in rows], pa.string()),
        }
    )


_SYLL = "ka lo mi ne ru ta si po de ba fu ri zo ve la mo ni pe gu sa to ke di ha".split()


class Vocabulary:
    """Pseudo-words with Zipf frequencies, for texts nobody else writes."""

    def __init__(self, rng: np.random.Generator, size: int = 5000) -> None:
        syll = np.array(_SYLL, dtype=object)
        words: set[str] = set()
        while len(words) < size:
            idx = rng.integers(0, len(syll), size=(2 * size, 4))
            lens = rng.integers(2, 5, size=2 * size)
            for row, k in zip(idx.tolist(), lens.tolist(), strict=True):
                words.add("".join(syll[row[:k]]))
        self.words = np.array(sorted(words)[:size], dtype=object)
        p = 1.0 / np.arange(1, size + 1) ** 0.9
        self.p = p / p.sum()
        self.cdf = np.cumsum(self.p)
        self.cdf[-1] = 1.0

    def texts(self, rng: np.random.Generator, n: int, lo: int = 6, hi: int = 20) -> np.ndarray:
        """``n`` texts of ``lo``–``hi`` words."""
        lens = rng.integers(lo, hi + 1, size=n)
        toks = self.words[np.searchsorted(self.cdf, rng.random(int(lens.sum())), side="right")]
        out = np.empty(n, dtype=object)
        pos = 0
        for i, k in enumerate(lens.tolist()):
            out[i] = " ".join(toks[pos : pos + k])
            pos += k
        return out

    def edit(self, rng: np.random.Generator, text: str, n_words: int) -> str:
        """``text`` with ``n_words`` words replaced by other words (never the same one)."""
        w = text.split()
        for i in rng.choice(len(w), size=min(n_words, len(w)), replace=False).tolist():
            new = w[i]
            while new == w[i]:
                new = str(self.words[int(rng.integers(len(self.words)))])
            w[i] = new
        return " ".join(w)
