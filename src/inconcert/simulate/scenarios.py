"""Harder simulated worlds for judging the null model and the verdicts.

Each function takes a seeded :class:`numpy.random.Generator` and returns
``(posts, labels)`` in the simulator's generic format (posts: ``post_id,
account_id, created_at, text, urls, repost_of, hashtags``; labels:
``account_id, label, group``), so they can be appended to
:func:`inconcert.simulate.base.simulate`'s output:

- :func:`viral_bursts` — organic accounts piling onto viral stories within
  minutes (hard negatives for raw co-action counts);
- :func:`news_feed_automation` — feed accounts that post every article of a
  site within seconds of publication (label ``automation``), plus organic
  readers who share the articles later;
- :func:`slow_burn_operation` — an operation acting minutes to hours apart, for
  weeks (few co-actions per pair, each on a slow object);
- :func:`camouflaged_operation` — an operation whose members mostly share
  popular content like everyone else.

:func:`simulate_extended` combines the base simulator with all four.

>>> rng = np.random.default_rng(1)
>>> posts, labels = news_feed_automation(rng, n_sites=1, days=1.0)
>>> sorted(set(labels.column("label").to_pylist()))
['automation', 'organic']
>>> posts.schema.names
['post_id', 'account_id', 'created_at', 'text', 'urls', 'repost_of', 'hashtags']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inconcert.simulate.base import START, simulate

__all__ = [
    "SCENARIOS",
    "START",
    "viral_bursts",
    "news_feed_automation",
    "slow_burn_operation",
    "camouflaged_operation",
    "simulate_extended",
]


SCENARIOS = ("viral", "automation", "slow_burn", "camouflage")
_WORDS = (
    "alpha bravo canal delta eagle forest garden harbor island jungle kettle lemon meadow "
    "nectar orbit pepper quartz river saddle timber umbra violet willow yonder zephyr amber "
    "basalt cedar dune ember fjord glacier hollow iris juniper kelp lagoon marble"
).split()


class _Posts:
    """Column lists for posts being built."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.acc: list[str] = []
        self.ts: list[float] = []
        self.text: list[str] = []
        self.url: list[str] = []
        self.rt: list[str] = []
        self.tags: list[str] = []

    def add(
        self, acc: str, ts: float, text: str = "", url: str = "", rt: str = "", tags: str = ""
    ) -> None:
        self.acc.append(acc)
        self.ts.append(float(ts))
        self.text.append(text)
        self.url.append(url)
        self.rt.append(rt)
        self.tags.append(tags)

    def table(self, start: int, span: float) -> pa.Table:
        # Posts that would fall after the span are dropped, not clipped: clipping
        # piles them onto the last second and fakes co-actions at Δt = 0.
        ts = np.asarray(self.ts, dtype=np.float64)
        n = len(self.acc)
        keep = np.flatnonzero((ts >= 0.0) & (ts <= span))
        order = keep[np.lexsort((keep, ts[keep]))] if n else keep
        us = ((start + np.floor(ts)) * 1_000_000).astype("int64")
        ids = np.array([f"{self.prefix}{i}" for i in range(n)], dtype=object)
        n = len(order)

        def col(x: list[str]) -> pa.Array:
            return pa.array(np.asarray(x, dtype=object)[order] if n else [], pa.string())

        return pa.table(
            {
                "post_id": pa.array(ids[order] if n else [], pa.string()),
                "account_id": col(self.acc),
                "created_at": pa.array(us[order] if n else [], pa.timestamp("us", tz="UTC")),
                "text": col(self.text),
                "urls": col(self.url),
                "repost_of": col(self.rt),
                "hashtags": col(self.tags),
            }
        )


def _labels(
    accounts: Sequence[str], label: str | Sequence[str], group: int | Sequence[int]
) -> pa.Table:
    n = len(accounts)
    labs = [label] * n if isinstance(label, str) else list(label)
    grps = [group] * n if isinstance(group, int) else list(group)
    return pa.table(
        {
            "account_id": pa.array(list(accounts), pa.string()),
            "label": pa.array(labs, pa.string()),
            "group": pa.array(grps, pa.int64()),
        }
    )


