"""The null model of co-action, as SQL builders plus one driver function.

Who shares what is randomised by the bipartite configuration model (BiCM,
:mod:`inconcert.scoring.bicm`) fitted to every account's *whole* activity in
the input and every object (singletons included); when shares happen comes
from each object's own timing. For a pair of accounts and a window ``W``:

    E_ab(W) = Σ_o p_ao p_bo c_o(W),   c_o(W) = min(1, 2 P_o(W) / (n_o (n_o − 1)))

``p_ao`` = the BiCM probability that ``a`` shares ``o``; ``P_o(W)`` = pairs of
shares of ``o`` by different accounts at most ``W`` apart (counted per object
in closed form with window functions, never by pairing shares), ``n_o`` its
sharers: ``c_o`` is the chance that two given sharers of ``o`` co-act within
``W`` (≤ 1). A tight viral burst has ``c_o`` ≈ 1, but two accounts are
expected to both share it only in proportion to their activity; a campaign's
own objects burst too, but nothing in the accounts' activity makes the same
accounts meet on many of them.

The observed count ``w_ab(W)`` is the number of distinct objects the two
accounts co-acted on within ``W``, one post pair counting once whatever
behaviours it carries (:func:`inconcert.sql.coaction.post_pairs_sql`). Each
window is tested by the Poisson tail of ``w`` at ``E`` (Poisson-binomial:
conservative, Hoeffding 1956), conditioned on the link existing, with ``w ≤ 1``
never evidence; the windows' p-values are combined by Simes (1986) and the
links' by Benjamini–Hochberg. Each link reports the window at which it is most
significant (``window_s``), its ``weight`` and ``expected`` there. Maths,
sources and tests: ``docs/null-model.md``.

>>> "RANGE BETWEEN" in object_window_pairs_sql([10_000_000])
True
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pyarrow as pa

from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.memory import budget_rows, release_memory
from inconcert.scoring.bicm import (
    BiCMFit,
    ExpectationGrid,
    expectation_grid,
    expectation_nodes,
    fit_bicm,
    grid_expectation,
    pair_expectation,
)
from inconcert.scoring.blocks import object_blocks
from inconcert.scoring.codes import dictionary_codes
from inconcert.scoring.populations import engine_populations
from inconcert.scoring.stats import (
    account_link_qvalues,
    gamma_poisson_log_any,
    gamma_poisson_logsf,
    round_12g,
)
from inconcert.sql.coaction import unordered_pair_sql
from inconcert.sql.summaries import group_pairs_from
from inconcert.tables import LINK_FAMILY

__all__ = [
    "NULL_TABLES",
    "account_objects_sql",
    "object_window_pairs_sql",
    "object_windows_sql",
    "popularity_class_sql",
    "populations",
    "prepare_null",
    "primary_share_sql",
    "drop_one_object_groups",
    "object_families",
    "ATTRIBUTE_BEHAVIOURS",
    "DERIVED_BEHAVIOURS",
    "rest_is_pool",
    "fit_null",
    "NullModel",
    "window_logp",
    "simes_log",
    "window_cv",
    "score_links",
    "score_link_batch",
    "fdr_of",
    "SHARER_STRATA",
    "stratum_counts_sql",
    "sharer_strata",
]

_SCORE_COLUMNS = ("expected", "p_value", "surprise", "q_value", "significant", "window_s")

#: Tables of the null kept until the groups are found (pooled evidence reads them).
NULL_TABLES = ("ic_null_degree", "ic_null_objects", "ic_obj_window", "ic_null_rest", "ic_null_excluded",
               "ic_null_objects_kept", "ic_null_objects_blocks", "ic_null_degree_blocks")


def fdr_of(config: DetectConfig) -> float:
    """The false discovery rate of a run: ``config.fdr`` (default 0.01).

    >>> fdr_of(DetectConfig(fdr=0.05))
    0.05
    """
    return float(config.fdr)


def account_objects_sql(traces: str = "traces") -> str:
    """``(behaviour, object, account_id, k)``: shares per account and object over
    *every* trace (no participation filter: the null sees all activity)."""
    return f"""SELECT behaviour, object, account_id, count(*) AS k
        FROM {traces} GROUP BY behaviour, object, account_id"""


def object_window_pairs_sql(windows_us: list[int], traces: str = "traces", ao: str = "ic_null_ao") -> str:
    """Per object with at least two sharers: sharers ``n``, shares ``s`` and, per
    window ``i``, ``p_i`` = pairs of shares by different accounts at most
    ``windows_us[i]`` apart — in closed form: each share counts the shares of
    the object within ±W (a window frame over the object's sorted times), minus
    those of its own account, halved. No share pair is materialised. An account
    that shared the object once has only itself within its own frame, so the
    own-account frames are computed only for accounts that shared it at least
    twice (the others count 1 each: ``s1``); the sums are integers, exact.
    """
    frame = "ORDER BY t RANGE BETWEEN {w} PRECEDING AND {w} FOLLOWING"
    alls = ",\n               ".join(
        f"count(*) OVER (PARTITION BY behaviour, object {frame.format(w=int(w))}) AS c{i}"
        for i, w in enumerate(windows_us)
    )
    owns = ",\n               ".join(
        f"count(*) OVER (PARTITION BY behaviour, object, account_id {frame.format(w=int(w))}) AS c{i}"
        for i, w in enumerate(windows_us)
    )
    L = len(windows_us)
    sum_a = ", ".join(f"sum(c{i}) AS c{i}" for i in range(L))
    sums = ", ".join(
        f"CAST(a.c{i} - ob.s1 - coalesce(m.c{i}, 0) AS DOUBLE) / 2.0 AS p{i}" for i in range(L)
    )
    return f"""WITH ob AS (SELECT behaviour, object, count(*) AS n, sum(k) AS s, sum(k * k) AS s2,
                       count(CASE WHEN k = 1 THEN 1 END) AS s1 FROM {ao}
                GROUP BY behaviour, object HAVING count(*) >= 2),
    tr AS (SELECT t.behaviour, t.object, t.account_id, t.t FROM {traces} t
           JOIN ob ON t.behaviour = ob.behaviour AND t.object = ob.object),
    a AS (SELECT behaviour, object, {sum_a} FROM (
            SELECT behaviour, object,
               {alls}
            FROM tr) x GROUP BY behaviour, object),
    rep AS (SELECT t.behaviour, t.object, t.account_id, t.t FROM {traces} t
            JOIN {ao} r ON t.behaviour = r.behaviour AND t.object = r.object AND t.account_id = r.account_id
            JOIN ob ON t.behaviour = ob.behaviour AND t.object = ob.object
            WHERE r.k >= 2),
    m AS (SELECT behaviour, object, {sum_a} FROM (
            SELECT behaviour, object,
               {owns}
            FROM rep) y GROUP BY behaviour, object)
    SELECT ob.behaviour, ob.object, ob.n, ob.s, ob.s2, {sums}
    FROM ob JOIN a ON a.behaviour = ob.behaviour AND a.object = ob.object
    LEFT JOIN m ON m.behaviour = ob.behaviour AND m.object = ob.object"""


def object_windows_sql(windows_us: list[int], max_partners: float, table: str = "ic_null_owp") -> str:
    """Per object: ``cap`` = the widest window index at which a share of it has on
    average at most ``max_partners`` other shares within the window (at least 0),
    ``w_us`` that window, and ``c<i>`` = ``min(1, 2 p / (n (n − 1)))`` at window
    ``min(i, cap)``: the chance that two given sharers co-act within it."""
    L = len(windows_us)
    ok = " + ".join(
        f"CASE WHEN 2.0 * p{i} / s <= {float(max_partners)!r} THEN 1 ELSE 0 END" for i in range(1, L)
    ) or "0"
    cap = f"({ok})"  # the dense windows are the widest ones: the count of fine ones is the cap
    cs = []
    for i in range(L):
        cases = " ".join(f"WHEN cap = {j} THEN p{j}" for j in range(i))
        pi = f"CASE {cases} ELSE p{i} END" if cases else f"p{i}"
        cs.append(f"least(1.0, 2.0 * ({pi}) / (CAST(n AS DOUBLE) * (n - 1))) AS c{i}")
        cs.append(f"least(1.0, 2.0 * ({pi}) / greatest(CAST(s AS DOUBLE) * s - s2, 1.0)) AS q{i}")
    wsel = " ".join(f"WHEN cap = {j} THEN {int(w)}" for j, w in enumerate(windows_us))
    return f"""WITH x AS (SELECT *, {cap} AS cap FROM {table})
    SELECT behaviour, object, n, s, cap, CAST(CASE {wsel} END AS BIGINT) AS w_us, {', '.join(cs)}
    FROM x"""


_STRATUM_CELL = re.compile(r"s\d+_\d+")  # the links' stratum counts (scoring only: not written)

#: Strata of objects by their number of sharers (at most 10, 100, 1,000; and
#: all): a link is tested on the objects of each stratum as on all objects.
SHARER_STRATA = (10, 100, 1000)


def stratum_counts_sql(strata: list[int], n_windows: int, pairs: str = "pairs",
                       objects: str = "ic_null_objects", tested: str | None = None) -> str:
    """Per account pair, ``s<j>_<i>``: the distinct primary objects with at most
    ``strata[j]`` sharers that the two accounts co-acted on within window ``i``.
    With ``tested`` (a query or table of ``account_a < account_b``), only those
    pairs: the pairs of the other links are skipped before the aggregation.

    >>> "s0_1" in stratum_counts_sql([10], 2)
    True
    """
    cols = ", ".join(
        f"CAST(sum(CASE WHEN o.n <= {int(b)} AND po.lvl <= {i} THEN 1 ELSE 0 END) AS INT) AS s{j}_{i}"
        for j, b in enumerate(strata) for i in range(n_windows)
    )
    lo, hi = unordered_pair_sql("p")
    only = f"\n        JOIN ({tested}) t ON t.account_a = {lo} AND t.account_b = {hi}" if tested else ""
    return f"""WITH po AS (
        SELECT {lo} AS account_a, {hi} AS account_b, p.behaviour, p.object, min(p.lvl) AS lvl
        FROM {pairs} p{only} GROUP BY 1, 2, p.behaviour, p.object)
    SELECT po.account_a, po.account_b, {cols}
    FROM po JOIN {objects} o ON po.behaviour = o.behaviour AND po.object = o.object
    GROUP BY po.account_a, po.account_b"""


def sharer_strata(engine: Engine, objects: str = "ic_null_objects") -> list[int]:
    """The strata of :data:`SHARER_STRATA` the objects of ``objects`` fill: those
    below its most shared object's sharers (a stratum holding every object would
    repeat the plain counts)."""
    top = int(engine.scalar(f"SELECT max(n) FROM {objects}") or 0)  # type: ignore[call-overload]
    return [b for b in SHARER_STRATA if b < top]


#: A connected population of at least this share of the accounts (and
#: :data:`MIN_POPULATION_ACCOUNTS` accounts) gets a BiCM of its own.
MIN_POPULATION_SHARE = 0.05
MIN_POPULATION_ACCOUNTS = 100


def unique_inverse(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(x, return_inverse=True)`` for integer keys: without a sort when the
    keys are dense (as the engine's account and object keys are, numbered from 1),
    by marking the keys present and counting them (at 10⁷ posts 10⁷ incidences:
    1.4 s of sorting less); by ``np.unique`` otherwise.

    >>> [a.tolist() for a in unique_inverse(np.array([7, 3, 7, 5]))]
    [[3, 5, 7], [2, 0, 2, 1]]
    """
    x = np.asarray(x)
    if x.size == 0 or x.dtype.kind not in "iu" or int(x.min()) < 0 or int(x.max()) > 4 * x.size + 1024:
        u, inv = np.unique(x, return_inverse=True)
        return u, inv.ravel()
    present = np.zeros(int(x.max()) + 1, dtype=bool)
    present[x] = True
    rank = np.cumsum(present) - 1
    return np.flatnonzero(present).astype(x.dtype), rank[x]


