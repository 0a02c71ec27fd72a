"""A simulator with planted coordination, so tests and users know the answer.

Organic accounts post with heavy-tailed activity: they share links (popular
links are shared by many accounts within minutes of publication — the hard
negatives), retweet each other in cascades and write their own texts.
Planted operations of several sizes use different tactics: pushing links,
retweet rings, copy-pasted texts and hashtag campaigns, each member acting
within seconds of a trigger, while also posting like everyone else.

Written in the generic format (``posts.csv``) with ``labels.csv``
(``account_id, label, group``; label ``operation`` or ``organic``).

>>> posts, labels = simulate(n_posts=2000, seed=7)
>>> posts.num_rows >= 2000, set(labels.column("label").to_pylist()) == {"operation", "organic"}
(True, True)
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["simulate", "TACTICS", "START"]

TACTICS = ("url_push", "retweet_ring", "copypasta", "hashtag_campaign")
START = 1_704_067_200  # 2024-01-01T00:00:00Z
_WORDS = (
    "the people vote city news today why never always truth media state border health "
    "money school police water energy price food family freedom rights war peace law court "
    "election tax job market climate army hospital street river bank power voice future past "
    "children doctor church farm factory village train road bridge storm night morning story "
    "secret report leader minister party crowd protest hope fear change win lose fight help"
).split()


def _texts(rng: np.random.Generator, n: int, lo: int = 8, hi: int = 20) -> list[str]:
    words = np.array(_WORDS)
    lens = rng.integers(lo, hi + 1, size=n)
    idx = rng.integers(0, len(words), size=int(lens.sum()))
    toks = words[idx]
    out = []
    pos = 0
    for k in lens:
        out.append(" ".join(toks[pos : pos + k]))
        pos += k
    return out


def _popularity(
    rng: np.random.Generator, k: int, alpha: float, cap: int
) -> tuple[np.ndarray, int, np.ndarray]:
    """Assign ``k`` shares to objects whose share counts follow a capped power law.

    Returns (object index per share, number of objects, count per object).
    """
    if k == 0:
        return np.zeros(0, dtype=np.int64), 1, np.ones(1, dtype=np.int64)
    counts = np.minimum(np.floor(rng.pareto(alpha, size=k)) + 1, cap).astype(np.int64)
    cum = np.cumsum(counts)
    m = int(np.searchsorted(cum, k)) + 1
    counts = counts[:m]
    idx = np.repeat(np.arange(m), counts)[:k]
    rng.shuffle(idx)
    return idx, m, np.bincount(idx, minlength=m)


def simulate(
    n_posts: int = 20_000,
    seed: int = 42,
    n_operations: int | None = None,
    operation_share: float = 0.06,
    days: float = 7.0,
) -> tuple[pa.Table, pa.Table]:
    """Generate ``(posts, labels)`` with about ``n_posts`` posts.

    ``operation_share`` of the posts come from planted operations; their number
    defaults to one per ~4,000 posts (at least 4), with sizes from 4 to 40 accounts.
    """
    rng = np.random.default_rng(seed)
    span = days * 86400.0
    n_op_posts = int(n_posts * operation_share)
    n_org_posts = max(n_posts - n_op_posts, 1)
    n_org = max(40, n_org_posts // 25)

    # ---------------- organic ----------------
    activity = rng.pareto(1.3, n_org) + 1.0
    activity /= activity.sum()
    kinds = rng.choice(3, size=n_org_posts, p=[0.4, 0.25, 0.35])  # url, retweet, text
    acc = rng.choice(n_org, size=n_org_posts, p=activity)
    ts = np.empty(n_org_posts)
    urls = np.full(n_org_posts, "", dtype=object)
    rts = np.full(n_org_posts, "", dtype=object)
    texts = np.full(n_org_posts, "", dtype=object)
    tags = np.full(n_org_posts, "", dtype=object)

    is_url = kinds == 0
    k_url = int(is_url.sum())
    u, n_url, url_count = _popularity(rng, k_url, alpha=1.2, cap=1000)
    url_pub = rng.uniform(0, span, n_url)
    viral = url_count[u] >= 50
    delay = np.where(viral, rng.exponential(3600.0, k_url), rng.exponential(12 * 3600.0, k_url))
    ts[is_url] = url_pub[u] + delay  # posts past the span are dropped below
    host = np.array(
        [f"https://news{i % 97}.example.org/story/{i}" for i in range(n_url)], dtype=object
    )
    variants = rng.integers(0, 4, size=k_url)
    suffix = np.array(["", "?utm_source=twitter", "/", "#comments"], dtype=object)[variants]
    urls[is_url] = host[u] + suffix
    top_urls = np.argsort(-url_count, kind="stable")[:20]

    is_txt = kinds == 2
    k_txt = int(is_txt.sum())
    ts[is_txt] = rng.uniform(0, span, k_txt)
    pool = _texts(rng, max(50, min(k_txt, 200_000)))
    texts[is_txt] = np.array(pool, dtype=object)[rng.integers(0, len(pool), size=k_txt)]
    tag_pool = np.array([f"#{w}{i}" for i in range(8) for w in _WORDS], dtype=object)
    has_tags = rng.random(k_txt) < 0.3
    t1 = tag_pool[rng.integers(0, len(tag_pool), k_txt)]
    t2 = tag_pool[rng.integers(0, len(tag_pool), k_txt)]
    tags[np.flatnonzero(is_txt)[has_tags]] = (t1 + " " + t2)[has_tags]

    # retweets: cascades of organic text posts
    is_rt = kinds == 1
    k_rt = int(is_rt.sum())
    txt_idx = np.flatnonzero(is_txt)
    if len(txt_idx) and k_rt:
        pop, _, _ = _popularity(rng, k_rt, alpha=1.3, cap=1000)
        src = txt_idx[pop % len(txt_idx)]
        ts[is_rt] = ts[src] + rng.lognormal(np.log(3600), 1.2, k_rt)
        rts[is_rt] = np.array([f"p{i}" for i in src], dtype=object)
    else:
        ts[is_rt] = rng.uniform(0, span, k_rt)

    org_names = np.array([f"org{i:06d}" for i in range(n_org)], dtype=object)
    posts_acc = list(org_names[acc])
    posts_ts = list(ts)
    posts_url = list(urls)
    posts_rt = list(rts)
    posts_text = list(texts)
    posts_tags = list(tags)

    # ---------------- operations ----------------
    n_ops = n_operations or max(4, n_posts // 4000)
    sizes = [int(s) for s in np.clip(rng.choice([4, 6, 10, 15, 25, 40], size=n_ops), 4, 40)]
    per_op = max(n_op_posts // n_ops, 20)
    labels_acc: list[str] = list(org_names)
    labels_lab: list[str] = ["organic"] * n_org
    labels_grp: list[int] = [0] * n_org
    op_text_pool = _texts(rng, n_ops * 200, 12, 25)
    for k in range(n_ops):
        tactic = TACTICS[k % len(TACTICS)]
        size = sizes[k]
        members = np.array([f"op{k:03d}m{j:03d}" for j in range(size)], dtype=object)
        labels_acc += list(members)
        labels_lab += ["operation"] * size
        labels_grp += [k + 1] * size
        n_events = max(3, per_op // max(1, int(size * 0.7)))
        for e in range(n_events):
            trigger = rng.uniform(0, span - 120)
            who = members[rng.random(size) < 0.7]
            if len(who) < 2:
                who = members[:2]
            t = trigger + rng.uniform(0, 30, len(who))
            for a, tt in zip(who, t, strict=True):
                posts_acc.append(a)
                posts_ts.append(tt)
                url = rt = txt = tg = ""
                if tactic == "url_push":
                    url = f"https://op{k}-site.example.net/a/{e}" + (
                        "?utm_medium=social" if rng.random() < 0.5 else ""
                    )
                elif tactic == "retweet_ring":
                    rt = f"seed{k}_{e}"
                elif tactic == "copypasta":
                    base = op_text_pool[(k * 200 + e) % len(op_text_pool)]
                    txt = (
                        base.upper()
                        if rng.random() < 0.2
                        else base + ("!" if rng.random() < 0.5 else "")
                    )
                else:
                    tg = f"#op{k}tag{e % 5} #{_WORDS[(k * 7 + e) % len(_WORDS)]} #campaign{k}"
                    txt = op_text_pool[rng.integers(0, len(op_text_pool))]
                posts_url.append(url)
                posts_rt.append(rt)
                posts_text.append(txt)
                posts_tags.append(tg)
        # camouflage: members also share popular organic links and texts
        n_cam = size * 3
        for _ in range(n_cam):
            posts_acc.append(members[rng.integers(0, size)])
            j = top_urls[rng.integers(0, len(top_urls))]
            posts_ts.append(url_pub[j] + rng.exponential(1800.0))
            posts_url.append(host[j])
            posts_rt.append("")
            posts_text.append("")
            posts_tags.append("")

    n = len(posts_acc)
    tsa = np.array(posts_ts)
    order = np.lexsort((np.arange(n), tsa))
    order = order[tsa[order] < span]  # shares that would fall after the period are not posted
    t_int = (START + np.floor(np.array(posts_ts))).astype("int64")
    post_ids = np.array([f"p{i}" for i in range(n)], dtype=object)
    # reposts pointing at organic posts refer to their original index ("p<idx>")
    tbl = pa.table(
        {
            "post_id": pa.array(post_ids[order], pa.string()),
            "account_id": pa.array(np.array(posts_acc, dtype=object)[order], pa.string()),
            "created_at": pa.array(t_int[order] * 1_000_000, pa.timestamp("us", tz="UTC")),
            "text": pa.array(np.array(posts_text, dtype=object)[order], pa.string()),
            "urls": pa.array(np.array(posts_url, dtype=object)[order], pa.string()),
            "repost_of": pa.array(np.array(posts_rt, dtype=object)[order], pa.string()),
            "hashtags": pa.array(np.array(posts_tags, dtype=object)[order], pa.string()),
        }
    )
    labels = pa.table(
        {
            "account_id": pa.array(labels_acc, pa.string()),
            "label": pa.array(labels_lab, pa.string()),
            "group": pa.array(labels_grp, pa.int64()),
        }
    )
    return tbl, labels