def _sentence(rng: np.random.Generator, lo: int = 6, hi: int = 14) -> str:
    k = int(rng.integers(lo, hi + 1))
    return " ".join(_WORDS[i] for i in rng.integers(0, len(_WORDS), k))


def viral_bursts(
    rng: np.random.Generator,
    n_accounts: int = 2000,
    n_stories: int = 30,
    shares: tuple[int, int] = (100, 600),
    days: float = 7.0,
    own_posts: float = 3.0,
    start: int = START,
    prefix: str = "vb",
) -> tuple[pa.Table, pa.Table]:
    """Organic accounts sharing viral stories in tight bursts (mean delay 1–20 min).

    Active accounts share many stories, so pairs of them co-share several
    stories within a minute by chance alone. Each account also writes about
    ``own_posts`` posts of its own text.
    """
    span = days * 86400.0
    names = [f"{prefix}{i:06d}" for i in range(n_accounts)]
    activity = rng.pareto(1.2, n_accounts) + 1.0
    activity /= activity.sum()
    p = _Posts(f"{prefix}p")
    for s in range(n_stories):
        pub = rng.uniform(0, span * 0.95)
        k = int(min(rng.integers(shares[0], shares[1] + 1), n_accounts))
        who = rng.choice(n_accounts, size=k, replace=False, p=activity)
        burst = float(np.exp(rng.uniform(np.log(60.0), np.log(1200.0))))
        delays = rng.exponential(burst, k)
        url = f"https://viral{s % 7}.example.com/story/{s}"
        for a, dl in zip(who, delays, strict=True):
            p.add(names[a], pub + dl, text=_sentence(rng, 2, 6), url=url)
    n_own = rng.poisson(own_posts, n_accounts)
    for a in range(n_accounts):
        for _ in range(int(n_own[a])):
            p.add(names[a], rng.uniform(0, span), text=_sentence(rng))
    return p.table(start, span), _labels(names, "organic", 0)


def news_feed_automation(
    rng: np.random.Generator,
    n_sites: int = 3,
    feeds_per_site: tuple[int, int] = (3, 6),
    articles_per_day: float = 24.0,
    n_readers: int = 300,
    days: float = 7.0,
    start: int = START,
    group_base: int = 9000,
    prefix: str = "nf",
) -> tuple[pa.Table, pa.Table]:
    """Feed accounts posting every article of their site 0.5–4 s after publication.

    Even-numbered sites publish on a clock (regular cadence), odd ones at random
    times. Feeds post ``"<title> <url>"``. Organic readers (label ``organic``)
    share some articles hours later.
    """
    span = days * 86400.0
    p = _Posts(f"{prefix}p")
    accounts: list[str] = []
    labs: list[str] = []
    groups: list[int] = []
    articles: list[tuple[float, str, str]] = []
    for k in range(n_sites):
        n_art = max(2, int(articles_per_day * days))
        if k % 2 == 0:
            step = span / n_art
            pubs = np.arange(n_art) * step + rng.uniform(0, 30, n_art)
        else:
            pubs = np.sort(rng.uniform(0, span, n_art))
        nf = int(rng.integers(feeds_per_site[0], feeds_per_site[1] + 1))
        feeds = [f"{prefix}feed{k:02d}x{j}" for j in range(nf)]
        accounts += feeds
        labs += ["automation"] * nf
        groups += [group_base + k] * nf
        for i, pub in enumerate(pubs):
            url = f"https://site{k}.example.com/news/{i}"
            title = _sentence(rng, 5, 10).capitalize()
            articles.append((float(pub), url, title))
            for f in feeds:
                p.add(f, pub + rng.uniform(0.5, 4.0), text=f"{title} {url}", url=url)
    readers = [f"{prefix}reader{i:05d}" for i in range(n_readers)]
    accounts += readers
    labs += ["organic"] * n_readers
    groups += [0] * n_readers
    if articles:
        n_share = rng.poisson(4.0, n_readers)
        for r, m in zip(readers, n_share, strict=True):
            for j in rng.integers(0, len(articles), int(m)):
                pub, url, title = articles[int(j)]
                p.add(r, pub + rng.exponential(4 * 3600.0), text=_sentence(rng, 2, 6), url=url)
    return p.table(start, span), _labels(accounts, labs, groups)


