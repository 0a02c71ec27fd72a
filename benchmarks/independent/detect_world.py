#!/usr/bin/env python3
"""Independent blind-test generator for inconcert (my own design, not the project's).

Writes posts.csv (generic CSV: post_id, account_id, ts, text, urls, repost_of,
reply_to, hashtags) and labels.csv (account_id, label, group, behaviour).

python benchmarks/independent/detect_world.py --posts 40000 --seed 1 -o DIR [--truncate minute]

PARAMETERS (recorded; also written to DIR/params.json)
 month: 2024-03-01 .. +30 days.
 Organic population (label organic), sized so the total is ~--posts:
  * activity lognormal(mu, sigma=1.3) posts/month, min 1; 0.5 % "heavy users" x15.
  * each account: timezone of its community, daily session start ~N(19h,3h) local,
    session length 1-4 h, posts fall in its sessions.
  * 8 topic communities (Zipf sizes), each with 3 own sites; articles of a site
    are shared by community members with delay lognormal(median 3 h);
    5 % of community members are "superfans" sharing ~60 % of one site's articles.
  * viral links: Pareto(1.3) popularity (>=15 sharers), delay lognormal median 40 min.
  * breaking news bursts (6 per 100k posts): 100-400 accounts share one link of a
    news source within minutes (exp mean 4 min) - the feeds post it first.
  * popular accounts (top ~40 by activity) post originals; retweet cascades
    (random users, median 25 min) and FANS: each popular account has 40-150 fans,
    each fan retweets each post with p=0.25, delay lognormal median 6 min.
    Retweets carry the original's URL and hashtags (failure 6).
  * organic copy-paste memes: 30 per 100k posts, 20-200 copiers over 1-3 days,
    30 % of copies change one word.
  * trending hashtags: 1-2 trends a day with a co-occurring tag set of 2-3 tags,
    ~60 % of trend posts use the full set, over ~12 h.
  * sports live-tweeting: 5 matches, each 6-10 "goal moments"; at each moment
    15-60 of a 400-account sports-fan pool post the match tag pair within 3 min.
  * replies to popular posts.
 Operations (label operation), members also post camouflage (own texts,
 popular links, retweets of popular accounts) at organic-like rates:
  op01_hashtag  120 acc: 15-60 events; each 30-80 % of members post one
                3-hashtag set within a few minutes (spread exp mean 90 s, cap 6 min)
  op02_links    120 acc: 50 links of own 2 domains, 20-45 % of members each,
                within minutes (exp 3 min)
  op03_copyedit  25 acc: 30 scripts, 8-15 members each post the script with 1-2
                words changed, each copy 1-8 min after the last
  op04_slow6      6 acc: 25 own links, every member shares each, 10-60 min apart
  op05_slow50    50 acc: 35 own links, 10-20 members each, 10-60 min apart
  op06_rtring    30 acc: 1 leader posting 60 originals (own link in half);
                50-90 % of the others retweet within 1-12 min
  op07_fastlink   8 acc: 30 links, 4-8 members each within 0-90 s
  op08_mixed     15 acc: 25 events, link+2 hashtags, 5-12 members within 5 min
  op09_copyexact 12 acc: 20 exact texts with a link, 6-12 members within 10 min
  op10_replies   20 acc: reply-brigade 40 popular posts, 6-14 members within 15 min,
                near-identical reply texts
  op11_amplify   40 acc: 3 seed accounts (members) post 80 originals;
                30-60 % of the rest retweet within 2-30 min
  op12_dayspread 10 acc: 20 own links, each shared by 6-10 members spread over 3 h
 Automation (label automation):
  feeds: 4 source sets x 2 news domains, 3 feeds per set post every new
         article 1-40 s after publication (first shares); ordinary users
         share ~35 % of articles hours later (lognormal median 4 h).
  rtbots: 3 bots retweeting every post of the organic account 'newsdesk' 5-60 s later.
  sched: 3 scheduled posters (own quote + own link every 3 h +-2 min).
"""
import argparse
import csv
import json
import os

