"""Reading the results (issue 15, item 3): p-values, one ranking, a palette that does
not repeat, receipts marked against the window, settings the user set, labels that say
what they are, networks and the clock."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner

from inconcert.format import format_p
from inconcert.report import ReportLimits, build_report, collect_report_data
from inconcert.report.data.values import reason_text


def _fixture_module():
    spec = importlib.util.spec_from_file_location(
        "_report_fixtures", Path(__file__).with_name("test_report.py")
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


write_outdir = _fixture_module().write_outdir


def _rewrite_groups(path: Path, edit) -> None:
    with (path / "groups.csv").open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        cols = list(reader.fieldnames or [])
        rows = list(reader)
    cols, rows = edit(cols, rows)
    with (path / "groups.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, cols)
        w.writeheader()
        w.writerows(rows)


def test_tiny_p_values_never_print_as_zero(tmp_path: Path) -> None:
    assert format_p(0.0) == "< 1e-300" and format_p(1e-320) == "< 1e-300"
    assert format_p(1.27122725624e-49) == "1.3e-49" and format_p(0.0312) == "0.031"
    assert reason_text("group p 0.0e+00 (Simes)") == "group p < 1e-300 (Simes)"
    out = write_outdir(tmp_path / "out", n_groups=3, scoring=True)

    def underflow(cols, rows):
        for r in rows:
            if r["group_id"] == "2":
                r["p_value"] = "0.0"
                r["reasons"] = "3 of 3 member links significant (FDR 0.01); group p 0.0e+00 (Simes)"
        return cols, rows

    _rewrite_groups(out, underflow)
    html = build_report(out).read_text(encoding="utf-8")
    assert "&lt; 1e-300" in html and "0.0e+00" not in html
    assert ">0<" not in html.replace(" ", "")  # no p-value cell reads 0


def test_one_ranking_rank_one_is_first_everywhere(tmp_path: Path) -> None:
    out = write_outdir(tmp_path / "out", n_groups=5, scoring=True)
    data = collect_report_data(out)
    order = [g["group_id"] for g in data["groups"]]
    assert order == [5, 4, 3, 2, 1] and [g["rank"] for g in data["groups"]] == [1, 2, 3, 4, 5]
    assert [s["group"]["group_id"] for s in data["sections"]] == order
    assert [lg["gid"] for lg in data["network"]["legend"]] == order
    html = build_report(out).read_text(encoding="utf-8")
    first_section = html.index('class="group" id="group-')
    assert html[first_section:].startswith('class="group" id="group-5"')
    assert "rank 1 ·" in html[first_section : first_section + 400]


def test_terminal_summary_uses_the_report_order_and_prints_the_report_path(tmp_path: Path) -> None:
    from inconcert.cli import main
    from inconcert.simulate import simulate_to_dir

    simulate_to_dir(tmp_path / "sim", n_posts=3000, seed=3)
    res = CliRunner().invoke(
        main, ["detect", str(tmp_path / "sim" / "posts.csv"), "-o", str(tmp_path / "out"), "--report"]
    )
    assert res.exit_code == 0, res.output
    assert f"report: {tmp_path / 'out' / 'report.html'}" in " ".join(res.output.split())
    assert (tmp_path / "out" / "report.html").is_file()
    with (tmp_path / "out" / "groups.csv").open(newline="", encoding="utf-8") as f:
        groups = list(csv.DictReader(f))
    data = collect_report_data(tmp_path / "out")
    first = str(data["groups"][0]["group_id"])
    table = res.output[res.output.index("Top groups") :]
    rows = [ln.split("│")[1].strip() for ln in table.splitlines() if ln.startswith("│")]
    assert rows[0] == first and len(groups) >= 1
    assert format_p(data["groups"][0]["p_value"]) in table


def test_palette_never_repeats_among_groups_and_greys_the_rest(tmp_path: Path) -> None:
    from inconcert.report.layout import OTHER_GROUPS, PALETTE, UNGROUPED

    out = write_outdir(tmp_path / "out", n_groups=len(PALETTE) + 4, size=3, scoring=True)
    data = collect_report_data(out)
    coloured = [g["colour"] for g in data["groups"][: len(PALETTE)]]
    assert len(set(coloured)) == len(PALETTE) and OTHER_GROUPS not in coloured
    assert UNGROUPED not in coloured
    assert all(g["colour"] == OTHER_GROUPS for g in data["groups"][len(PALETTE) :])
    net = data["network"]
    assert [lg["colour"] for lg in net["legend"]] == coloured
    assert net["other_groups"] == 4
    html = build_report(out).read_text(encoding="utf-8")
    assert "4 other groups (ranked below 11)" in html
    assert "has a colour of its own" in html


def _edit_summary(path: Path, **changes) -> None:
    s = json.loads((path / "summary.json").read_text(encoding="utf-8"))
    s.update(changes)
    (path / "summary.json").write_text(json.dumps(s), encoding="utf-8")


def test_settings_panel_shows_what_the_user_set_and_folds_the_rest(tmp_path: Path) -> None:
    from inconcert.config import DetectConfig

    out = write_outdir(tmp_path / "out")
    params = DetectConfig().to_dict()
    params.update(window=600.0, min_weight=3, behaviours=None, extra={})
    params["near_text"]["threshold"] = 0.8
    _edit_summary(out, parameters=params)
    ov = collect_report_data(out)["overview"]
    assert ov["settings_set"] == [("min_weight", "3"), ("near_text.threshold", "0.8"), ("window", "600")]
    default_keys = [k for k, _ in ov["settings_default"]]
    assert "fdr" in default_keys and "near_text.shingle" in default_keys
    assert not {"extra", "behaviours"} & set(default_keys + [k for k, _ in ov["settings_set"]])
    html = build_report(out).read_text(encoding="utf-8")
    panel = html[html.index("<h3>Settings</h3>") : html.index("<h3>Software</h3>")]
    assert panel.index("near_text.threshold") < panel.index("<details") < panel.index(">fdr<")
    assert "<th>extra</th>" not in panel and ">null<" not in panel and "{}" not in panel


def test_clock_resolution_line_when_summary_has_a_clock(tmp_path: Path) -> None:
    out = write_outdir(tmp_path / "out")
    assert collect_report_data(out)["overview"]["clock"] == ""
    _edit_summary(out, clock={"resolution_s": 60.0, "clock": "minute", "by_source": {"a.csv": 60.0}})
    html = build_report(out).read_text(encoding="utf-8")
    assert "Timestamps tick in minutes (60 s)" in html


def _add_late_object(out: Path, obj: str = "https://late.example/x", behaviour: str = "url") -> None:
    """Group 1 shares ``obj``: acct0 and acct1 30 s apart, acct2 7 h 3 min later, as if the
    evidence had been gathered at a wider window than the link's."""
    from datetime import timedelta

    fx = _fixture_module()
    t = fx.T0 + timedelta(days=3)
    ev = pq.read_table(out / "evidence.parquet")
    late = t + timedelta(hours=7, minutes=3, seconds=30)
    rows = [
        (behaviour, obj, "late0", "late1", "g1_acct0", "g1_acct1", t, t + timedelta(seconds=30), 30.0, 1),
        (behaviour, obj, "late1", "late2", "g1_acct1", "g1_acct2", t + timedelta(seconds=30), late, 25380.0, 1),
    ]
    extra = pa.Table.from_pylist([dict(zip(ev.schema.names, r, strict=True)) for r in rows], schema=ev.schema)
    pq.write_table(pa.concat_tables([ev, extra]), out / "evidence.parquet")