def slow_burn_operation(
    rng: np.random.Generator,
    n_members: int = 12,
    days: float = 7.0,
    events_per_day: float = 6.0,
    participation: float = 0.6,
    spread: tuple[float, float] = (120.0, 3 * 3600.0),
    start: int = START,
    group: int = 9100,
    prefix: str = "sb",
) -> tuple[pa.Table, pa.Table]:
    """An operation whose members act minutes to hours apart, for weeks.

    Each event (a link to the operation's site, a hashtag pair or a repost of
    a seed post) is taken up by each member with probability ``participation``
    after a delay drawn with a mean between ``spread`` seconds (log-uniform):
    only a few pairs ever fall within a short window, on objects nobody else
    shares.
    """
    span = days * 86400.0
    names = [f"{prefix}{group}m{j:02d}" for j in range(n_members)]
    p = _Posts(f"{prefix}{group}p")
    n_events = max(3, int(events_per_day * days))
    for e in range(n_events):
        trigger = rng.uniform(0, span * 0.97)
        mean = float(np.exp(rng.uniform(np.log(spread[0]), np.log(spread[1]))))
        who = np.flatnonzero(rng.random(n_members) < participation)
        kind = e % 3
        for j in who:
            t = trigger + rng.exponential(mean)
            if kind == 0:
                p.add(
                    names[j],
                    t,
                    text=_sentence(rng, 3, 8),
                    url=f"https://slow{group}.example.info/p/{e}",
                )
            elif kind == 1:
                p.add(
                    names[j],
                    t,
                    text=_sentence(rng),
                    tags=f"#slow{group}x{e} #{_WORDS[e % len(_WORDS)]}",
                )
            else:
                p.add(names[j], t, rt=f"{prefix}{group}seed{e}")
    return p.table(start, span), _labels(names, "operation", group)


def camouflaged_operation(
    rng: np.random.Generator,
    n_members: int = 10,
    days: float = 7.0,
    n_events: int = 40,
    participation: float = 0.7,
    camouflage: float = 3.0,
    popular: pa.Table | None = None,
    start: int = START,
    group: int = 9200,
    prefix: str = "cf",
) -> tuple[pa.Table, pa.Table]:
    """An operation acting within 40 s of a trigger whose members post
    ``camouflage`` times as many shares of popular links (each link at most
    once per member, like ordinary users) as operation posts.

    ``popular``: posts whose most shared URLs are the camouflage (e.g. the
    output of :func:`viral_bursts`); without it the members share links of
    their own invented "popular" sites at organic times.
    """
    span = days * 86400.0
    names = [f"{prefix}{group}m{j:02d}" for j in range(n_members)]
    p = _Posts(f"{prefix}{group}p")
    n_op_posts = 0
    for e in range(n_events):
        trigger = rng.uniform(0, span * 0.97)
        who = np.flatnonzero(rng.random(n_members) < participation)
        if len(who) < 2:
            who = np.arange(2)
        kind = e % 3
        for j in who:
            t = trigger + rng.uniform(0, 40)
            n_op_posts += 1
            if kind == 0:
                p.add(
                    names[j],
                    t,
                    text=_sentence(rng, 3, 8),
                    url=f"https://cam{group}.example.net/{e}",
                )
            elif kind == 1:
                p.add(names[j], t, rt=f"{prefix}{group}seed{e}")
            else:
                base = f"{_sentence(np.random.default_rng(group * 1000 + e), 12, 20)}"
                p.add(names[j], t, text=base + (" !!" if rng.random() < 0.3 else ""))
    if popular is not None and popular.num_rows:
        t = popular.filter(pc.not_equal(popular.column("urls"), ""))
        first: dict[str, float] = {}
        count: dict[str, int] = {}
        for u, ts in zip(
            t.column("urls").to_pylist(), t.column("created_at").to_pylist(), strict=True
        ):
            s = ts.timestamp() - start
            first[u] = min(first.get(u, s), s)
            count[u] = count.get(u, 0) + 1
        top = sorted(count, key=lambda u: (-count[u], u))[:100]
        pool = [(first[u], u) for u in top]
    else:
        pool = [
            (float(x), f"https://popular{i % 5}.example.org/{i}")
            for i, x in enumerate(rng.uniform(0, span, 100))
        ]
    per_member = int(camouflage * n_op_posts / max(n_members, 1))
    for name in names:
        picks = rng.choice(len(pool), size=min(per_member, len(pool)), replace=False)
        for j in picks:
            t0, u = pool[int(j)]
            p.add(name, t0 + rng.exponential(1800.0), text=_sentence(rng, 2, 6), url=u)
    return p.table(start, span), _labels(names, "operation", group)


