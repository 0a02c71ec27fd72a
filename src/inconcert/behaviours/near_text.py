"""``near_text``: near-duplicate texts (copy-paste with small edits) are one object.

Each distinct normalised text (of posts that are not reposts) is shingled, and
near-duplicates are found by MinHash + LSH banding, verified by their exact
Jaccard similarity (≥ ``threshold``) and clustered (connected components); see
:mod:`inconcert.textsim.minhash`. Every post whose text falls in a cluster of
two or more posts leaves a trace whose object is the cluster, named by its
representative text (the cluster's most posted text; ties: the earliest). The
windowed co-action detection then runs as for every other behaviour.

Texts with fewer than ``config.min_text_tokens`` tokens (characters for
CJK/Thai) are excluded: short phrases ("thank you so much") are near-identical
by chance, and a one-word edit of a four-word text is already a 50 % change.

The behaviour is **opt-in** (``behaviours=[..., "near_text"]``): it costs
about as much as the rest of a detection run put together (see
``docs/near_text.md``). It subsumes ``text`` (an exact copy is a near-duplicate
with similarity 1), so use one or the other; with both, an exact copy counts
as two co-actions.

Tables created by :meth:`NearTextBehaviour.prepare`:

- ``ic_text_norm(seq, norm)``: normalised text per post;
- ``ic_near_text(seq BIGINT, cluster VARCHAR, similarity DOUBLE)``: the posts
  in clusters, with the exact Jaccard similarity of each post's text to its
  cluster's representative text.

Settings: ``config.near_text`` (:class:`~inconcert.textsim.minhash.NearTextParams`:
``threshold`` 0.5, ``shingle`` 2, ``bands`` 20, ``rows`` 3, ``max_bucket`` 100),
with ``min_text_tokens`` and ``seed`` from the top level of the config.

Once the share pairs exist, :meth:`NearTextBehaviour.after_pairs` makes
``ic_near_text_pairs(seq_a, seq_b, similarity)`` (the behaviour's
``pair_similarity`` table), which the evidence output joins.

>>> from inconcert.behaviours import BEHAVIOURS
>>> BEHAVIOURS["near_text"].opt_in
True
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from inconcert.behaviours.base import Behaviour
from inconcert.behaviours.text import normalized_texts
from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.sql.dialect import Dialect
from inconcert.textsim.minhash import (
    NearTextParams,
    copy_similarity,
    near_duplicate_clusters,
    shingle,
)

__all__ = ["NearTextBehaviour", "near_text_params", "cluster_texts", "add_pair_similarity"]

#: The table of share-pair similarities :func:`add_pair_similarity` makes.
PAIR_SIMILARITY = "ic_near_text_pairs"


def near_text_params(config: DetectConfig | None) -> NearTextParams:
    """The :class:`NearTextParams` a run with ``config`` uses (defaults for None).

    >>> near_text_params(DetectConfig(near_text=NearTextParams(threshold=0.7))).threshold
    0.7
    """
    return NearTextParams() if config is None else config.near_text_params()


def cluster_texts(
    texts: pa.Array, counts: np.ndarray, params: NearTextParams
) -> tuple[pa.Table, dict]:
    """Cluster distinct normalised ``texts`` (posted ``counts[i]`` times each).

    Returns a table ``norm, cluster, similarity`` for the texts in clusters of
    ≥ 2 posts (``cluster`` = the representative text) and statistics.

    >>> t, s = cluster_texts(pa.array(["a b c d e f", "a b c d e f g", "q r s t u v"]),
    ...                      np.array([1, 3, 1]), NearTextParams())
    >>> t.to_pylist()[0]
    {'norm': 'a b c d e f', 'cluster': 'a b c d e f g', 'similarity': 0.833333}
    """
    res = near_duplicate_clusters(texts, params)
    lab = res.labels
    counts = np.asarray(counts, dtype=np.int64)
    valid = lab >= 0
    posts = np.bincount(lab[valid], weights=counts[valid], minlength=len(lab))
    keep = np.flatnonzero(valid & (posts[np.maximum(lab, 0)] >= 2))
    # representative: most posted member, ties -> smallest index (earliest text)
    order = np.lexsort((keep, -counts[keep], lab[keep]))
    kl = lab[keep][order]
    first = np.concatenate(([True], kl[1:] != kl[:-1])) if len(kl) else np.zeros(0, bool)
    rep_of = np.full(len(lab), -1, dtype=np.int64)
    rep_of[kl[first]] = keep[order][first]
    rep = rep_of[lab[keep]]
    sim, _ = copy_similarity(texts, res.shingles, keep, rep, params)
    sim[keep == rep] = 1.0
    table = pa.table(
        {
            "norm": texts.take(pa.array(keep)),
            "cluster": texts.take(pa.array(rep)),
            "similarity": pa.array(np.round(sim, 6)),
        }
    )
    stats = dict(res.stats)
    stats["texts_in_clusters"] = int(len(keep))
    stats["clusters"] = int(first.sum())
    stats["clusters_with_variants"] = (
        int((np.bincount(kl, minlength=len(lab))[kl[first]] >= 2).sum()) if len(kl) else 0
    )
    return table, stats


class NearTextBehaviour(Behaviour):
    name = "near_text"
    description = "near-duplicate text (MinHash/LSH, exact Jaccard of shingles ≥ threshold)"
    columns = ("text",)
    scratch = ("ic_text_map",)
    keeps = ("ic_text_norm",)  # exact similarity of the evidence pairs
    pair_similarity = PAIR_SIMILARITY
    opt_in = True

    def prepare(self, engine: Engine, config: DetectConfig) -> dict:
        params = near_text_params(config)
        normalized_texts(engine)
        texts = engine.to_arrow(
            "SELECT norm, count(*) AS n, min(seq) AS first_seq FROM ic_text_norm "
            "WHERE norm IS NOT NULL AND norm <> '' GROUP BY norm ORDER BY first_seq"
        )
        table, stats = cluster_texts(
            texts.column("norm").combine_chunks(),
            texts.column("n").to_numpy(),
            params,
        )
        engine.register_arrow("ic_nt_map", table)
        engine.create_table(
            "ic_near_text",
            "SELECT n.seq, m.cluster, m.similarity FROM ic_text_norm n "
            "JOIN ic_nt_map m ON n.norm = m.norm",
        )
        engine.drop("ic_nt_map")
        stats["params"] = {
            "threshold": params.threshold,
            "shingle": params.shingle,
            "bands": params.bands,
            "rows": params.rows,
            "min_tokens": params.min_tokens,
        }
        return stats

    def after_pairs(self, engine: Engine, config: DetectConfig, pairs: str = "pairs") -> None:
        """Measure each near_text share pair's exact text similarity (:func:`add_pair_similarity`)."""
        add_pair_similarity(engine, config, pairs)

    def traces_sql(self, d: Dialect, config: DetectConfig) -> str:
        return f"""SELECT a.account_id, n.cluster AS object, {d.epoch_us("a.ts")} AS t, a.post_id, a.seq
            FROM ic_near_text n JOIN actions a ON a.seq = n.seq"""


