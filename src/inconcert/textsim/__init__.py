"""Near-duplicate text machinery: shingling, MinHash/LSH, exact Jaccard, clustering.

Everything here is vectorised with Arrow and numpy; nothing calls out to the
network or needs an engine. :mod:`inconcert.behaviours.near_text` wires it into
the detection pipeline; :mod:`inconcert.simulate.copypasta` plants copypasta for
evaluation.

>>> from inconcert.textsim import near_duplicate_clusters
>>> r = near_duplicate_clusters(["the cat sat on the mat today", "the cat sat on the mat today 🔥",
...                              "completely different words here now"])
>>> r.labels.tolist()
[0, 0, 2]
"""

from __future__ import annotations

from inconcert.textsim.minhash import (
    NearTextParams,
    NearTextResult,
    Shingles,
    candidate_pairs,
    jaccard_pairs,
    near_duplicate_clusters,
    shingle,
)

__all__ = [
    "NearTextParams",
    "NearTextResult",
    "Shingles",
    "candidate_pairs",
    "jaccard_pairs",
    "near_duplicate_clusters",
    "shingle",
]
