#!/usr/bin/env python3
"""Independent blind test crawl for inconcert site-network mode.

python benchmarks/independent/sites_crawl.py --seed 7 --out w7
writes OUT/pages/<host>/<yyyy>/<mm>/<slug>.html, OUT/crawl.warc.gz, OUT/truth.json
"""
import argparse
import datetime as dt
import html
import io
import json
import os
import random
import re

P = argparse.ArgumentParser()
P.add_argument("--seed", type=int, default=7)
P.add_argument("--out", default="w7")
P.add_argument("--seedfile", default="../shared/data/sites/seed_article.txt")
A = P.parse_args()
R = random.Random(A.seed)
UTC = dt.UTC
T0 = dt.datetime(2026, 10, 1, 6, 0, tzinfo=UTC)
CRAWL0 = dt.datetime(2026, 11, 20, 0, 0, tzinfo=UTC)

# ---------------------------------------------------------------- vocabulary
NOUNS = """government ministry parliament council committee agency election vote campaign budget tax policy reform
law court judge ruling appeal case investigation report inquiry scandal official minister president governor mayor
senator lawmaker party coalition opposition protest rally crowd march strike union worker employer company firm
market share price stock bond investor bank loan debt inflation economy growth recession trade tariff export import
factory plant mine pipeline oil gas energy power grid electricity solar wind nuclear reactor water drought flood storm
hurricane fire wildfire heat climate emission carbon forest river coast port harbor ship vessel aircraft airport
flight train railway road bridge highway traffic accident crash police officer arrest suspect victim witness crime
attack bombing explosion shooting military army soldier troop border ceasefire talks treaty alliance summit sanction
embargo diplomat embassy envoy refugee migrant asylum school teacher student university campus hospital doctor nurse
patient vaccine virus outbreak disease clinic health insurance pension benefit housing rent mortgage landlord tenant
farmer crop harvest wheat corn grain cattle price festival museum library theater film album concert team coach player
match season league championship stadium fan ticket record injury contract deal merger acquisition startup software
platform network device phone chip data privacy breach hacker satellite rocket launch mission telescope study
researcher scientist laboratory experiment survey poll analyst economist spokesman spokeswoman resident neighborhood
village town city county district province region state capital island valley mountain desert bay lake""".split()
ADJ = """new former local national regional federal foreign domestic senior junior top key major minor large small
rising falling sharp steep modest strong weak fragile stable volatile urgent critical controversial unprecedented
historic recent previous annual monthly weekly quarterly early late public private independent official unofficial
secret leaked disputed contested proposed planned delayed expanded reduced temporary permanent emergency special
joint bilateral international global rural urban coastal northern southern eastern western central remote crowded
empty quiet busy costly cheap expensive affordable modern ancient damaged flooded stranded injured missing armed
peaceful violent angry cautious optimistic skeptical divided unanimous narrow broad""".split()
VERBS = """announced approved rejected delayed postponed cancelled launched opened closed expanded reduced increased
cut raised lowered blocked challenged criticized defended praised questioned investigated reviewed confirmed denied
revealed disclosed reported warned urged demanded proposed signed ratified vetoed passed suspended resumed restored
damaged destroyed rebuilt repaired evacuated rescued arrested charged convicted acquitted sentenced released hired
fired appointed elected defeated replaced joined left visited hosted met welcomed condemned backed funded sold bought
acquired merged moved shifted doubled halved tripled surpassed missed reached""".split()
VBASE = """approve reject delay review expand reduce increase cut raise block challenge support oppose fund replace
restore rebuild repair investigate reconsider extend limit end resume suspend boost weaken protect affect""".split()
ADV = """sharply quickly slowly quietly publicly privately formally abruptly gradually briefly repeatedly again
narrowly widely largely partly fully""".split()
PREP = "in near across outside inside along beyond throughout around".split()
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
FIRST = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph
Jessica Thomas Sarah Carlos Maria Ahmed Fatima Ivan Olga Pierre Claire Hans Greta Kenji Yuki Amara Kwame Priya Ravi
Lucia Marco Anna Pavel Elena Omar Leila Tomas Ines Samuel Grace Daniel Nora Victor Alice""".split()
LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Wilson Anderson
Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Walker Hall Allen Young King Wright Scott Green Baker
Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Petrov Ivanova Dubois Moreau Schmidt Weber
Tanaka Sato Okafor Mensah Sharma Patel Rossi Bianchi Novak Horvat Haddad Karimi Silva Costa""".split()
PLACES = """Springfield Riverton Lakeside Millbrook Fairview Oakdale Brookhaven Westfield Hillcrest Cedar Falls
Maplewood Ashford Kingsport Elmira Dover Salem Marlow Avalon Norwood Clayton Harwich Bristol Lyon Hamburg Osaka Lagos
Accra Mumbai Turin Krakow Zagreb Beirut Tehran Baghdad Kyiv Tbilisi Yerevan Riga Vilnius Minsk Chisinau Belgrade
Sofia Athens Ankara Cairo Nairobi Dakar""".split()
ORGS = """the Transport Authority|the Health Ministry|the Central Bank|the Energy Commission|the Farmers Union|the
Teachers Federation|the Port Authority|the Water Board|the Chamber of Commerce|the Planning Commission|the Election
Commission|the Defence Ministry|the Interior Ministry|the Housing Agency|the Statistics Office|the Supreme Court|the
Audit Office|the Police Federation|the Medical Association|the Rail Company""".replace("\n", " ").split("|")


def name(r):
    return f"{r.choice(FIRST)} {r.choice(LAST)}"


def pl(n):
    return n + ("es" if n.endswith(("s", "sh", "ch", "x")) else "s")