def populations(accounts: np.ndarray, objects: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Populations of the bipartite graph of who shared what (``accounts[i]``
    shared ``objects[i]``, integer keys): the connected components holding at
    least :data:`MIN_POPULATION_SHARE` of the accounts (and
    :data:`MIN_POPULATION_ACCOUNTS`) are numbered 1, 2, … by size; all other
    accounts form one more population. Returns the distinct account keys and
    their population.

    Accounts in different components never share an object, so a null that let
    one share the other's objects would misjudge both (two platforms in one
    file, two languages, unrelated collections): each large component is
    randomised on its own. Small components are pooled, so that an operation
    that shares nothing with anyone else is not its own population (which
    would explain it away).

    >>> populations(np.array([1, 2, 3, 4]), np.array([10, 10, 20, 20]))[1].tolist()
    [1, 1, 1, 1]
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ua, ia = unique_inverse(accounts)
    uo, io = unique_inverse(objects)
    na = len(ua)
    if na == 0:
        return ua, np.zeros(0, np.int64)
    g = coo_matrix((np.ones(len(ia)), (ia, na + io)), shape=(na + len(uo), na + len(uo)))
    _, lab = connected_components(g, directed=False)
    comp = lab[:na]
    size = np.bincount(comp)
    big = np.flatnonzero(size >= max(MIN_POPULATION_ACCOUNTS, MIN_POPULATION_SHARE * na))
    big = big[np.lexsort((big, -size[big]))]  # largest first, ties by label
    pop = np.full(len(size), len(big) + 1, dtype=np.int64)
    pop[big] = np.arange(1, len(big) + 1)
    out = pop[comp]
    if (out == len(big) + 1).all():
        out[:] = 1
    return ua, out


def rest_is_pool(pop: np.ndarray, accounts: np.ndarray, keys: np.ndarray) -> bool:
    """Whether the last population of :func:`populations` pools small components
    (it is then fitted over every account and object) rather than being one
    large component of its own: true when it is not the only population and
    holds fewer accounts than the large-component threshold.

    >>> rest_is_pool(np.array([1, 1, 2]), np.array([1, 2, 3]), np.array([1, 2, 3]))
    True
    """
    last = int(pop.max())
    n = int((pop == last).sum())
    return last > 1 and n < max(MIN_POPULATION_ACCOUNTS, MIN_POPULATION_SHARE * len(pop))


