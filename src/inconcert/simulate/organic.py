"""An organic population for the held-out worlds: everything coordination is not.

Accounts post with heavy-tailed activity (Pareto weights: a few accounts post
hundreds of times, most a handful) over ``days``:

- **link shares** of news articles from ~150 sites; share counts follow a
  power law and 2–4 **viral links** are shared by 2–5 % of all posts each
  (thousands at 50,000 posts), most within the first hour of publication;
- **retweet cascades** of organic posts (sizes power-law, lognormal delays
  with a median of 5 min to 2 h); with ``full_retweets`` a retweet carries the
  original's URLs, hashtags, domain and ``RT @author:`` text, as platform
  exports do;
- **trending hashtags**: bursts of hundreds of unrelated posts carrying the
  same tag (often the same pair of tags) within hours;
- **copy-paste memes**: short texts that 30–600 unrelated accounts post over
  10 minutes to days, 60 % verbatim, the rest with one word changed;
- **own texts** at uniformly random times.

These are the hard negatives: organic accounts meet on viral links, trends,
memes and cascades by chance, very often for the most active ones.

>>> import numpy as np
>>> from inconcert.simulate._posts import PostLog, Vocabulary
>>> rng = np.random.default_rng(0)
>>> log = PostLog("o")
>>> org = organic_population(rng, log, 3000, days=5.0, prefix="t", vocab=Vocabulary(rng, 500))
>>> len(org.accounts) >= 200, 2500 < log.n < 3500
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from inconcert.simulate._posts import PostLog, Vocabulary

__all__ = ["Organic", "organic_population", "camouflage", "SITES"]

#: News sites organic accounts link to (``https://<site>/...``).
SITES = tuple(
    f"{w}{i}.example.com"
    for i, w in enumerate(
        (
            "dailynews herald tribune courier gazette post times observer chronicle journal "
            "ledger monitor express sentinel inquirer record bulletin mirror star globe"
        ).split()
        * 8
    )
)
_COMMON_TAGS = (
    "#news",
    "#politics",
    "#breaking",
    "#today",
    "#world",
    "#vote",
    "#health",
    "#sports",
)


@dataclass
class Organic:
    """What an organic population offers operations to blend into."""

    accounts: np.ndarray
    weights: np.ndarray
    links: list[tuple[str, str, float]] = field(default_factory=list)  # url, domain, published
    trends: list[tuple[str, float, float]] = field(default_factory=list)  # tags, start, mean
    originals: list[tuple[str, float, str, str, str, str]] = field(default_factory=list)
    # (post_id, time, author, text, urls, hashtags)


def _weights(rng: np.random.Generator, n: int, cap: float = 0.015) -> np.ndarray:
    w = rng.pareto(1.1, n) + 1.0
    w = np.minimum(w / w.sum(), cap)
    return w / w.sum()


def _sharers(rng: np.random.Generator, w: np.ndarray, k: int, exclude: int = -1) -> np.ndarray:
    """``k`` distinct accounts drawn by activity (``exclude`` left out)."""
    if exclude >= 0:
        w = w.copy()
        w[exclude] = 0.0
        w /= w.sum()
    k = min(k, int(np.count_nonzero(w)))
    return rng.choice(len(w), size=k, replace=False, p=w)


def _power_counts(rng: np.random.Generator, total: int, alpha: float, cap: int) -> np.ndarray:
    """Object sizes ≥ 1 from a capped power law, summing to about ``total``."""
    out: list[np.ndarray] = []
    s = 0
    while s < total:
        c = np.minimum(np.floor(rng.pareto(alpha, 4096)) + 1, cap).astype(np.int64)
        cum = s + np.cumsum(c)
        cut = int(np.searchsorted(cum, total)) + 1
        out.append(c[:cut])
        s = int(cum[min(cut, len(c)) - 1])
    return np.concatenate(out)


def _url(rng: np.random.Generator, site: str, i: int) -> str:
    return f"https://{site}/story/{i}"


def organic_population(
    rng: np.random.Generator,
    log: PostLog,
    n_posts: int,
    days: float,
    prefix: str,
    vocab: Vocabulary,
    full_retweets: bool = False,
    mix: tuple[float, float, float, float, float] = (0.30, 0.30, 0.22, 0.10, 0.08),
    posts_per_account: float = 15.0,
) -> Organic:
    """Add about ``n_posts`` organic posts to ``log``; return what they offer.

    ``mix``: shares of own texts, link shares, retweets, trending-hashtag posts
    and meme copies.
    """
    span = days * 86400.0
    n_acc = max(200, int(n_posts / posts_per_account))
    names = np.array([f"{prefix}org{i:06d}" for i in range(n_acc)], dtype=object)
    w = _weights(rng, n_acc)
    k_own, k_link, k_rt, k_trend, k_meme = (int(n_posts * m) for m in mix)
    org = Organic(accounts=names, weights=w)

    # own texts (some with common hashtags; some become retweeted originals)
    acc = rng.choice(n_acc, size=k_own, p=w)
    ts = rng.uniform(0, span, k_own)
    texts = vocab.texts(rng, k_own, 6, 25)
    tags = np.where(
        rng.random(k_own) < 0.2, np.array(_COMMON_TAGS, dtype=object)[rng.integers(0, 8, k_own)], ""
    )
    urls = np.full(k_own, "", dtype=object)
    doms = np.full(k_own, "", dtype=object)
    with_url = rng.random(k_own) < (0.4 if full_retweets else 0.0)
    n_sites = len(SITES)
    site_p = 1.0 / np.arange(1, n_sites + 1)
    site_p /= site_p.sum()
    for i in np.flatnonzero(with_url).tolist():
        s = SITES[int(rng.choice(n_sites, p=site_p))]
        urls[i] = f"https://{s}/opinion/{i}"
        doms[i] = s
    own_ids = log.add(names[acc], ts, text=texts, hashtags=tags, urls=urls, domain=doms)

    # link shares: a power law of article sizes plus a few viral links
    n_viral = int(rng.integers(2, 5))
    viral = [int(rng.uniform(0.02, 0.05) * n_posts) for _ in range(n_viral)]
    rest = max(k_link - sum(viral), 1)
    sizes = np.concatenate(
        [np.array(viral, dtype=np.int64), _power_counts(rng, rest, 1.1, max(50, n_posts // 100))]
    )
    for j, c in enumerate(sizes.tolist()):
        site = SITES[int(rng.choice(n_sites, p=site_p))]
        url = _url(rng, site, j)
        pub = rng.uniform(0, span * 0.97)
        who = _sharers(rng, w, int(c))
        if j < n_viral:
            delay = rng.exponential(np.exp(rng.uniform(np.log(900), np.log(7200))), len(who))
        else:
            delay = rng.lognormal(np.log(3 * 3600), 1.5, len(who))
        variant = np.where(rng.random(len(who)) < 0.25, url + "?utm_source=twitter", url)
        log.add(
            names[who],
            pub + delay,
            text=vocab.texts(rng, len(who), 0, 8),
            urls=variant,
            domain=site,
        )
        if c >= 20:
            org.links.append((url, site, float(pub)))

    # trending hashtags: bursts of unrelated posts carrying the same tag (pair)
    left = k_trend
    k = 0
    while left > 0:
        c = min(left, int(rng.integers(100, max(101, min(2000, n_posts // 15)))))
        left -= c
        t0 = rng.uniform(0, span * 0.95)
        mean = float(np.exp(rng.uniform(np.log(1800), np.log(6 * 3600))))
        tag = f"#trend{k}{vocab.words[k % len(vocab.words)]}"
        pair = f"{tag} #{vocab.words[(7 * k + 3) % len(vocab.words)]}now"
        who = rng.choice(n_acc, size=c, p=w)
        tg = np.where(rng.random(c) < 0.5, pair, tag)
        log.add(
            names[who],
            t0 + rng.gamma(2.0, mean / 2.0, c),
            text=vocab.texts(rng, c, 3, 15),
            hashtags=tg,
            event=f"trend{k}",
        )
        org.trends.append((pair, float(t0), mean))
        k += 1

    # copy-paste memes: the same short text, posted by many unrelated accounts
    left = k_meme
    m = 0
    while left > 0:
        c = min(left, int(rng.integers(30, max(31, min(600, n_posts // 40)))))
        left -= c
        base = str(vocab.texts(rng, 1, 6, 14)[0])
        t0 = rng.uniform(0, span * 0.9)
        mean = float(np.exp(rng.uniform(np.log(600), np.log(24 * 3600))))
        who = _sharers(rng, w, c)
        txt = np.array(
            [base if rng.random() < 0.6 else vocab.edit(rng, base, 1) for _ in range(len(who))],
            dtype=object,
        )
        log.add(names[who], t0 + rng.exponential(mean, len(who)), text=txt, event=f"meme{m}")
        m += 1

    # retweet cascades of own posts (originals chosen by their author's activity)
    own_acc = acc
    sizes = _power_counts(rng, k_rt, 1.2, max(50, n_posts // 30))
    pick = (
        rng.choice(k_own, size=len(sizes), replace=False, p=w[own_acc] / w[own_acc].sum())
        if k_own >= len(sizes)
        else rng.integers(0, k_own, len(sizes))
    )
    for c, i in zip(sizes.tolist(), pick.tolist(), strict=True):
        who = _sharers(rng, w, int(c), exclude=int(own_acc[i]))
        med = float(np.exp(rng.uniform(np.log(300), np.log(7200))))
        t = ts[i] + rng.lognormal(np.log(med), 1.3, len(who))
        if full_retweets:
            rt_text = f"RT @{names[own_acc[i]]}: {texts[i]}"
            log.add(
                names[who],
                t,
                text=rt_text,
                urls=urls[i],
                repost_of=own_ids[i],
                hashtags=tags[i],
                domain=doms[i],
            )
        else:
            log.add(names[who], t, repost_of=own_ids[i])
        if c >= 10:
            org.originals.append(
                (
                    str(own_ids[i]),
                    float(ts[i]),
                    str(names[own_acc[i]]),
                    str(texts[i]),
                    str(urls[i]),
                    str(tags[i]),
                )
            )
    return org


def camouflage(
    rng: np.random.Generator,
    log: PostLog,
    org: Organic,
    members: np.ndarray,
    per_member: float,
    span: float,
    vocab: Vocabulary,
    full_retweets: bool = False,
) -> None:
    """Members also post like everyone else: own texts, popular links, trends, retweets.

    About ``per_member`` posts each (Poisson), never the same popular link twice.
    """
    counts = rng.poisson(per_member, len(members))
    who = np.repeat(np.asarray(members, dtype=object), counts)
    kinds = rng.choice(4, size=len(who), p=[0.4, 0.3, 0.15, 0.15])
    own = who[kinds == 0]
    if len(own):
        log.add(own, rng.uniform(0, span, len(own)), text=vocab.texts(rng, len(own), 6, 25))
    sharer = who[kinds == 1]
    if len(sharer) and org.links:  # a popular link, at most once per member
        seen: set[tuple[str, int]] = set()
        picks = []
        for a in sharer.tolist():
            j = int(rng.integers(len(org.links)))
            if (a, j) not in seen:
                seen.add((a, j))
                picks.append((a, j))
        acc = np.array([a for a, _ in picks], dtype=object)
        links = [org.links[j] for _, j in picks]
        t = np.array([x[2] for x in links]) + rng.lognormal(np.log(3 * 3600), 1.5, len(links))
        log.add(
            acc,
            t,
            urls=np.array([x[0] for x in links], dtype=object),
            domain=np.array([x[1] for x in links], dtype=object),
        )
    trender = who[kinds == 2]
    if len(trender) and org.trends:
        tr = [org.trends[int(j)] for j in rng.integers(len(org.trends), size=len(trender))]
        t0 = np.array([x[1] for x in tr])
        mean = np.array([x[2] for x in tr])
        log.add(
            trender,
            t0 + rng.gamma(2.0, mean / 2.0),
            text=vocab.texts(rng, len(trender), 3, 15),
            hashtags=np.array([x[0] for x in tr], dtype=object),
        )
    rter = who[kinds == 3]
    if len(rter) and org.originals:
        picks = sorted({(a, int(rng.integers(len(org.originals)))) for a in rter.tolist()})
        acc = np.array([a for a, _ in picks], dtype=object)
        src = [org.originals[j] for _, j in picks]
        t = np.array([x[1] for x in src]) + rng.lognormal(np.log(3600), 1.3, len(src))
        pid = np.array([x[0] for x in src], dtype=object)
        if full_retweets:
            log.add(
                acc,
                t,
                text=np.array([f"RT @{x[2]}: {x[3]}" for x in src], dtype=object),
                urls=np.array([x[4] for x in src], dtype=object),
                repost_of=pid,
                hashtags=np.array([x[5] for x in src], dtype=object),
                domain=np.array([x[4].split("/")[2] if x[4] else "" for x in src], dtype=object),
            )
        else:
            log.add(acc, t, repost_of=pid)
