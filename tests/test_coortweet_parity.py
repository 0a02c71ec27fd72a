"""CooRTweet 2.1.3 parity: share pairs equal detect_groups() output exactly."""

from __future__ import annotations

from pathlib import Path

import pyarrow.csv as pacsv
import pytest

from inconcert.config import DetectConfig
from inconcert.outputs.options import OutputOptions
from inconcert.pipeline import detect

CASES = [
    ("oracle/simulated_input_seed123.csv", 10, "oracle/simulated_detect_groups_output_seed123.csv", 9954),
    ("russian_coord_tweets.csv", 10, "oracle/russian_tw10_pairs.csv", 447),
    ("russian_coord_tweets.csv", 60, "oracle/russian_tw60_pairs.csv", 3791),
]


def _rows(table, cols):
    d = table.to_pydict()
    return {tuple(str(d[c][i]) for c in cols) for i in range(table.num_rows)}


@pytest.mark.parametrize("inp,window,oracle,n", CASES)
def test_pairs_equal_coortweet(shared_data: Path, tmp_path: Path, inp: str, window: int, oracle: str, n: int):
    base = shared_data / "coortweet"
    r = detect([base / inp], tmp_path, DetectConfig(window=window, coortweet_compatible=True))
    ev = r.table("evidence")
    import pyarrow.compute as pc

    got = ev.select(["object", "post_a", "post_b", "dt", "account_a", "account_b"])
    got = got.set_column(3, "dt", pc.cast(got.column("dt"), "int64"))
    mine = _rows(got, ["object", "post_a", "post_b", "dt", "account_a", "account_b"])
    want_t = pacsv.read_csv(base / oracle, convert_options=pacsv.ConvertOptions(strings_can_be_null=False))
    want = _rows(want_t, ["object_id", "content_id", "content_id_y", "time_delta", "account_id", "account_id_y"])
    assert len(want) == n
    assert mine == want
    assert ev.num_rows == n


def test_default_mode_close_to_coortweet(shared_data: Path, tmp_path: Path):
    """Outside compatibility mode only tie orientation and CooRTweet's content-id quirks differ."""
    base = shared_data / "coortweet"
    r = detect([base / "russian_coord_tweets.csv"], tmp_path, DetectConfig(window=60),
               outputs=OutputOptions(all_evidence=True))  # every share pair, as CooRTweet's
    assert abs(r.table("evidence").num_rows - 3791) <= 10