def _receipts(data, obj: str) -> dict[str, dict]:
    sec = next(s for s in data["sections"] if s["group"]["group_id"] == 1)
    ob = next(o for o in sec["objects"] if o["object"] == obj)
    return {r["account"]: r for r in ob["receipts"]}


def test_receipts_mark_actions_inside_and_outside_the_window(tmp_path: Path) -> None:
    out = write_outdir(tmp_path / "out", n_groups=1, size=4, objects=1)
    _add_late_object(out)
    _edit_summary(out, window_used=60.0)
    data = collect_report_data(out, ReportLimits(objects=20))
    rec = _receipts(data, "https://late.example/x")
    assert rec["g1_acct0"]["inside"] and rec["g1_acct1"]["inside"]
    assert rec["g1_acct2"]["inside"] is False and rec["g1_acct2"]["delta"] == "+7h 3m 30s"
    assert rec["g1_acct2"]["nearest"] == "7h 3m 0s before, g1_acct1"
    assert rec["g1_acct0"]["nearest"] == "30s after, g1_acct1"
    tl = data["sections"][0]["timeline"]
    assert tl["marked"] and tl["n_outside"] == 1
    row = next(r for r in tl["rows"] if r[0] == "g1_acct2")
    assert len(row[3]) == 1 and all(isinstance(x, float) for x in row[2])
    html = build_report(out, limits=ReportLimits(objects=20))
    text = html.read_text(encoding="utf-8")
    assert '<tr class="outside"><td class="mark nowrap">○ outside</td><td><a href="#account=g1_acct2">' in text
    assert "● inside" in text and "grey short ticks: outside (1)" in text