def prepare_null(engine: Engine, windows_us: list[int], max_partners: float, traces: str = "traces") -> None:
    """The null model's tables, from every trace: ``ic_null_ao`` (shares per
    account and object), ``ic_null_objects(behaviour, object, n, cls)`` (sharers
    and population, 0 for one sharer), ``ic_null_degree(account_id, cls, d)``
    (distinct objects per account in its population), ``ic_null_owp``
    (within-window share pairs per object, in closed form) and ``ic_obj_window``
    (per object its widest meaningful window ``w_us`` and chances ``c<i>``)."""
    engine.create_table("ic_null_ao", account_objects_sql(traces))
    engine.create_table(
        "ic_null_objn", "SELECT behaviour, object, count(*) AS n FROM ic_null_ao GROUP BY behaviour, object"
    )
    inc_sql = """SELECT a.account_id, o.object FROM ic_null_ao a
        JOIN ic_null_objn o ON a.behaviour = o.behaviour AND a.object = o.object WHERE o.n >= 2"""
    limit = engine.collect_limit
    if limit is not None and int(engine.scalar(f"SELECT count(*) FROM ({inc_sql}) s") or 0) > limit:  # type: ignore[call-overload]
        # too many incidences for the driver: the same populations found in the engine
        engine.create_table("ic_null_inc", inc_sql)
        rest, pooled = engine_populations(
            engine, "ic_null_inc", "ic_null_pop", MIN_POPULATION_ACCOUNTS, MIN_POPULATION_SHARE
        )
        engine.drop("ic_null_inc")
    else:
        inc = engine.to_arrow(inc_sql)
        keys, pop = populations(
            inc.column("account_id").to_numpy(), inc.column("object").to_numpy()
        )
        engine.register_arrow(
            "ic_null_pop", pa.table({"account_id": pa.array(keys), "pop": pa.array(pop, pa.int64())})
        )
        rest = int(pop.max()) if len(pop) else 0
        pooled = bool(len(pop)) and rest_is_pool(pop, inc.column("account_id").to_numpy(), keys)
    engine.register_arrow("ic_null_rest", pa.table({"cls": pa.array([rest] if pooled else [], pa.int64())}))
    engine.create_table(
        "ic_null_objects",
        """SELECT o.behaviour, o.object, o.n,
               CASE WHEN o.n >= 2 THEN min(p.pop) ELSE 0 END AS cls
        FROM ic_null_objn o JOIN ic_null_ao a ON a.behaviour = o.behaviour AND a.object = o.object
        LEFT JOIN ic_null_pop p ON a.account_id = p.account_id
        GROUP BY o.behaviour, o.object, o.n""",
    )
    engine.create_table("ic_null_degree", class_degrees_sql("ic_null_objects"))
    for t in ("ic_null_objn", "ic_null_pop"):  # ic_null_rest stays for the fit
        engine.drop(t)
    engine.create_table("ic_null_owp", object_window_pairs_sql(windows_us, traces))
    engine.create_table("ic_obj_window", object_windows_sql(windows_us, max_partners))


def popularity_class_sql(n: str) -> str:
    """(Unused by the pipeline, which numbers populations.) The class of an object
    with ``n`` sharers in a single BiCM: 1 when at least two accounts shared it, 0 otherwise. Objects of one sharer cannot co-act and are
    left out of the fit: counted in, they apportion the expected co-sharing by
    the volume of an account's unique content (own texts) rather than by its
    propensity to share what others share (measured: docs/null-model.md).

    >>> popularity_class_sql("n")
    'CASE WHEN n >= 2 THEN 1 ELSE 0 END'
    """
    return f"CASE WHEN {n} >= 2 THEN 1 ELSE 0 END"


#: Candidates per block in :meth:`NullModel.group_expected`: its matrix is candidates ×
#: object degree classes (at 10⁷ posts, millions × thousands: GBs at once). A fixed
#: number, not one from the memory budget, so that results never depend on it.
_CAND_CHUNK = 4096


class NullModel:
    """The fitted null: one BiCM of who shares what per popularity class of
    objects and, per object degree and window, the summed chances
    ``C[n, i] = Σ_{o: n_o = n} c_o(W_i)``.

    ``expected(cls, d_a, d_b)`` gives the class's part of ``E_ab(W_i)`` for
    accounts with ``d_a``, ``d_b`` objects in class ``cls`` (one column per window).
    """

    def __init__(self, fits: dict[int, tuple[BiCMFit, np.ndarray]], windows: list[float]):
        self.fits = fits
        self.windows = windows
        #: per population: per object degree class, window and chance bin
        #: (class index, window, objects, Σ c)
        self.c_bins: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}

    def group_expected(self, pop: int, deg_cands: np.ndarray, deg_members: np.ndarray) -> np.ndarray:
        """Expected distinct objects on which each candidate (degree ``deg_cands``)
        co-acts with at least one member of a group (degrees ``deg_members``), per
        window: ``Σ_o p_ao min(1, c_o Σ_b p_bo)`` — one object counts once however
        many members share it; chances binned by quarter decades, each bin at its
        mean (an upper bound, as ``min(1, ·)`` is concave)."""
        L = len(self.windows)
        out = np.zeros((len(deg_cands), L))
        if pop not in self.fits or pop not in self.c_bins or not len(deg_cands) or not len(deg_members):
            return out
        fit = self.fits[pop][0]
        cls, win, k, c = self.c_bins[pop]
        gm = fit.x_of(np.maximum(deg_members, 1.0))[:, None] * fit.y[None, :]
        mass = (gm / (1.0 + gm)).sum(axis=0)  # Σ_b p_bo per object degree class
        part = k * np.minimum(1.0, (c / k) * mass[cls])
        m = np.zeros((len(fit.y), L))
        np.add.at(m, (cls, win), part)
        xa = fit.x_of(np.maximum(deg_cands, 1.0))
        for s in range(0, len(xa), _CAND_CHUNK):  # candidates × object classes, a chunk at a time
            ga = xa[s:s + _CAND_CHUNK, None] * fit.y[None, :]
            out[s:s + _CAND_CHUNK] = (ga / (1.0 + ga)) @ m
        return out

    def grids(self, cls: np.ndarray, deg_a: np.ndarray, deg_b: np.ndarray) -> dict[int, ExpectationGrid]:
        """Per population, :func:`~inconcert.scoring.bicm.expectation_grid` on the
        nodes of every given pair's degrees: pairs then scored batch by batch
        (:meth:`expected` with ``grids``) get the values they get all at once."""
        out: dict[int, ExpectationGrid] = {}
        for c, (fit, weights) in self.fits.items():
            sel = np.flatnonzero(cls == c)
            if sel.size:
                da = np.maximum(np.asarray(deg_a[sel], dtype=np.float64), 1.0)
                db = np.maximum(np.asarray(deg_b[sel], dtype=np.float64), 1.0)
                out[c] = expectation_grid(fit, weights, expectation_nodes(np.concatenate([da, db])))
        return out

    def expected(self, cls: np.ndarray, deg_a: np.ndarray, deg_b: np.ndarray,
                 grids: dict[int, ExpectationGrid] | None = None) -> np.ndarray:
        """Per pair: ``Σ_o p_ao p_bo q_o(W_i)`` for each window and, last,
        ``Σ_o p_ao p_bo`` (objects both share at any time); on ``grids``
        (:meth:`grids`) when given."""
        k = next(iter(self.fits.values()))[1].shape[1] if self.fits else len(self.windows) + 1
        out = np.zeros((len(cls), k))
        for c, (fit, weights) in self.fits.items():
            sel = np.flatnonzero(cls == c)
            if sel.size:
                out[sel] = (pair_expectation(fit, weights, deg_a[sel], deg_b[sel]) if grids is None
                            else grid_expectation(grids[c], deg_a[sel], deg_b[sel]))
        return out