import numpy as np

T0 = 1709251200.0  # 2024-03-01T00:00:00Z
DAY = 86400.0
MONTH = 30 * DAY

ap = argparse.ArgumentParser()
ap.add_argument("--posts", type=int, default=40000)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("-o", "--out", required=True)
ap.add_argument("--truncate", choices=["none", "minute"], default="none")
ap.add_argument('--fan-p', type=float, default=0.2)
ap.add_argument('--fan-delay-min', type=float, default=6.0)
ap.add_argument('--superfan-share', type=float, default=0.6)
ap.add_argument('--superfan-delay-h', type=float, default=3.0)
ap.add_argument('--yield', dest='yld', type=float, default=2.0)
args = ap.parse_args()
YIELD = args.yld
rng = np.random.default_rng(args.seed)
N = args.posts
S = N / 100000.0  # scale for organic event counts

WORDS = [w.strip() for w in """time people year way day man thing woman life child world school state family
student group country problem hand part place case week company system program question work government
number night point home water room mother area money story fact month lot right study book eye job word
business issue side kind head house service friend father power hour game line end member law car city
community name president team minute idea kid body information back parent face others level office door
health person art war history party result change morning reason research girl guy moment air teacher force
education foot boy age policy music market sense nation plan college interest death experience effect use
class control care field development role effort rate heart drug show leader light voice wife police mind
price report decision son view relationship town road arm difference value building action model season
society tax director position player record paper space ground form event official matter center couple
site project activity star table need court oil situation cost industry figure street image phone data
picture practice piece land product doctor wall patient worker news test movie north love support technology
step baby computer type attention film tree source organization hair window evidence population truth""".split()]
WORDS = [w for w in WORDS if w]
VERBS = "think know see want say get make go take come look find give tell feel try leave call keep start show hear play run move live believe bring happen write sit stand lose pay meet".split()

posts = []  # [pid, acc, ts, text, urls, repost_of, reply_to, tags]
pid_counter = [1000000]
by_pid = {}


def add(acc, ts, text, urls=(), repost_of="", reply_to="", tags=()):
    if ts < T0 or ts >= T0 + MONTH:
        return None
    pid_counter[0] += int(rng.integers(1, 50))
    pid = pid_counter[0]
    rec = [pid, acc, ts, text, list(urls), repost_of, reply_to, list(tags)]
    posts.append(rec)
    by_pid[pid] = rec
    return rec


def sentence(n=None):
    n = n or int(rng.integers(6, 20))
    ws = list(rng.choice(WORDS, n))
    ws.insert(int(rng.integers(0, len(ws))), str(rng.choice(VERBS)))
    return " ".join(ws)


def text_with_tags(base, tags):
    return base + " " + " ".join("#" + t for t in tags) if tags else base


def retweet(acc, ts, orig):
    return add(acc, ts, "RT @%s: %s" % (orig[1], orig[3]), orig[4], orig[0], "", orig[7])


# ---------------------------------------------------------------- accounts
class Acc:
    __slots__ = ("name", "tz", "sess", "slen", "act", "comm", "kind")


accs = {}
labels = []  # (acc, label, group, behaviour)


def new_acc(name, comm, act, kind):
    a = Acc()
    a.name = name
    a.comm = comm
    a.tz = [-5, -5, 0, 1, 1, 3, 8, -8][comm % 8]
    a.sess = (rng.normal(19, 3)) % 24
    a.slen = rng.uniform(1, 4)
    a.act = act
    a.kind = kind
    accs[name] = a
    return a


def session_time(a, day=None):
    if day is None:
        day = int(rng.integers(0, 30))
    h = a.sess + rng.uniform(0, a.slen) - a.tz
    return T0 + day * DAY + h * 3600 + rng.uniform(0, 60)


NCOMM = 8
comm_w = 1 / np.arange(1, NCOMM + 1) ** 0.8
comm_w /= comm_w.sum()