def sentence(r, cast):
    n = lambda: r.choice(NOUNS)
    a = lambda: r.choice(ADJ)
    v = lambda: r.choice(VERBS)
    b = lambda: r.choice(VBASE)
    who = r.choice(cast["people"])
    place = r.choice(cast["places"])
    org = r.choice(cast["orgs"])
    num = r.choice(["two", "three", "four", "five", "six", "dozens of", "hundreds of", str(r.randint(7, 990))])
    pats = [
        lambda: f"{who}, the {a()} {n()} of {org}, said on {r.choice(DAYS)} that the {n()} would {b()} the {a()} {n()} {r.choice(PREP)} {place}.",
        lambda: f"The {a()} {n()} {v()} {r.choice(ADV)} after {num} {pl(n())} {v()} the {n()} {r.choice(PREP)} {place}.",
        lambda: f"Officials in {place} {v()} a {a()} {n()} {r.choice(['late on', 'early on', 'by'])} {r.choice(DAYS)}, {r.choice(['according to', 'citing', 'as reported by'])} {org}.",
        lambda: f"{who} {v()} the {n()}, {r.choice(['arguing', 'saying', 'insisting', 'warning'])} that {a()} {pl(n())} {r.choice(['could', 'might', 'would', 'will'])} {b()} the {n()}.",
        lambda: f"\u201cWe {r.choice(['cannot', 'will not', 'must', 'should'])} {b()} the {n()} {r.choice(['now', 'again', 'this year', 'without a plan'])},\u201d {who} told {r.choice(['reporters', 'lawmakers', 'residents', 'a crowd'])} in {place}.",
        lambda: f"{org[0].upper() + org[1:]} {v()} {num} {pl(n())} and {v()} a {a()} {n()} for the {n()}.",
        lambda: f"Critics {v()} the {a()} {n()}, {r.choice(['noting', 'pointing out', 'adding'])} that the {n()} had {v()} {r.choice(ADV)} since {r.choice(['January', 'March', 'June', 'last year', 'the spring', '2019', '2022'])}.",
        lambda: f"In {place}, {num} {pl(n())} {v()} {r.choice(PREP)} the {a()} {n()} while {pl(n())} {v()} the {n()}.",
        lambda: f"The {n()} is {r.choice(['expected', 'likely', 'unlikely', 'set'])} to {b()} the {a()} {n()} {r.choice(['next week', 'before winter', 'within months', 'by the end of the year'])}.",
        lambda: f"A {a()} {n()} {r.choice(['from', 'at', 'with'])} {org} {v()} that {num} {pl(n())} had been {v()}.",
        lambda: f"{who} {r.choice(['declined to comment on', 'did not respond to questions about', 'refused to discuss'])} the {a()} {n()}.",
        lambda: f"Data {r.choice(['published', 'released', 'compiled'])} by {org} {r.choice(['show', 'suggest', 'indicate'])} that {pl(n())} {v()} by {r.randint(2, 60)} percent {r.choice(PREP)} {place}.",
    ]
    return r.choice(pats)()


def new_cast(r):
    return {"people": [name(r) for _ in range(3)], "places": r.sample(PLACES, 2), "orgs": r.sample(ORGS, 2)}


def article(r, n_par=None, cast=None):
    cast = cast or new_cast(r)
    n_par = n_par or r.randint(5, 10)
    paras = [" ".join(sentence(r, cast) for _ in range(r.randint(2, 5))) for _ in range(n_par)]
    w = lambda: r.choice(NOUNS)
    title = r.choice([
        f"{cast['places'][0]} {r.choice(['faces', 'weighs', 'braces for', 'rejects', 'backs'])} {r.choice(ADJ)} {w()} {r.choice(['plan', 'deal', 'vote', 'crisis', 'review'])}",
        f"{cast['people'][0]} {r.choice(['warns', 'says', 'vows', 'denies'])} {r.choice(ADJ)} {w()} will {r.choice(VBASE)} {pl(w())}",
        f"{r.choice(ADJ).capitalize()} {w()} {r.choice(VERBS)} in {cast['places'][1]} as {pl(w())} {r.choice(['rise', 'fall', 'stall', 'surge'])}",
    ])
    return {"title": title, "paras": paras, "cast": cast}


# ---------------------------------------------------------------- sites
SITES = {}   # domain -> site dict
TRUTH = {"sites": {}, "clusters": [], "pages": {}}


def mk_ids(r, kinds):
    ids = {}
    if "ga" in kinds: ids["ga"] = f"G-{''.join(r.choice('ABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _ in range(10))}"
    if "ua" in kinds: ids["ua"] = f"UA-{r.randint(10000000, 99999999)}-{r.randint(1, 9)}"
    if "pub" in kinds: ids["pub"] = f"pub-{r.randint(10**15, 10**16 - 1)}"
    if "ym" in kinds: ids["ym"] = str(r.randint(10**7, 10**8 - 1))
    if "gtm" in kinds: ids["gtm"] = f"GTM-{''.join(r.choice('ABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _ in range(7))}"
    if "gsv" in kinds: ids["gsv"] = "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789_-") for _ in range(43))
    return ids


def site(domain, role, network=None, family=None, timestyle=None, tz=0, ids=None, bylines=None, encoding="utf-8",
         sitename=None, theme=None, host=None):
    r = R
    s = {
        "domain": domain, "host": host or (("www." + domain) if r.random() < 0.5 else domain), "role": role,
        "network": network, "family": family or r.choice(["wp", "news", "ghost", "table"]),
        "timestyle": timestyle or r.choice(["og", "jsonld", "time", "visible", "mixed"]), "tz": tz,
        "ids": ids if ids is not None else mk_ids(r, r.sample(["ga", "ua", "pub", "gsv", "gtm"], r.randint(0, 2))),
        "bylines": bylines or [name(r) for _ in range(r.randint(1, 4))], "encoding": encoding,
        "name": sitename or domain.split(".")[0].replace("-", " ").title(),
        "theme": theme, "pages": [],
        "nav": r.sample(["World", "Politics", "Business", "Economy", "Opinion", "Sport", "Culture", "Tech", "Health",
                         "Local", "Analysis", "Video", "Science", "Europe", "Middle East", "Russia", "US"], 6),
        "about": " ".join(sentence(r, new_cast(r)) for _ in range(2)),
        "cat": None,
    }
    s["cat"] = r.choice(s["nav"])
    if theme:  # shared CMS theme: identical boilerplate strings
        s["family"] = theme["family"]; s["nav"] = theme["nav"]; s["about"] = theme["about"]
    SITES[domain] = s
    TRUTH["sites"][domain] = {"role": role, "network": network}
    return s