def fit_null(
    engine: Engine,
    windows: list[float],
    excluded: str | None = None,
    kept_objects: str | None = None,
    strata: list[int] | None = None,
    degrees: str = "ic_null_degree",
) -> NullModel:
    """Fit the null from ``ic_null_degree(account_id, cls, d)`` and
    ``ic_null_objects(behaviour, object, n, cls)`` (every account and object,
    singletons included) and the chances in ``ic_obj_window``; with ``excluded``
    (a table of ``account_id``), the BiCM is fitted to the other accounts only
    (objects' degrees counted over them, into ``ic_null_objects_kept``, or read
    from ``kept_objects`` when given). With ``strata`` (bounds on objects'
    sharers), the chances are also summed per stratum of objects with at most
    that many sharers (:data:`SHARER_STRATA`). ``degrees`` is the accounts'
    degree table (``account_id, cls, d``) matching the objects' classes."""
    L = len(windows)
    strata = list(strata or [])
    d = engine.dialect  # exact sums: the same bits whatever order parallel threads add them in
    keep = f"WHERE account_id NOT IN (SELECT account_id FROM {excluded})" if excluded else ""
    acc = engine.to_arrow(f"SELECT cls, d, count(*) AS k FROM {degrees} {keep} GROUP BY cls, d ORDER BY cls, d")
    csum = ", ".join(
        [f"{d.exact_sum(f'coalesce(w.q{i}, 0.0)')} AS c{i}" for i in range(L)]
        + [f"{d.exact_sum(f'CASE WHEN o.nf <= {int(b)} THEN coalesce(w.q{i}, 0.0) ELSE 0.0 END')} AS c{s}_{i}"
           for s, b in enumerate(strata) for i in range(L)]
    )
    objects = kept_objects or "(SELECT behaviour, object, n, n AS nf, cls FROM ic_null_objects)"
    if excluded and not kept_objects:
        kept_objects_table(engine, excluded)
        objects = "ic_null_objects_kept"
    obj = engine.to_arrow(
        f"""SELECT o.cls, o.n, count(*) AS k, {csum}
        FROM {objects} o
        LEFT JOIN ic_obj_window w ON o.behaviour = w.behaviour AND o.object = w.object
        GROUP BY o.cls, o.n ORDER BY o.cls, o.n"""
    )

    def col(t: pa.Table, c: str) -> np.ndarray:
        return np.nan_to_num(t.column(c).to_numpy(zero_copy_only=False).astype(np.float64))

    fits: dict[int, tuple[BiCMFit, np.ndarray]] = {}
    if acc.num_rows == 0 or obj.num_rows == 0:
        return NullModel(fits, windows)
    bins = engine.to_arrow(
        "SELECT * FROM ("
        + " UNION ALL ".join(
            f"""SELECT o.cls, o.n, {i} AS win, {_c_bin(f"w.c{i}")} AS bin, count(*) AS k, {d.exact_sum(f"w.c{i}")} AS c
            FROM {objects} o JOIN ic_obj_window w ON o.behaviour = w.behaviour AND o.object = w.object
            WHERE o.cls >= 1 AND w.c{i} > 0 GROUP BY o.cls, o.n, bin"""
            for i in range(L)
        )
        + ") b ORDER BY cls, n, win, bin"  # a fixed order for np.add.at in group_expected
    )
    a_cls, o_cls = col(acc, "cls"), col(obj, "cls")
    rest = int(engine.scalar("SELECT max(cls) FROM ic_null_degree") or 0)
    for c in np.unique(o_cls):
        if c < 1:
            continue  # objects with one sharer: no pair can co-act on them
        ia, io = a_cls == c, o_cls == c
        if c == rest and _is_rest(engine, rest):
            ia, io = a_cls >= 1, o_cls >= 1  # the small components: randomised over everything
        da, ka = _merge(col(acc, "d")[ia], col(acc, "k")[ia])
        no, ko = _merge(col(obj, "n")[io], col(obj, "k")[io])
        if not da.size or not no.size:
            continue  # a population whose accounts are all left out of the fit
        fit = fit_bicm(da, ka, no, ko)
        cells = [f"c{i}" for i in range(L)] + [f"c{s}_{i}" for s in range(len(strata)) for i in range(L)]
        weights = np.stack(
            [_merge(col(obj, "n")[io], col(obj, x)[io])[1] for x in cells] + [ko], axis=1
        )  # per window (then per stratum and window) Σ q_o, and last the number of objects
        fits[int(c)] = (fit, weights)
    null = NullModel(fits, windows)
    bc = col(bins, "cls") if bins.num_rows else np.zeros(0)
    for c, (fit, _) in fits.items():
        sel = bc == c
        if sel.any():
            pos = np.searchsorted(fit.deg_o, col(bins, "n")[sel])
            null.c_bins[c] = (pos.astype(np.int64), col(bins, "win")[sel].astype(np.int64),
                              col(bins, "k")[sel], col(bins, "c")[sel])
    return null


def class_degrees_sql(objects: str) -> str:
    """Per account and object class of ``objects(behaviour, object, cls)``: ``d``,
    the distinct objects it shared, and ``m``, its mean shares per object.

    >>> "GROUP BY a.account_id, o.cls" in class_degrees_sql("ic_null_objects")
    True
    """
    return f"""SELECT a.account_id, o.cls, count(*) AS d, CAST(sum(a.k) AS DOUBLE) / count(*) AS m
        FROM ic_null_ao a JOIN {objects} o ON a.behaviour = o.behaviour AND a.object = o.object
        GROUP BY a.account_id, o.cls"""


def kept_objects_table(engine: Engine, excluded: str, out: str = "ic_null_objects_kept") -> None:
    """``out(behaviour, object, n, nf, cls)``: the objects some account not in
    ``excluded`` shares, ``n`` counted over those accounts, ``nf`` over all."""
    engine.create_table(
        out,
        f"""SELECT o.behaviour, o.object, k.n, o.n AS nf, o.cls FROM ic_null_objects o
        JOIN (SELECT behaviour, object, count(*) AS n FROM ic_null_ao
              WHERE account_id NOT IN (SELECT account_id FROM {excluded}) GROUP BY behaviour, object) k
          ON o.behaviour = k.behaviour AND o.object = k.object""",
    )


