"""Vectorised statistics over the (small) links table: Poisson tails and
Benjamini–Hochberg q-values.

>>> import numpy as np
>>> bh_qvalues(np.array([0.01, 0.04, 0.03, 0.5])).round(4).tolist()
[0.04, 0.0533, 0.0533, 0.5]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy import stats

__all__ = [
    "conditional_poisson_logsf",
    "poisson_logsf",
    "gamma_poisson_logsf",
    "gamma_poisson_log_any",
    "bh_qvalues",
    "simes",
    "account_link_qvalues",
    "family_sizes",
    "round_12g",
]


def poisson_logsf(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Natural log of ``P(W ≥ w)`` for ``W ~ Poisson(expected)`` (0 where w ≤ 0).

    Far in the tail, where SciPy's ``logsf`` underflows, ``P(W ≥ w)`` lies
    between ``pmf(w)`` and ``pmf(w) / (1 − e/(w+1))``; the upper bound is used.

    >>> import numpy as np
    >>> round(float(np.exp(poisson_logsf(np.array([2]), np.array([1.0]))[0])), 4)
    0.2642
    """
    w = np.asarray(observed, dtype=np.float64)
    e = np.maximum(np.asarray(expected, dtype=np.float64), 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = _writable(stats.poisson.logsf(w - 1, e))
        far = np.flatnonzero(~np.isfinite(tail))  # the bound only where the tail underflowed
        if far.size:
            wf, ef = np.broadcast_to(w, tail.shape).ravel()[far], np.broadcast_to(e, tail.shape).ravel()[far]
            ratio = np.minimum(ef / (wf + 1.0), 0.5)
            tail.ravel()[far] = stats.poisson.logpmf(wf, ef) - np.log1p(-ratio)
    return np.where(w <= 0, 0.0, np.minimum(tail, 0.0))


def _writable(x: np.ndarray) -> np.ndarray:
    """``x`` as a C-contiguous float array that can be written through ``ravel()``."""
    x = np.asarray(x, dtype=np.float64)
    return x if x.flags.writeable and x.flags.c_contiguous else x.copy()


def gamma_poisson_logsf(observed: np.ndarray, expected: np.ndarray, cv: float) -> np.ndarray:
    """Natural log of ``P(W ≥ w)`` when ``W`` is Poisson with a rate known only to
    within a multiplicative Gamma error of coefficient of variation ``cv``
    around ``expected``: the negative binomial of mean ``E`` and size
    ``r = 1 / cv²`` (variance ``E + cv² E²``). ``cv = 0`` is the Poisson tail.

    A rate that is a model's estimate, not a known constant, spreads the count:
    large expectations (heavy accounts, wide windows) get the wider tails they
    need, small ones keep nearly Poisson tails (Lawless 1987, "Negative
    binomial and mixed Poisson regression", Can. J. Stat. 15).

    >>> import numpy as np
    >>> round(float(np.exp(gamma_poisson_logsf(np.array([2]), np.array([1.0]), 0.0)[0])), 4)
    0.2642
    >>> bool(gamma_poisson_logsf(np.array([27]), np.array([11.0]), 0.5)[0] > np.log(1e-3))
    True
    """
    if cv <= 0:
        return poisson_logsf(observed, expected)
    w = np.asarray(observed, dtype=np.float64)
    e = np.maximum(np.asarray(expected, dtype=np.float64), 1e-300)
    r = 1.0 / (cv * cv)
    prob = r / (r + e)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tail = _writable(stats.nbinom.logsf(w - 1, r, prob))
        # far tail: P(W ≥ w) ≤ pmf(w) / (1 − ρ), ρ = the ratio of successive terms past w (< 1)
        far = np.flatnonzero(~np.isfinite(tail))  # the bound only where the tail underflowed
        if far.size:
            wf = np.broadcast_to(w, tail.shape).ravel()[far]
            pf = np.broadcast_to(prob, tail.shape).ravel()[far]
            rho = np.minimum((wf + r) / (wf + 1.0) * (1.0 - pf), 0.999)
            tail.ravel()[far] = stats.nbinom.logpmf(wf, r, pf) - np.log1p(-rho)
    return np.where(w <= 0, 0.0, np.minimum(tail, 0.0))


def gamma_poisson_log_any(expected: np.ndarray, cv: float) -> np.ndarray:
    """Natural log of ``P(W ≥ 1)`` under :func:`gamma_poisson_logsf`'s law.

    >>> import numpy as np
    >>> round(float(np.exp(gamma_poisson_log_any(np.array([1.0]), 0.0)[0])), 4)
    0.6321
    """
    e = np.maximum(np.asarray(expected, dtype=np.float64), 1e-300)
    if cv <= 0:
        return np.log(-np.expm1(-e))
    r = 1.0 / (cv * cv)
    return np.log(-np.expm1(-r * np.log1p(e / r)))


def conditional_poisson_logsf(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Natural log of ``P(W ≥ w | W ≥ 1)`` for ``W ~ Poisson(expected)``.

    Links exist only where two accounts co-acted at least once, so the test is
    conditional on ``W ≥ 1`` (selective inference): a link with one co-action
    gets p = 1, and under the null the conditional p-values of the tested links
    are (super-)uniform.

    >>> import numpy as np
    >>> float(np.exp(conditional_poisson_logsf(np.array([1]), np.array([0.5]))[0]))
    1.0
    >>> round(float(np.exp(conditional_poisson_logsf(np.array([2]), np.array([0.1]))[0])), 5)
    0.04917
    """
    w = np.asarray(observed, dtype=np.float64)
    e = np.maximum(np.asarray(expected, dtype=np.float64), 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        at_least_one = np.log(-np.expm1(-e))  # log P(W >= 1)
    out = poisson_logsf(w, e) - at_least_one
    out = np.where(w <= 1, 0.0, out)
    return np.minimum(out, 0.0)


def bh_qvalues(p: np.ndarray, m: int | None = None) -> np.ndarray:
    """Benjamini–Hochberg (1995) adjusted p-values (q-values), same order as ``p``.

    q_(i) = min_{j ≥ i} p_(j) · m / j over the p-values sorted ascending.
    ``m`` (≥ ``len(p)``): the number of hypotheses, the ``m − len(p)`` not
    given having p = 1. They rank after every given one, and their own terms
    ``m / j`` (j > len(p)) are ≥ 1, so they only cap the q-values at 1: the
    result equals BH over ``p`` padded with ones, without the padding.

    >>> import numpy as np
    >>> bh_qvalues(np.array([0.2, 0.01])).tolist()
    [0.2, 0.02]
    >>> bh_qvalues(np.array([0.2, 0.01]), m=4).tolist() == bh_qvalues(np.array([0.2, 0.01, 1, 1]))[:2].tolist()
    True
    """
    p = np.asarray(p, dtype=np.float64)
    n = p.size
    m = n if m is None else max(int(m), n)
    if n == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, n + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def simes(p: np.ndarray, m: int | None = None) -> float:
    """Simes (1986) combined p-value of a family: ``min_i p_(i) · m / i``.

    Valid for positively dependent tests (Sarkar 1998), such as the links among
    one group's members, and never larger than Bonferroni's ``m · min p``.
    ``m`` (at least ``len(p)``): the family's size when its other members were
    not tested (p = 1): they rank last, their terms ``m / i`` are ≥ 1, so they
    only cap the result at 1 — exactly Simes over ``p`` padded with ones.

    >>> simes([0.01, 0.02, 0.5])
    0.03
    >>> simes([0.01, 0.02], m=3) == simes([0.01, 0.02, 1.0])
    True
    """
    p = np.sort(np.asarray(p, dtype=np.float64))
    if p.size == 0:
        return 1.0
    m = p.size if m is None else max(int(m), p.size)
    return float(min(1.0, np.min(p * m / np.arange(1, p.size + 1))))


def family_sizes(accounts: np.ndarray, links_per_account: Mapping[object, int] | tuple[np.ndarray, np.ndarray]
                 ) -> np.ndarray:
    """Links per account of ``accounts``, from a mapping or from arrays ``(keys,
    counts)`` of distinct keys (0 for an account not in them).

    >>> import numpy as np
    >>> family_sizes(np.array([1, 5, 7]), (np.array([1, 7]), np.array([3, 2]))).tolist()
    [3.0, 0.0, 2.0]
    >>> family_sizes(np.array([1, 5]), {1: 4}).tolist()
    [4.0, 0.0]
    """
    if isinstance(links_per_account, Mapping):
        return np.array([float(links_per_account.get(x, 0)) for x in accounts.tolist()], dtype=np.float64)
    keys, counts = (np.asarray(v) for v in links_per_account)
    out = np.zeros(accounts.size)
    if keys.size:
        if keys.size > 1 and not bool(np.all(keys[1:] > keys[:-1])):
            order = np.argsort(keys, kind="stable")
            keys, counts = keys[order], counts[order]
        i = np.minimum(np.searchsorted(keys, accounts), keys.size - 1)
        hit = keys[i] == accounts
        out[hit] = counts[i[hit]]
    return out


def account_link_qvalues(
    a: np.ndarray, b: np.ndarray, p: np.ndarray,
    links_per_account: Mapping[object, int] | tuple[np.ndarray, np.ndarray] | None = None,
    fdr: float = 0.01,
    m_links: int | None = None,
    within_families: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two-level false discovery rate: accounts first, then their links
    (Benjamini & Bogomolov 2014, "Selective inference on multiple families of
    hypotheses", J. R. Stat. Soc. B 76:297–318).

    Each account is a family: the links it is part of (``links_per_account[x]``
    of them, a mapping or arrays ``(keys, counts)``, :func:`family_sizes`;
    untested ones counting with p = 1; by default its tested links).
    The account's p-value is Simes' over its family (valid under the positive
    dependence of a family's counts, Sarkar 1998); Benjamini–Hochberg over the
    accounts at ``fdr`` selects ``R`` of the ``M`` accounts; inside a selected
    account its links are tested by BH at ``fdr · R / M``; a link is
    significant when both its accounts are selected and it passes in both
    families. This bounds the expected share of *accounts* wrongly accused
    among the accused by ``fdr`` — the error that matters — however many true
    links an operation contributes (BH over links alone lets an operation of
    20,000 significant links carry 200 false ones, each a false accusation).

    Returns per link its adjusted value (significant ⇔ ≤ ``fdr``), the
    selected accounts and their adjusted values (over ``np.unique(a ∪ b)``).

    >>> import numpy as np
    >>> q, acc, qa = account_link_qvalues(np.array([1, 1, 2, 4]), np.array([2, 3, 3, 5]),
    ...                                    np.array([1e-6, 1e-6, 1e-6, 0.003]), {4: 20, 5: 20})
    >>> (q <= 0.01).tolist(), acc[qa <= 0.01].tolist()
    ([True, True, True, False], [1, 2, 3])
    """
    a = np.asarray(a)
    b = np.asarray(b)
    p = np.asarray(p, dtype=np.float64)
    n = p.size
    if n == 0:
        return p.copy(), np.zeros(0, dtype=a.dtype), np.zeros(0)
    ends = np.concatenate([a, b])
    pe = np.concatenate([p, p])
    accounts, fam = np.unique(ends, return_inverse=True)
    tested = np.bincount(fam, minlength=accounts.size)
    k = tested.astype(np.float64)
    if links_per_account is not None:
        k = np.maximum(k, family_sizes(accounts, links_per_account))
    order = np.lexsort((pe, fam))
    fs, ps = fam[order], pe[order]
    start = np.searchsorted(fs, np.arange(accounts.size))
    rank = np.arange(fs.size) - start[fs] + 1
    within = ps * k[fs] / rank  # BH within the family, before the step-up minimum
    # step-up: q_(i) = min over j ≥ i in the same family
    qw = within.copy()
    for f in range(accounts.size):  # families are contiguous; a reversed running minimum each
        lo, hi = start[f], (start[f + 1] if f + 1 < accounts.size else fs.size)
        qw[lo:hi] = np.minimum.accumulate(within[lo:hi][::-1])[::-1]
    simes_acc = np.minimum(np.minimum.reduceat(within, start), 1.0)
    m = accounts.size
    q_acc = bh_qvalues(simes_acc)
    selected = q_acc <= fdr
    r = int(selected.sum())
    scale = m / max(r, 1)
    if within_families:
        q_in = np.empty(fs.size)
        q_in[order] = np.maximum(np.minimum(qw * scale, 1.0), q_acc[fs])
        q_link = np.maximum(q_in[:n], q_in[n:])
    else:  # BH over all links, and both accounts selected
        q_end = q_acc[fam]
        q_link = np.maximum(bh_qvalues(p, m_links or n), np.maximum(q_end[:n], q_end[n:]))
    return q_link, accounts, q_acc


_POW10 = np.array([float(10**i) for i in range(23)])  # exact doubles: 10**22 = 2**22 * 5**22, 5**22 < 2**53


def _split(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``x`` as ``hi + lo``, each of at most 26 significant bits (Dekker 1971)."""
    c = x * 134217729.0  # 2**27 + 1
    h = c - (c - x)
    return h, x - h


_POW10_HI, _POW10_LO = _split(_POW10)


def _two_product(a: np.ndarray, bh: np.ndarray, bl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a * b`` as ``hi + lo`` exactly (Dekker's product; ``b = bh + bl`` already split)."""
    hi = a * (bh + bl)
    ah, al = _split(a)
    lo = ah * bh
    lo -= hi
    lo += ah * bl
    lo += al * bh
    lo += al * bl
    return hi, lo


def round_12g(x: np.ndarray) -> np.ndarray:
    """``float(f"{v:.12g}")`` for every value of ``x``, bit for bit, vectorised.

    Expectations are rounded to 12 significant digits so that every score is
    reproducible across runs and engines; Python's formatting does it one value
    at a time (~1 µs each: tens of seconds for millions of links × cells). Here
    each value ``v`` is scaled to ``v·10**p`` (12 digits before the point) as an
    exact double-double (Dekker's product; for ``p < 0`` the quotient and its
    exact remainder), rounded half to even to an integer ``m`` and divided back:
    ``m`` and ``10**p`` are exact doubles, so the IEEE quotient is the double
    nearest ``m / 10**p``, as Python's parsing of the printed digits is. Values
    within 1e-9 of a rounding tie or of a change of exponent, and those with
    ``|p| > 22``, go through Python's formatting.

    >>> import numpy as np
    >>> v = np.array([0.1 + 0.2, 2.0 ** -18, 123456789.123456789, 0.0, 1e-30, np.nan])
    >>> [float(f"{a:.12g}") for a in v[:5]] == round_12g(v)[:5].tolist()
    True
    """
    x = np.asarray(x, dtype=np.float64)
    out = x.copy()  # zeros, infinities and NaN print and parse back as themselves
    flat, res = x.ravel(), out.ravel()
    idx = np.flatnonzero(np.isfinite(flat) & (flat != 0.0))
    if not idx.size:
        return out
    v = np.abs(flat[idx])
    p = 11 - np.floor(np.log10(v)).astype(np.int64)  # the decimal exponent may be off by one: checked below
    inrange = np.abs(p) <= 22
    e = np.minimum(np.abs(p), 22)
    with np.errstate(over="ignore", invalid="ignore"):
        hi, lo = _two_product(v, _POW10_HI[e], _POW10_LO[e])  # v * 10**p exactly
        down = np.flatnonzero(p < 0)  # v >= 1e12: v / 10**|p|, with its exact remainder
        if down.size:
            pd = _POW10[e[down]]
            q = v[down] / pd
            ph, pl = _two_product(q, _POW10_HI[e[down]], _POW10_LO[e[down]])
            hi[down] = q
            lo[down] = ((v[down] - ph) - pl) / pd
        n = np.rint(hi)
        d = hi - n  # exact: n is hi's nearest integer
        d += lo
        m = n + (d > 0.5) - (d < -0.5)
        sure = np.abs(np.abs(d) - 0.5) > 1e-9  # not near a tie
        sure &= inrange
        sure &= (hi > 1e11) | ((hi == 1e11) & (lo > 1e-9))  # 12 digits: the exponent was right
        sure &= m <= 1e12  # 1e12: rounded up to the next power of ten, as Python does
        pw = _POW10[e]
        val = m / pw
        if down.size:
            val[down] = m[down] * pw[down]
    np.copysign(val, flat[idx], out=val)
    res[idx[sure]] = val[sure]
    for i in idx[~sure]:
        res[i] = float(f"{flat[i]:.12g}")
    return out