# estimate fixed (op + automation) volume roughly, organic fills the rest
org_posts = max(N - 12000 - 2500 * S, N // 3)  # ops ~12k posts, automation ~2.5k per 100k
SIG = 1.3
mean_act = 14.0
mu = np.log(mean_act) - SIG ** 2 / 2
n_org = int(org_posts / (mean_act * YIELD))  # ~half of organic posts are reactive (extra)
org_names = []
for i in range(n_org):
    act = max(1, int(rng.lognormal(mu, SIG)))
    if rng.random() < 0.005:
        act *= 15
    c = int(rng.choice(NCOMM, p=comm_w))
    nm = "u%05d" % i
    new_acc(nm, c, act, "organic")
    org_names.append(nm)
    labels.append((nm, "organic", "", "organic"))
org_act = np.array([accs[n].act for n in org_names], float)
org_p = org_act / org_act.sum()
comm_members = {c: [n for n in org_names if accs[n].comm == c] for c in range(NCOMM)}


def pick_org(k, p=None, pool=None):
    pool = org_names if pool is None else pool
    if p is None and pool is org_names:
        p = org_p
    k = min(k, len(pool))
    idx = rng.choice(len(pool), k, replace=False, p=p)
    return [pool[i] for i in idx]


behav = {}  # organic account -> set of special behaviours (for FP diagnosis)


def mark(acc, b):
    behav.setdefault(acc, set()).add(b)


# ---------------------------------------------------------------- sites and articles
sites = {}  # domain -> (pubtimes sorted, slugs, pop weights)


def make_site(dom, per_day):
    n = max(5, int(rng.poisson(per_day * 30)))
    ts = np.sort(T0 + rng.uniform(0, MONTH, n))
    pop = rng.pareto(1.2, n) + 0.2
    slugs = ["https://%s/%s/%d-%s" % (dom, rng.choice(["news", "story", "a", "2024"]), 1000 + i,
                                      "-".join(rng.choice(WORDS, 3))) for i in range(n)]
    sites[dom] = (ts, slugs, pop)
    return sites[dom]


comm_sites = {c: ["%s-%s.%s" % (rng.choice(WORDS), rng.choice(WORDS), rng.choice(["com", "org", "net", "info"]))
                  for _ in range(3)] for c in range(NCOMM)}
for c in range(NCOMM):
    for d in comm_sites[c]:
        make_site(d, max(1.0, 2 * S * comm_w[c] * NCOMM / 2))

# news sources covered by feeds
news_sets = [["dailyherald-news.com", "metro-times.net"], ["world-wire.org", "capitalpost.com"],
             ["techbeat.io", "gadgetdaily.net"], ["sportsnow.com", "matchreport.net"]]
art_per_day = max(2.0, 8 * N / 400000)
for ns in news_sets:
    for d in ns:
        make_site(d, art_per_day)

# global viral sites
viral_doms = ["bigmedia.com", "youtube.com", "nytimes.com", "bbc.co.uk", "theguardian.com", "cnn.com"]

# ---------------------------------------------------------------- news feeds (automation)
feeds = []
for si, ns in enumerate(news_sets):
    for k in range(3):
        nm = "feed_%d_%d" % (si, k)
        new_acc(nm, 0, 0, "feed")
        feeds.append(nm)
        labels.append((nm, "automation", "feedset%d" % si, "news feed"))
    for d in ns:
        ts, slugs, pop = sites[d]
        for t, u in zip(ts, slugs):
            title = sentence(8)
            for k in range(3):
                add("feed_%d_%d" % (si, k), t + rng.uniform(1, 40), title + " " + u, [u])
            # ordinary readers hours later
            if rng.random() < 0.35:
                for r in pick_org(int(rng.integers(1, 4))):
                    add(r, t + rng.lognormal(np.log(4 * 3600), 1.0), sentence() + " " + u, [u])
                    mark(r, "news reader")

# breaking news bursts: a news-set article shared by hundreds within minutes
n_burst = max(2, int(round(6 * S)))
for b in range(n_burst):
    si = int(rng.integers(0, 4))
    d = news_sets[si][int(rng.integers(0, 2))]
    ts, slugs, pop = sites[d]
    j = int(rng.integers(0, len(ts)))
    t, u = ts[j], slugs[j]
    k = int(rng.integers(100, 401))
    for r in pick_org(k):
        add(r, t + 40 + rng.exponential(240), sentence(6) + " " + u, [u])
        mark(r, "breaking-news burst")

# ---------------------------------------------------------------- popular accounts, fans, cascades
order = np.argsort(-org_act)
popular = [org_names[i] for i in order[:40]]
fans = {}
for p in popular[:8]:
    fans[p] = pick_org(int(rng.integers(30, 121)))
    for f in fans[p]:
        mark(f, "fan of %s" % p)
newsdesk = popular[0]

pop_posts = []
for p in popular:
    a = accs[p]
    for _ in range(int(min(a.act * 0.3, 80 * S))):
        t = session_time(a)
        tags = []
        urls = []
        if rng.random() < 0.3:
            dom = str(rng.choice(viral_doms))
            urls = ["https://%s/%d" % (dom, rng.integers(1e6))]
        if rng.random() < 0.3:
            tags = ["tag%d" % rng.integers(0, 300)]
        r = add(p, t, text_with_tags(sentence() + (" " + urls[0] if urls else ""), tags), urls, "", "", tags)
        if r:
            pop_posts.append(r)
for orig in pop_posts:
    # random cascade
    k = int(min(300, rng.pareto(1.5) * 2))
    for r in pick_org(k):
        if r != orig[1]:
            retweet(r, orig[2] + rng.lognormal(np.log(25 * 60), 1.3), orig)
    if orig[1] in fans:
        for f in fans[orig[1]]:
            if f != orig[1] and rng.random() < args.fan_p:
                retweet(f, orig[2] + rng.lognormal(np.log(args.fan_delay_min * 60), 1.0), orig)
    # replies
    for r in pick_org(int(rng.poisson(1.5))):
        if r != orig[1]:
            add(r, orig[2] + rng.lognormal(np.log(30 * 60), 1.2), "@%s %s" % (orig[1], sentence(8)), [], "", orig[0])

# rt bots on newsdesk (automation)
for k in range(3):
    nm = "rtbot_%d" % k
    new_acc(nm, 0, 0, "rtbot")
    labels.append((nm, "automation", "rtbots", "retweets every newsdesk post 5-60 s"))
for orig in [q for q in pop_posts if q[1] == newsdesk]:
    for k in range(3):
        retweet("rtbot_%d" % k, orig[2] + rng.uniform(5, 60), orig)

# scheduled posters (automation)
for k in range(3):
    nm = "sched_%d" % k
    new_acc(nm, 0, 0, "sched")
    labels.append((nm, "automation", "sched%d" % k, "scheduled poster"))
    dom = "quotes-%d.com" % k
    t = T0 + rng.uniform(0, 3 * 3600)
    i = 0
    while t < T0 + MONTH:
        u = "https://%s/q/%d" % (dom, i)
        add(nm, t, "Quote of the hour: " + sentence(10) + " " + u, [u], "", "", ["quotes"])
        t += 3 * 3600 + rng.uniform(-120, 120)
        i += 1

# viral links
n_viral = int(60 * S)
for v in range(n_viral):
    dom = str(rng.choice(viral_doms))
    u = "https://%s/watch/%d" % (dom, rng.integers(1e7))
    t = T0 + rng.uniform(0, MONTH)
    k = int(min(800, 10 + rng.pareto(1.4) * 8))
    for r in pick_org(k):
        add(r, t + rng.lognormal(np.log(40 * 60), 1.5), sentence(7) + " " + u, [u])

# memes (organic copy-paste)
n_meme = max(5, int(30 * S))
for m in range(n_meme):
    base = sentence(int(rng.integers(8, 25))).split()
    t = T0 + rng.uniform(0, MONTH)
    k = int(min(200, 20 + rng.pareto(1.5) * 15))
    span = rng.uniform(1, 3) * DAY
    for r in pick_org(k):
        ws = list(base)
        if rng.random() < 0.3:
            ws[int(rng.integers(0, len(ws)))] = str(rng.choice(WORDS))
        add(r, t + rng.exponential(span / 3), " ".join(ws))
        mark(r, "meme copier")

# trending hashtags
trend_sets = []
for d in range(30):
    for _ in range(int(rng.integers(1, 3))):
        tags = ["trend%d_%d" % (d, j) for j in range(int(rng.integers(2, 4)))]
        t = T0 + d * DAY + rng.uniform(0, DAY)
        k = int(min(500, 15 + rng.pareto(1.2) * 20 * S ** 0.5))
        for r in pick_org(k):
            tg = tags if rng.random() < 0.6 else list(rng.choice(tags, int(rng.integers(1, len(tags))), replace=False))
            add(r, t + rng.exponential(4 * 3600), text_with_tags(sentence(), tg), [], "", "", tg)
            if len(tg) >= 2:
                mark(r, "trending hashtags")

# sports live-tweeting
sports_pool = pick_org(min(400, len(org_names) // 3))
for m in range(5):
    tags = ["match%d" % m, "team%d" % (2 * m), "team%d" % (2 * m + 1)]
    t = T0 + rng.uniform(0, MONTH - DAY)
    for mo in range(int(rng.integers(6, 11))):
        tm = t + mo * rng.uniform(300, 900)
        tg = [tags[0], tags[1 + (mo % 2)]]
        for r in pick_org(int(rng.integers(15, 61)), pool=sports_pool):
            add(r, tm + rng.exponential(50), text_with_tags("GOAL " + sentence(5), tg), [], "", "", tg)
            mark(r, "sports live-tweeter")

# community link sharing (own sites), superfans
for c in range(NCOMM):
    mem = comm_members[c]
    if not mem:
        continue
    for d in comm_sites[c]:
        ts, slugs, pop = sites[d]
        sf = [m for m in mem if rng.random() < 0.05 / 3]
        for m in sf:
            mark(m, "community superfan")
        for t, u, pw in zip(ts, slugs, pop):
            k = int(min(len(mem), rng.poisson(min(pw, 40))))
            sharers = list(rng.choice(mem, k, replace=False)) if k else []
            sharers += [m for m in sf if rng.random() < args.superfan_share]
            for r in dict.fromkeys(sharers):  # order-preserving (set order depends on PYTHONHASHSEED)
                add(r, t + rng.lognormal(np.log((args.superfan_delay_h if r in sf else 3) * 3600), 1.2), sentence(8) + " " + u, [u])
                mark(r, "community sharer")


# ---------------------------------------------------------------- self-initiated organic posts
def camouflage(a, n):
    for _ in range(n):
        t = session_time(a)
        x = rng.random()
        if x < 0.55:
            tags = []
            if rng.random() < 0.2:
                tags = ["tag%d" % rng.integers(0, 300)]
                if rng.random() < 0.3:
                    tags.append("tag%d" % rng.integers(0, 300))
            add(a.name, t, text_with_tags(sentence(), tags), [], "", "", tags)
        elif x < 0.75:
            d = comm_sites[a.comm][int(rng.integers(0, 3))] if rng.random() < 0.7 else \
                news_sets[int(rng.integers(0, 4))][int(rng.integers(0, 2))]
            ts, slugs, pop = sites[d]
            j = np.searchsorted(ts, t)
            lo = max(0, j - 20)
            if j > lo:
                w = pop[lo:j] / pop[lo:j].sum()
                u = slugs[lo + int(rng.choice(j - lo, p=w))]
                add(a.name, t, sentence(8) + " " + u, [u])
        elif x < 0.95 and pop_posts:
            o = pop_posts[int(rng.integers(0, len(pop_posts)))]
            if o[2] < t and o[1] != a.name:
                retweet(a.name, t, o)
        else:
            o = pop_posts[int(rng.integers(0, len(pop_posts)))]
            if o[2] < t:
                add(a.name, t, "@%s %s" % (o[1], sentence(6)), [], "", o[0])


OPS_EST = 13000
remaining = N - OPS_EST - len(posts)
fac = max(0.3, remaining / org_act.sum())
print("organic self-initiated factor %.2f" % fac)
for nm in org_names:
    camouflage(accs[nm], int(rng.poisson(accs[nm].act * fac)))

# ---------------------------------------------------------------- operations
ops = {}


def make_op(name, size, beh, comm=None):
    members = []
    for i in range(size):
        nm = "%s_m%03d" % (name.split("_")[0], i)
        c = int(rng.integers(0, NCOMM)) if comm is None else comm
        a = new_acc(nm, c, max(1, int(rng.lognormal(mu, 1.0))), "op")
        members.append(nm)
        labels.append((nm, "operation", name, beh))
        camouflage(a, a.act)
    ops[name] = members
    return members


def op_text(tags=(), url=None):
    s = sentence()
    if url:
        s += " " + url
    return text_with_tags(s, tags)


def work_time(day=None):
    day = int(rng.integers(0, 30)) if day is None else day
    return T0 + day * DAY + rng.uniform(7, 20) * 3600


# op01 hashtag campaign
m = make_op("op01_hashtag", 120, "hashtag campaign")
pool_tags = ["free%s" % w for w in rng.choice(WORDS, 40, replace=False)]
nev = int(rng.integers(15, 61))
for e in range(nev):
    t = T0 + rng.uniform(0, MONTH)
    tags = list(rng.choice(pool_tags, 3, replace=False))
    frac = rng.uniform(0.3, 0.8)
    for r in rng.choice(m, int(frac * len(m)), replace=False):
        add(r, t + min(360, rng.exponential(90)), op_text(list(rng.permutation(tags))), [], "", "", tags)

# op02 link pushing
m = make_op("op02_links", 120, "link pushing")
doms = ["truthpatriot.news", "realvoice-daily.com"]
for j in range(50):
    u = "https://%s/p/%d-%s" % (doms[j % 2], j, rng.choice(WORDS))
    t = work_time()
    for r in rng.choice(m, int(rng.uniform(0.2, 0.45) * len(m)), replace=False):
        add(r, t + rng.exponential(180), op_text(url=u), [u])

# op03 copy-paste with 1-2 words changed, chain
m = make_op("op03_copyedit", 25, "copy-paste 1-2 words changed, minutes apart")
for j in range(30):
    base = sentence(int(rng.integers(12, 28))).split()
    t = work_time()
    for r in rng.choice(m, int(rng.integers(8, 16)), replace=False):
        ws = list(base)
        for _ in range(int(rng.integers(1, 3))):
            ws[int(rng.integers(0, len(ws)))] = str(rng.choice(WORDS))
        add(r, t, " ".join(ws))
        t += rng.uniform(60, 480)


# op04/op05 slow link ops
def slow_links(name, size, nlinks, lo, hi, dom):
    m = make_op(name, size, "slow link sharing, 10-60 min apart")
    for j in range(nlinks):
        u = "https://%s/%d/%s" % (dom, j, rng.choice(WORDS))
        t = work_time()
        k = len(m) if lo is None else int(rng.integers(lo, hi + 1))
        for r in rng.permutation(m)[:k]:
            add(r, t, op_text(url=u), [u])
            t += rng.uniform(600, 3600)


slow_links("op04_slow6", 6, 25, None, None, "smallvoice.blog")
slow_links("op05_slow50", 50, 35, 10, 20, "citizens-report.org")

# op06 retweet ring with leader
m = make_op("op06_rtring", 30, "retweet ring")
leader = m[0]
for j in range(60):
    t = work_time()
    u = ["https://leaderpage.net/%d" % j] if j % 2 == 0 else []
    o = add(leader, t, op_text(url=u[0] if u else None, tags=["wakeup"]), u, "", "", ["wakeup"])
    if o:
        for r in m[1:]:
            if rng.random() < rng.uniform(0.5, 0.9):
                retweet(r, t + rng.uniform(60, 720), o)

# op07 fast small link op
m = make_op("op07_fastlink", 8, "fast link pushing")
for j in range(30):
    u = "https://fast-facts.site/%d" % j
    t = work_time()
    for r in rng.choice(m, int(rng.integers(4, 9)), replace=False):
        add(r, t + rng.uniform(0, 90), op_text(url=u), [u])

# op08 mixed link + hashtags
m = make_op("op08_mixed", 15, "link + hashtags")
for j in range(25):
    u = "https://ourcause.org/%d" % j
    tags = ["ourcause", "act%d" % (j % 5)]
    t = work_time()
    for r in rng.choice(m, int(rng.integers(5, 13)), replace=False):
        add(r, t + rng.uniform(0, 300), op_text(tags, u), [u], "", "", tags)

# op09 exact copy with link
m = make_op("op09_copyexact", 12, "exact copy-paste with link")
for j in range(20):
    u = "https://petition-now.org/%d" % j
    txt = sentence(15) + " " + u
    t = work_time()
    for r in rng.choice(m, int(rng.integers(6, 13)), replace=False):
        add(r, t + rng.uniform(0, 600), txt, [u])

# op10 reply brigade
m = make_op("op10_replies", 20, "reply brigade")
cand = [q for q in pop_posts]
for j in range(min(40, len(cand))):
    o = cand[int(rng.integers(0, len(cand)))]
    reply = sentence(10).split()
    for r in rng.choice(m, int(rng.integers(6, 15)), replace=False):
        ws = list(reply)
        if rng.random() < 0.5:
            ws[int(rng.integers(0, len(ws)))] = str(rng.choice(WORDS))
        add(r, o[2] + rng.uniform(60, 900), "@%s %s" % (o[1], " ".join(ws)), [], "", o[0])

# op11 amplify 3 seeds
m = make_op("op11_amplify", 40, "amplifies 3 seed accounts")
seeds = m[:3]
for j in range(80):
    s = seeds[j % 3]
    t = work_time()
    o = add(s, t, op_text(), [], "", "", [])
    if o:
        for r in rng.choice(m[3:], int(rng.uniform(0.3, 0.6) * 37), replace=False):
            retweet(r, t + rng.uniform(120, 1800), o)

# op12 spread over 3 hours
m = make_op("op12_dayspread", 10, "link sharing spread over 3 h")
for j in range(20):
    u = "https://slowburn-news.com/%d" % j
    t = work_time()
    for r in rng.choice(m, int(rng.integers(6, 11)), replace=False):
        add(r, t + rng.uniform(0, 3 * 3600), op_text(url=u), [u])

# ---------------------------------------------------------------- write
os.makedirs(args.out, exist_ok=True)
posts.sort(key=lambda r: r[2])
nodes = sorted(set(r[1] for r in posts))
with open(os.path.join(args.out, "posts.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["post_id", "account_id", "ts", "text", "urls", "repost_of", "reply_to", "hashtags"])
    for pid, acc, ts, text, urls, rep, rto, tags in posts:
        if args.truncate == "minute":
            ts = ts - ts % 60
        tstr = np.datetime_as_string(np.datetime64(int(ts * 1000), "ms"), unit="ms" if args.truncate == "none" else "s") + "Z"
        w.writerow([pid, acc, tstr, text, " ".join(urls), rep, rto, " ".join(tags)])
active = set(nodes)
with open(os.path.join(args.out, "labels.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["account_id", "label", "group", "behaviour"])
    for acc, lab, grp, b in labels:
        if acc not in active:
            continue
        if lab == "organic":
            b = ";".join(sorted(behav.get(acc, []))) or "plain"
        w.writerow([acc, lab, grp, b])
params = dict(posts_requested=N, posts_written=len(posts), seed=args.seed, truncate=args.truncate,
              n_organic=n_org, ops={k: len(v) for k, v in ops.items()}, feeds=len(feeds),
              popular=popular[:8], newsdesk=newsdesk)
json.dump(params, open(os.path.join(args.out, "params.json"), "w"), indent=1)
print(json.dumps(params))
