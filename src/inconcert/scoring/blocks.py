"""Interest blocks for the refit: a null that expects homophily, learnt from the uncoordinated.

One BiCM per connected population (:func:`~inconcert.scoring.nullmodel.populations`)
assumes that inside a population any account may share any object, in
proportion to its activity and the object's popularity. Real collections are
made of communities — languages, countries, topics — joined by a few
objects every community shares (a viral link, `#news`). Inside a community
accounts share its objects far more often than one BiCM over everything
expects, so ordinary members of a community look coordinated (measured on
the held-out worlds stacked into one file: 6.8 % of organic accounts flagged
at 160,000 posts; one world alone: 0 %).

So after the refit rounds of the robust null (which leave the accounts found
out of the fit), one more round also randomises **within blocks of objects**:

1. the accounts *no* round found are partitioned into
   communities of the bipartite graph of who shares what (Leiden, modularity,
   fixed seed; objects with at least two such sharers);
2. a community of at least ``MIN_POPULATION_SHARE`` of the accounts (and
   ``MIN_POPULATION_ACCOUNTS``) is a block, when its population has at least
   two;
3. an object belongs to a community when more than half of its uncoordinated
   sharers are in it; a community is a **block** when at least half of its
   members' sharing is on its own objects (modularity cuts communities out of
   any population, also one without structure: those of one organic world
   hold 5–16 % of their members' sharing, the worlds stacked into one file
   53–89 %); every other object stays in its population;
4. each block's objects get a BiCM of their own, fitted to every account's
   degree **among the block's objects**; a pair's expectation sums the blocks
   and the population (:meth:`~inconcert.scoring.nullmodel.NullModel.expected`
   already sums the classes two accounts share).

Why this cannot explain an operation away: the blocks are found among the
accounts *no* round found (an operation the refit finds is never part of one),
and the objects only found accounts share are outside the fit altogether
(co-acting on them is evidence, as before). When no community qualifies the
previous round's result stands. **Assumption:** communities of at least 100
accounts that no round found are not coordination; an account is expected to
share its community's objects as often as its activity there predicts.

Cost: one Leiden run over the uncoordinated incidences (they come to the
driver); above :data:`MAX_INCIDENCES` (or the engine's ``collect_limit``) no
blocks are formed, and ``summary.json`` says so (``null.rounds[1].incidences``,
``blocks`` 0).

>>> import numpy as np  # two communities of 200 accounts, joined by one object all share
>>> acc = np.repeat(np.arange(400), 7)
>>> obj = np.concatenate([[(a // 200) * 100 + (a + k) % 10 for k in range(6)] + [999] for a in range(400)])
>>> keys, blk = account_blocks(acc, obj, np.ones(len(acc), np.int64), min_accounts=100, min_share=0.05)
>>> np.unique(blk, return_counts=True)[1].tolist(), int(blk[0]), int(blk[-1])
([200, 200], 1, 2)
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from inconcert.engines.base import Engine
from inconcert.scoring.codes import dictionary_codes

__all__ = ["account_blocks", "object_blocks", "MAX_INCIDENCES"]

#: Uncoordinated account–object incidences above which no blocks are formed.
MAX_INCIDENCES = 5_000_000
#: An object joins a block when more than this share of its uncoordinated sharers is in it.
MAJORITY = 0.5
#: A community is a block when at least this share of its members' sharing is on its own
#: objects (measured: 0.53–0.89 for the worlds of a stacked file, 0.05–0.16 for the
#: communities modularity cuts out of one organic population).
OWN_SHARE = 0.5


def account_blocks(
    accounts: np.ndarray, objects: np.ndarray, population: np.ndarray, min_accounts: int,
    min_share: float, seed: int = 42,
) -> tuple[np.ndarray, np.ndarray]:
    """Blocks of the accounts of the incidences ``accounts[i]`` — ``objects[i]``
    (integer keys; ``population[i]`` the object's population): Leiden
    modularity communities of the bipartite graph holding at least
    ``max(min_accounts, min_share × accounts)`` accounts, numbered 1, 2, … by
    size (ties by smallest account key), where a population has at least two;
    0 = no block. Returns the distinct account keys and their block."""
    import igraph as ig
    import leidenalg

    ua, ia = np.unique(accounts, return_inverse=True)
    uo, io = np.unique(objects, return_inverse=True)
    na, no = len(ua), len(uo)
    out = np.zeros(na, np.int64)
    if na == 0:
        return ua, out
    # a block lies in one population (communities are connected); keep populations with ≥ 2 blocks
    pop_of_acc = np.zeros(na, np.int64)
    pop_of_acc[ia] = population
    threshold = max(min_accounts, min_share * na)
    if not (np.bincount(pop_of_acc) >= 2 * threshold).any():
        return ua, out  # no population can hold two blocks: whatever the communities, none is formed
    # the distinct edges account — object, sorted by (account, object), as one key per edge
    key = np.unique(ia.astype(np.int64) * no + io)
    g = ig.Graph(n=na + no)
    g.add_edges(np.stack([key // no, na + key % no], axis=1))
    part = leidenalg.find_partition(g, leidenalg.ModularityVertexPartition, seed=seed)
    lab = np.asarray(part.membership, dtype=np.int64)[:na]
    size = np.bincount(lab)
    big = np.flatnonzero(size >= threshold)
    if big.size < 2:
        return ua, out
    pop_of_block = {int(b): int(pop_of_acc[np.flatnonzero(lab == b)[0]]) for b in big}
    per_pop = np.bincount(np.array(list(pop_of_block.values()), dtype=np.int64))
    big = np.array([b for b in big if per_pop[pop_of_block[int(b)]] >= 2], dtype=np.int64)
    if big.size < 2:
        return ua, out
    first = np.full(len(size), np.iinfo(np.int64).max)
    np.minimum.at(first, lab, np.arange(na))
    big = big[np.lexsort((first[big], -size[big]))]
    number = np.zeros(len(size), np.int64)
    number[big] = np.arange(1, len(big) + 1)
    return ua, number[lab]


def object_blocks(
    engine: Engine, kept_objects: str, excluded: str, out_objects: str,
    min_accounts: int, min_share: float, seed: int = 42,
) -> dict[str, int]:
    """From ``kept_objects(behaviour, object, n, nf, cls)`` (the refit's objects,
    ``n`` = uncoordinated sharers), with blocks found among the accounts not in
    ``excluded`` (every account some round found), write ``out_objects`` (the
    same, with a block's objects in a class of their own, numbered after every
    population). Returns ``{"blocks": k, "objects_in_blocks": m, "incidences":
    i}``; with no blocks (``k = 0``) ``out_objects`` is not written."""
    inc_sql = f"""SELECT a.account_id, o.behaviour, o.object, o.cls, o.n FROM ic_null_ao a
        JOIN {kept_objects} o ON a.behaviour = o.behaviour AND a.object = o.object
        WHERE o.n >= 2 AND o.cls >= 1 AND a.account_id NOT IN (SELECT account_id FROM {excluded})"""
    n_inc = int(engine.scalar(f"SELECT count(*) FROM ({inc_sql}) s") or 0)  # type: ignore[call-overload]
    info = {"blocks": 0, "objects_in_blocks": 0, "incidences": n_inc}
    assigned = None
    limit = min(MAX_INCIDENCES, engine.collect_limit or MAX_INCIDENCES)
    if 0 < n_inc <= limit:
        inc = engine.to_arrow(inc_sql + " ORDER BY a.account_id, o.behaviour, o.object")
        bu, bi = dictionary_codes(inc.column("behaviour"))
        obj = inc.column("object").to_numpy(zero_copy_only=False)
        # dense ids of (behaviour, object) in their sorted order, from 1-D sorts
        oi = np.unique(obj.astype(np.int64), return_inverse=True)[1].ravel()
        okey = np.unique(bi * (int(oi.max()) + 1) + oi, return_inverse=True)[1].ravel()
        acc = inc.column("account_id").to_numpy(zero_copy_only=False)
        keys, blk = account_blocks(acc, okey, inc.column("cls").to_numpy(zero_copy_only=False).astype(np.int64),
                                   min_accounts, min_share, seed)
        k = int(blk.max()) if blk.size else 0
        if k:
            ab = blk[np.searchsorted(keys, acc)]
            no = int(okey.max()) + 1
            total = np.zeros(no, np.int64)  # the object's sharers the last round did not find
            total[okey] = inc.column("n").to_numpy(zero_copy_only=False)
            best_n = np.zeros(no, np.int64)
            best_b = np.zeros(no, np.int64)
            for b in range(1, k + 1):  # the block holding most of each object's sharers
                nb = np.bincount(okey[ab == b], minlength=no)
                better = nb > best_n
                best_n[better], best_b[better] = nb[better], b
            ok = best_n > MAJORITY * total
            # a block is a community whose members do most of their sharing on its own objects
            own = ok[okey] & (best_b[okey] == ab) & (ab > 0)
            inc_b = np.bincount(ab, minlength=k + 1)
            own_b = np.bincount(ab[own], minlength=k + 1)
            share = own_b / np.maximum(inc_b, 1)
            keep_b = np.flatnonzero(share >= OWN_SHARE)
            keep_b = keep_b[keep_b > 0]
            renum = np.zeros(k + 1, np.int64)
            renum[keep_b] = np.arange(1, len(keep_b) + 1)
            best_b = renum[best_b]
            ok &= best_b > 0
            k = len(keep_b)
            info["communities"] = int(len(share) - 1)
            first = np.zeros(no, np.int64)
            first[okey[::-1]] = np.arange(len(okey))[::-1]
            sel = np.flatnonzero(ok)
            top = int(engine.scalar(f"SELECT max(cls) FROM {kept_objects}") or 0)
            assigned = pa.table({
                "behaviour": pa.array(bu[bi[first[sel]]]),
                "object": inc.column("object").take(pa.array(first[sel])),
                "bcls": pa.array(top + best_b[sel], pa.int64()),
            })
            info["blocks"], info["objects_in_blocks"] = k, int(sel.size)
    if assigned is not None and assigned.num_rows:
        engine.register_arrow("ic_null_block_of", assigned)
        engine.create_table(
            out_objects,
            f"""SELECT o.behaviour, o.object, o.n, o.nf, coalesce(b.bcls, o.cls) AS cls FROM {kept_objects} o
            LEFT JOIN ic_null_block_of b ON o.behaviour = b.behaviour AND o.object = b.object""",
        )
        engine.drop("ic_null_block_of")
    else:
        info["blocks"] = 0
    return info