def _merge(deg: np.ndarray, val: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum ``val`` per distinct degree (sorted)."""
    u, inv = np.unique(deg, return_inverse=True)
    return u, np.bincount(inv, weights=val, minlength=len(u))


def _is_rest(engine: Engine, cls: int) -> bool:
    """Whether population ``cls`` is the pool of small components (table
    ``ic_null_rest`` written by :func:`prepare_null`)."""
    try:
        return bool(engine.scalar(f"SELECT count(*) FROM ic_null_rest WHERE cls = {int(cls)}"))
    except Exception:
        return False


def _c_bin(c: str) -> str:
    """Quarter-decade bins of a co-action chance (for the pooled expectation)."""
    return f"CAST(floor(4 * log10(greatest({c}, 1e-12))) AS INT)"


def window_logp(w: np.ndarray, e: np.ndarray, e_any: np.ndarray, cv: float | np.ndarray = 0.0) -> np.ndarray:
    """Log p-values per link and window: ``P(X ≥ w) / P(X_widest ≥ 1)``, 1 where
    ``w ≤ 1`` (one co-action is never evidence); ``X`` Poisson at ``E`` with the
    rate's multiplicative uncertainty ``cv`` (one value, or one per window;
    :func:`~inconcert.scoring.stats.gamma_poisson_logsf`).

    ``w``, ``e``: links × windows; ``e_any``: the expectation at the widest
    window (links exist only where that count is ≥ 1: the selection event).

    >>> import numpy as np
    >>> p = window_logp(np.array([[1, 3]]), np.array([[0.05, 0.1]]), np.array([0.1]))
    >>> np.exp(p).round(5).tolist()
    [[1.0, 0.00163]]
    """
    w = np.asarray(w, dtype=np.float64)
    e = np.asarray(e, dtype=np.float64)
    L = w.shape[1]
    cvs = np.broadcast_to(np.asarray(cv, dtype=np.float64), (L,))
    at_least_one = gamma_poisson_log_any(np.asarray(e_any, dtype=np.float64), float(cvs[-1]))
    out = np.zeros_like(w)
    for i in range(L):  # the tails only where they count: the value is 0 where w <= 1
        rows = np.flatnonzero(~(w[:, i] <= 1))
        if rows.size:
            out[rows, i] = gamma_poisson_logsf(w[rows, i], np.maximum(e[rows, i], 1e-300), float(cvs[i])) \
                - at_least_one[rows]
    return np.minimum(out, 0.0)


def window_cv(windows: list[float], cv: float, from_s: float) -> np.ndarray:
    """The expectation's uncertainty per window: ``cv`` from ``from_s`` seconds up,
    0 (Poisson) below (docs/null-model.md, "Uncertain expectations").

    >>> window_cv([60.0, 3600.0], 0.5, 3600.0).tolist()
    [0.0, 0.5]
    """
    return np.where(np.asarray(windows, dtype=np.float64) >= from_s, float(cv), 0.0)


def simes_log(logp: np.ndarray) -> np.ndarray:
    """Row-wise Simes combination of log p-values: ``log min_i p_(i) L / i``.

    >>> import numpy as np
    >>> np.exp(simes_log(np.log(np.array([[0.01, 0.5]])))).round(3).tolist()
    [0.02]
    """
    L = logp.shape[1]
    s = np.sort(logp, axis=1)
    adj = s + np.log(L / np.arange(1, L + 1))[None, :]
    return np.minimum(np.min(adj, axis=1), 0.0)


def score_links(engine: Engine, config: DetectConfig, windows: list[float] | None = None) -> dict[str, Any]:
    """Score the engine's ``links`` table (built by
    :func:`inconcert.sql.coaction.event_links_sql`, with per-window counts
    ``w0 … w<L-1>``): adds ``expected``, ``p_value``, ``surprise`` (−log10 p),
    ``q_value``, ``significant`` and ``window_s``, and sets ``weight`` to the
    count at ``window_s``. Needs ``ic_null_ao``, ``ic_null_degree`` and
    ``ic_obj_window`` (:func:`prepare_null` in the pipeline). Returns what the
    run found (windows, links tested, the rounds of the robust fit).

    The null describes accounts that do not act in concert, so it is fitted
    robustly (``config.null_rounds`` rounds): after each round the accounts
    found coordinated are left out of the next BiCM fit, and the links are
    scored again (docs/null-model.md, "A null fitted to the uncoordinated").
    Significance is decided over accounts first, then their links
    (:func:`~inconcert.scoring.stats.account_link_qvalues`).
    """
    windows = [float(w) for w in (windows or config.ladder())]
    L = len(windows)
    fdr = fdr_of(config)
    wcols = ", ".join(f"l.w{i}" for i in range(L))
    strata = sharer_strata(engine)
    S = len(strata)
    scells = [f"s{j}_{i}" for j in range(S) for i in range(L)]
    # the links step counts the strata where it knew them (links_stage(strata=…)); else here
    counted = S and set(scells) <= set(engine.columns("links"))
    src = "l" if counted else "s"
    scols = "".join(f", coalesce({src}.{c}, 0) AS {c}" for c in scells)
    if S and not counted:
        tested_sql = f"SELECT account_a, account_b FROM links WHERE w{L - 1} >= 2"  # the links scored below
        engine.create_table("ic_null_strata", stratum_counts_sql(strata, L, tested=tested_sql))
    join = "LEFT JOIN ic_null_strata s ON l.account_a = s.account_a AND l.account_b = s.account_b"
    tested = engine.to_arrow(
        f"""SELECT l.account_a, l.account_b, {wcols}{scols} FROM links l
        {join if S and not counted else ""}
        WHERE l.w{L - 1} >= 2 ORDER BY l.account_a, l.account_b"""
    )
    engine.drop("ic_null_strata")
    # every account's links, tested or not (the links table may hold the tested ones only)
    fam = engine.to_arrow(f"SELECT account_id, k FROM {LINK_FAMILY}")
    links_per_account = (fam.column("account_id").to_numpy(zero_copy_only=False),
                         fam.column("k").to_numpy(zero_copy_only=False))
    m_links = int(links_per_account[1].sum()) // 2
    del fam
    n = tested.num_rows
    cells = [f"w{i}" for i in range(L)] + [f"s{j}_{i}" for j in range(S) for i in range(L)]
    cvs_all = np.tile(window_cv(windows, float(config.expected_cv), float(config.expected_cv_from)), S + 1)
    if n:
        engine.register_arrow(
            "ic_null_tested",
            pa.table({"i": pa.array(np.arange(n), pa.int64()), "account_a": tested.column("account_a"),
                      "account_b": tested.column("account_b")}),
        )
    parts = _link_degrees(engine, "ic_null_degree") if n else None
    a_keys = tested.column("account_a").to_numpy(zero_copy_only=False)
    b_keys = tested.column("account_b").to_numpy(zero_copy_only=False)
    key_type = tested.schema.field("account_a").type
    excluded: np.ndarray = np.zeros(0, dtype=a_keys.dtype)
    engine.register_arrow("ic_null_excluded", pa.table({"account_id": pa.array(excluded, key_type)}))
    rounds_info = []
    rounds = max(int(config.null_rounds), 1)
    seen = excluded  # every account found at some round: no part in finding the blocks
    r, blocks_round, last = 0, False, None
    while True:
        block_info: dict[str, int] = {}
        if excluded.size:
            # the refit: objects' degrees over the uncoordinated; an account's degree is the
            # number of its objects that some uncoordinated account shares too; in the blocks
            # round, a BiCM per block of objects as well (docs/null-model.md, "Communities")
            kept = "ic_null_objects_kept_next" if blocks_round else "ic_null_objects_kept"
            kept_objects_table(engine, "ic_null_excluded", kept)
            objects = kept
            if blocks_round:
                engine.register_arrow("ic_null_seen", pa.table({"account_id": pa.array(seen, key_type)}))
                block_info = object_blocks(engine, kept, "ic_null_seen", "ic_null_objects_blocks",
                                           MIN_POPULATION_ACCOUNTS, MIN_POPULATION_SHARE, int(config.seed))
                engine.drop("ic_null_seen")
                if not block_info["blocks"]:
                    # no community qualifies: the previous round stands, with its tables
                    engine.drop(kept)
                    rounds_info.append({"excluded_from_fit": int(excluded.size), "blocks": 0,
                                        "incidences": block_info["incidences"]})
                    assert last is not None
                    excluded, logp, best, wb, eb, p, q = last
                    engine.register_arrow("ic_null_excluded", pa.table({"account_id": pa.array(excluded, key_type)}))
                    break
                engine.rename(kept, "ic_null_objects_kept")  # what pooled evidence reads
                objects = "ic_null_objects_blocks"
            engine.create_table("ic_null_degree_kept", class_degrees_sql(objects))
            null = fit_null(engine, windows, "ic_null_excluded", objects, strata=strata,
                            degrees="ic_null_degree_kept")
            if n:
                parts = _link_degrees(engine, "ic_null_degree_kept")
            if blocks_round:  # the blocks round's classes and degrees stay for pooled evidence (NULL_TABLES)
                engine.rename("ic_null_degree_kept", "ic_null_degree_blocks")
            else:
                engine.drop("ic_null_degree_kept")
                engine.drop("ic_null_objects_blocks")
        else:
            null = fit_null(engine, windows, strata=strata)
        logp, best, wb, eb = _score_batches(null, parts, tested, cells, L, cvs_all)
        release_memory()  # the batches' arrays (docs/reliability.md, "Memory")
        p = np.exp(logp)
        q, accounts, q_acc = account_link_qvalues(a_keys, b_keys, p, links_per_account, fdr, m_links)
        found = np.sort(accounts[q_acc <= fdr])
        rounds_info.append({"excluded_from_fit": int(excluded.size), "accounts_found": int(found.size),
                            "links_significant": int((q <= fdr).sum()),
                            **({k: block_info[k] for k in ("blocks", "objects_in_blocks", "incidences")}
                               if blocks_round else {})})
        seen = np.union1d(seen, found)
        r += 1
        if blocks_round:
            break
        if r >= rounds or np.array_equal(found, excluded):
            if not (config.null_blocks and rounds >= 2 and found.size):
                break
            blocks_round = True  # one more fit, without everyone found so far, with blocks
            last = (excluded, logp, best, wb, eb, p, q)
        excluded = found
        engine.register_arrow("ic_null_excluded", pa.table({"account_id": pa.array(excluded, key_type)}))
    engine.drop("ic_null_tested")
    if not excluded.size:
        engine.drop("ic_null_objects_kept")
    untested_best = L - 1
    scores = pa.table(
        {
            "account_a": tested.column("account_a"),
            "account_b": tested.column("account_b"),
            "weight": pa.array(wb.astype(np.int32), pa.int32()),
            "expected": pa.array(eb, pa.float64()),
            "p_value": pa.array(p, pa.float64()),
            "surprise": pa.array(np.maximum(-logp / np.log(10.0), 0.0), pa.float64()),
            "q_value": pa.array(q, pa.float64()),
            "window_s": pa.array(np.asarray(windows)[best] if n else np.zeros(0), pa.float64()),
        }
    )
    engine.register_arrow("ic_null_scores", scores)
    items = []
    for c in engine.columns("links"):
        if c in _SCORE_COLUMNS or (c[0] == "w" and c[1:].isdigit()) or _STRATUM_CELL.fullmatch(c):
            continue
        if c == "weight":
            items.append(f"CAST(coalesce(s.weight, l.w{L - 1}) AS INT) AS weight")
        else:
            items.append(f"l.{c}")
    engine.create_table(
        "ic_links_scored",
        f"""SELECT {', '.join(items)},
               s.expected, coalesce(s.p_value, 1.0) AS p_value, coalesce(s.surprise, 0.0) AS surprise,
               coalesce(s.q_value, 1.0) AS q_value,
               coalesce(s.q_value, 1.0) <= {fdr!r} AS significant,
               coalesce(s.window_s, {windows[untested_best]!r}) AS window_s
        FROM links l LEFT JOIN ic_null_scores s
          ON l.account_a = s.account_a AND l.account_b = s.account_b""",
    )
    engine.rename("ic_links_scored", "links")
    engine.drop("ic_null_scores")
    sig = p[q <= fdr] if len(p) else p
    chosen = np.asarray(windows)[best[q <= fdr]] if len(p) else np.zeros(0)
    return {
        "windows": windows,
        "links_tested": int(len(p)),
        "links_significant": int(len(sig)),
        "significant_by_window": {f"{wv:g}": int((chosen == wv).sum()) for wv in windows},
        "rounds": rounds_info,
    }


def _link_degrees(engine: Engine, degrees: str) -> pa.Table:
    """Per tested link (``ic_null_tested``): population and both accounts' degrees
    ``d`` and mean shares per object ``m`` from ``degrees``."""
    return engine.to_arrow(
        f"""SELECT t.i, da.cls, da.d AS d_a, db.d AS d_b, da.m AS m_a, db.m AS m_b FROM ic_null_tested t
        JOIN {degrees} da ON t.account_a = da.account_id
        JOIN {degrees} db ON t.account_b = db.account_id AND da.cls = db.cls
        WHERE da.cls >= 1 ORDER BY t.i, da.cls"""  # np.add.at adds a pair's classes in this order
    )


def _col(t: pa.Table, name: str) -> np.ndarray:
    return np.nan_to_num(t.column(name).to_numpy(zero_copy_only=False).astype(np.float64))


#: Links scored at once (:func:`score_link_batch`): memory stays at a batch (the
#: windows × strata matrices of counts, expectations and tails); fewer under a
#: low ``--memory-limit`` (:func:`~inconcert.memory.budget_rows`). Results do not
#: depend on it: every step is row by row (tests/test_scoring_batches.py).
_LINK_BATCH = 1 << 17


def _score_batches(
    null: NullModel, parts: pa.Table | None, tested: pa.Table, cells: list[str], L: int, cvs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`score_link_batch` over the tested links (``tested``: counts per cell,
    ``parts``: their degrees, :func:`_link_degrees`) in batches of :data:`_LINK_BATCH`;
    the expectation grids are computed once, over every link's degrees."""
    n = tested.num_rows
    logp, best = np.zeros(n), np.zeros(n, np.int64)
    wb, eb = np.zeros(n), np.zeros(n)
    if not n:
        return logp, best, wb, eb
    grids = null.grids(_col(parts, "cls"), _col(parts, "d_a"), _col(parts, "d_b")) if parts is not None else {}
    pi = parts.column("i").to_numpy() if parts is not None else np.zeros(0, np.int64)
    step = budget_rows(_LINK_BATCH, row_bytes=64 * len(cells), minimum=min(_LINK_BATCH, 4096))
    for lo in range(0, n, step):
        k = min(step, n - lo)
        chunk = tested.slice(lo, k)
        wall = np.stack([_col(chunk, c) for c in cells], axis=1)
        a, b = np.searchsorted(pi, [lo, lo + k])
        part = parts.slice(a, b - a) if parts is not None else None
        eall = _link_expectations(null, grids, part, lo, k, len(cells))
        sl = slice(lo, lo + k)
        logp[sl], best[sl], wb[sl], eb[sl] = score_link_batch(wall, eall, L, cvs)
    return logp, best, wb, eb