def test_receipts_use_each_links_own_window_when_links_carry_one(tmp_path: Path) -> None:
    from inconcert.report import ReportLimits

    out = write_outdir(tmp_path / "out", n_groups=1, size=4, objects=1)
    _add_late_object(out)
    lk = pq.read_table(out / "links.parquet")
    windows = [
        10.0 if {a, b} == {"g1_acct0", "g1_acct1"} else None
        for a, b in zip(lk.column("account_a").to_pylist(), lk.column("account_b").to_pylist(), strict=True)
    ]
    pq.write_table(lk.append_column("window_s", pa.array(windows, pa.float64())), out / "links.parquet")
    data = collect_report_data(out, ReportLimits(objects=20))
    rec = _receipts(data, "https://late.example/x")
    # 30 s apart is outside that pair's own 10 s window
    assert not rec["g1_acct0"]["inside"] and not rec["g1_acct1"]["inside"]
    assert data["per_link_windows"]
    # pairs without a window of their own keep the run's (60 s): the planted bursts stay inside
    other = next(o for o in data["sections"][0]["objects"] if o["object"] != "https://late.example/x")
    assert all(r["inside"] for r in other["receipts"])


def test_labels_say_what_objects_are(tmp_path: Path) -> None:
    fx = _fixture_module()
    out = write_outdir(tmp_path / "out", n_groups=1, size=4, objects=2, posts=True)
    _add_late_object(out, "2195", "object")
    _add_late_object(out, "text:ef10a73c", "repost")
    _add_late_object(out, "#wahl #btw21", "hashtags")
    posts = pq.read_table(out / "posts.parquet")
    extra = [
        dict(zip(posts.schema.names, (f"late{i}", f"g1_acct{i}", fx.T0, "Same words, every time", None), strict=False))
        for i in range(3)
    ]
    pq.write_table(
        pa.concat_tables([posts, pa.Table.from_pylist(extra, schema=posts.schema)]), out / "posts.parquet"
    )
    _edit_summary(out, inputs=[{"path": "x.csv", "format": "coortweet_multi", "records": 9}])
    data = collect_report_data(out, ReportLimits(objects=20))
    assert data["labels"] == {"object": "domain"}
    shows = {o["object"]: o["show"] for o in data["sections"][0]["objects"]}
    assert shows["2195"] == {"kind": "plain", "label": "domain"}
    assert shows["text:ef10a73c"]["label"] == "repost of identical text"
    assert shows["text:ef10a73c"]["text"] == "Same words, every time"
    assert shows["#wahl #btw21"]["tags"] == ["#wahl", "#btw21"]
    url = "https://news.example/1/1?q=<b>&x=1"
    assert shows[url] == {"kind": "link", "label": "url", "href": url}
    html = build_report(out, limits=ReportLimits(objects=20)).read_text(encoding="utf-8")
    assert 'title="behaviour object">domain</span>' in html
    assert "repost of identical text" in html and "“Same words, every time”" in html
    assert '<span class="hashtag">#wahl</span>' in html
    esc = "https://news.example/1/1?q=&lt;b&gt;&amp;x=1"
    assert f'<a class="obj" href="{esc}" rel="noopener noreferrer nofollow" target="_blank">{esc}</a>' in html
    # without a known column the generic behaviour stays "object"; no text: the hash is named
    _edit_summary(out, inputs=[{"path": "x.csv", "format": "generic"}])
    (out / "posts.parquet").unlink()
    data = collect_report_data(out, ReportLimits(objects=20))
    shows = {o["object"]: o["show"] for o in data["sections"][0]["objects"]}
    assert data["labels"] == {} and shows["2195"]["label"] == "object"
    assert shows["text:ef10a73c"] == {
        "kind": "repost_text", "label": "repost of identical text", "text": "", "hash": "ef10a73c"
    }


