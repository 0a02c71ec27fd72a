"""Held-out worlds built from the failures described in issue 12.

Each world is an organic population (:mod:`inconcert.simulate.organic`:
heavy-tailed activity, viral links shared by thousands, retweet cascades,
trending hashtags, copy-paste memes) with planted operations or automation of
one kind, sized to about ``n_posts`` and drawn from a seeded generator. They
were written from the descriptions of what goes wrong, not from how the
detector works: the point is to be hard.

============== ==============================================================
world          what is planted
============== ==============================================================
big_campaign   a hashtag campaign (15–60 events over a month; at each a random
               30–80 % of members post the same three hashtags within a few
               minutes) and a link-pushing campaign (each of 20–80 links
               pushed by a random 30–80 % of members within minutes); 100–5,000
               accounts each, as many as the post budget allows
focused        a collection gathered around one hashtag: every post carries
               it, and 2–4 operations of 20–150 accounts (links, co-retweets,
               near-copies, hashtags) make 60–75 % of the posts
slow_copypaste scripts copied with one or two words changed, each copy 2–60 min
               after the last, by a random 40–90 % of 10–60 members
slow_links     each of an operation's links shared by a random 40–90 % of its
               6–50 members, each share 10 min–3 h after the last
feeds          news-feed trios per set of 1–3 news sources, each posting every
               article 1–40 s after publication with its own template (they
               are the first shares), organic uptake hours later; label
               ``automation``; plus one amplifier operation
retweets_full  retweets carry the original's URL, hashtags, domain and text
               (a ``domain`` column too); retweet-ring operations, organic
               cascades as hard negatives
duplicates     two fast operations; 2–6 % of the rows duplicated exactly
               (same account, time and content; 30 % under a new post id):
               half from overlapping collection batches (whole 1–3 h windows
               twice), half from a fifth of the accounts re-scraped
minute_clock   fast operations of four tactics plus feed trios, every
               timestamp truncated to the minute
memes          stronger organic memes and trends (more, bigger) around one
               fast copy-paste and one hashtag operation
mixed          every kind in one population: 12 operations of 6–120 accounts
               (one of 120; fast and slow links, co-retweets, near-copies,
               hashtags, slow near-copies), four feed trios with uptake;
               retweets carry URLs, hashtags and a domain; 1–3 % duplicate rows
============== ==============================================================

Labels: ``account_id, label, group, tactic`` with ``label`` one of
``organic``, ``operation``, ``automation`` and ``group`` the network id (0 for
organic accounts).

>>> posts, labels = build_world("slow_links", n_posts=3000, seed=1)
>>> sorted(set(labels.column("label").to_pylist()))
['operation', 'organic']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inconcert.simulate._posts import PostLog, Vocabulary, labels_table
from inconcert.simulate.organic import SITES, Organic, camouflage, organic_population

__all__ = ["WORLDS", "build_world", "truncate_to", "DAYS"]

DAYS = 30.0  # a month, as in the campaigns of issue 12
_Rows = list[tuple[str, str, int, str]]


@dataclass
class _World:
    rng: np.random.Generator
    log: PostLog
    vocab: Vocabulary
    prefix: str
    span: float
    rows: _Rows
    org: Organic | None = None
    full_retweets: bool = False

    def members(self, k: int, size: int, tactic: str, label: str = "operation") -> np.ndarray:
        names = np.array([f"{self.prefix}op{k:02d}m{j:04d}" for j in range(size)], dtype=object)
        self.rows += [(str(n), label, k, tactic) for n in names]
        return names

    def organic(self, n_posts: int, **kw: object) -> Organic:
        self.org = organic_population(
            self.rng,
            self.log,
            n_posts,
            self.span / 86400.0,
            self.prefix,
            self.vocab,
            full_retweets=self.full_retweets,
            **kw,  # type: ignore[arg-type]
        )
        self.rows += [(str(a), "organic", 0, "") for a in self.org.accounts]
        return self.org

    def camouflage(self, members: np.ndarray, per_member: float) -> None:
        assert self.org is not None
        camouflage(
            self.rng,
            self.log,
            self.org,
            members,
            per_member,
            self.span,
            self.vocab,
            self.full_retweets,
        )


def _loguniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def _who(rng: np.random.Generator, members: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """A random ``lo``–``hi`` share of ``members`` (at least two), in random order."""
    p = rng.uniform(lo, hi)
    who = members[rng.random(len(members)) < p]
    if len(who) < 2:
        who = members[rng.choice(len(members), size=2, replace=False)]
    return who[rng.permutation(len(who))]


def _burst(rng: np.random.Generator, t0: float, n: int, width: float) -> np.ndarray:
    """``n`` times within ``width`` seconds of ``t0``."""
    return t0 + rng.uniform(0, width, n)


def _chain(rng: np.random.Generator, t0: float, n: int, lo: float, hi: float) -> np.ndarray:
    """``n`` times, each ``lo``–``hi`` seconds (log-uniform) after the previous."""
    gaps = np.exp(rng.uniform(np.log(lo), np.log(hi), n))
    gaps[0] = 0.0
    return t0 + np.cumsum(gaps)


def _events(rng: np.random.Generator, n: int, span: float, margin: float) -> np.ndarray:
    return np.sort(rng.uniform(0, max(span - margin, 1.0), n))


# ---------------------------------------------------------------- tactics
def _hashtag_campaign(
    w: _World, members: np.ndarray, n_events: int, k: int, width: tuple[float, float]
) -> int:
    rng = w.rng
    n = 0
    camp = f"#{w.vocab.words[(31 * k) % len(w.vocab.words)]}{k}"
    for e, t0 in enumerate(_events(rng, n_events, w.span, 3600).tolist()):
        who = _who(rng, members, 0.3, 0.8)
        tags = (
            f"{camp} #{w.prefix}c{k}e{e} #{w.vocab.words[(97 * k + 13 * e) % len(w.vocab.words)]}"
        )
        w.log.add(
            who,
            _burst(rng, t0, len(who), rng.uniform(*width)),
            text=w.vocab.texts(rng, len(who), 4, 18),
            hashtags=tags,
            event=f"op{k}e{e}",
        )
        n += len(who)
    return n


def _link_campaign(
    w: _World,
    members: np.ndarray,
    n_links: int,
    k: int,
    share: tuple[float, float],
    times: Callable[[float, int], np.ndarray],
    margin: float = 3600,
) -> int:
    rng = w.rng
    n = 0
    sites = [
        f"{w.vocab.words[(k * 5 + i) % len(w.vocab.words)]}-{w.prefix}{k}.example.net"
        for i in range(int(rng.integers(2, 6)))
    ]
    for e, t0 in enumerate(_events(rng, n_links, w.span, margin).tolist()):
        who = _who(rng, members, *share)
        site = sites[e % len(sites)]
        url = f"https://{site}/{e}/{w.vocab.words[e % len(w.vocab.words)]}"
        urls = np.where(rng.random(len(who)) < 0.3, url + "?utm_medium=social", url)
        w.log.add(
            who,
            times(t0, len(who)),
            text=w.vocab.texts(rng, len(who), 0, 12),
            urls=urls,
            domain=site,
            event=f"op{k}e{e}",
        )
        n += len(who)
    return n


def _copypaste(
    w: _World,
    members: np.ndarray,
    n_scripts: int,
    share: tuple[float, float],
    times: Callable[[float, int], np.ndarray],
    edits: tuple[int, int],
    k: int,
    margin: float = 3600,
    words: tuple[int, int] = (15, 35),
    openers: tuple[float, tuple[str, ...]] = (0.0, ()),
) -> int:
    """Scripts of ``words`` words copied by ``share`` of the members with ``edits``
    words changed; with ``openers`` = (p, words) a copy opens with one of the words
    with probability p."""
    rng = w.rng
    n = 0
    p_open, opening = openers
    for e, t0 in enumerate(_events(rng, n_scripts, w.span, margin).tolist()):
        who = _who(rng, members, *share)
        script = str(w.vocab.texts(rng, 1, *words)[0])
        txt = []
        for _ in who:
            t = w.vocab.edit(rng, script, int(rng.integers(edits[0], edits[1] + 1))) if edits[1] else script
            if p_open and rng.random() < p_open:
                t = f"{opening[int(rng.integers(len(opening)))]} {t}"
            txt.append(t)
        w.log.add(who, times(t0, len(who)), text=np.array(txt, dtype=object), event=f"op{k}e{e}")
        n += len(who)
    return n


def _retweet_ring(
    w: _World, members: np.ndarray, leaders: np.ndarray, n_events: int, width: float, k: int
) -> int:
    rng = w.rng
    n = 0
    for e, t0 in enumerate(_events(rng, n_events, w.span, 3600).tolist()):
        lead = leaders[e % len(leaders)]
        text = str(w.vocab.texts(rng, 1, 8, 25)[0])
        site = (
            SITES[int(rng.integers(len(SITES)))]
            if rng.random() < 0.5
            else f"{w.prefix}ring.example.net"
        )
        url = f"https://{site}/p/{w.prefix}{e}"
        tags = f"#{w.vocab.words[(e * 11) % len(w.vocab.words)]} #{w.prefix}ring"
        if w.full_retweets:
            (pid,) = w.log.add(
                lead, t0, text=text, urls=url, hashtags=tags, domain=site, event=f"op{k}seed{e}"
            )
        else:
            (pid,) = w.log.add(lead, t0, text=text, hashtags=tags, event=f"op{k}seed{e}")
        who = _who(rng, members, 0.3, 0.8)
        t = _burst(rng, t0 + 5, len(who), width)
        if w.full_retweets:
            w.log.add(
                who,
                t,
                text=f"RT @{lead}: {text}",
                urls=url,
                repost_of=pid,
                hashtags=tags,
                domain=site,
                event=f"op{k}e{e}",
            )
        else:
            w.log.add(who, t, repost_of=pid, event=f"op{k}e{e}")
        n += len(who) + 1
    return n


def _feeds(
    w: _World, budget: int, k0: int, n_sets: tuple[int, int]
) -> tuple[int, list[tuple[str, str, float]]]:
    """Feed trios per set of sources; returns posts made and the articles (url, site, time)."""
    rng = w.rng
    n_set = int(rng.integers(n_sets[0], n_sets[1] + 1))
    pool = [
        f"{w.vocab.words[i * 3 % len(w.vocab.words)]}news{i}.example.org"
        for i in range(2 * n_set + 2)
    ]
    wire = pool[-1]  # a wire service some sets share
    sets = []
    for s in range(n_set):
        own = [pool[2 * s]] + ([pool[2 * s + 1]] if rng.random() < 0.5 else [])
        if rng.random() < 0.3:
            own.append(wire)
        sets.append(own)
    srcs = sorted({x for s in sets for x in s})
    rate = {x: _loguniform(rng, 5, 40) for x in srcs}  # articles per day
    days = w.span / 86400.0
    feed_posts = sum(3 * rate[x] * days for s in sets for x in s)
    scale = min(1.0, budget / max(feed_posts, 1.0))
    articles: dict[str, list[tuple[str, float, str]]] = {}
    for x in srcs:
        m = max(5, int(rate[x] * days * scale))
        if rng.random() < 0.5:  # on a clock, or at random
            pubs = np.arange(m) * (w.span / m) + rng.uniform(0, 60, m)
        else:
            pubs = np.sort(rng.uniform(0, w.span, m))
        titles = w.vocab.texts(rng, m, 5, 11)
        articles[x] = [
            (f"https://{x}/{i}/{w.vocab.words[i % len(w.vocab.words)]}", float(p), str(t))
            for i, (p, t) in enumerate(zip(pubs, titles, strict=True))
        ]
    templates = (
        "{title} {url}",
        "{title} - {site} {url}",
        "BREAKING: {title} {url}",
        "{site}: {title}",
        "New post: {title} {url} #news",
    )
    n = 0
    for s, own in enumerate(sets):
        k = k0 + s
        feeds = np.array([f"{w.prefix}feed{s:02d}x{j}" for j in range(3)], dtype=object)
        w.rows += [(str(f), "automation", k, "news_feed") for f in feeds]
        for j, f in enumerate(feeds):
            tpl = templates[int(rng.integers(len(templates)))] if j else templates[0]
            for x in own:
                arts = articles[x]
                pub = np.array([a[1] for a in arts])
                t = pub + rng.uniform(1, 40, len(arts))
                txt = np.array(
                    [tpl.format(title=a[2], url=a[0], site=x) for a in arts], dtype=object
                )
                tags = "#news" if "#news" in tpl else ""
                w.log.add(
                    f,
                    t,
                    text=txt,
                    urls=np.array([a[0] for a in arts], dtype=object),
                    domain=x,
                    hashtags=tags,
                    event=f"feed{k}",
                )
                n += len(arts)
    out = [(a[0], x, a[1]) for x in srcs for a in articles[x]]
    return n, out


def _uptake(w: _World, articles: list[tuple[str, str, float]], budget: int) -> None:
    """Organic accounts share feed articles hours later (heavy-tailed counts)."""
    assert w.org is not None
    rng = w.rng
    raw = rng.pareto(1.0, len(articles)) + 0.2
    counts = np.floor(raw / raw.sum() * budget).astype(int)
    names = w.org.accounts
    for (url, site, pub), c in zip(articles, counts.tolist(), strict=True):
        if c <= 0:
            continue
        c = min(c, len(names))
        who = rng.choice(len(names), size=c, replace=False, p=w.org.weights)
        delay = rng.lognormal(np.log(_loguniform(rng, 3600, 6 * 3600)), 1.0, c)
        w.log.add(
            names[who],
            pub + delay,
            text=w.vocab.texts(rng, c, 0, 10),
            urls=url,
            domain=site,
            event="uptake",
        )


# ---------------------------------------------------------------- worlds
def _campaign_size(rng: np.random.Generator, budget: float, per_member: float) -> int:
    cap = int(min(5000, max(100, budget / per_member)))
    return int(round(_loguniform(rng, 100, cap))) if cap > 100 else 100


def _big_campaign(w: _World, n_posts: int) -> None:
    rng = w.rng
    budget = 0.35 * n_posts / 2
    n_ev = int(rng.integers(15, 61))
    size = _campaign_size(rng, budget, n_ev * 0.55 * 1.5)
    m = w.members(1, size, "hashtag_campaign")
    made = _hashtag_campaign(w, m, n_ev, 1, (60, 300))
    n_links = int(rng.integers(20, 81))
    size2 = _campaign_size(rng, budget, n_links * 0.55 * 1.5)
    m2 = w.members(2, size2, "link_campaign")
    made += _link_campaign(
        w, m2, n_links, 2, (0.3, 0.8), lambda t0, n: _burst(rng, t0, n, rng.uniform(60, 300))
    )
    org_posts = max(n_posts - int(made * 1.5), n_posts // 3)
    w.organic(org_posts)
    w.camouflage(np.concatenate([m, m2]), 0.5 * made / (len(m) + len(m2)))


def _fast_tactic(
    w: _World, tac: str, m: np.ndarray, n_ev: int, k: int, width: float, tag_width: tuple[float, float]
) -> int:
    """One fast operation of members ``m``: ``n_ev`` events of a random 30–80 % of
    them within ``width`` seconds (hashtag sets: each event's width drawn from
    ``tag_width``); copies change 1–2 words; retweet rings have two leaders."""
    rng = w.rng
    fast = lambda t0, n: _burst(rng, t0, n, width)  # noqa: E731
    if tac in ("links", "link_push"):
        return _link_campaign(w, m, n_ev, k, (0.3, 0.8), fast)
    if tac in ("retweets", "retweet_ring"):
        return _retweet_ring(w, m[2:], m[:2], n_ev, width, k)
    if tac == "copypaste":
        return _copypaste(w, m, n_ev, (0.3, 0.8), fast, (1, 2), k)
    return _hashtag_campaign(w, m, n_ev, k, tag_width)


def _focused(w: _World, n_posts: int) -> None:
    rng = w.rng
    topic = f"#{w.prefix}event2024"
    share = rng.uniform(0.60, 0.75)
    n_ops = int(rng.integers(2, 5))
    budget = share * n_posts / n_ops
    tactics = ("links", "retweets", "copypaste", "hashtags")
    made = 0
    members = []
    for k in range(1, n_ops + 1):
        tac = tactics[(k - 1) % 4]
        size = int(round(_loguniform(rng, 20, 150)))
        # as many events as the budget allows: the members are the collection's heaviest posters
        n_ev = int(np.clip(budget / (size * 0.55), 20, 400))
        m = w.members(k, size, tac)
        members.append(m)
        made += _fast_tactic(w, tac, m, n_ev, k, rng.uniform(30, 240), (30, 240))
    # organic accounts of the topic: a few posts each
    w.organic(
        max(int(n_posts - made), n_posts // 5),
        posts_per_account=4.0,
        mix=(0.35, 0.30, 0.25, 0.05, 0.05),
    )
    w.camouflage(np.concatenate(members), 1.0)
    # every post of the collection carries the topic hashtag (that is how it was gathered)
    tags = w.log.chunks["hashtags"]
    for i, c in enumerate(tags):
        tags[i] = np.array([f"{topic} {x}".strip() if x else topic for x in c], dtype=object)


def slow_operations(
    w: _World, n_posts: int, sizes: tuple[int, int], tactic: str, act: Callable[[np.ndarray, int], int]
) -> None:
    """2–4 operations of ``sizes`` members each running ``act(members, k)`` (posts made),
    then the organic population (at least half the posts) and the members' camouflage."""
    rng = w.rng
    made = 0
    members = []
    for k in range(1, int(rng.integers(2, 5)) + 1):
        m = w.members(k, int(rng.integers(sizes[0], sizes[1] + 1)), tactic)
        made += act(m, k)
        members.append(m)
    w.organic(max(n_posts - 2 * made, n_posts // 2))
    w.camouflage(np.concatenate(members), made / sum(len(m) for m in members))


def _slow_copies(w: _World, m: np.ndarray, n_scripts: int, k: int) -> int:
    """Scripts copied with 1–2 words changed by a random 40–90 % of ``m``, each copy
    2–60 min after the last."""
    rng = w.rng
    return _copypaste(w, m, n_scripts, (0.4, 0.9), lambda t0, n: _chain(rng, t0, n, 120, 3600), (1, 2), k,
                      margin=2 * 86400)


def _slow_link_push(w: _World, m: np.ndarray, n_links: int, k: int) -> int:
    """Links each shared by a random 40–90 % of ``m``, each share 10 min–3 h after the last."""
    rng = w.rng
    return _link_campaign(w, m, n_links, k, (0.4, 0.9), lambda t0, n: _chain(rng, t0, n, 600, 3 * 3600),
                          margin=5 * 86400)


def _slow_copypaste(w: _World, n_posts: int) -> None:
    rng = w.rng
    slow_operations(w, n_posts, (10, 60), "slow_copypaste",
                    lambda m, k: _slow_copies(w, m, int(rng.integers(10, 41)), k))


def _slow_links(w: _World, n_posts: int) -> None:
    rng = w.rng
    slow_operations(w, n_posts, (6, 50), "slow_links",
                    lambda m, k: _slow_link_push(w, m, int(rng.integers(30, 121)), k))


def _feeds_world(w: _World, n_posts: int) -> None:
    rng = w.rng
    made, articles = _feeds(w, int(0.25 * n_posts), 100, (4, 12))
    size = int(rng.integers(20, 81))
    m = w.members(1, size, "link_campaign")
    op = _link_campaign(
        w,
        m,
        int(rng.integers(15, 41)),
        1,
        (0.3, 0.8),
        lambda t0, n: _burst(rng, t0, n, rng.uniform(60, 180)),
    )
    w.organic(max(n_posts - made - 2 * op - int(0.15 * n_posts), n_posts // 3))
    _uptake(w, articles, int(0.15 * n_posts))
    w.camouflage(m, op / size)


def _retweets_full(w: _World, n_posts: int) -> None:
    rng = w.rng
    w.full_retweets = True
    made = 0
    members = []
    for k in range(1, int(rng.integers(1, 4)) + 1):
        m = w.members(k, int(rng.integers(15, 81)), "retweet_ring")
        made += _retweet_ring(w, m[2:], m[:2], int(rng.integers(15, 51)), rng.uniform(30, 180), k)
        members.append(m)
    w.organic(max(n_posts - 2 * made, n_posts // 2), mix=(0.30, 0.20, 0.35, 0.10, 0.05))
    w.camouflage(np.concatenate(members), made / sum(len(m) for m in members))


def _fast_ops(w: _World, n_posts: int, tactics: tuple[str, ...]) -> tuple[int, list[np.ndarray]]:
    rng = w.rng
    made = 0
    members = []
    for k, tac in enumerate(tactics, start=1):
        size = int(round(_loguniform(rng, 10, 120)))
        n_ev = int(rng.integers(15, 41))
        m = w.members(k, size, tac)
        fast = lambda t0, n: _burst(rng, t0, n, rng.uniform(60, 300))  # noqa: E731
        if tac == "link_push":
            made += _link_campaign(w, m, n_ev, k, (0.3, 0.8), fast)
        elif tac == "retweet_ring":
            made += _retweet_ring(w, m[2:], m[:2], n_ev, rng.uniform(60, 300), k)
        elif tac == "copypaste":
            made += _copypaste(w, m, n_ev, (0.3, 0.8), fast, (0, 0), k)
        else:
            made += _hashtag_campaign(w, m, n_ev, k, (60, 300))
        members.append(m)
    return made, members


def _duplicates(w: _World, n_posts: int) -> None:
    made, members = _fast_ops(w, n_posts, ("link_push", "hashtags"))
    w.organic(max(n_posts - 2 * made, n_posts // 2))
    w.camouflage(np.concatenate(members), made / sum(len(m) for m in members))


def _minute_clock(w: _World, n_posts: int) -> None:
    made, members = _fast_ops(w, n_posts, ("link_push", "retweet_ring", "copypaste", "hashtags"))
    fed, articles = _feeds(w, int(0.15 * n_posts), 100, (2, 4))
    w.organic(max(n_posts - 2 * made - fed - int(0.1 * n_posts), n_posts // 3))
    _uptake(w, articles, int(0.1 * n_posts))
    w.camouflage(np.concatenate(members), made / sum(len(m) for m in members))


def _memes(w: _World, n_posts: int) -> None:
    made, members = _fast_ops(w, n_posts, ("copypaste", "hashtags"))
    w.organic(max(n_posts - 2 * made, n_posts // 2), mix=(0.25, 0.25, 0.15, 0.17, 0.18))
    w.camouflage(np.concatenate(members), made / sum(len(m) for m in members))


_MIXED_TACTICS = ("link_push", "retweet_ring", "copypaste", "hashtags", "slow_links", "slow_copypaste")


def _mixed(w: _World, n_posts: int) -> None:
    """Every kind at once in one organic population: 12 operations of 6–120
    accounts (one of 120), fast and slow, of six tactics; four feed trios with
    organic uptake; operations about a quarter of the posts. Retweets carry the
    original's URL, hashtags and domain (a ``domain`` column), and 1–3 % of the
    rows are duplicated, as in :func:`_duplicate_rows`."""
    rng = w.rng
    w.full_retweets = True
    budget = 0.25 * n_posts / 12
    made, members = 0, []
    for k in range(1, 13):
        tac = _MIXED_TACTICS[(k - 1) % len(_MIXED_TACTICS)]
        size = 120 if k == 4 else int(round(_loguniform(rng, 6, 120)))
        n_ev = int(np.clip(budget / (size * 0.55), 15, 60))
        m = w.members(k, size, tac)
        width = rng.uniform(60, 300)
        if tac not in ("slow_links", "slow_copypaste"):
            made += _fast_tactic(w, tac, m, n_ev, k, width, (60, 300))
        elif tac == "slow_links":
            made += _slow_link_push(w, m, n_ev, k)
        else:
            made += _slow_copies(w, m, n_ev, k)
        members.append(m)
    fed, articles = _feeds(w, int(0.1 * n_posts), 100, (4, 4))
    w.organic(max(n_posts - 2 * made - fed - int(0.08 * n_posts), n_posts // 3))
    _uptake(w, articles, int(0.08 * n_posts))
    w.camouflage(np.concatenate(members), made / sum(len(m) for m in members))


_BUILDERS: dict[str, Callable[[_World, int], None]] = {
    "big_campaign": _big_campaign,
    "focused": _focused,
    "slow_copypaste": _slow_copypaste,
    "slow_links": _slow_links,
    "feeds": _feeds_world,
    "retweets_full": _retweets_full,
    "duplicates": _duplicates,
    "minute_clock": _minute_clock,
    "memes": _memes,
    "mixed": _mixed,
}
#: The held-out worlds, by name.
WORLDS = tuple(_BUILDERS)
_PREFIX = {
    "big_campaign": "bc",
    "focused": "fc",
    "slow_copypaste": "sc",
    "slow_links": "sl",
    "feeds": "fd",
    "retweets_full": "rf",
    "duplicates": "du",
    "minute_clock": "mc",
    "memes": "mm",
    "mixed": "mx",
}


def _duplicate_rows(rng: np.random.Generator, posts: pa.Table, share: float) -> pa.Table:
    """Repeat about ``share`` of the rows exactly (same account, time and content).

    Half the copies come from overlapping collection batches (every row of a few
    1–3 h windows ingested twice), half from a fifth of the accounts whose rows
    were scraped again (1–3 extra copies each); 30 % of the copies carry a new
    post id.
    """
    acc = np.asarray(posts.column("account_id").to_pylist(), dtype=object)
    ts = (
        np.asarray(posts.column("created_at").cast(pa.int64()).to_numpy(zero_copy_only=False)) / 1e6
    )
    n = len(acc)
    picks: list[np.ndarray] = []
    # overlapping batches: whole windows twice
    t_lo, t_hi = float(ts.min()), float(ts.max())
    got = 0
    while got < share * n / 2:
        w0 = rng.uniform(t_lo, t_hi)
        sel = np.flatnonzero((ts >= w0) & (ts < w0 + rng.uniform(3600, 3 * 3600)))
        sel = sel[: max(1, int(share * n / 2) - got)]
        picks.append(sel)
        got += len(sel)
    # re-scraped accounts
    names = np.unique(acc)
    hot = set(names[rng.random(len(names)) < 0.2].tolist())
    is_hot = np.fromiter((a in hot for a in acc), dtype=bool, count=n)
    p = share / 2 / max(is_hot.mean(), 1e-9) / 2.0  # rows repeated 1–3 times (mean 2)
    pick = np.flatnonzero(is_hot & (rng.random(n) < min(p, 1.0)))
    picks.append(np.repeat(pick, rng.integers(1, 4, len(pick))))
    idx = np.concatenate(picks)
    dup = posts.take(pa.array(idx))
    renamed = rng.random(len(idx)) < 0.3
    ids = np.asarray(dup.column("post_id").to_pylist(), dtype=object)
    ids[renamed] = [f"{x}d{j}" for j, x in enumerate(ids[renamed])]
    dup = dup.set_column(0, "post_id", pa.array(ids, pa.string()))
    out = pa.concat_tables([posts, dup])
    order = pc.sort_indices(out, [("created_at", "ascending")])  # stable
    return out.take(order)


def truncate_to(posts: pa.Table, unit: str) -> pa.Table:
    """Every ``created_at`` floored to the ``minute`` or ``hour`` (or ``second``).

    >>> import pyarrow as pa, datetime as dt
    >>> t = pa.table({"created_at": pa.array([dt.datetime(2024, 1, 1, 10, 5, 59)], pa.timestamp("us", tz="UTC"))})
    >>> x = truncate_to(t, "minute").column("created_at")[0].as_py()
    >>> x.minute, x.second
    (5, 0)
    """
    step = {"second": 1, "minute": 60, "hour": 3600}.get(unit)
    if step is None:
        raise ValueError(f"unknown clock unit {unit!r}; choose second, minute or hour")
    us = np.asarray(posts.column("created_at").cast(pa.int64()).to_numpy(zero_copy_only=False))
    q = step * 1_000_000
    col = pa.array(us // q * q, pa.int64()).cast(pa.timestamp("us", tz="UTC"))
    i = posts.schema.get_field_index("created_at")
    return posts.set_column(i, "created_at", col)


def new_world(seed: int, tag: int, index: int, prefix: str) -> _World:
    """An empty world of :data:`DAYS` days, its generator seeded by ``(seed, tag, index)``."""
    rng = np.random.default_rng([seed, tag, index])
    return _World(rng, PostLog(f"{prefix}p"), Vocabulary(rng, 5000), prefix, DAYS * 86400.0, [])


def world_labels(w: _World, group_base: int = 0) -> pa.Table:
    """The world's labels, every network id shifted by ``group_base``."""
    return labels_table([(a, lab, g + group_base if g else 0, t) for a, lab, g, t in w.rows])


def build_world(
    name: str, n_posts: int = 40_000, seed: int = 42, group_base: int = 0, truth: bool = False
) -> tuple[pa.Table, pa.Table]:
    """``(posts, labels)`` of one held-out world of about ``n_posts`` posts.

    ``group_base`` is added to every network id (so worlds can be combined);
    ``truth`` adds an ``event`` column to the posts: which planted event
    (``op<k>e<i>``, ``op<k>seed<i>``, ``feed<k>``), organic meme (``meme<i>``),
    trend (``trend<i>``) or feed uptake (``uptake``) each post belongs to.
    """
    if name not in _BUILDERS:
        raise ValueError(f"unknown world {name!r}; choose from {', '.join(WORLDS)}")
    w = new_world(seed, 12, WORLDS.index(name), _PREFIX[name])
    rng = w.rng
    _BUILDERS[name](w, n_posts)
    posts = w.log.table(w.span, with_domain=w.full_retweets, with_event=truth)
    if name == "duplicates":
        posts = _duplicate_rows(rng, posts, rng.uniform(0.02, 0.06))
    if name == "mixed":
        posts = _duplicate_rows(rng, posts, rng.uniform(0.01, 0.03))
    if name == "minute_clock":
        posts = truncate_to(posts, "minute")
    return posts, world_labels(w, group_base)
