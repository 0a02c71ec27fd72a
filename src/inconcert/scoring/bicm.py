"""The bipartite configuration model (BiCM) of who shares what, by degree class.

Accounts × objects form a bipartite graph: account ``a`` shared object ``o``
(any number of times). The BiCM (Saracco, Di Clemente, Gabrielli & Squartini
2015, "Randomizing bipartite networks: the case of the World Trade Web",
Sci. Rep. 5:10595) is the maximum-entropy random graph that keeps every
account's degree ``d_a`` (distinct objects shared) and every object's degree
``n_o`` (distinct sharers) on average:

    p_ao = x_a y_o / (1 + x_a y_o),   Σ_o p_ao = d_a,   Σ_a p_ao = n_o.

Unlike the Chung–Lu form ``d_a n_o / M`` it never exceeds 1, so heavy users
and viral objects (the heavy tails of real activity) are modelled, not
clipped. Nodes of equal degree get equal multipliers, so the fit runs over
the distinct degrees only (a few thousand at 10⁷ posts), and expectations of
pairs of accounts depend only on their two degrees:

    F(d_a, d_b) = Σ_o p_ao p_bo c_o = Σ_n C_n g(x_{d_a} y_n) g(x_{d_b} y_n),
    g(z) = z / (1 + z),  C_n = Σ_{o: n_o = n} c_o,

the statistic of the validated projection of Saracco et al. 2017 ("Inferring
monopartite projections of bipartite networks: an entropy-based approach",
New J. Phys. 19:053022), weighted by each object's chance ``c_o`` that two
of its sharers co-act within the window.

>>> import numpy as np
>>> fit = fit_bicm(np.array([1, 2, 3]), np.array([3, 2, 1]), np.array([1, 2, 3]), np.array([3, 2, 1]))
>>> bool(np.allclose(fit.expected_degrees()[0], [1, 2, 3], rtol=1e-3))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BiCMFit", "fit_bicm", "pair_expectation", "expectation_nodes", "ExpectationGrid", "expectation_grid",
           "grid_expectation"]


@dataclass(frozen=True)
class BiCMFit:
    """Fitted multipliers per distinct degree: accounts ``deg_a`` (counts ``num_a``,
    multipliers ``x``) and objects ``deg_o`` (counts ``num_o``, multipliers ``y``)."""

    deg_a: np.ndarray
    num_a: np.ndarray
    x: np.ndarray
    deg_o: np.ndarray
    num_o: np.ndarray
    y: np.ndarray

    def expected_degrees(self) -> tuple[np.ndarray, np.ndarray]:
        """Expected degree of an account of each class and of an object of each class."""
        g = _g(np.outer(self.x, self.y))
        return g @ self.num_o, self.num_a @ g

    def x_of(self, degree: np.ndarray) -> np.ndarray:
        """The multiplier of accounts of the given degrees: the ``x`` whose expected
        degree over the fitted objects, ``Σ_j num_o[j] g(x y_j)``, equals the degree
        (the fitted multiplier for a fitted class; otherwise solved by bisection on
        ``log x``, for degrees between classes and for accounts outside the fit
        alike, capped just below the number of objects)."""
        d0 = np.asarray(degree, dtype=np.float64)
        pos = np.clip(np.searchsorted(self.deg_a, d0), 0, max(self.deg_a.size - 1, 0))
        hit = (self.deg_a.size > 0) & (self.deg_a[pos] == d0) if self.deg_a.size else np.zeros(d0.shape, bool)
        out = np.empty(d0.shape)
        if np.any(hit):
            out[hit] = self.x[pos[hit]]
        if np.all(hit):
            return out
        out[~hit] = self._solve(d0[~hit])
        return out

    def _solve(self, degree: np.ndarray) -> np.ndarray:
        d = np.maximum(np.asarray(degree, dtype=np.float64), 1e-9)
        cap = float(self.num_o.sum())
        d = np.minimum(d, cap * (1.0 - 1e-9))
        if d.size == 0:
            return d.copy()
        ly = np.log(self.y)
        lo = np.full(d.shape, -60.0 - float(ly.max()))
        hi = np.full(d.shape, 60.0 - float(ly.min()))
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            z = np.exp(np.clip(mid.ravel()[:, None] + ly[None, :], -700, 700))
            got = (z / (1.0 + z)) @ self.num_o
            below = (got < d.ravel()).reshape(d.shape)
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        return np.exp(0.5 * (lo + hi))


def _g(z: np.ndarray) -> np.ndarray:
    return z / (1.0 + z)


def fit_bicm(
    deg_a: np.ndarray,
    num_a: np.ndarray,
    deg_o: np.ndarray,
    num_o: np.ndarray,
    iterations: int = 2000,
    tol: float = 1e-6,
) -> BiCMFit:
    """Fit the BiCM to degree classes: ``num_a[i]`` accounts of degree ``deg_a[i]``,
    ``num_o[j]`` objects of degree ``deg_o[j]`` (both sums of degrees equal M).

    Fixed-point iteration on the log multipliers, damped (Squartini & Garlaschelli
    2011, "Analytical maximum-likelihood method to detect patterns in real
    networks", New J. Phys. 13:083001), started from the Chung–Lu solution.
    """
    da = np.asarray(deg_a, dtype=np.float64)
    na = np.asarray(num_a, dtype=np.float64)
    do = np.asarray(deg_o, dtype=np.float64)
    no = np.asarray(num_o, dtype=np.float64)
    m = max(float(da @ na), 1.0)
    lx = np.log(np.maximum(da, 1e-12) / np.sqrt(m))
    ly = np.log(np.maximum(do, 1e-12) / np.sqrt(m))
    for _ in range(int(iterations)):
        z = np.exp(lx[:, None] + ly[None, :])
        h = 1.0 / (1.0 + z)  # g(z) / z
        lx_new = np.log(np.maximum(da, 1e-12)) - np.log(np.maximum(h * np.exp(ly)[None, :] @ no, 1e-300))
        lx_new = 0.5 * lx + 0.5 * lx_new
        z = np.exp(lx_new[:, None] + ly[None, :])
        h = 1.0 / (1.0 + z)
        ly_new = np.log(np.maximum(do, 1e-12)) - np.log(np.maximum(na @ (h * np.exp(lx_new)[:, None]), 1e-300))
        ly_new = 0.5 * ly + 0.5 * ly_new
        step = max(float(np.max(np.abs(lx_new - lx), initial=0.0)), float(np.max(np.abs(ly_new - ly), initial=0.0)))
        lx, ly = lx_new, ly_new
        if step < tol:
            break
    return BiCMFit(da, na, np.exp(lx), do, no, np.exp(ly))


def pair_expectation(
    fit: BiCMFit, weights: np.ndarray, deg_a: np.ndarray, deg_b: np.ndarray, grid: int = 400,
    nodes: np.ndarray | None = None,
) -> np.ndarray:
    """``F(d_a, d_b) = Σ_n weights[n] g(x_{d_a} y_n) g(x_{d_b} y_n)`` for each pair of
    account degrees (``weights`` per object class of ``fit``; one column per
    statistic: ``weights`` of shape ``(classes, k)`` gives ``k`` columns).

    Computed exactly on at most ``grid`` distinct account degrees (log-spaced
    between the smallest and the largest when there are more) and interpolated
    linearly in (log d_a, log d_b), where ``F`` is smooth. ``nodes``: those
    degrees, given (:func:`expectation_nodes` of every pair's degrees), so that
    pairs scored batch by batch get the values they get all at once.

    >>> import numpy as np
    >>> fit = fit_bicm(np.array([2]), np.array([4]), np.array([2]), np.array([4]))
    >>> pair_expectation(fit, np.array([[4.0]]), np.array([2]), np.array([2])).round(3).tolist()
    [[1.0]]
    """
    da = np.maximum(np.asarray(deg_a, dtype=np.float64), 1.0)
    db = np.maximum(np.asarray(deg_b, dtype=np.float64), 1.0)
    if da.size == 0:
        w = np.asarray(weights, dtype=np.float64)
        return np.zeros((0, w.shape[1] if w.ndim > 1 else 1))
    if nodes is None:
        nodes = expectation_nodes(np.concatenate([da, db]), grid)
    return grid_expectation(expectation_grid(fit, weights, nodes), da, db)


@dataclass(frozen=True)
class ExpectationGrid:
    """:func:`pair_expectation`'s exact values on a grid of account degrees: the
    nodes' logs ``ln``, ``log F`` per column (``lf[k]``: nodes × nodes) and per
    column whether ``F`` is positive anywhere. Computed once per fit, it lets
    pairs be scored batch by batch with the values they get all at once."""

    ln: np.ndarray
    lf: np.ndarray
    positive: np.ndarray


def expectation_grid(fit: BiCMFit, weights: np.ndarray, nodes: np.ndarray) -> ExpectationGrid:
    """``F`` of :func:`pair_expectation` at every pair of ``nodes`` (account degrees), per column of ``weights``.

    >>> import numpy as np
    >>> fit = fit_bicm(np.array([2]), np.array([4]), np.array([2]), np.array([4]))
    >>> g = expectation_grid(fit, np.array([[4.0]]), np.array([1.0, 2.0]))
    >>> g.lf.shape, bool(g.positive[0])
    ((1, 2, 2), True)
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim == 1:
        w = w[:, None]
    gm = _g(np.outer(fit.x_of(nodes), fit.y))  # nodes × object classes
    lfs, pos = [], []
    for k in range(w.shape[1]):
        f = (gm * w[:, k][None, :]) @ gm.T  # nodes × nodes
        lfs.append(np.log(np.maximum(f, 1e-300)))
        pos.append(bool(np.max(f) > 0))
    return ExpectationGrid(np.log(nodes), np.stack(lfs), np.array(pos, dtype=bool))


def grid_expectation(grid: ExpectationGrid, deg_a: np.ndarray, deg_b: np.ndarray) -> np.ndarray:
    """``F(d_a, d_b)`` per pair, interpolated linearly in (log d_a, log d_b) on
    ``grid`` (:func:`expectation_grid`): one row per pair, one column per statistic.

    >>> import numpy as np
    >>> fit = fit_bicm(np.array([2]), np.array([4]), np.array([2]), np.array([4]))
    >>> g = expectation_grid(fit, np.array([[4.0]]), np.array([2.0, 4.0]))
    >>> grid_expectation(g, np.array([2]), np.array([2])).round(3).tolist()
    [[1.0]]
    """
    da = np.maximum(np.asarray(deg_a, dtype=np.float64), 1.0)
    db = np.maximum(np.asarray(deg_b, dtype=np.float64), 1.0)
    K, N = grid.lf.shape[0], grid.ln.size
    out = np.empty((da.size, K))
    ia, fa = _locate(grid.ln, np.log(da))
    ib, fb = _locate(grid.ln, np.log(db))
    ga, gb = 1 - fa, 1 - fb
    i00 = ia * N + ib  # the four corners as flat indices: one 1-D gather each
    i10, i01 = i00 + N, i00 + 1
    i11 = i10 + 1
    lfs = grid.lf.reshape(K, N * N)
    for k in range(K):
        if not grid.positive[k]:
            out[:, k] = 0.0
            continue
        lf = lfs[k]
        v = lf[i00] * ga * gb  # the same products, added in the same order
        v += lf[i10] * fa * gb
        v += lf[i01] * ga * fb
        v += lf[i11] * fa * fb
        out[:, k] = np.exp(v)
    return out


def expectation_nodes(degrees: np.ndarray, grid: int = 400) -> np.ndarray:
    """The account degrees :func:`pair_expectation` computes exactly: the distinct
    ``degrees`` (at least 1), or ``grid`` log-spaced between the smallest and the
    largest when there are more; at least two.

    >>> expectation_nodes(np.array([3, 1, 3])).tolist()
    [1.0, 3.0]
    >>> expectation_nodes(np.array([5])).tolist()
    [5.0, 10.0]
    """
    uniq = np.unique(np.maximum(np.asarray(degrees, dtype=np.float64), 1.0))
    if uniq.size > grid:
        nodes = np.unique(np.exp(np.linspace(np.log(uniq[0]), np.log(uniq[-1]), grid)))
    else:
        nodes = uniq
    if nodes.size == 1:
        nodes = np.array([nodes[0], nodes[0] * 2.0])
    return nodes


def _locate(nodes: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Left node index and fraction of each value in sorted ``nodes`` (padded so i+1 exists)."""
    if nodes.size == 1:
        return np.zeros(v.size, np.int64), np.zeros(v.size)
    i = np.clip(np.searchsorted(nodes, v, side="right") - 1, 0, nodes.size - 2)
    f = np.clip((v - nodes[i]) / (nodes[i + 1] - nodes[i]), 0.0, 1.0)
    return i, f
