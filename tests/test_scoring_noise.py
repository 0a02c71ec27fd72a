"""Pure noise: bursty objects, heterogeneous accounts, no coordination at all.

The null model must not find coordination here: p-values of the tested links
are (super-)uniform and about FDR-level links pass, not hundreds.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from inconcert.config import DetectConfig
from inconcert.pipeline import detect


def _noise_posts(seed: int, n_accounts: int = 300, n_objects: int = 1500) -> pa.Table:
    rng = np.random.default_rng(seed)
    activity = rng.pareto(1.5, n_accounts) + 1.0
    activity /= activity.sum()
    sizes = np.minimum(rng.pareto(1.1, n_objects).astype(int) + 2, 150)
    acc, ts, urls = [], [], []
    for o, n in enumerate(sizes):
        centre = rng.uniform(0, 7 * 86400)
        spread = float(np.exp(rng.uniform(np.log(60), np.log(6 * 3600))))
        who = rng.choice(n_accounts, size=int(n), replace=False, p=activity)
        acc += [f"u{a:04d}" for a in who]
        ts += list(centre + rng.exponential(spread, int(n)))
        urls += [f"https://s{o % 13}.example.org/{o}"] * int(n)
    order = np.argsort(ts, kind="stable")
    t = (1_704_067_200 + np.floor(np.array(ts))).astype("int64")[order]
    return pa.table(
        {
            "post_id": [f"n{i}" for i in range(len(acc))],
            "account_id": pa.array(np.array(acc, dtype=object)[order], pa.string()),
            "created_at": pa.array(t * 1_000_000, pa.timestamp("us", tz="UTC")),
            "urls": pa.array(np.array(urls, dtype=object)[order], pa.string()),
        }
    )


@pytest.mark.parametrize("seed, window", [(1, 60), (2, 60), (1, "ladder"), (2, "ladder")])
def test_pure_noise_gives_uniformish_p_values_and_few_links(tmp_path, seed, window):
    """p-values are conditioned on the link existing (≥ 1 co-action), so they are
    super-uniform over every link, the family Benjamini–Hochberg runs over (the
    links with one co-action have p = 1 by construction)."""
    posts = _noise_posts(seed)
    pacsv.write_csv(posts, tmp_path / "posts.csv")
    r = detect([tmp_path / "posts.csv"], tmp_path / "out", DetectConfig(window=window))
    # no groups, so pooled evidence has nothing to add to
    assert r.summary["counts"]["groups"] == 0 and r.summary["counts"]["accounts_joined_pooled"] == 0
    links = pq.read_table(tmp_path / "out" / "links.parquet")
    w = np.asarray(links.column("weight"))
    p = np.asarray(links.column("p_value"))
    tested = w >= 2
    assert tested.sum() > 200, "the noise must produce many repeated co-actions"
    # super-uniform over the links: P(p <= a) <= a (with sampling slack)
    for a in (0.01, 0.05, 0.2):
        assert (p <= a).mean() <= a * 1.5 + 0.01, a
    # raw counts flag hundreds of these pairs; the null model passes about none
    assert (w >= 4).sum() > 100
    assert int(np.asarray(links.column("significant")).sum()) <= 2
    # every tested link has a positive expectation; one-co-action links are not tested
    e = np.asarray(links.column("expected").to_numpy(zero_copy_only=False), dtype=float)
    assert np.all(e[tested] > 0)
    assert np.all(np.isnan(e[~tested]))


def test_pooled_p_values_against_random_groups_of_noise_accounts_are_super_uniform(tmp_path, monkeypatch):
    """Pretend random sets of noise accounts are groups: the pooled test of every
    other account against them must be (super-)uniform and BH must attach none."""
    import inconcert.scoring as scoring
    from inconcert.scoring.pooled import pooled_candidates, pooled_observed_sql
    from inconcert.scoring.stats import bh_qvalues

    real = scoring.attach_pooled
    seen: list[np.ndarray] = []

    def probe(engine, config, windows=None):
        from inconcert.scoring.nullmodel import fit_null

        null = fit_null(engine, windows)
        accs = engine.to_arrow("SELECT DISTINCT account_id FROM ic_null_degree ORDER BY account_id")
        accs = accs.column(0).to_pylist()
        rng = np.random.default_rng(0)
        for size in (5, 20):
            n_groups = 200 // size
            for _ in range(5):
                who = rng.choice(len(accs), size=size * n_groups, replace=False)
                members = pa.table(
                    {
                        "account_id": [accs[i] for i in who],
                        "group_id": pa.array(np.repeat(np.arange(1, n_groups + 1), size), pa.int64()),
                    }
                )
                cand = pooled_candidates(engine, members, null)
                # candidates with one object co-acted on (p = 1) are not returned: count them in
                n_all = int(engine.scalar(
                    f"SELECT count(*) FROM ({pooled_observed_sql(len(null.windows))}) c WHERE w{len(null.windows) - 1} >= 1"))
                p = cand.column("p_value").to_numpy()
                seen.append(np.concatenate([p, np.ones(max(n_all - len(p), 0))]))
        return real(engine, config, windows)

    monkeypatch.setattr(scoring, "attach_pooled", probe)
    pacsv.write_csv(_noise_posts(1), tmp_path / "posts.csv")
    detect([tmp_path / "posts.csv"], tmp_path / "out", DetectConfig(window=60))
    p = np.concatenate(seen)
    assert p.size > 5000 and (p < 1).sum() > 500
    for a in (0.01, 0.05, 0.2):
        assert (p <= a).mean() <= a, a
    assert all(int((bh_qvalues(x) <= 0.01).sum()) == 0 for x in seen)
