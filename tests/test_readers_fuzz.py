"""Fuzzing every reader with mutated records: one bad record costs that record only.

Each format gets files of good records (from ``tests/fixtures/readers``) mixed with
records mutated by deterministic mutators — deep nesting, 20-digit and non-finite
times, lone surrogates, wrong types, duplicated keys, huge fields, truncation, byte
flips — and whole files truncated or flipped. Asserted for every file:

* no exception other than :class:`~inconcert.errors.InconcertError`;
* ``records = used + rejected (+ duplicates)``;
* for record-level mutations that keep the file's framing (one JSON line, one array
  element, one CSV line without quotes), every good record is still used.

The counts (cases, mutated records, rejects, tracebacks) are printed in the terminal
summary (``tests/conftest.py``) whether or not ``-s`` is given.
"""

from __future__ import annotations

import gzip
import json
import random
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inconcert.errors import InconcertError
from inconcert.ingest import ingest
from inconcert.readers import generic, jsonstream

FIX = Path(__file__).parent / "fixtures" / "readers"
TIME_KEYS = {"created_at", "createdAt", "date", "date_unixtime", "time_us", "timestamp", "ts", "edit_date"}
WRONG = [[], {}, 0, -1, 1.5, None, True, "", "x", [None], {"a": [1]}]
MAX_SMALL = 4096  # record/field bound used in these tests (monkeypatched), so "huge" stays cheap


# ---------------------------------------------------------------- formats
@dataclass
class Format:
    """How to write a file of this format from record texts."""

    name: str  # the reader (--format)
    kind: str  # "jsonl", "csv", "array" or "parquet"
    records: list[str]
    head: str = ""  # CSV header line, or the text before a JSON array's first element
    tail: str = ""  # the text after a JSON array's last element
    filename: str = "in.txt"
    delim: str = ","

    def write(self, path: Path, recs: list[str]) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        f = path / self.filename
        if self.kind == "jsonl":
            text = "".join(r + "\n" for r in recs)
        elif self.kind == "csv":
            text = self.head + "\n" + "".join(r + "\n" for r in recs)
        elif self.kind == "array":
            text = self.head + ",\n".join(recs) + self.tail
        else:
            cols = self.head.split(",")
            rows = [json.loads(r) for r in recs]
            table = pa.table({c: pa.array([_cell(r, c) for r in rows], pa.string()) for c in cols})
            pq.write_table(table, f)
            return f
        f.write_bytes(text.encode("utf-8", "surrogatepass"))
        return f


def _cell(row: Any, col: str) -> str | None:
    v = row.get(col) if isinstance(row, dict) else None
    return v if v is None or isinstance(v, str) else json.dumps(v)


def _lines(name: str) -> list[str]:
    lines = [x for x in (FIX / name).read_text().splitlines() if x.strip()]
    return [x for x in lines if _is_object(x)] if name.endswith(".jsonl") else lines


