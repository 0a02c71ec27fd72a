"""Format detection across the platform readers: each fixture to its reader, ties reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inconcert.errors import AmbiguousFormatError, UnknownFormatError
from inconcert.readers import READERS, detect_format
from inconcert.readers.base import read_head

FIX = Path(__file__).parent / "fixtures" / "readers"

EXPECTED = {
    "twitter_v2_responses.jsonl": "twitter_v2",
    "twitter_v2_flat.jsonl": "twitter_v2",
    "twitter_v1.jsonl": "twitter_v1",
    "archive/data/tweet.js": "twitter_v1",
    "io_archive.csv": "io_archive",
    "fivethirtyeight.csv": "fivethirtyeight",
    "crowdtangle.csv": "crowdtangle",
    "crowdtangle_tzcol.csv": "crowdtangle",
    "telegram/ChatExport_a/result.json": "telegram",
    "telegram": "telegram",
    "bluesky_jetstream.jsonl": "bluesky",
    "mastodon.json": "mastodon",
    "mastodon.jsonl": "mastodon",
    "coortweet_multi.csv": "coortweet_multi",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_detected(name):
    assert detect_format(FIX / name).name == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if "." in n))
def test_only_one_reader_is_certain(name):
    path = FIX / name
    head = read_head(path)
    scores = sorted((r.sniff(path, head), r.name) for r in READERS.values())
    assert scores[-1][1] == EXPECTED[name]
    assert scores[-1][0] > 0.5 > scores[-2][0] or scores[-2][0] < scores[-1][0]


def test_ambiguous_file_names_candidates_and_flag(tmp_path):
    both = {
        "did": "did:plc:x",
        "commit": {},
        "account": {"acct": "a"},
        "created_at": "2024-01-01T00:00:00Z",
        "content": "x",
    }
    p = tmp_path / "odd.jsonl"
    p.write_text(json.dumps(both) + "\n")
    with pytest.raises(AmbiguousFormatError) as e:
        detect_format(p)
    assert {"bluesky", "mastodon"} <= set(e.value.candidates)
    assert "--format" in str(e.value)


def test_unknown_json_is_reported(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('[{"foo": 1}]')
    with pytest.raises(UnknownFormatError):
        detect_format(p)