def simulate_extended(
    n_posts: int = 20_000,
    seed: int = 42,
    days: float = 7.0,
    scenarios: Sequence[str] = SCENARIOS,
) -> tuple[pa.Table, pa.Table]:
    """The base simulator's ``n_posts`` plus the named scenarios' own posts, scaled to
    it (all four add about as many again at 20,000 posts, twice as many at 200,000).

    >>> posts, labels = simulate_extended(n_posts=2000, seed=3)
    >>> sorted(set(labels.column("label").to_pylist()))
    ['automation', 'operation', 'organic']
    """
    for s in scenarios:
        if s not in SCENARIOS:
            raise ValueError(f"unknown scenario {s!r}; choose from {', '.join(SCENARIOS)}")
    base_posts, base_labels = simulate(n_posts=n_posts, seed=seed, days=days)
    # The base simulator clips late posts onto the span's last second, which fakes
    # co-actions at Δt = 0 between unrelated accounts; drop that pile.
    end = pa.scalar((START + int(days * 86400)) * 1_000_000, pa.timestamp("us", tz="UTC"))
    base_posts = base_posts.filter(pc.not_equal(base_posts.column("created_at"), end))
    rng = np.random.default_rng([seed, 5])
    scale = max(n_posts / 20_000.0, 0.1)
    posts = [base_posts]
    labels = [base_labels]
    viral = None
    if "viral" in scenarios:
        viral, lab = viral_bursts(
            rng,
            n_accounts=max(200, int(2000 * scale)),
            n_stories=max(5, int(30 * scale)),
            shares=(max(20, int(60 * min(scale, 4))), max(40, int(400 * min(scale, 4)))),
            days=days,
        )
        posts.append(viral)
        labels.append(lab)
    if "automation" in scenarios:
        p, lab = news_feed_automation(
            rng, n_sites=max(2, int(3 * scale)), n_readers=max(50, int(300 * scale)), days=days
        )
        posts.append(p)
        labels.append(lab)
    if "slow_burn" in scenarios:
        for i in range(max(1, int(2 * scale))):
            p, lab = slow_burn_operation(
                rng, n_members=int(rng.integers(8, 16)), days=days, group=9100 + i
            )
            posts.append(p)
            labels.append(lab)
    if "camouflage" in scenarios:
        for i in range(max(1, int(2 * scale))):
            p, lab = camouflaged_operation(
                rng,
                n_members=int(rng.integers(6, 14)),
                days=days,
                popular=viral if viral is not None else base_posts,
                group=9200 + i,
            )
            posts.append(p)
            labels.append(lab)
    return pa.concat_tables(posts), pa.concat_tables(labels)