def _is_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _formats() -> list[Format]:
    out = [
        Format("twitter_v2", "jsonl", _lines("twitter_v2_flat.jsonl") + _lines("twitter_v2_responses.jsonl")),
        Format("twitter_v1", "jsonl", _lines("twitter_v1.jsonl")),
        Format("bluesky", "jsonl", _lines("bluesky_jetstream.jsonl")),
        Format("mastodon", "jsonl", _lines("mastodon.jsonl")),
        Format(
            "generic",
            "jsonl",
            [json.dumps({"id": str(i), "author": f"a{i % 3}", "created_at": f"2024-01-01T10:0{i}:00Z",
                         "text": f"see https://x.org/{i}", "hashtags": ["h"]}) for i in range(5)],
            filename="in.jsonl",
        ),
    ]
    for name, fixture in (("crowdtangle", "crowdtangle.csv"), ("io_archive", "io_archive.csv"),
                          ("fivethirtyeight", "fivethirtyeight.csv"), ("coortweet_multi", "coortweet_multi.csv")):
        lines = _lines(fixture)
        out.append(Format(name, "csv", lines[1:], head=lines[0], filename="in.csv"))
    gen = [f"{i},a{i % 3},2024-01-01 10:0{i}:00,see https://x.org/{i}" for i in range(5)]
    out.append(Format("generic", "csv", gen, head="id,author,created_at,text", filename="in.csv"))
    out.append(Format("generic", "csv", [r.replace(",", "\t") for r in gen], head="id\tauthor\tcreated_at\ttext",
                      filename="in.tsv", delim="\t"))
    masto = json.loads((FIX / "mastodon.json").read_text())
    out.append(Format("mastodon", "array", [json.dumps(m) for m in masto], head="[", tail="]", filename="in.json"))
    tw = (FIX / "archive" / "data" / "tweet.js").read_text()
    items = json.loads(tw[tw.index("[") :])
    out.append(Format("twitter_v1", "array", [json.dumps(t) for t in items], head="window.YTD.tweet.part0 = [",
                      tail="]", filename="tweet.js"))
    tg = json.loads((FIX / "telegram" / "ChatExport_a" / "result.json").read_text())
    msgs = tg.pop("messages")
    meta = json.dumps(tg)[:-1]
    out.append(Format("telegram", "array", [json.dumps(m) for m in msgs], head=meta + ', "messages": [',
                      tail="]}", filename="result.json"))
    out.append(Format("generic", "parquet", [json.dumps({"id": str(i), "author": f"a{i}", "created_at":
                      f"2024-01-01 10:0{i}:00", "text": "t"}) for i in range(5)], head="id,author,created_at,text",
                      filename="in.parquet"))
    return out


FORMATS = _formats()
FORMAT_IDS = [f"{f.name}-{f.kind}-{f.filename.rsplit('.', 1)[-1]}" for f in FORMATS]


# ---------------------------------------------------------------- mutators
def _walk_set(obj: Any, rnd: random.Random, keys: set[str] | None, value: Callable[[], Any]) -> Any:
    """Replace values of ``keys`` (any key if None: one at random) anywhere in ``obj``."""
    if isinstance(obj, dict):
        ks = list(obj)
        if keys is None and ks:
            k = rnd.choice(ks)
            obj[k] = value() if rnd.random() < 0.6 else _walk_set(obj[k], rnd, None, value)
            return obj
        for k in ks:
            obj[k] = value() if keys and k in keys else _walk_set(obj[k], rnd, keys, value)
    elif isinstance(obj, list):
        return [_walk_set(x, rnd, keys, value) for x in obj]
    return obj


def _json_mut(fn: Callable[[Any, random.Random], Any]) -> Callable[[str, random.Random, Format], str]:
    def mutate(rec: str, rnd: random.Random, fmt: Format) -> str:
        return json.dumps(fn(json.loads(rec), rnd))

    return mutate


def _deep(n: int) -> Any:
    v: Any = 1
    for i in range(n):
        v = [v] if i % 2 else {"d": v}
    return v


def _text_deep(rec: str, rnd: random.Random, fmt: Format) -> str:
    n = rnd.choice([900, 1100, 3000, 20000])
    return '{"deep": ' + "[" * n + "]" * n + ", " + rec.lstrip()[1:]


def _text_surrogate(rec: str, rnd: random.Random, fmt: Format) -> str:
    esc = rnd.choice(["\\ud800", "\\udfff", "\\ud83d", "\\u0000", "\\udc80x"])
    i = rec.find('": "')
    return rec if i < 0 else rec[: i + 4] + esc + rec[i + 4 :]


def _text_dup_keys(rec: str, rnd: random.Random, fmt: Format) -> str:
    obj = json.loads(rec)
    if not isinstance(obj, dict) or not obj:
        return rec
    k = rnd.choice(list(obj))
    dup = json.dumps({k: rnd.choice(WRONG)})[1:-1]
    body = rec.rstrip()[:-1]
    return body + ", " + dup + "}" if rnd.random() < 0.5 else "{" + dup + ", " + rec.lstrip()[1:]