def add_pair_similarity(
    engine: Engine, config: DetectConfig | None = None, pairs: str = "pairs"
) -> None:
    """Create ``ic_near_text_pairs(seq_a, seq_b, similarity)`` for the near_text share pairs
    of table ``pairs``.

    ``similarity`` is the exact Jaccard similarity of the two posts' shingle
    sets, or of their word sets for an edited copy
    (:func:`~inconcert.textsim.minhash.copy_similarity`; 1.0 for identical
    normalised texts). Run after the ``pairs`` table
    exists; join it on ``(seq_a, seq_b)`` when writing the evidence.
    """
    params = near_text_params(config)
    t = engine.to_arrow(
        f"""SELECT DISTINCT na.norm AS norm_a, nb.norm AS norm_b
            FROM {pairs} p JOIN ic_text_norm na ON na.seq = p.seq_a
            JOIN ic_text_norm nb ON nb.seq = p.seq_b
            WHERE p.behaviour = 'near_text' AND na.norm <> nb.norm"""
    )
    na = t.column("norm_a").combine_chunks()
    nb = t.column("norm_b").combine_chunks()
    both = pa.concat_arrays([na, nb]) if len(na) else pa.array([], pa.string())
    sh = shingle(both, params.shingle)
    idx = np.arange(len(na), dtype=np.int64)
    sim, _ = copy_similarity(both, sh, idx, idx + len(na), params)
    engine.register_arrow(
        "ic_nt_pair_text_sim",
        pa.table({"norm_a": na, "norm_b": nb, "similarity": pa.array(np.round(sim, 6))}),
    )
    engine.create_table(
        PAIR_SIMILARITY,
        f"""SELECT p.seq_a, p.seq_b,
                   CASE WHEN na.norm = nb.norm THEN 1.0 ELSE s.similarity END AS similarity
            FROM {pairs} p JOIN ic_text_norm na ON na.seq = p.seq_a
            JOIN ic_text_norm nb ON nb.seq = p.seq_b
            LEFT JOIN ic_nt_pair_text_sim s ON s.norm_a = na.norm AND s.norm_b = nb.norm
            WHERE p.behaviour = 'near_text'""",
    )
    engine.drop("ic_nt_pair_text_sim")