def test_links_only_for_web_addresses(tmp_path: Path) -> None:
    from inconcert.report.data.labels import describe_object

    assert describe_object("url", "javascript:alert(1)", {})["kind"] == "plain"
    assert describe_object("url", " https://x.example/", {})["kind"] == "plain"
    assert describe_object("url", "data:text/html,<b>", {})["kind"] == "plain"
    assert describe_object("url", "20810", {})["kind"] == "plain"


def _add_networks(out: Path, net_of_group: dict[int, int]) -> None:
    def groups(cols, rows):
        for r in rows:
            r["network_id"] = net_of_group[int(r["group_id"])]
        return cols + ["network_id"], rows

    _rewrite_groups(out, groups)
    with (out / "accounts.csv").open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        cols, rows = list(reader.fieldnames or []), list(reader)
    for r in rows:
        r["network_id"] = net_of_group[int(r["group_id"])] if r["group_id"] else ""
    rows[-1]["network_id"] = 10  # an ungrouped account linked into network 10
    with (out / "accounts.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, cols + ["network_id"])
        w.writeheader()
        w.writerows(rows)


def test_groups_shown_under_their_network_when_outputs_have_network_id(tmp_path: Path) -> None:
    out = write_outdir(tmp_path / "out", n_groups=4, size=3, scoring=True)
    _add_networks(out, {1: 10, 2: 20, 3: 10, 4: 20})
    data = collect_report_data(out)
    # the network of the most significant group (4) first, its groups together, in rank order
    assert [g["group_id"] for g in data["groups"]] == [4, 2, 3, 1]
    assert [g["rank"] for g in data["groups"]] == [1, 2, 3, 4]
    assert [s["group"]["group_id"] for s in data["sections"]] == [4, 2, 3, 1]
    assert [lg["gid"] for lg in data["network"]["legend"]] == [4, 2, 3, 1]
    nets = {n["network_id"]: n for n in data["networks"]}
    assert nets[20]["groups"] == [4, 2] and nets[20]["n_accounts"] == 6
    assert nets[10]["n_accounts"] == 7 and nets[10]["verdicts"] == [("automation", 1), ("operation", 1)]
    html = build_report(out).read_text(encoding="utf-8")
    assert html.index('id="network-20"') < html.index('id="group-4"') < html.index('id="group-2"')
    assert html.index('id="group-2"') < html.index('id="network-10"') < html.index('id="group-3"')
    assert "Network 10 <small>7 accounts · 2 groups: G3, G1</small>" in html
    assert html.count('class="network-row"') == 2


def test_without_network_id_nothing_changes(tmp_path: Path) -> None:
    out = write_outdir(tmp_path / "out", n_groups=3, scoring=True)
    data = collect_report_data(out)
    assert data["networks"] == [] and all(g["net"] is None for g in data["groups"])
    html = build_report(out).read_text(encoding="utf-8")
    assert 'class="network-row"' not in html and 'class="network"' not in html


def test_new_labels_and_headers_stay_escaped_and_deterministic(tmp_path: Path) -> None:
    fx = _fixture_module()
    hostile = fx.XSS_IMG
    outs = []
    for name in ("a", "b"):
        out = write_outdir(tmp_path / name, n_groups=2, size=3, scoring=True, hostile=True, posts=True)
        _add_late_object(out, f"#{hostile} #x", "hashtags")
        _add_late_object(out, f"https://e.example/{fx.XSS_SCRIPT}", "url")
        _add_networks(out, {1: 1, 2: 1})
        _edit_summary(
            out,
            read_options={"column_map": {"object": hostile}},
            clock={"resolution_s": 60.0, "clock": hostile, "by_source": {hostile: 60.0, "b": 1.0}},
            parameters={"window": 60.0, hostile: fx.XSS_SCRIPT, "near_text": {hostile: 1}},
        )
        outs.append(build_report(out, tmp_path / f"{name}.html").read_bytes())
    assert outs[0] == outs[1]
    text = outs[0].decode("utf-8")
    body = text.split("<style>")[0] + text.split("</style>")[1].split('<script type="application/json"')[0]
    assert "<img" not in body and "<script>alert" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_one_window_marks_equal_the_pairwise_check(tmp_path: Path) -> None:
    import random

    import duckdb

    from inconcert.report.data import windows

    rng = random.Random(5)
    rows = [
        (1, "url", f"o{rng.randint(0, 3)}", f"a{rng.randint(0, 5)}", f"p{i}", rng.randint(0, 400) * 1_000_000)
        for i in range(300)
    ]
    results = []
    for fn in (windows._one_window, lambda con, w: windows._per_pair(con, w, w)):
        con = duckdb.connect()
        con.execute("CREATE TABLE acts (group_id BIGINT, behaviour VARCHAR, object VARCHAR, account VARCHAR, post VARCHAR, t BIGINT)")
        con.executemany("INSERT INTO acts VALUES (?, ?, ?, ?, ?, ?)", rows)
        con.execute("CREATE TEMP TABLE pairwin (a VARCHAR, b VARCHAR, w DOUBLE)")
        fn(con, 7.0)
        results.append(con.execute("SELECT post, inside FROM act_in ORDER BY post").fetchall())
    assert results[0] == results[1]
    assert {i for _, i in results[0]} == {True, False}


def test_too_many_pair_checks_fall_back_to_the_runs_window_with_a_note(tmp_path: Path, monkeypatch) -> None:
    from inconcert.report.data import windows

    out = write_outdir(tmp_path / "out", n_groups=1, size=4, objects=1)
    _add_late_object(out)
    lk = pq.read_table(out / "links.parquet")
    pq.write_table(
        lk.append_column("window_s", pa.array([10.0] * lk.num_rows, pa.float64())), out / "links.parquet"
    )
    _edit_summary(out, window_used=60.0)
    monkeypatch.setattr(windows, "MAX_PAIR_CHECKS", 0)
    data = collect_report_data(out, ReportLimits(objects=20))
    rec = _receipts(data, "https://late.example/x")
    assert rec["g1_acct0"]["inside"] and not rec["g1_acct2"]["inside"]
    assert any("too many actions to check each link's own window" in n for n in data["notes"])


def test_a_reason_with_semicolons_in_its_rule_stays_one_reason(tmp_path: Path) -> None:
    """The repost-feed reason states its rule in parentheses, with semicolons in it;
    the report splits reasons only at the semicolons between them."""
    out = write_outdir(tmp_path / "out", n_groups=2, scoring=True)
    repost = ("not a repost feed: 0 of 4 members are repost feeds (75 reposts by its members; "
              "a member is a repost feed when it reposted ≥ 80 % of the reposted posts; "
              "a feed group needs half its members so)")

    def edit(cols, rows):
        for r in rows:
            r["reasons"] = f"coordinated beyond chance: 3 of 3 member links significant (FDR 0.01); {repost}"
        return cols, rows

    _rewrite_groups(out, edit)
    data = collect_report_data(out)
    assert data["groups"][0]["reason_list"] == [
        "coordinated beyond chance: 3 of 3 member links significant (FDR 0.01)", repost]
