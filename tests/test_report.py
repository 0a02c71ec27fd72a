"""Tests of the HTML evidence report built from small fake output directories."""

from __future__ import annotations

import csv
import hashlib
import html.parser
import json
import random
import re
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inconcert.errors import InputError
from inconcert.report import ReportLimits, build_report, collect_report_data
from inconcert.report.render import script_json

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def write_outdir(
    path: Path,
    n_groups: int = 3,
    size: int = 4,
    objects: int = 3,
    noise: int = 6,
    hostile: bool = False,
    scoring: bool = False,
    posts: bool = False,
    seed: int = 7,
) -> Path:
    """Write an output directory per the contract: planted groups that share objects in bursts."""
    rng = random.Random(seed)
    path.mkdir(parents=True, exist_ok=True)
    accounts: dict[str, dict] = {}
    shares: list[tuple] = []  # (group, behaviour, object, account, post, ts)
    post_no = 0
    for g in range(1, n_groups + 1):
        members = [f"g{g}_acct{i}" for i in range(size)]
        if hostile and g == 1:
            members[0] = XSS_IMG
            members[1] = XSS_SCRIPT
        for m in members:
            accounts[m] = {"group_id": g}
        for o in range(objects):
            behaviour = "text" if o == 0 else "url"
            obj = (
                f"coordinated message number {o} from group {g}"
                if behaviour == "text"
                else f"https://news.example/{g}/{o}?q=<b>&x=1"
            )
            if hostile and g == 1 and o == 1:
                obj = f"https://evil.example/{XSS_SCRIPT}"
            if hostile and g == 1 and o == 0:
                obj = XSS_IMG
            start = T0 + timedelta(hours=g * 5 + o, seconds=rng.randint(0, 30))
            for m in members:
                post_no += 1
                shares.append(
                    (
                        g,
                        behaviour,
                        obj,
                        m,
                        f"p{post_no}",
                        start + timedelta(seconds=rng.randint(0, 40)),
                    )
                )
    noise_accounts = [f"loner{i}" for i in range(noise)]
    for a in noise_accounts:
        accounts[a] = {"group_id": None}
    for i, a in enumerate(noise_accounts):
        b = noise_accounts[(i + 1) % len(noise_accounts)]
        obj = f"https://other.example/{i}"
        for acct, sec in ((a, 0), (b, 20)):
            post_no += 1
            shares.append(
                (
                    None,
                    "url",
                    obj,
                    acct,
                    f"p{post_no}",
                    T0 + timedelta(days=1, minutes=i, seconds=sec),
                )
            )

    ev_rows = []
    by_obj: dict[tuple, list] = {}
    for s in shares:
        by_obj.setdefault((s[1], s[2]), []).append(s)
    for (behaviour, obj), ss in sorted(by_obj.items()):
        ss.sort(key=lambda s: (s[5], s[3]))
        for x, y in combinations(ss, 2):
            if x[3] == y[3]:
                continue
            gid = x[0] if x[0] is not None and x[0] == y[0] else None
            ev_rows.append(
                {
                    "behaviour": behaviour,
                    "object": obj,
                    "post_a": x[4],
                    "post_b": y[4],
                    "account_a": x[3],
                    "account_b": y[3],
                    "ts_a": x[5],
                    "ts_b": y[5],
                    "dt": (y[5] - x[5]).total_seconds(),
                    "group_id": gid,
                }
            )
    ts = pa.timestamp("us", tz="UTC")
    ev_schema = pa.schema(
        [
            ("behaviour", pa.string()),
            ("object", pa.string()),
            ("post_a", pa.string()),
            ("post_b", pa.string()),
            ("account_a", pa.string()),
            ("account_b", pa.string()),
            ("ts_a", ts),
            ("ts_b", ts),
            ("dt", pa.float64()),
            ("group_id", pa.int64()),
        ]
    )
    pq.write_table(pa.Table.from_pylist(ev_rows, schema=ev_schema), path / "evidence.parquet")

    links: dict[tuple, dict] = {}
    for r in ev_rows:
        a, b = sorted((r["account_a"], r["account_b"]))
        lk = links.setdefault(
            (a, b),
            {"objects": set(), "pairs": 0, "dts": [], "ts": [], "beh": set(), "g": r["group_id"]},
        )
        lk["objects"].add((r["behaviour"], r["object"]))
        lk["pairs"] += 1
        lk["dts"].append(r["dt"])
        lk["ts"] += [r["ts_a"], r["ts_b"]]
        lk["beh"].add(r["behaviour"])
    link_rows = []
    for (a, b), lk in sorted(links.items()):
        link_rows.append(
            {
                "account_a": a,
                "account_b": b,
                "weight": len(lk["objects"]),
                "pairs": lk["pairs"],
                "n_url": sum(1 for o in lk["objects"] if o[0] == "url"),
                "n_text": sum(1 for o in lk["objects"] if o[0] == "text"),
                "behaviours": ",".join(sorted(lk["beh"])),
                "mean_dt": sum(lk["dts"]) / len(lk["dts"]),
                "first_ts": min(lk["ts"]),
                "last_ts": max(lk["ts"]),
                "group_id": lk["g"],
                "in_group": lk["g"] is not None,
            }
        )
    link_schema = pa.schema(
        [
            ("account_a", pa.string()),
            ("account_b", pa.string()),
            ("weight", pa.int64()),
            ("pairs", pa.int64()),
            ("n_url", pa.int64()),
            ("n_text", pa.int64()),
            ("behaviours", pa.string()),
            ("mean_dt", pa.float64()),
            ("first_ts", ts),
            ("last_ts", ts),
            ("group_id", pa.int64()),
            ("in_group", pa.bool_()),
        ]
    )
    pq.write_table(pa.Table.from_pylist(link_rows, schema=link_schema), path / "links.parquet")

    degree: dict[str, int] = {}
    strength: dict[str, int] = {}
    for r in link_rows:
        for acct in (r["account_a"], r["account_b"]):
            degree[acct] = degree.get(acct, 0) + 1
            strength[acct] = strength.get(acct, 0) + r["weight"]
    n_actions = {}
    for s in shares:
        n_actions[s[3]] = n_actions.get(s[3], 0) + 1
    with (path / "accounts.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "account_id",
                "group_id",
                "degree",
                "strength",
                "n_actions",
                "n_coordinated",
                "coordinated_share",
                "platform",
                "account_name",
            ]
        )
        for acct in sorted(accounts):
            gid = accounts[acct]["group_id"]
            name = XSS_SCRIPT if hostile and acct == "loner0" else f"Name of {acct}"
            w.writerow(
                [
                    acct,
                    "" if gid is None else gid,
                    degree.get(acct, 0),
                    strength.get(acct, 0),
                    n_actions.get(acct, 0),
                    n_actions.get(acct, 0),
                    1.0,
                    "twitter",
                    name,
                ]
            )

    group_cols = [
        "group_id",
        "size",
        "links",
        "density",
        "weight",
        "behaviours",
        "objects",
        "first_ts",
        "last_ts",
        "span_s",
        "top_objects",
    ]
    if scoring:
        group_cols += ["p_value", "verdict", "reasons"]
    with (path / "groups.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(group_cols)
        for g in range(1, n_groups + 1):
            rows = [r for r in link_rows if r["group_id"] == g]
            first = min(r["first_ts"] for r in rows)
            last = max(r["last_ts"] for r in rows)
            row = [
                g,
                size,
                len(rows),
                1.0,
                sum(r["weight"] for r in rows),
                "text,url",
                objects,
                first.isoformat(),
                last.isoformat(),
                (last - first).total_seconds(),
                XSS_IMG if hostile and g == 1 else f"https://news.example/{g}/1",
            ]
            if scoring:
                verdict = ("operation", "automation", "weak")[g % 3]
                reason = XSS_SCRIPT if hostile and g == 1 else f"{objects} bursts within 40 s"
                row += [10.0**-g, verdict, reason]  # the last group is the most significant
            w.writerow(row)

    summary = {
        "software": {"inconcert": "0.1.0", "duckdb": "2.0.1"},
        "inputs": [
            {
                "path": XSS_IMG + ".csv" if hostile else "posts.csv",
                "format": "csv",
                "records": len(shares),
                "rejected": 1,
            }
        ],
        "rows": {"read": len(shares) + 1, "used": len(shares), "rejected": 1},
        "parameters": {"window": 60.0, "behaviours": ["url", "text"], "min_weight": 2, "seed": 42},
        "behaviours": ["url", "text"],
        "counts": {
            "traces": len(shares),
            "pairs": len(ev_rows),
            "links": len(link_rows),
            "groups": n_groups,
            "accounts_in_groups": n_groups * size,
        },
        "timings": {"read": 0.5, "pairs": 1.25, "groups": 0.25},
        "command": "inconcert detect posts.csv -o out"
        + (f" --label '{XSS_SCRIPT}'" if hostile else ""),
    }
    (path / "summary.json").write_text(json.dumps(summary), encoding="utf-8")

    if posts:
        prow = [
            {
                "post_id": s[4],
                "account_id": s[3],
                "ts": s[5],
                "text": (XSS_SCRIPT if hostile else f"Look at this! {s[2]}"),
                "urls": s[2],
            }
            for s in shares
        ]
        pq.write_table(pa.Table.from_pylist(prow), path / "posts.parquet")
    return path


class _Collector(html.parser.HTMLParser):
    """Collect tags and script bodies the way a browser tokenizer would."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _parse(text: str) -> _Collector:
    p = _Collector()
    p.feed(text)
    return p


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    return write_outdir(tmp_path / "out")


def test_template_data_has_groups_sections_and_receipts(outdir: Path) -> None:
    data = collect_report_data(outdir)
    assert [g["group_id"] for g in data["groups"]] == [1, 2, 3]  # no p_value: by size, weight, id
    assert len(data["sections"]) == 3
    sec = data["sections"][0]
    assert sec["n_members"] == 4
    assert sec["member_columns"][0] == "account_id"
    # receipts: every member of the group acted on each top object
    assert len(sec["objects"]) == 3
    for ob in sec["objects"]:
        assert ob["n_accounts"] == 4
        assert len(ob["receipts"]) == 4
        assert {r["account"] for r in ob["receipts"]} == {f"g1_acct{i}" for i in range(4)}
        times = [r["time"] for r in ob["receipts"]]
        assert times == sorted(times)
        assert ob["receipts"][0]["delta"] == "+0s"
    # timeline: 4 members × 3 objects = 12 actions, one row per member
    tl = sec["timeline"]
    assert tl["n_events"] == 12 and sum(tl["bins"]) == 12
    assert len(tl["rows"]) == 4 and all(len(r[2]) == 3 for r in tl["rows"])
    assert tl["t0_text"].startswith("2024-03-01 17:00")
    # without posts.parquet the text behaviour's objects stand in for example texts
    assert sec["texts_source"] == "objects"
    assert sec["texts"][0]["text"] == "coordinated message number 0 from group 1"
    assert sec["texts"][0]["n_accounts"] == 4
    assert dict(sec["behaviour_counts"]) == {"url": 2, "text": 1}
    # network: all linked accounts drawn, grouped ones link to their sections
    net = data["network"]
    assert net["n_nodes"] == 12 + 6
    hrefs = {g["gid"]: g["href"] for g in net["groups"]}
    assert hrefs[1] == "#group-1" and hrefs[None] == ""
    xs = [x for g in net["groups"] for x, _, _ in g["nodes"]]
    assert min(xs) >= 0 and max(xs) <= net["width"]
    # account index: grouped accounts first, with their neighbours and co-actions
    first = data["accounts"][0]
    assert first["g"] is not None and first["nb"] and first["ob"] and first["co"] > 0
    ov = data["overview"]
    assert ov["n_groups"] == 3 and ov["n_in_groups"] == 12 and ov["runtime"] == "2s"
    assert ov["evidence_rows"] > 0 and data["notes"] == []


def test_ranking_uses_p_value_and_shows_verdicts(tmp_path: Path) -> None:
    out = write_outdir(tmp_path / "out", n_groups=4, scoring=True)
    data = collect_report_data(out)
    assert [g["group_id"] for g in data["groups"]] == [4, 3, 2, 1]
    assert data["has_p"] and data["has_verdict"]
    assert dict(data["overview"]["verdicts"]) == {"automation": 2, "weak": 1, "operation": 1}
    html = build_report(out).read_text(encoding="utf-8")
    assert html.index('id="group-4"') < html.index('id="group-1"')
    assert "p-value" in html and 'class="verdict v-operation"' in html
    assert "bursts within 40 s" in html


def test_posts_parquet_gives_example_texts(tmp_path: Path) -> None:
    out = write_outdir(tmp_path / "out", posts=True)
    sec = collect_report_data(out)["sections"][0]
    assert sec["texts_source"] == "posts.parquet"
    assert sec["texts"] and sec["texts"][0]["text"].startswith("Look at this! ")
    assert all(t["n_accounts"] == 4 for t in sec["texts"])
    # each receipt carries the member's own post text
    assert all(r["text"].startswith("Look at this! ") for r in sec["objects"][0]["receipts"])


def test_report_file_is_self_contained(outdir: Path, tmp_path: Path) -> None:
    path = build_report(outdir, tmp_path / "r" / "report.html")
    assert path == tmp_path / "r" / "report.html"
    text = path.read_text(encoding="utf-8")
    doc = _parse(text)
    outbound = set()
    for tag, attrs in doc.tags:
        for key in ("src", "href", "xlink:href", "action"):
            value = attrs.get(key)
            if value is None or tag == "link" and value == "data:,":
                continue
            if tag == "a" and key == "href" and attrs.get("class") == "obj":
                # a shared URL (an object of the evidence) is a link the reader may follow:
                # web addresses only, opened apart, sending no referrer; nothing loads it
                assert re.match(r"https?://", value), value
                assert attrs.get("rel") == "noopener noreferrer nofollow" and attrs.get("target") == "_blank"
                outbound.add(value)
                continue
            assert value.startswith("#"), (tag, key, value)  # only in-page links
    assert outbound and all(u.startswith("https://news.example/") for u in outbound)
    head = text.split("<script")[0].split("<style")[0]
    for u in outbound:
        head = head.replace(f'href="{html.escape(u)}"', "")
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)[^\s\"'<]*\"", head)
    assert 'id="group-1"' in text and 'id="net"' in text and "<circle" in text
    assert "Content-Security-Policy" in text
    # default output lands in the output directory
    assert build_report(outdir) == outdir / "report.html"


def test_csp_hash_matches_the_inline_script(outdir: Path) -> None:
    import base64

    text = build_report(outdir).read_text(encoding="utf-8")
    doc = _parse(text)
    code = [
        s
        for s, (tag, attrs) in zip(
            doc.scripts, [t for t in doc.tags if t[0] == "script"], strict=True
        )
        if "type" not in attrs
    ]
    assert len(code) == 1
    digest = base64.b64encode(hashlib.sha256(code[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in text


def test_hostile_payloads_render_as_text(tmp_path: Path) -> None:
    out = write_outdir(tmp_path / "out", hostile=True, scoring=True, posts=True)
    text = build_report(out).read_text(encoding="utf-8")
    doc = _parse(text)
    tags = [t for t, _ in doc.tags]
    assert "img" not in tags
    assert tags.count("script") == 2  # the JSON data and our own code, nothing injected
    for _, attrs in doc.tags:
        assert not any(k.startswith("on") for k in attrs), attrs
    assert XSS_IMG not in text and XSS_SCRIPT not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text
    data_script = doc.scripts[0]
    assert "<" not in data_script and ">" not in data_script
    page = json.loads(data_script)
    ids = {a["id"] for a in page["accounts"]}
    assert (
        XSS_IMG in ids and XSS_SCRIPT in ids
    )  # intact in the data, for the lookup to show as text


def test_script_json_escapes_breakouts() -> None:
    s = script_json({"a": "</script><!-- & \u2028\u2029"})
    assert "<" not in s and ">" not in s and "&" not in s
    assert "\u2028" not in s and "\u2029" not in s
    assert json.loads(s) == {"a": "</script><!-- & \u2028\u2029"}


def test_same_outputs_give_identical_html(tmp_path: Path) -> None:
    a = write_outdir(tmp_path / "a", n_groups=5, scoring=True, posts=True)
    b = write_outdir(tmp_path / "b", n_groups=5, scoring=True, posts=True)
    ha = build_report(a, tmp_path / "a.html").read_bytes()
    hb = build_report(b, tmp_path / "b.html").read_bytes()
    hc = build_report(a, tmp_path / "c.html").read_bytes()
    assert ha == hb == hc


def test_empty_output_renders(tmp_path: Path) -> None:
    out = write_outdir(tmp_path / "out", n_groups=1)
    # rewrite as a run that found nothing
    (out / "groups.csv").write_text(
        "group_id,size,links,density,weight,behaviours,objects,first_ts,last_ts,span_s,top_objects\n"
    )
    (out / "accounts.csv").write_text(
        "account_id,group_id,degree,strength,n_actions,n_coordinated,coordinated_share,platform\n"
    )
    for name in ("evidence.parquet", "links.parquet"):
        t = pq.read_table(out / name)
        pq.write_table(t.slice(0, 0), out / name)
    text = build_report(out).read_text(encoding="utf-8")
    assert "No groups were found" in text


def test_missing_files_are_named(tmp_path: Path) -> None:
    out = write_outdir(tmp_path / "out")
    (out / "links.parquet").unlink()
    (out / "summary.json").unlink()
    with pytest.raises(
        InputError, match=r"missing summary\.json, links\.parquet.*inconcert detect"
    ):
        build_report(out)
    with pytest.raises(InputError, match="no such output directory"):
        build_report(tmp_path / "nope")


def test_damaged_files_give_input_errors(tmp_path: Path) -> None:
    out = write_outdir(tmp_path / "out")
    (out / "evidence.parquet").write_bytes(b"not parquet")
    with pytest.raises(InputError, match="evidence"):
        build_report(out)
    out = write_outdir(tmp_path / "out2")
    (out / "groups.csv").write_bytes(b"group_id,size\n\xff\xfe,1\n")
    with pytest.raises(InputError, match="groups.csv"):
        build_report(out)
    out = write_outdir(tmp_path / "out3")
    (out / "summary.json").write_text("[1, 2")
    with pytest.raises(InputError, match="summary.json"):
        build_report(out)
    out = write_outdir(tmp_path / "out4")
    (out / "accounts.csv").write_text("id,name\n1,x\n")
    with pytest.raises(InputError, match="missing column"):
        build_report(out)


def test_report_command(outdir: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from inconcert.report.cli import report_command

    runner = CliRunner()
    res = runner.invoke(report_command, [str(outdir), "-o", str(tmp_path / "x.html")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "x.html").stat().st_size > 1000
    res = runner.invoke(report_command, [str(tmp_path / "missing")])
    assert res.exit_code == 2 and "error: " in res.output and "inconcert detect" in res.output
    assert "Traceback" not in res.output


def test_limits_truncate_with_notes(tmp_path: Path) -> None:
    out = write_outdir(tmp_path / "out", n_groups=6, size=5, objects=4)
    limits = ReportLimits(
        sections=2,
        members=3,
        objects=2,
        receipts=2,
        nodes=10,
        edges=15,
        index_accounts=7,
        timeline_rows=2,
        table_groups=4,
    )
    data = collect_report_data(out, limits)
    assert len(data["sections"]) == 2 and len(data["table_groups"]) == 4
    sec = data["sections"][0]
    assert len(sec["members"]) == 3 and len(sec["objects"]) == 2
    assert all(len(o["receipts"]) == 2 and o["more"] == 3 for o in sec["objects"])
    assert len(sec["timeline"]["rows"]) == 2 and sec["timeline"]["n_rows"] == 5
    assert data["network"]["n_nodes"] == 10 and data["network"]["n_edges"] == 15
    assert len(data["accounts"]) == 7
    notes = " ".join(data["notes"])
    for word in (
        "Full sections",
        "Member tables",
        "network picture shows",
        "draws 15",
        "lookup holds 7",
    ):
        assert word in notes
    text = build_report(out, limits=limits).read_text(encoding="utf-8")
    assert "What this report leaves out" in text and "…and 3 more accounts" in text
    assert 'id="row-5"' not in text and "first 4 of 6 groups" in text


def test_size_stays_small_for_1000_groups(tmp_path: Path) -> None:
    out = write_outdir(tmp_path / "out", n_groups=1000, size=5, objects=3, noise=200, scoring=True)
    path = build_report(out)
    size = path.stat().st_size
    assert size < 10_000_000, size
    text = path.read_text(encoding="utf-8")
    assert text.count('<section class="group"') == ReportLimits().sections
    assert text.count("<circle") == ReportLimits().nodes  # 5,200 linked accounts, capped
    assert "network picture shows 5000 of 5200" in text


def pipeline_outdir(base: Path) -> Path | None:
    """Run the real pipeline on simulated posts whose coordinated accounts carry hostile
    ids and texts; None when the pipeline is not available."""
    try:
        from inconcert.pipeline import detect
        from inconcert.simulate import simulate_to_dir
    except ImportError:
        return None
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    simulate_to_dir(base / "sim", n_posts=8000, seed=3)
    first = detect([base / "sim" / "posts.csv"], base / "probe")
    assert first.summary["counts"]["groups"] >= 1
    _, members = _csv_rows(base / "probe" / "accounts.csv")
    grouped = [r["account_id"] for r in members if r["group_id"] == "1"][:2]
    rename = dict(zip(grouped, (XSS_IMG, XSS_SCRIPT), strict=True))
    posts = pacsv.read_csv(base / "sim" / "posts.csv")
    ids = [rename.get(a, a) for a in posts.column("account_id").to_pylist()]
    hostile = pc.is_in(posts.column("account_id"), pa.array(grouped))
    texts = pc.if_else(
        hostile,
        pc.binary_join_element_wise(posts.column("text"), XSS_SCRIPT, " "),
        posts.column("text"),
    )
    posts = posts.set_column(
        posts.schema.get_field_index("account_id"), "account_id", pa.array(ids)
    )
    posts = posts.set_column(posts.schema.get_field_index("text"), "text", texts)
    pacsv.write_csv(posts, base / "hostile.csv")
    detect(
        [base / "hostile.csv"],
        base / "out",
        command=f"inconcert detect hostile.csv -o out # {XSS_IMG}",
    )
    return base / "out"


def _csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def test_real_pipeline_output_with_hostile_input(tmp_path: Path) -> None:
    out = pipeline_outdir(tmp_path)
    if out is None:
        pytest.skip("inconcert.pipeline is not available")
    data = collect_report_data(out)
    members = {r[0] for s in data["sections"] for r in s["members"]}
    assert {XSS_IMG, XSS_SCRIPT} <= members
    assert data["posts_available"]
    text = build_report(out).read_text(encoding="utf-8")
    doc = _parse(text)
    assert "img" not in [t for t, _ in doc.tags]
    assert [t for t, _ in doc.tags].count("script") == 2
    assert XSS_IMG not in text and XSS_SCRIPT not in text
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert build_report(out, tmp_path / "again.html").read_bytes() == text.encode("utf-8")
