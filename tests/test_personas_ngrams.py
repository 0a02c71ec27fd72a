"""The numpy n-gram counter counts exactly what a plain Python loop counts."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inconcert.personas.ngrams import ngram_bucket, ngram_counts


def reference(texts: list[str | None], lo: int, hi: int, bits: int, groups: list[int], n_groups: int) -> np.ndarray:
    out = np.zeros((n_groups, 2**bits))
    for t, g in zip(texts, groups, strict=True):
        s = t or ""
        c = Counter(ngram_bucket(s[i:i + n], bits) for n in range(lo, hi + 1) for i in range(len(s) - n + 1))
        for b, k in c.items():
            out[g, b] += k
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=8), st.integers(1, 3), st.integers(0, 2))
def test_counts_match_a_python_loop(texts, lo, extra):
    hi = lo + extra
    groups = sorted(i // 2 for i in range(len(texts)))
    n_groups = (max(groups) + 2) if groups else 1  # one trailing empty group
    got = ngram_counts(pa.array(texts, pa.string()), lo, hi, bits=10, groups=np.array(groups, np.int64), n_groups=n_groups)
    assert got.shape == (n_groups, 1024)
    np.testing.assert_array_equal(got.toarray(), reference(texts, lo, hi, 10, groups, n_groups))


def test_sliced_array_and_case_and_spacing_kept():
    arr = pa.array(["skip", "Ab  b", "ab b"]).slice(1)
    m = ngram_counts(arr, 2, 2, bits=16)
    assert m[0, ngram_bucket("  ", 16)] == 1 and m[1, ngram_bucket("  ", 16)] == 0
    assert m[0, ngram_bucket("Ab", 16)] == 1 and m[1, ngram_bucket("ab", 16)] == 1
