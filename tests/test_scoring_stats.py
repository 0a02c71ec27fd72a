"""The FDR helpers give what they gave before they were made lean (issue 16, item 5:
memory): BH over the tested links with the untested counted, without padding the
p-values with ones, and family sizes from arrays instead of a dict."""

from __future__ import annotations

import numpy as np

from inconcert.scoring.stats import account_link_qvalues, bh_qvalues, family_sizes


def test_bh_with_m_equals_padding_with_ones():
    rng = np.random.default_rng(7)
    for n, m in [(1, 1), (5, 9), (200, 1000), (1000, 1000), (300, 301)]:
        p = rng.uniform(size=n) ** 3
        p[: n // 10] = 1.0  # tested links with p = 1 tie with the untested
        p[n // 10: n // 5] = p[n // 5] if n > 5 else p[0]  # ties among the tested
        padded = bh_qvalues(np.concatenate([p, np.ones(m - n)]))[:n]
        assert np.array_equal(bh_qvalues(p, m), padded)
    assert bh_qvalues(np.array([0.5]), 0).tolist() == [0.5]  # m below n: n tests


def test_family_sizes_from_arrays_equal_the_dict():
    rng = np.random.default_rng(3)
    keys = rng.choice(10_000, size=3_000, replace=False)
    counts = rng.integers(1, 50, size=keys.size)
    accounts = np.unique(rng.integers(0, 10_000, size=2_000))
    as_dict = dict(zip(keys.tolist(), counts.tolist(), strict=True))
    assert np.array_equal(family_sizes(accounts, (keys, counts)), family_sizes(accounts, as_dict))
    assert family_sizes(accounts, (np.zeros(0, np.int64), np.zeros(0, np.int64))).sum() == 0


def test_account_link_qvalues_same_with_arrays_and_dict():
    rng = np.random.default_rng(11)
    a = rng.integers(0, 300, size=2_000)
    b = a + rng.integers(1, 40, size=a.size)
    p = rng.uniform(size=a.size) ** 6
    accts = np.unique(np.concatenate([a, b]))
    k = rng.integers(1, 200, size=accts.size)
    for within in (False, True):
        q1, acc1, qa1 = account_link_qvalues(a, b, p, dict(zip(accts.tolist(), k.tolist(), strict=True)),
                                             0.01, 50_000, within_families=within)
        q2, acc2, qa2 = account_link_qvalues(a, b, p, (accts[::-1], k[::-1]), 0.01, 50_000,
                                             within_families=within)
        assert np.array_equal(q1, q2) and np.array_equal(acc1, acc2) and np.array_equal(qa1, qa2)
