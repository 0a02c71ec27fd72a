#!/usr/bin/env python3
"""Score an inconcert output folder against my labels.csv.
python score.py DATA_DIR [--detail]   (expects DATA_DIR/labels.csv, DATA_DIR/out/)"""
import json
import sys

import pandas as pd

d = sys.argv[1]
detail = "--detail" in sys.argv
lab = pd.read_csv(f"{d}/labels.csv", keep_default_na=False)
acc = pd.read_csv(f"{d}/out/accounts.csv", keep_default_na=False, dtype={"group_id": str})
grp = pd.read_csv(f"{d}/out/groups.csv", keep_default_na=False, dtype={"group_id": str})
summ = json.load(open(f"{d}/out/summary.json"))
rows = summ["rows"]
rowcheck = rows["read"] == rows["used"] + rows["rejected"] + rows["duplicates"]
npost = sum(1 for _ in open(f"{d}/posts.csv")) - 1  # approx (texts have no newlines)

verd = dict(zip(grp.group_id, grp.verdict))
m = lab.merge(acc[["account_id", "group_id", "joined_by"]], on="account_id", how="left")
m["group_id"] = m["group_id"].fillna("")
m["verdict"] = m.group_id.map(lambda g: verd.get(g, "") if g else "")
isop = m.label == "operation"
flag = m.verdict == "operation"
tp = int((isop & flag).sum())
fp = int((~isop & flag).sum())
fn = int((isop & ~flag).sum())
P = tp / (tp + fp) if tp + fp else float("nan")
R = tp / (tp + fn) if tp + fn else float("nan")
F = 2 * P * R / (P + R) if P + R else 0.0
org = m.label == "organic"
org_fp = org & m.verdict.isin(["operation", "automation"])
fpr = org_fp.sum() / org.sum()
auto = m.label == "automation"
auto_op = int((auto & flag).sum())
hard = org & m.behaviour.str.contains('fan of|superfan')
fp_ex = int((~isop & flag & ~hard).sum())
P_ex = tp / (tp + fp_ex) if tp + fp_ex else float('nan')
res = dict(data=d, posts=npost, read=rows["read"], rows_ok=rowcheck, F1=round(F, 3), P=round(P, 3), R=round(R, 3),
           org_fpr=round(float(fpr), 4), P_excl_fans_superfans=round(P_ex, 3), org_fp=int(org_fp.sum()), n_org=int(org.sum()),
           auto_to_op=f"{auto_op}/{int(auto.sum())}",
           auto_to_auto=int((auto & (m.verdict == "automation")).sum()),
           groups=len(grp), verdicts=grp.verdict.value_counts().to_dict(), clock=summ.get("clock", {}).get("clock"))
print(json.dumps(res))
per = {}
for g, sub in m[isop].groupby("group"):
    found = sub[sub.verdict == "operation"]
    per[g] = dict(found=f"{len(found)}/{len(sub)}", groups=sorted(set(found.group_id)),
                  other_verdicts=sub[(sub.verdict != "operation") & (sub.verdict != "")].verdict.value_counts().to_dict())
print(json.dumps(per))
for g, sub in m[auto].groupby("group"):
    print("AUTO", g, sub.verdict.replace("", "none").value_counts().to_dict(), sorted(set(sub.group_id) - {""}))
if detail:
    print("--- organic accounts in non-weak groups, by behaviour:")
    fps = m[org_fp]
    for g, sub in fps.groupby("group_id"):
        gg = grp[grp.group_id == g].iloc[0]
        mix = m[m.group_id == g].label.value_counts().to_dict()
        print(f"group {g} verdict={gg.verdict} size={gg['size']} mix={mix} beh={gg.behaviours} top={gg.top_objects[:150]}")
        print("   organic behaviours:", sub.behaviour.value_counts().head(6).to_dict())
        print("   reasons:", gg.reasons[:600])
    print("--- groups of ops/automation (verdict, reasons head):")
    for _, gg in grp.iterrows():
        mix = m[m.group_id == gg.group_id].groupby(["label", "group"]).size().to_dict()
        print(f"G{gg.group_id} {gg.verdict} size={gg['size']} beh={gg.behaviours} mix={mix}")