def score_link_batch(
    counts: np.ndarray, expected: np.ndarray, n_windows: int, cvs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Score a batch of links: a pure function of the batch and the fitted null.

    ``counts`` and ``expected``: links × cells (the windows, then each stratum's
    windows); ``cvs``: the uncertainty per cell (:func:`window_cv`). The
    expectations are rounded to 12 significant digits (:func:`round_12g`, which
    leaves rounded values as they are) so that every score is reproducible
    across runs and engines; only those a score reads. Returns per
    link the log p-value (Simes over the cells, :func:`simes_log`), the window of
    its smallest p-value, and the count and expectation there.

    >>> import numpy as np
    >>> lp, best, w, e = score_link_batch(np.array([[1.0, 3.0]]), np.array([[0.05, 0.1]]), 2, np.zeros(2))
    >>> int(best[0]), float(w[0]), float(e[0])
    (1, 3.0, 0.1)
    """
    L = n_windows
    counts = np.asarray(counts, dtype=np.float64)
    expected, raw = np.array(expected, dtype=np.float64), expected
    # only the expectations a score reads are rounded: those of counts ≥ 2 and the widest window's
    used = ~(counts <= 1)
    used[:, L - 1] = True
    expected[used] = round_12g(expected[used])
    e, w = expected[:, :L], counts[:, :L]
    logp_all = window_logp(counts, expected, e[:, -1], cvs)
    logp = simes_log(logp_all)
    best = np.argmin(logp_all[:, :L] + 1e-12 * np.arange(L)[None, :], axis=1)
    rows = np.arange(len(w))
    return logp, best, w[rows, best], round_12g(np.asarray(raw, dtype=np.float64)[rows, best])


def _link_expectations(
    null: NullModel, grids: dict[int, ExpectationGrid], parts: pa.Table | None, lo: int, n: int, L: int
) -> np.ndarray:
    """``E_ab(W)`` per tested link ``lo … lo + n − 1`` (rows of ``parts``: link index ``i``,
    population, degrees ``d_a, d_b`` and mean shares per object ``m_a, m_b``), not rounded:
    :func:`score_link_batch` rounds the ones it reads."""
    e = np.zeros((n, L))
    if parts is not None and parts.num_rows:
        ex = null.expected(_col(parts, "cls"), _col(parts, "d_a"), _col(parts, "d_b"), grids)
        # accounts that post the same object k times co-act on it with chance
        # ≈ 1 − (1 − q)^(k_a k_b) ≤ k_a k_b q; never more than sharing it at all
        mm = _col(parts, "m_a") * _col(parts, "m_b")
        ex = np.minimum(ex[:, :L] * mm[:, None], ex[:, L:])
        np.add.at(e, parts.column("i").to_numpy().astype(np.int64) - lo, ex)
    return e


def primary_share_sql(n_windows: int, trace_pairs: str = "ic_trace_pairs", pairs: str = "pairs",
                      windows: str = "ic_obj_window", multi: tuple[str, str] | None = None) -> str:
    """``windows`` with each object's chances ``c<i>``, ``q<i>`` scaled by ``pi``,
    the share of its co-action pairs (``trace_pairs``) whose post pair counts
    under it as the primary object (``pairs``): a URL carried by retweets
    co-acts mostly as part of the retweet, a domain as part of its URL, and the
    null must not expect those co-actions twice.

    ``multi`` (the trace pairs of post pairs that are not one trace pair, and
    those post pairs: :func:`inconcert.sql.coaction.post_pairs_sql`) stands for
    ``trace_pairs``: an object's trace pairs are its post pairs, plus the multi
    trace pairs, less the multi post pairs (a post pair of one trace pair is
    that trace pair), so the trace pairs need not be kept nor counted.

    >>> "AS pi" in primary_share_sql(1)
    True
    """
    cs = ", ".join(
        f"w.c{i} * coalesce(x.pi, 1.0) AS c{i}, w.q{i} * coalesce(x.pi, 1.0) AS q{i}" for i in range(n_windows)
    )
    p = f"SELECT behaviour, object, count(*) AS n FROM {pairs} GROUP BY behaviour, object"
    if multi:
        trace_multi, post_multi = multi
        share = f"""WITH p AS ({p}),
    c AS (SELECT behaviour, object, CAST(sum(n) AS BIGINT) AS n FROM (
            SELECT behaviour, object, count(*) AS n FROM {trace_multi} GROUP BY behaviour, object
            UNION ALL SELECT behaviour, object, -count(*) AS n FROM {post_multi} GROUP BY behaviour, object) u
          GROUP BY behaviour, object),
    x AS (SELECT coalesce(p.behaviour, c.behaviour) AS behaviour, coalesce(p.object, c.object) AS object,
                 CAST(coalesce(p.n, 0) AS DOUBLE) / (coalesce(p.n, 0) + coalesce(c.n, 0)) AS pi
          FROM p FULL JOIN c ON p.behaviour = c.behaviour AND p.object = c.object)"""
    else:
        share = f"""WITH t AS (SELECT behaviour, object, count(*) AS n FROM {trace_pairs} GROUP BY behaviour, object),
    p AS ({p}),
    x AS (SELECT t.behaviour, t.object, CAST(coalesce(p.n, 0) AS DOUBLE) / t.n AS pi
          FROM t LEFT JOIN p ON t.behaviour = p.behaviour AND t.object = p.object)"""
    return f"""{share}
    SELECT w.behaviour, w.object, w.n, w.s, w.cap, w.w_us, {cs}
    FROM {windows} w LEFT JOIN x ON w.behaviour = x.behaviour AND w.object = x.object"""


#: Behaviours that a campaign's posts may all repeat, so that they never bridge two
#: object families: a hashtag set, the generic ``object`` column (a URL's domain on
#: CooRTweet exports), a text (a slogan posted with a new link each time; its copies
#: are one text cluster across every event).
ATTRIBUTE_BEHAVIOURS = ("hashtags", "object", "text", "near_text", "semantic_text")
#: Attributes derived from another column of the post (the domain of its URL):
#: two different articles of one site are one site, not two objects.
DERIVED_BEHAVIOURS = ("object",)


def object_families(
    group: np.ndarray, behaviour: list[str] | pa.Array | pa.ChunkedArray, obj: np.ndarray, seq_a: np.ndarray,
    seq_b: np.ndarray
) -> dict[int, int]:
    """Per group, the number of **object families** its in-group post pairs rest on.

    Objects derived from one post are one family: a retweet and the URL it
    carries, a URL and its domain. Content objects (reposts, texts, URLs,
    images) merge when one post appears in post pairs of both (connected
    components of the graph objects — posts). An attribute post pair
    (:data:`ATTRIBUTE_BEHAVIOURS`: a hashtag set, a domain, a text) joins the family of
    a content pair that shares a post with it, and never bridges two families
    (every post of a campaign may carry its hashtag, every link its site);
    attribute pairs that share no post with content pairs make one family per
    distinct attribute — except derived ones (:data:`DERIVED_BEHAVIOURS`, a
    domain), which count only in a group that has no other evidence.

    >>> import numpy as np
    >>> object_families(np.array([1, 1, 2, 2]), ["url", "object", "url", "url"],
    ...                 np.array([10, 99, 10, 11]), np.array([1, 1, 5, 7]), np.array([2, 3, 6, 8]))
    {1: 1, 2: 2}
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    group = np.asarray(group, dtype=np.int64)
    out: dict[int, int] = {int(g): 0 for g in np.unique(group)}
    if not group.size:
        return out
    names, bcode = dictionary_codes(behaviour)  # a handful of behaviours: coded in one pass, not by sorting strings
    code = {b: i for i, b in enumerate(names.tolist())}
    attr = np.isin(bcode, [code[b] for b in ATTRIBUTE_BEHAVIOURS if b in code])
    obj, seq_a, seq_b = (np.asarray(x, dtype=np.int64) for x in (obj, seq_a, seq_b))
    content, ai = np.flatnonzero(~attr), np.flatnonzero(attr)
    # every (group, post) of the pairs, content then attribute pairs, as one dense id
    rows = np.concatenate([content, content, ai, ai])
    post = _row_ids(group[rows], np.concatenate([seq_a[content], seq_b[content], seq_a[ai], seq_b[ai]]))
    nc = content.size
    post_c = post[: 2 * nc]
    if nc:
        # nodes: (group, behaviour, object) and (group, post); edges object — each post
        gc = group[content]
        okey = _row_ids(gc, bcode[content], obj[content])
        no = int(okey.max()) + 1
        n = no + int(post_c.max()) + 1
        src = np.concatenate([okey, okey])
        g = coo_matrix((np.ones(src.size), (src, no + post_c)), shape=(n, n))
        _, lab = connected_components(g, directed=False)
        first = np.unique(_row_ids(lab[okey], gc), return_index=True)[1]  # a component lies in one group
        for gid, k in zip(*np.unique(gc[first], return_counts=True), strict=True):
            out[int(gid)] += int(k)
    if ai.size:
        na = ai.size
        post_a, post_b = post[2 * nc: 2 * nc + na], post[2 * nc + na:]
        free = ~(np.isin(post_a, post_c) | np.isin(post_b, post_c))
        if free.any():  # attribute pairs sharing no post with content evidence: one family per attribute
            ga, ba, oa = group[ai][free], bcode[ai][free], obj[ai][free]
            first = np.unique(_row_ids(ga, ba, oa), return_index=True)[1]
            kg, kb = ga[first], ba[first]
            derived = np.isin(kb, [code[b] for b in DERIVED_BEHAVIOURS if b in code])
            for gid, k in zip(*np.unique(kg[~derived], return_counts=True), strict=True):
                out[int(gid)] += int(k)
            for gid, k in zip(*np.unique(kg[derived], return_counts=True), strict=True):
                if out[int(gid)] == 0:  # a domain is a family of its own only where nothing else is
                    out[int(gid)] = int(k)
    return out


def _row_ids(*cols: np.ndarray) -> np.ndarray:
    """Dense ids of the rows of ``cols`` (equal rows, equal ids; ids in the rows'
    lexicographic order), as ``np.unique(..., axis=0, return_inverse=True)`` gives,
    from one 1-D sort per column instead of a sort of row records.

    >>> _row_ids(np.array([2, 1, 2]), np.array([5, 9, 5])).tolist()
    [1, 0, 1]
    """
    ids = unique_inverse(cols[0])[1]
    for c in cols[1:]:
        inv = unique_inverse(c)[1]
        ids = unique_inverse(ids * (int(inv.max()) + 1 if inv.size else 1) + inv)[1]
    return ids


#: In-group post pairs :func:`drop_one_object_groups` checks at once (whole groups;
#: fewer under a low ``--memory-limit``).
_FAMILY_ROWS = 1 << 19


def group_slices(group: np.ndarray, rows: int) -> list[tuple[int, int]]:
    """Row ranges ``[lo, hi)`` of ``group`` (sorted) of about ``rows`` rows each,
    never splitting a group (a group bigger than ``rows`` is a range of its own).

    >>> group_slices(np.array([1, 1, 2, 3, 3, 3, 4]), 3)
    [(0, 3), (3, 6), (6, 7)]
    """
    n = len(group)
    starts = np.concatenate([[0], np.flatnonzero(group[1:] != group[:-1]) + 1]) if n else np.zeros(0, np.int64)
    out, lo = [], 0
    while lo < n:
        k = int(np.searchsorted(starts, lo + max(rows, 1), side="right")) - 1
        hi = int(starts[k]) if k >= 0 and starts[k] > lo else (int(starts[k + 1]) if k + 1 < starts.size else n)
        out.append((lo, hi))
        lo = hi
    return out


def drop_one_object_groups(
    engine: Engine, pairs: str = "pairs", passing: str = "glinks", membership: str = "membership",
    group_pairs: str | None = None,
) -> int:
    """Remove from ``membership`` every group whose member links (``passing``)
    together rest on a single object family (:func:`object_families`: one post
    pair counts under its primary object; objects derived from one post, such
    as a URL and its domain, are one family); returns how many groups were dropped.

    The member links' post pairs are read from ``group_pairs``, the share pairs
    inside the groups of ``membership`` (:func:`inconcert.sql.summaries.group_pairs_sql`),
    or derived from ``pairs`` when it is None; its rows of dropped groups stay."""
    lo, hi = unordered_pair_sql("p")
    ev = engine.to_arrow(
        f"""SELECT p.group_id, p.behaviour, p.object, p.seq_a, p.seq_b
        FROM {group_pairs_from(group_pairs, pairs, membership)} p JOIN {passing} g ON g.account_a = {lo} AND g.account_b = {hi}
        ORDER BY p.group_id, p.seq_a, p.seq_b, p.behaviour, p.object"""
    )
    fam: dict[int, int] = {}
    # groups are independent: whole groups at a time, so memory follows the budget, not the evidence
    for lo, hi in group_slices(ev.column("group_id").to_numpy(zero_copy_only=False),
                               budget_rows(_FAMILY_ROWS, row_bytes=400)):
        part = ev.slice(lo, hi - lo)
        fam.update(object_families(
            part.column("group_id").to_numpy(zero_copy_only=False),
            part.column("behaviour"),
            part.column("object").to_numpy(zero_copy_only=False),
            part.column("seq_a").to_numpy(zero_copy_only=False),
            part.column("seq_b").to_numpy(zero_copy_only=False),
        ))
    del ev
    allg = engine.to_arrow(f"SELECT DISTINCT group_id FROM {membership}").column("group_id").to_pylist()
    drop = sorted(int(g) for g in allg if fam.get(int(g), 0) < 2)
    if drop:
        engine.register_arrow("ic_groups_dropped", pa.table({"group_id": pa.array(drop, pa.int64())}))
        engine.create_table(
            "ic_membership_kept",
            f"""SELECT m.* FROM {membership} m
            WHERE m.group_id NOT IN (SELECT group_id FROM ic_groups_dropped) ORDER BY m.group_id, m.account_id""",
        )
        engine.create_table(membership, "SELECT * FROM ic_membership_kept")
        engine.drop("ic_membership_kept")
        engine.drop("ic_groups_dropped")
    return len(drop)
