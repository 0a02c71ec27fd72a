import collections
import json
import sys

import pandas as pd

W, OUT = sys.argv[1], sys.argv[2]
t = json.load(open(f"{W}/truth.json"))
acc = pd.read_csv(f"{OUT}/accounts.csv"); grp = pd.read_csv(f"{OUT}/groups.csv")
art = pd.read_csv(f"{OUT}/articles.csv"); cop = pd.read_csv(f"{OUT}/article_copies.csv")
idcol = 'account_id' if 'account_id' in acc.columns else acc.columns[0]
verd = dict(zip(grp.group_id, grp.verdict))
site_g = {r[idcol]: r.group_id for _, r in acc.iterrows() if pd.notna(r.group_id)}
print("groups:", [(g, s, v) for g, s, v in zip(grp.group_id, grp['size'], grp.verdict)])
for n, v in t["networks"].items():
    mem = v["members"]; gs = collections.Counter(site_g.get(m) for m in mem)
    print(f"net {n}: size {len(mem)} origin {v['origin']}; groups {dict(gs)}; verdicts { {g: verd.get(g) for g in gs if g is not None} }; origin in group: {site_g.get(v['origin'])}")
    miss = [m for m in mem if m not in site_g]; print("   missing:", miss)
for g in grp.group_id:
    ms = [s for s, gg in site_g.items() if gg == g]
    roles = collections.Counter((t["sites"].get(s, {}).get("role"), t["sites"].get(s, {}).get("network")) for s in ms)
    print(f"group {g} {verd[g]}: {dict(roles)}")
# cluster-level: origin + lag accuracy
url2c = {}
for i, c in enumerate(t["clusters"]):
    for p in c["pages"]: url2c[p["url"]] = i
ok = bad = 0; lagerr = []; badlist = []
found_pages = collections.Counter()
for _, a in art.iterrows():
    cs = collections.Counter(url2c.get(u) for u in cop[cop.article == a.article].url)
    ci, n = cs.most_common(1)[0]
    if ci is None: continue
    c = t["clusters"][ci]
    truth_origin = c["origin_site"]
    if a.origin_site == truth_origin: ok += 1
    else: bad += 1; badlist.append((c["kind"], c["network"], truth_origin, a.origin_site))
    found_pages[ci] = n
tot = sum(len(c["pages"]) for c in t["clusters"] if c["kind"] != "wire_offcrawl")
print(f"articles.csv rows {len(art)}; origin right {ok}, wrong {bad}")
print("wrong origins by kind:", collections.Counter((b[0], b[1]) for b in badlist), badlist[:6])
# lags
pub = {u: pd.Timestamp(v["pub"]) for u, v in t["pages"].items() if v["pub"]}
errs = []
for _, r in cop.iterrows():
    ci = url2c.get(r.url)
    if ci is None or r.is_origin: continue
    c = t["clusters"][ci]
    o = [p for p in c["pages"] if p["kind"] == "origin"]
    if not o: continue
    tl = (pub[r.url] - pd.Timestamp(o[0]["pub"])).total_seconds() / 3600
    errs.append((abs(tl - r.lag_h), c["network"] or c["kind"], t["pages"][r.url]["timestyle"], r.url))
e = pd.DataFrame(errs, columns=["err", "net", "ts", "url"])
print("lag abs error (h) by net:\n", e.groupby("net").err.describe()[["count", "50%", "max"]])
print("lag err >1h by timestyle:", e[e.err > 1].groupby("ts").size().to_dict())
# per-cluster recall of copy pages
for kind in ["laundering", "wire", "wire_offcrawl", "press_release"]:
    cl = [i for i, c in enumerate(t["clusters"]) if c["kind"] == kind]
    tp = sum(len(t["clusters"][i]["pages"]) for i in cl); fp = sum(found_pages[i] for i in cl)
    print(f"{kind}: truth pages {tp} found in clusters {fp}")
# credited copies
cc = cop[~cop.is_origin].copy(); cc["truth_cred"] = cc.url.map(lambda u: t["pages"].get(u, {}).get("credited"))
print("credit detection (truth -> tool):\n", pd.crosstab(cc.truth_cred.astype(str), cc.credited))