def slugify(t):
    return re.sub(r"[^a-z0-9]+", "-", t.lower()).strip("-")[:70]


def fmt_time(t, tz):
    return t.astimezone(dt.timezone(dt.timedelta(hours=tz))).isoformat(timespec="seconds")


def id_markup(ids):
    out = []
    if "ga" in ids:
        out.append(f'<script async src="https://www.googletagmanager.com/gtag/js?id={ids["ga"]}"></script>'
                   f"<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());gtag('config','{ids['ga']}');</script>")
    if "ua" in ids:
        out.append(f"<script>(function(i,s,o,g,r,a,m){{i['GoogleAnalyticsObject']=r;}})(window,document,'script','//www.google-analytics.com/analytics.js','ga');ga('create','{ids['ua']}','auto');ga('send','pageview');</script>")
    if "pub" in ids:
        out.append(f'<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-{ids["pub"]}" crossorigin="anonymous"></script>')
    if "ym" in ids:
        out.append(f"<script>(function(m,e,t,r,i,k,a){{m[i]=m[i]||function(){{(m[i].a=m[i].a||[]).push(arguments)}};}})(window,document,'script','https://mc.yandex.ru/metrika/tag.js','ym');ym({ids['ym']},'init',{{clickmap:true}});</script><noscript><img src=\"https://mc.yandex.ru/watch/{ids['ym']}\" alt=\"\"></noscript>")
    if "gtm" in ids:
        out.append(f"<script>(function(w,d,s,l,i){{w[l]=w[l]||[];w[l].push({{'gtm.start':new Date().getTime(),event:'gtm.js'}});}})(window,document,'script','dataLayer','{ids['gtm']}');</script>")
    if "gsv" in ids:
        out.append(f'<meta name="google-site-verification" content="{ids["gsv"]}">')
    return "\n".join(out)