def _text_huge_field(rec: str, rnd: random.Random, fmt: Format) -> str:
    i = rec.find('": "')
    return rec if i < 0 else rec[: i + 4] + "x" * (MAX_SMALL * 2) + rec[i + 4 :]


def _text_truncate(rec: str, rnd: random.Random, fmt: Format) -> str:
    return rec[: rnd.randrange(len(rec))]


def _text_flip(rec: str, rnd: random.Random, fmt: Format) -> str:
    chars = list(rec)
    for _ in range(rnd.randint(1, 4)):
        chars[rnd.randrange(len(chars))] = rnd.choice(['"', "{", "}", "[", "]", ",", ":", "\\", "\udcff", "é", "0"])
    return "".join(chars)


def _set_time(value: Callable[[random.Random], Any]) -> Callable[[Any, random.Random], Any]:
    return lambda obj, rnd: _walk_set(obj, rnd, TIME_KEYS, lambda: value(rnd))


HUGE = [99999999999999999999, "99999999999999999999", -99999999999999999999, 1e308, "1e400", 2**63, "-0"]
NONFINITE = ["infinity", "-infinity", "NaN", "nan", "inf", "", " ", "0000-00-00", "2024-13-45T99:99:99Z"]

JSON_MUTATORS: dict[str, Callable[[str, random.Random, Format], str]] = {
    "deep_nesting": _text_deep,
    "deep_value": _json_mut(lambda o, r: _walk_set(o, r, None, lambda: _deep(r.choice([50, 400, 900])))),
    "huge_time": _json_mut(_set_time(lambda r: r.choice(HUGE))),
    "nonfinite_time": _json_mut(_set_time(lambda r: r.choice(NONFINITE))),
    "wrong_type_time": _json_mut(_set_time(lambda r: r.choice(WRONG))),
    "wrong_types": _json_mut(lambda o, r: _walk_set(o, r, None, lambda: r.choice(WRONG))),
    "not_an_object": lambda rec, r, f: r.choice(["[]", "null", "1", '"x"', "[{}]", "{}"]),
    "bad_unicode": _text_surrogate,
    "duplicated_keys": _text_dup_keys,
    "huge_field": _text_huge_field,
}
JSON_BREAKING = {"truncation": _text_truncate, "byte_flips": _text_flip}


def _csv_fields(rec: str, fmt: Format) -> list[str]:
    return rec.split(fmt.delim) if '"' not in rec else next(__import__("csv").reader([rec], delimiter=fmt.delim))


def _csv_join(fields: list[str], fmt: Format) -> str:
    return fmt.delim.join(f.replace('"', "").replace(fmt.delim, " ") for f in fields)


def _csv_mut(fn: Callable[[list[str], random.Random], list[str]]) -> Callable[[str, random.Random, Format], str]:
    def mutate(rec: str, rnd: random.Random, fmt: Format) -> str:
        return _csv_join(fn(_csv_fields(rec, fmt), rnd), fmt)

    return mutate


def _set_field(value: Callable[[random.Random], str], every: bool = False) -> Callable[[list[str], random.Random], list[str]]:
    def fn(fields: list[str], rnd: random.Random) -> list[str]:
        idx = range(len(fields)) if every else [rnd.randrange(len(fields))]
        for i in idx:
            fields[i] = value(rnd)
        return fields

    return fn


