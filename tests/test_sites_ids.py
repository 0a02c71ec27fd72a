"""ID extraction: precision = recall = 1.0 on a fixture of snippets with decoys."""

import json
from pathlib import Path

from inconcert.sites.ids import find_ids

FIXTURE = Path(__file__).parent / "fixtures" / "sites" / "ids_fixture.jsonl"


def _cases():
    return [json.loads(line) for line in FIXTURE.read_text().splitlines()]


def test_fixture_is_big_enough_and_has_decoys():
    cases = _cases()
    assert len(cases) >= 60
    assert sum(1 for c in cases if not c["expected"]) >= 20
    kinds = {k for c in cases for k, _ in c["expected"]}
    assert {"ga-ua", "ga4", "gtm", "adsense", "fb-pixel", "yandex-metrica", "google-site-verification"} <= kinds


def test_fixture_has_the_decoys_the_issue_lists():
    """Issue 13: decoys with ids in comments, in unrelated numbers, and GA4 ids with letters."""
    cases = {c["name"]: c for c in _cases()}
    in_comments = [n for n, c in cases.items() if "<!--" in c["html"] and not c["expected"]]
    numbers = [n for n in ("fb-unrelated-number", "ym-mathy", "ua-too-short", "adsense-17-digits", "adsense-short")
               if not cases[n]["expected"]]
    ga4_letters = [e[1] for c in cases.values() for e in c["expected"]
                   if e[0] == "ga4" and any(ch.isalpha() for ch in e[1][2:])]
    assert len(in_comments) >= 5 and len(numbers) == 5 and len(ga4_letters) >= 4, (in_comments, numbers, ga4_letters)


def test_precision_and_recall_are_one():
    tp = fp = fn = 0
    wrong = []
    for c in _cases():
        got = {(i.kind, i.id) for i in find_ids(c["html"])}
        want = {tuple(e) for e in c["expected"]}
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        if got != want:
            wrong.append((c["name"], sorted(got), sorted(want)))
    assert not wrong, wrong
    assert tp > 0 and fp == 0 and fn == 0


def test_where_is_reported():
    ids = find_ids('<meta name="yandex-verification" content="t1"><script src="x.js?id=G-ABCD1234EF"></script>'
                   '<script>ym(12345678,"init")</script><ins data-ad-client="ca-pub-1234567890123456"></ins>')
    assert [(i.kind, i.where) for i in ids] == [
        ("yandex-verification", "meta"), ("ga4", "script-src"), ("yandex-metrica", "script"), ("adsense", "attribute")]
