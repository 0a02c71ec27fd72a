import sys

import pandas as pd

for d in sys.argv[1:]:
    lab = pd.read_csv(f"{d}/labels.csv", keep_default_na=False)
    acc = pd.read_csv(f"{d}/out/accounts.csv", keep_default_na=False, dtype={"group_id": str})
    grp = pd.read_csv(f"{d}/out/groups.csv", keep_default_na=False, dtype={"group_id": str})
    m = lab.merge(acc[["account_id","group_id","joined_by"]], on="account_id", how="left").fillna("")
    v = dict(zip(grp.group_id, grp.verdict)); m["verdict"]=m.group_id.map(lambda g: v.get(g,""))
    org = m[m.label=="organic"]; fp = org[org.verdict.isin(["operation","automation"])]
    def cause(r):
        g = grp[grp.group_id==r.group_id].iloc[0]; top = g.top_objects
        if top.startswith("repost") or "repost" in g.behaviours and top.count("repost:")>=3: return "fan-retweets"
        if "#match" in top: return "sports"
        if "superfan" in r.behaviour: return "superfan"
        return "other:"+g.behaviours
    fp = fp.assign(cause=fp.apply(cause, axis=1))
    isfan = org.behaviour.str.contains("fan of")
    sf = org.behaviour.str.contains("superfan"); sp = org.behaviour.str.contains("sports")
    print(d, "FP by cause", fp.cause.value_counts().to_dict(),
          "| fans flagged %d/%d" % (fp.behaviour.str.contains("fan of").sum(), isfan.sum()),
          "| superfans flagged %d/%d" % (fp.behaviour.str.contains("superfan").sum(), sf.sum()),
          "| sports flagged %d/%d" % ((fp.cause=="sports").sum(), sp.sum()),
          "| plain flagged", (fp.behaviour=="plain").sum(), "| joined pooled", (fp.joined_by=="pooled").sum())
    amp = grp[grp.reasons.str.contains("amplifies")]
    print("   groups with 'amplifies' caveat:", list(amp.group_id), "of fan groups", sorted(set(fp[fp.cause=="fan-retweets"].group_id), key=int))