CSV_MUTATORS: dict[str, Callable[[str, random.Random, Format], str]] = {
    "huge_number": _csv_mut(_set_field(lambda r: str(r.choice(HUGE)))),
    "huge_numbers_everywhere": _csv_mut(_set_field(lambda r: str(r.choice(HUGE)), every=True)),
    "nonfinite": _csv_mut(_set_field(lambda r: r.choice(NONFINITE), every=True)),
    "wrong_types": _csv_mut(_set_field(lambda r: r.choice(["abc", "[1,2", "{", "[]", "-", "1.5.6", "@", "#"]))),
    "short_line": _csv_mut(lambda f, r: ["x", *f[1 : r.randrange(1, len(f))]]),  # not blank: blank lines are no records
    "long_line": _csv_mut(lambda f, r: f + ["x"] * r.randint(1, 5)),
    "bad_bytes": _csv_mut(_set_field(lambda r: r.choice(["\udcff\udcfe", "a\udc80b", "\x00", "\x1b[0m", "\u202e"]))),
    "huge_field": _csv_mut(_set_field(lambda r: "y" * (MAX_SMALL * 2))),
    "empty_fields": _csv_mut(lambda f, r: [""] * len(f)),
}
CSV_BREAKING = {"truncation": _text_truncate, "byte_flips": _text_flip,
                "stray_quote": lambda rec, r, f: rec[:3] + '"' + rec[3:]}


def mutators(fmt: Format) -> dict[str, Callable[[str, random.Random, Format], str]]:
    """Mutators that keep a file's framing (the bad record stays one record)."""
    if fmt.kind == "csv":
        return CSV_MUTATORS
    if fmt.kind == "parquet":
        return {k: v for k, v in JSON_MUTATORS.items() if k not in ("deep_nesting", "not_an_object", "bad_unicode",
                                                                     "duplicated_keys")}
    return JSON_MUTATORS


def breaking(fmt: Format) -> dict[str, Callable[[str, random.Random, Format], str]]:
    return CSV_BREAKING if fmt.kind == "csv" else JSON_BREAKING


# ---------------------------------------------------------------- running
@pytest.fixture(autouse=True)
def _small_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "MAX_RECORD_BYTES", MAX_SMALL)
    monkeypatch.setattr(generic, "MAX_LINE_BYTES", MAX_SMALL)
    monkeypatch.setattr(generic, "MAX_FIELD_CHARS", MAX_SMALL)


def run(fmt: Format, path: Path, stats: dict[str, int], mutated: int = 0) -> dict[str, Any] | None:
    """Ingest one file; check the bookkeeping; count what happened."""
    stats["cases"] += 1
    stats["mutated_records"] += mutated
    try:
        ing = ingest([path], workdir=path.parent, format=fmt.name)
    except InconcertError:
        stats["inconcert_errors"] += 1
        return None
    except BaseException:
        stats["tracebacks"] += 1
        raise AssertionError(f"{fmt.name} {path}: not an InconcertError\n{traceback.format_exc()}") from None
    inp = ing.inputs[0]
    stats["rejects"] += inp["rejected"]
    assert inp["records"] == inp["used"] + inp["rejected"] + inp.get("duplicates", 0), inp
    assert ing.rejects.num_rows == inp["rejected"]
    return inp


def _file(fmt: Format, tmp: Path, recs: list[str]) -> Path:
    return fmt.write(tmp, recs)