def render(s, page):
    """page: title, paras, pub (UTC dt or None), byline, url, related, comments, extra_head, timestyle"""
    r = R
    e = html.escape
    ts = page.get("timestyle") or s["timestyle"]
    if ts == "mixed":
        ts = r.choice(["og", "jsonld", "time", "visible", "none"])
    page["timestyle_used"] = ts
    pub = page["pub"]
    head = [f'<meta charset="{s["encoding"]}">' if s["encoding"] != "nodecl" else "",
            f"<title>{e(page['title'])} | {e(s['name'])}</title>",
            '<meta name="viewport" content="width=device-width, initial-scale=1">']
    urlmode = page.get("urlmode") or r.choices(["canonical", "og", "path"], [0.6, 0.25, 0.15])[0]
    if urlmode == "canonical":
        head.append(f'<link rel="canonical" href="{page["url"]}">')
    elif urlmode == "og":
        head.append(f'<meta property="og:url" content="{page["url"]}">')
    head.append(f'<meta property="og:title" content="{e(page["title"])}">')
    if r.random() < 0.7:
        head.append(f'<meta property="og:site_name" content="{e(s["name"])}">')
    if page.get("byline") and r.random() < 0.6:
        head.append(f'<meta name="author" content="{e(page["byline"])}">')
    if pub is not None and ts == "og":
        head.append(f'<meta property="article:published_time" content="{fmt_time(pub, s["tz"])}">')
    if pub is not None and ts == "jsonld":
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": page["title"],
              "datePublished": fmt_time(pub, s["tz"]), "publisher": {"@type": "Organization", "name": s["name"]}}
        if page.get("byline"):
            ld["author"] = {"@type": "Person", "name": page["byline"]}
        head.append(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    head.append(id_markup(s["ids"]))
    head.append(page.get("extra_head", ""))
    date_vis = ""
    if pub is not None:
        lt = pub.astimezone(dt.timezone(dt.timedelta(hours=s["tz"])))
        if ts == "time":
            date_vis = f'<time datetime="{fmt_time(pub, s["tz"])}">{lt.strftime("%d %b %Y, %H:%M")}</time>'
        elif ts in ("visible",):
            date_vis = f'<span class="date">{lt.strftime("%B %-d, %Y")}</span>'
        elif ts in ("og", "jsonld"):
            date_vis = f'<span class="date">{lt.strftime("%B %-d, %Y")}</span>' if r.random() < 0.5 else ""
    by = f'<span class="byline">By {e(page["byline"])}</span>' if page.get("byline") else ""
    body_paras = "\n".join(f"<p>{e(p)}</p>" if not p.startswith("<") else p for p in page["paras"])
    nav = "".join(f'<li><a href="/{slugify(n)}/">{e(n)}</a></li>' for n in s["nav"])
    related = "".join(f'<li><a href="/{slugify(t)}.html">{e(t)}</a></li>' for t in page.get("related", []))
    comments = "".join(f'<li class="comment"><b>{e(c[0])}</b> <p>{e(c[1])}</p></li>' for c in page.get("comments", []))
    f = s["family"]
    if f == "wp":
        body = f"""<div id="page" class="site"><header class="site-header"><div class="site-branding"><a href="/" rel="home">{e(s['name'])}</a></div>
<nav class="main-navigation"><ul class="menu"><li><a href="/">Home</a></li>{nav}</ul></nav></header>
<div class="breadcrumbs"><a href="/">Home</a> &raquo; <a href="/{slugify(s['cat'])}/">{e(s['cat'])}</a> &raquo; {e(page['title'])}</div>
<main id="main"><article class="post type-post"><header class="entry-header"><h1 class="entry-title">{e(page['title'])}</h1>
<div class="entry-meta">{date_vis} {by}</div></header><div class="entry-content">
{body_paras}
</div><footer class="entry-footer"><span class="tags-links">Tags: {e(s['cat'])}, {e(r.choice(NOUNS))}</span></footer></article>
<div class="related-posts"><h3>You may also like</h3><ul>{related}</ul></div>
<div id="comments" class="comments-area"><h3>Comments</h3><ol class="comment-list">{comments}</ol>
<div id="respond"><h3 class="comment-reply-title">Leave a Comment</h3><form><textarea name="comment"></textarea><p>Your email address will not be published. Required fields are marked *</p><input type="submit" value="Post Comment"></form></div></div></main>
<aside class="widget-area"><section class="widget"><h2>About us</h2><p>{e(s['about'])}</p></section><section class="widget"><h2>Newsletter</h2><p>Subscribe to get the latest stories from {e(s['name'])} delivered to your inbox every morning.</p></section></aside>
<footer class="site-footer"><p>&copy; 2026 {e(s['name'])}. All rights reserved. Proudly powered by WordPress | Theme: {e(s.get('themename', 'Newsup'))}</p></footer></div>"""
    elif f == "news":
        body = f"""<div class="masthead"><a class="logo" href="/">{e(s['name'])}</a><span class="tagline">{e(s['name'])} — news you can trust</span></div>
<ul class="sections">{nav}</ul><div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
<div class="container"><div class="story"><p class="kicker">{e(s['cat'])}</p><h1 class="headline">{e(page['title'])}</h1><p class="dateline">{by} {date_vis}</p>
<div class="story-body">
{body_paras}
</div></div><div class="sidebar"><h4>Most read</h4><ol>{related}</ol><div class="promo"><p>{e(s['about'])}</p></div></div>
<div class="reader-comments"><h4>Reader comments</h4><ul>{comments}</ul><p>Comments are moderated. Please keep it civil.</p></div></div>
<div class="footer"><a href="/about">About</a> <a href="/contact">Contact</a> <a href="/privacy">Privacy policy</a> <a href="/terms">Terms</a><p>Copyright 2026 {e(s['name'])}</p></div>"""
    elif f == "ghost":
        body = f"""<header class="gh-head"><a class="gh-head-logo" href="/">{e(s['name'])}</a><nav><ul>{nav}</ul></nav><a class="gh-subscribe" href="#/portal">Subscribe</a></header>
<main class="gh-main"><article class="gh-article"><header class="gh-article-header"><span class="gh-article-tag">{e(s['cat'])}</span><h1 class="gh-article-title">{e(page['title'])}</h1><div class="gh-article-meta">{by} · {date_vis}</div></header>
<section class="gh-content">
{body_paras}
</section></article><section class="gh-read-next"><h3>Read next</h3><ul>{related}</ul></section>
<section class="gh-cta"><p>{e(s['about'])}</p><p>Sign up for {e(s['name'])} — it's free.</p></section>
<section class="gh-comments"><h3>Discussion</h3><ul>{comments}</ul></section></main>
<footer class="gh-foot"><p>{e(s['name'])} &copy; 2026 · Published with Ghost</p></footer>"""
    else:  # old table layout
        body = f"""<table width="100%"><tr><td colspan="2" class="top"><font size="5"><b>{e(s['name'])}</b></font><br>{' | '.join(e(n) for n in s['nav'])}</td></tr>
<tr><td valign="top" width="75%"><div class="path">Home &raquo; {e(s['cat'])}</div><h2>{e(page['title'])}</h2><div class="info">{by} {date_vis}</div>
<div class="text">
{body_paras}
</div><hr><b>Related:</b><ul>{related}</ul><b>Comments</b><ul>{comments}</ul></td>
<td valign="top" class="right"><b>About</b><br>{e(s['about'])}<br><br><b>Archive</b><br>October 2026<br>September 2026</td></tr>
<tr><td colspan="2" class="bottom">Copyright &copy; 2026 {e(s['name'])}. Reproduction of materials is permitted with a link.</td></tr></table>"""
    lang = page.get("lang", "en")
    doc = f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head>\n" + "\n".join(h for h in head if h) + "\n</head><body>\n" + body + "\n</body></html>\n"
    return doc


def comments(r, n=None):
    n = r.randint(0, 4) if n is None else n
    return [(name(r).split()[0] + str(r.randint(1, 99)), sentence(r, new_cast(r))) for _ in range(n)]


PAGES = []  # dicts: site, url, path, html bytes, crawl


def add_page(s, title, paras, pub, byline=None, cluster=None, kind="own", credited=False, edits=(), **kw):
    r = R
    slug = slugify(title) or f"p{len(PAGES)}"
    pt = pub or (T0 + dt.timedelta(days=r.randint(0, 40)))
    path = f"/{pt.year}/{pt.month:02d}/{slug}-{r.randint(100, 9999)}.html"
    url = f"https://{s['host']}{path}"
    own_titles = [p["title"] for p in s["pages"][-8:]]
    page = {"title": title, "paras": paras, "pub": pub, "byline": byline, "url": url,
            "related": r.sample(own_titles, min(len(own_titles), 4)), "comments": comments(r)}
    page.update(kw)
    s["pages"].append(page)
    crawl = CRAWL0 + dt.timedelta(hours=r.uniform(0, 72))
    rec = {"site": s, "url": url, "page": page, "crawl": crawl, "kind": kind, "cluster": cluster,
           "credited": credited, "edits": list(edits)}
    PAGES.append(rec)
    return rec


def cluster_add(cid, rec):
    TRUTH["clusters"][cid]["pages"].append(rec)


def new_cluster(kind, network, origin_site):
    TRUTH["clusters"].append({"kind": kind, "network": network, "origin_site": origin_site, "pages": []})
    return len(TRUTH["clusters"]) - 1


def edit_copy(r, art, origin_dom, creditp, sitename=None):
    title, paras = art["title"], list(art["paras"])
    edits = []
    if r.random() < 0.25:
        title = r.choice(["BREAKING: ", "WATCH: ", "", "Exclusive: "]) + title.replace(" as ", ", while ") + r.choice(["", " – report", " (updated)"])
        edits.append("title")
    if r.random() < 0.2:
        paras.insert(0, sentence(r, art["cast"]) + " " + sentence(r, new_cast(r)))
        edits.append("intro")
    if r.random() < 0.2 and len(paras) > 4:
        k = r.randint(1, max(1, len(paras) // 4))
        for _ in range(k):
            paras.pop(r.randrange(1, len(paras)))
        edits.append(f"drop{k}")
    if r.random() < 0.1 and len(paras) > 4:
        paras = paras[: int(len(paras) * r.uniform(0.55, 0.8))]
        edits.append("truncate")
    credited = False
    if r.random() < creditp:
        paras.append(r.choice([f"Source: {origin_dom}", f"Originally published at {origin_dom}",
                               f'<p>Source: <a href="https://{origin_dom}/">{html.escape(sitename or origin_dom)}</a></p>']))
        credited = True
        edits.append("credit")
    return title, paras, credited, edits


def lag(r, lo_min, hi_min):
    import math
    return dt.timedelta(minutes=math.exp(r.uniform(math.log(lo_min), math.log(hi_min))))


# ================================================================= worlds
r = R
# ---- Network A: Portal-Kombat style, hub + 19 mirrors, fast lag, ids shared by half
hubA = site("novosti-frontline.ru", "origin", "A", family="news", timestyle="og", tz=3,
            ids=mk_ids(r, ["ym", "ga"]), sitename="Novosti Frontline")
ccs = ["fr", "de", "es", "it", "pl", "cz", "sk", "hu", "ro", "bg", "se", "fi", "dk", "nl", "be", "at", "pt", "gr", "lt"]
netA_ym = str(r.randint(10**7, 10**8 - 1)); netA_pub = f"pub-{r.randint(10**15, 10**16 - 1)}"
membersA = []
for i, cc in enumerate(ccs):
    ids = mk_ids(r, ["ga"])
    if i % 2 == 0: ids["ym"] = netA_ym
    if i % 3 == 0: ids["pub"] = netA_pub
    enc = "windows-1251" if cc in ("bg",) else "utf-8"
    membersA.append(site(f"istina-{cc}.com", "member", "A", timestyle=r.choice(["og", "jsonld", "mixed", "time"]),
                         tz=r.choice([1, 2, 3]), ids=ids, encoding=enc, bylines=["Redakcija", name(r)]))
for k in range(32):
    art = article(r)
    pub = T0 + dt.timedelta(hours=r.uniform(0, 40 * 24))
    cid = new_cluster("laundering", "A", hubA["domain"])
    cluster_add(cid, add_page(hubA, art["title"], art["paras"], pub, byline=r.choice(hubA["bylines"]), kind="origin", cluster=cid))
    for m in membersA:
        if r.random() < 0.6:
            t, ps, cr, ed = edit_copy(r, art, hubA["domain"], 0.1, hubA["name"])
            cluster_add(cid, add_page(m, t, ps, pub + lag(r, 3, 12 * 60), byline=r.choice(m["bylines"]), kind="copy", cluster=cid, credited=cr, edits=ed))
for m in membersA:
    for _ in range(r.randint(1, 3)):
        art = article(r)
        add_page(m, art["title"], art["paras"], T0 + dt.timedelta(hours=r.uniform(0, 960)), byline=r.choice(m["bylines"]))

# ---- Network B: pink-slime local news, 1 central + 29 locals, one CMS, shared GA + persona bylines
townsB = ["Kent County", "Ashford Valley", "Pine Bluff", "Harlan", "Mesa Ridge", "Cedar Rapids West", "Blue Hills",
          "Lake Marion", "Fox River", "Grand Prairie", "Elk Grove", "Sandusky Bay", "Clearwater Basin", "Iron Range",
          "Copper Canyon", "Silver Lake", "Chippewa", "Okemos", "Big Sky", "Red River", "Shenandoah", "Bayou",
          "High Plains", "Lowcountry", "Cumberland", "Piedmont", "Tidewater", "Upstate", "Panhandle"]
suffixB = ["times.com", "today.com", "reporter.com", "business-daily.com", "record.com", "news.com"]
netB_ga = f"G-{''.join(r.choice('ABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _ in range(10))}"
personas = ["Carol Benson", "Mark Ellery", "Dana Whitfield"]
hubB = site("heartlandnewsservice.com", "origin", "B", family="wp", timestyle="jsonld", tz=-5,
            ids={"ga": netB_ga}, sitename="Heartland News Service", bylines=personas)
membersB = []
for i, t in enumerate(townsB):
    ids = {"ga": netB_ga} if i % 4 != 3 else mk_ids(r, ["ua"])
    sname = t + " " + suffixB[i % len(suffixB)].split(".")[0].replace("-", " ").title()
    membersB.append(site(slugify(t).replace("-", "") + suffixB[i % len(suffixB)], "member", "B", family="wp",
                         timestyle=r.choice(["jsonld", "jsonld", "visible", "og"]), tz=-5, ids=ids, bylines=personas,
                         sitename=sname))
for k in range(26):
    art = article(r)
    pub = T0 + dt.timedelta(hours=r.uniform(0, 40 * 24))
    cid = new_cluster("laundering", "B", hubB["domain"])
    cluster_add(cid, add_page(hubB, art["title"], art["paras"], pub, byline=r.choice(personas), kind="origin", cluster=cid))
    for m in membersB:
        if r.random() < 0.45:
            t, ps, cr, ed = edit_copy(r, art, hubB["domain"], 0.05)
            cluster_add(cid, add_page(m, t, ps, pub + lag(r, 2, 180), byline=r.choice(personas), kind="copy", cluster=cid, credited=cr, edits=ed))
for m in membersB:
    for _ in range(r.randint(0, 2)):
        art = article(r)
        add_page(m, art["title"], art["paras"], T0 + dt.timedelta(hours=r.uniform(0, 960)), byline=r.choice(personas))

# ---- Network C: the seed-article network: origin + 6, copies keep the origin credit line (as the seed does)
seed = open(A.seedfile, encoding="utf-8").read()
lines = [l.strip() for l in seed.split("\n") if l.strip()]
seed_title = lines[1]
i0 = lines.index("Maryam Rajavi") + 1
i1 = next(i for i, l in enumerate(lines) if l.startswith("Alireza Niknam"))
seed_paras = lines[i0:i1]
hubC = site("geostrategika.ru", "origin", "C", family="table", timestyle="visible", tz=3, ids=mk_ids(r, ["ym"]),
            sitename="Geostrategika", bylines=["Alireza Niknam", "Dmitri Orlov", name(r)])
domsC = ["iran-frontline.net", "resistance-axis.com", "mek-exposed.org", "eastwest-review.info", "persia-observer.com", "sahel-truth.net"]
membersC = [site(d, "member", "C", family=r.choice(["wp", "wp", "news", "ghost"]), timestyle=r.choice(["og", "jsonld", "time"]),
                 tz=r.choice([0, 3, 4]), ids=mk_ids(r, ["ga"]) if j % 2 else {}) for j, d in enumerate(domsC)]
artsC = [{"title": seed_title, "paras": seed_paras, "cast": new_cast(r), "author": "Alireza Niknam", "seed": True}]
for k in range(9):
    a_ = article(r); a_["author"] = r.choice(hubC["bylines"]); artsC.append(a_)
for art in artsC:
    pub = T0 + dt.timedelta(hours=r.uniform(0, 38 * 24))
    cid = new_cluster("laundering", "C", hubC["domain"])
    if art.get("seed"): TRUTH["seed_cluster"] = cid
    cluster_add(cid, add_page(hubC, art["title"], art["paras"], pub, byline=art["author"], kind="origin", cluster=cid))
    for m in membersC:
        if art.get("seed") or r.random() < 0.75:
            ps = list(art["paras"]) + [f"{art['author']}, {hubC['domain']}"]
            t = art["title"]
            ed = ["credit"]
            if r.random() < 0.2:
                ps.insert(0, "Editor's note: this analysis is republished for our readers."); ed.append("intro")
            rec = add_page(m, t, ps, pub + lag(r, 60, 48 * 60), byline=None, kind="copy", cluster=cid, credited=True, edits=ed,
                           extra_head="")
            rec["page"]["breadcrumb_seed"] = True
            cluster_add(cid, rec)
for m in membersC:
    for _ in range(2):
        art = article(r)
        add_page(m, art["title"], art["paras"], T0 + dt.timedelta(hours=r.uniform(0, 960)), byline=name(r))

# ---- Benign: independent news sites, wire services, press releases, shared theme, big site, aggregators
indep_names = ["springfieldgazette.com", "rivertonpost.com", "lakesideledger.com", "millbrookchronicle.com",
               "fairviewtribune.com", "oakdaleobserver.com", "brookhavenherald.com", "westfieldsentinel.com",
               "hillcrestjournal.com", "cedarfallscourier.com", "maplewoodexaminer.com", "ashforddispatch.com",
               "kingsportbulletin.com", "elmirastar.com", "doverpress.com", "salemmonitor.com", "marlowmercury.com",
               "avalonadvocate.com", "norwoodnews.net", "claytonclarion.com", "harwichtelegraph.co.uk",
               "bristolevening.co.uk", "lyon-actu.fr", "hamburger-abendblatt-online.de", "lagosdaily.ng",
               "accramail.com.gh", "mumbaiexpressnews.in", "torinosera.it", "krakowtimes.pl", "zagrebvijesti.hr"]
indeps = [site(d, "independent") for d in indep_names]
wire1 = site("continentalpress.com", "wire", None, family="news", timestyle="og", sitename="Continental Press",
             ids=mk_ids(r, ["ga"]))
# wire 2 (Meridian) is not in the crawl: its clients credit it by name only
for k in range(24):  # wire 1 stories; wire site in crawl
    art = article(r)
    pub = T0 + dt.timedelta(hours=r.uniform(0, 40 * 24))
    city = art["cast"]["places"][0].upper()
    paras = list(art["paras"]); paras[0] = f"{city} (CP) \u2014 " + paras[0]
    cid = new_cluster("wire", None, wire1["domain"])
    cluster_add(cid, add_page(wire1, art["title"], paras, pub, byline=name(r), kind="origin", cluster=cid))
    for s in indeps:
        if r.random() < 0.35:
            ps = list(paras); ed = []
            if r.random() < 0.3: ps = ps[: max(3, int(len(ps) * 0.7))]; ed.append("truncate")
            if r.random() < 0.2: ps.insert(0, f"Local officials in {s['name']} are watching the story closely."); ed.append("intro")
            if r.random() < 0.3: ps.append("Copyright 2026 Continental Press. All rights reserved."); ed.append("copyright")
            cluster_add(cid, add_page(s, art["title"], ps, pub + lag(r, 10, 8 * 60),
                                      byline=r.choice([None, "Continental Press", "By CP staff"]), kind="copy",
                                      cluster=cid, credited="acronym", edits=ed))
for k in range(14):  # wire 2 (not crawled)
    art = article(r)
    pub = T0 + dt.timedelta(hours=r.uniform(0, 40 * 24))
    paras = list(art["paras"]); paras[0] = f"{art['cast']['places'][1].upper()} (Meridian) \u2014 " + paras[0]
    cid = new_cluster("wire_offcrawl", None, "meridianwire.com")
    for s in r.sample(indeps, r.randint(5, 12)):
        cluster_add(cid, add_page(s, art["title"], paras, pub + lag(r, 5, 6 * 60), byline="Meridian News Agency",
                                  kind="copy", cluster=cid, credited="name", edits=[]))
# press releases
prhub = site("prwirehub.com", "pr_distributor", None, family="news", timestyle="og", sitename="PRWireHub")
prfarms = [site(d, "pr_farm", None, family="wp", timestyle=r.choice(["og", "jsonld"]))
           for d in ["marketticker-news.com", "investorsbeat.net", "bizwire-today.com", "stocknewsflash.com", "financial-dispatch.net"]]
companies = ["Acme Robotics Inc.", "Northwind Energy", "Bluepeak Pharmaceuticals", "Orbital Freight Ltd.",
             "Greenleaf Foods", "Quantix Software", "Harbor Bank Group", "Solstice Mining", "Vantage Health", "Crestline Motors"]
for comp in companies:
    art = article(r, n_par=r.randint(5, 8))
    pub = T0 + dt.timedelta(hours=r.uniform(0, 40 * 24))
    title = f"{comp} {r.choice(['Announces', 'Reports', 'Launches', 'Completes'])} {r.choice(ADJ).title()} {r.choice(NOUNS).title()} {r.choice(['Program', 'Results', 'Partnership', 'Acquisition'])}"
    dl = "PRWireHub" if r.random() < 0.5 else None
    paras = list(art["paras"])
    paras[0] = f"{art['cast']['places'][0].upper()}, {pub.strftime('%b. %-d, %Y')} /{dl or 'Newswire'}/ -- " + paras[0]
    paras.append(f"About {comp}: " + sentence(r, art["cast"]) + f" Media contact: press@{slugify(comp)}.com")
    paras.append(f"SOURCE {comp}")
    cid = new_cluster("press_release", None, prhub["domain"])
    cluster_add(cid, add_page(prhub, title, paras, pub, byline=None, kind="origin", cluster=cid))
    for s in prfarms + r.sample(indeps, 4):
        cluster_add(cid, add_page(s, title, paras, pub + lag(r, 5, 24 * 60), byline=None, kind="copy", cluster=cid,
                                  credited=("name" if dl else "company_only"), edits=[]))
for s in prfarms:   # a few market-data pages of their own
    for _ in range(2):
        art = article(r, n_par=4)
        add_page(s, art["title"], art["paras"], T0 + dt.timedelta(hours=r.uniform(0, 960)))
# shared theme (same CMS boilerplate, same theme-vendor GTM, different articles)
theme = {"family": "wp", "nav": ["News", "Local", "Sports", "Weather", "Obituaries", "Opinion"],
         "about": " ".join(sentence(r, new_cast(r)) for _ in range(3))}
theme_gtm = f"GTM-{''.join(r.choice('ABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _ in range(7))}"
themed = []
for d in ["northshoreweekly.com", "valleyvoice-news.com", "prairiepioneer.com", "coastalcurrent.net",
          "summitsignal.com", "riverbendreview.com", "hometownherald.org", "lakecountryledger.com"]:
    s = site(d, "shared_theme", None, theme=theme, ids={"gtm": theme_gtm, **mk_ids(r, ["ga"])})
    s["themename"] = "NewsPress Pro by ThemeForge"
    themed.append(s)
# independents' own articles + themed + big site
big = site("metroheraldtimes.com", "big_independent", None, family="news", timestyle="og", sitename="Metro Herald Times")
for s in indeps + themed:
    for _ in range(r.randint(8, 16)):
        art = article(r)
        add_page(s, art["title"], art["paras"], T0 + dt.timedelta(hours=r.uniform(0, 960)), byline=r.choice(s["bylines"]))
for _ in range(220):
    art = article(r)
    add_page(big, art["title"], art["paras"], T0 + dt.timedelta(hours=r.uniform(0, 960)), byline=r.choice(big["bylines"]))
# aggregators: short quoted snippets with links
aggs = [site(d, "aggregator", None, family="ghost", timestyle="time") for d in ["newsnow-digest.com", "headlinehub.net", "dailybriefing-roundup.com"]]
pool = [p for p in PAGES if p["kind"] in ("own", "origin") and p["site"]["role"] != "aggregator"]
for s in aggs:
    for k in range(25):
        picks = r.sample(pool, 5)
        ps = []
        for p in picks:
            words = " ".join(p["page"]["paras"][0].split()[:35])
            ps.append(f'<p><b>{html.escape(p["page"]["title"])}</b>: \u201c{html.escape(words)}\u2026\u201d <a href="{p["url"]}">Read more at {p["site"]["domain"]}</a></p>')
        add_page(s, f"Morning briefing: {k + 1} stories you need", ps, T0 + dt.timedelta(hours=r.uniform(0, 960)), kind="aggregate")

# ---- pathological pages
odd = []
for k in range(6):  # broken html
    s = r.choice(indeps); art = article(r)
    rec = add_page(s, art["title"], art["paras"], T0 + dt.timedelta(hours=r.uniform(0, 960)), kind="broken")
    rec["mangle"] = r.choice(["truncate", "unclosed", "garbage"]); odd.append(rec)
for k in range(4):  # empty body
    s = r.choice(indeps + themed)
    rec = add_page(s, "Untitled", [], T0 + dt.timedelta(hours=r.uniform(0, 960)), kind="empty"); rec["mangle"] = "empty"
for k in range(3):  # legacy cp1252 without any charset declaration
    s = r.choice(indeps); art = article(r); art["paras"][0] = "Caf\u00e9 owners \u2013 \u201cna\u00efve\u201d \u00a3 \u20ac " + art["paras"][0]
    rec = add_page(s, art["title"], art["paras"], T0 + dt.timedelta(hours=r.uniform(0, 960)), kind="own")
    rec["rawenc"] = "cp1252"
big_rec = add_page(big, "Live blog: every update from the marathon council session",
                   [sentence(r, new_cast(r)) + " " + sentence(r, new_cast(r)) for _ in range(9000)],
                   T0 + dt.timedelta(hours=500), kind="huge")
# duplicate saves: same page saved twice under another file name
dups = r.sample([p for p in PAGES if p["kind"] == "own"], 5)

# ---------------------------------------------------------------- write
import shutil

out = A.out
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out + "/pages")
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

wf = open(out + "/crawl.warc.gz", "wb")
ww = WARCWriter(wf, gzip=True)
ww.write_record(ww.create_warcinfo_record("crawl.warc.gz", {"software": "blindsites-gen/1.0", "format": "WARC File Format 1.0"}))


def warc_resp(url, body, ctype, crawl, status="200 OK"):
    hdr = StatusAndHeaders(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    req = ww.create_warc_record(url, "request", payload=io.BytesIO(f"GET {url.split('/', 3)[3] if url.count('/') >= 3 else '/'} HTTP/1.1\r\nHost: x\r\n\r\n".encode()),
                                warc_headers_dict={"WARC-Date": crawl.strftime("%Y-%m-%dT%H:%M:%SZ")})
    ww.write_record(req)
    rec = ww.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hdr,
                                warc_headers_dict={"WARC-Date": crawl.strftime("%Y-%m-%dT%H:%M:%SZ")})
    ww.write_record(rec)


stats = {"pages": 0, "bytes": 0}
for rec in PAGES:
    s = rec["site"]; page = rec["page"]
    if rec.get("mangle") == "empty":
        doc = f'<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="canonical" href="{rec["url"]}"><title>Untitled</title></head><body></body></html>'
    else:
        doc = render(s, page)
    m = rec.get("mangle")
    if m == "truncate":
        doc = doc[: int(len(doc) * 0.55)]
    elif m == "unclosed":
        doc = doc.replace("</p>", "").replace("</div>", "").replace("</li>", "").replace("</body></html>", "")
    elif m == "garbage":
        doc = doc.replace("<p>", "<p><<</p <>>", 3).replace('">', '"\x00>', 2) + "<div><span><table><tr><td>\ufffd"
    if rec.get("rawenc"):
        data = doc.replace('<meta charset="utf-8">', "").encode("cp1252", errors="replace"); ctype = "text/html"
    elif s["encoding"] not in ("utf-8", "nodecl"):
        data = doc.encode(s["encoding"], errors="replace"); ctype = f"text/html; charset={s['encoding']}"
    else:
        data = doc.encode("utf-8"); ctype = "text/html; charset=UTF-8"
    rel = rec["url"].split("://", 1)[1]
    fp = os.path.join(out, "pages", rel)
    os.makedirs(os.path.dirname(fp), exist_ok=True)
    open(fp, "wb").write(data)
    os.utime(fp, (rec["crawl"].timestamp(), rec["crawl"].timestamp()))
    warc_resp(rec["url"], data, ctype, rec["crawl"])
    stats["pages"] += 1; stats["bytes"] += len(data)
    TRUTH["pages"][rec["url"]] = {"site": s["domain"], "kind": rec["kind"], "cluster": rec["cluster"],
                                  "pub": page["pub"].isoformat() if page["pub"] else None,
                                  "timestyle": page.get("timestyle_used"), "credited": rec["credited"],
                                  "edits": rec["edits"], "mangle": rec.get("mangle"), "rawenc": rec.get("rawenc")}
# duplicate saves (folder: second file; warc: second response record with the same URI)
for rec in dups:
    rel = rec["url"].split("://", 1)[1]
    src = os.path.join(out, "pages", rel)
    dst = src.replace(".html", "-amp.html")
    data = open(src, "rb").read()
    open(dst, "wb").write(data)
    warc_resp(rec["url"], data, "text/html; charset=UTF-8", rec["crawl"] + dt.timedelta(hours=1))
TRUTH["duplicate_saves"] = [r_["url"] for r_ in dups]
# non-page records / files
png = b"\x89PNG\r\n\x1a\n" + bytes(200)
warc_resp("https://www.springfieldgazette.com/logo.png", png, "image/png", CRAWL0)
warc_resp("https://rivertonpost.com/missing.html", b"<html><body>Not found</body></html>", "text/html", CRAWL0, "404 Not Found")
warc_resp("https://rivertonpost.com/old.html", b"", "text/html", CRAWL0, "301 Moved Permanently")
os.makedirs(out + "/pages/www.springfieldgazette.com/img", exist_ok=True)
open(out + "/pages/www.springfieldgazette.com/img/logo.png", "wb").write(png)
open(out + "/pages/robots.txt", "w").write("User-agent: *\n")
# gzip-compressed saved page
gz = PAGES[-2]
wf.close()

# ---------------------------------------------------------------- truth
clusters = []
for c in TRUTH["clusters"]:
    clusters.append({"kind": c["kind"], "network": c["network"], "origin_site": c["origin_site"],
                     "pages": [{"url": p["url"], "site": p["site"]["domain"], "kind": p["kind"],
                                "pub": p["page"]["pub"].isoformat(), "credited": p["credited"], "edits": p["edits"]}
                               for p in c["pages"]]})
TRUTH["clusters"] = clusters
TRUTH["networks"] = {n: {"origin": {"A": hubA, "B": hubB, "C": hubC}[n]["domain"],
                         "members": [d for d, v in TRUTH["sites"].items() if v["network"] == n]} for n in "ABC"}
TRUTH["stats"] = {**stats, "sites": len(SITES), "warc_extra": {"duplicate_responses": len(dups), "png": 1, "404": 1, "301": 1}}
json.dump(TRUTH, open(out + "/truth.json", "w"), indent=1)
print(json.dumps(TRUTH["stats"]), {n: len(v["members"]) for n, v in TRUTH["networks"].items()})