BULK_FILES, BULK_BAD = 4, 200  # per format: 4 files of 200 mutated + 200 good records


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_mutated_records_are_rejects_not_tracebacks(fmt: Format, tmp_path: Path, fuzz_stats: dict[str, int]) -> None:
    """Formerly 90 of 1,534 fuzzed files ended in RecursionError, OverflowError or
    UnicodeEncodeError and lost the whole file. Now every mutated record is at most one
    reject, and the good records between them are all used."""
    rnd = random.Random(f"bulk-{fmt.name}-{fmt.kind}")
    muts = mutators(fmt)
    for k in range(BULK_FILES):
        good = [fmt.records[i % len(fmt.records)] for i in range(BULK_BAD)]
        bad = []
        for i in range(BULK_BAD):
            name = list(muts)[(i + k) % len(muts)]
            bad.append(muts[name](good[i], rnd, fmt))
        base = run(fmt, _file(fmt, tmp_path / f"base{k}", good), fuzz_stats)
        mixed = [r for pair in zip(good, bad, strict=True) for r in pair]
        inp = run(fmt, _file(fmt, tmp_path / f"mix{k}", mixed), fuzz_stats, mutated=BULK_BAD)
        assert base is not None and inp is not None
        assert inp["used"] >= base["used"], (inp, base)
        if fmt.kind in ("jsonl", "csv", "parquet") and fmt.name != "twitter_v2":  # one line, one record
            assert inp["records"] == base["records"] + BULK_BAD, (inp, base)


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_broken_records_and_files_never_traceback(fmt: Format, tmp_path: Path, fuzz_stats: dict[str, int]) -> None:
    """Truncated and byte-flipped records (which may break the framing: a quote that
    runs on, a bracket that swallows the next element) and truncated, flipped and
    cut-gzip files: no traceback, and the counts still add up."""
    if fmt.kind == "parquet":
        pytest.skip("Parquet framing is Arrow's (a broken file is one InputError)")
    rnd = random.Random(f"break-{fmt.name}-{fmt.kind}")
    good = [fmt.records[i % len(fmt.records)] for i in range(40)]
    for k, (_, mut) in enumerate(sorted(breaking(fmt).items()) * 10):
        recs = list(good)
        for _ in range(5):
            i = rnd.randrange(len(recs))
            recs[i] = mut(recs[i], rnd, fmt)
        run(fmt, _file(fmt, tmp_path / f"r{k}", recs), fuzz_stats, mutated=5)
    whole = _file(fmt, tmp_path / "whole", good).read_bytes()
    for k in range(12):
        d = tmp_path / f"f{k}"
        d.mkdir()
        data = bytearray(whole)
        if k % 3 == 0:
            data = data[: rnd.randrange(len(data))]
        elif k % 3 == 1:
            for _ in range(8):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
        else:
            data = bytearray(gzip.compress(bytes(data))[: rnd.randrange(20, len(gzip.compress(bytes(data))))])
        (d / fmt.filename).write_bytes(bytes(data))
        run(fmt, d / fmt.filename, fuzz_stats)


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.data())
def test_one_bad_record_costs_only_itself(data: st.DataObject, tmp_path_factory: pytest.TempPathFactory,
                                          fuzz_stats: dict[str, int]) -> None:
    """Any framing-preserving mutation of one record among good ones: the file is read,
    every good record is used, the bad one is used or is exactly one reject."""
    fmt = data.draw(st.sampled_from(FORMATS), label="format")
    name = data.draw(st.sampled_from(sorted(mutators(fmt))), label="mutator")
    n = data.draw(st.integers(1, 12), label="good records")
    at = data.draw(st.integers(0, n), label="position")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    good = [fmt.records[i % len(fmt.records)] for i in range(n)]
    bad = mutators(fmt)[name](good[at % n], random.Random(seed), fmt)
    if at == 0 and fmt.kind == "jsonl" and bad.lstrip().startswith("["):
        at = 1  # a first line "[" makes the file one JSON array: another framing
    tmp = tmp_path_factory.mktemp("one")
    base = run(fmt, _file(fmt, tmp / "base", good), fuzz_stats)
    inp = run(fmt, _file(fmt, tmp / "mix", [*good[:at], bad, *good[at:]]), fuzz_stats, mutated=1)
    assert base is not None and inp is not None
    assert inp["used"] >= base["used"]
    assert inp["rejected"] <= base["rejected"] + 1 + _expansion(fmt, bad)


def _expansion(fmt: Format, rec: str) -> int:
    """A twarc response line holds several tweets: mutating it may reject each of them."""
    return rec.count('"id"') if fmt.name == "twitter_v2" else 0
