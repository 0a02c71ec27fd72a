"""DetectConfig: typed settings, validated in one place, never mutated; dict/TOML round trips."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest

from inconcert.config import DetectConfig, NearTextParams, SemanticTextParams, SiteParams
from inconcert.errors import ConfigError
from inconcert.pipeline import detect

DOCS = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_misspelt_top_level_setting_names_the_right_one():
    with pytest.raises(ConfigError, match=r"unknown setting 'keep_insignficant' \(did you mean 'keep_insignificant'\?\)"):
        DetectConfig.from_dict({"keep_insignficant": True})
    with pytest.raises(TypeError):  # as a keyword argument, Python itself refuses it
        DetectConfig(extra={"pooled": False})  # type: ignore[call-arg]


def test_misspelt_nested_setting_names_the_right_one():
    with pytest.raises(ConfigError, match=r"'near_text\.treshold' \(did you mean 'near_text\.threshold'\?\)"):
        DetectConfig.from_dict({"near_text": {"treshold": 0.9}})
    with pytest.raises(ConfigError, match=r"'semantic_text\.neighbors' \(did you mean 'semantic_text\.neighbours'\?\)"):
        DetectConfig.from_dict({"semantic_text": {"neighbors": 5}})


def test_all_problems_reported_at_once():
    with pytest.raises(ConfigError) as e:
        DetectConfig.from_dict({"min_wieght": 2, "fdr": 3, "near_text": {"seed": 1}, "semantic_text": {"threshold": 5}})
    msg = str(e.value)
    for part in ("min_weight", "fdr must be", "near_text.seed comes from 'seed'", "semantic_text.threshold"):
        assert part in msg
    with pytest.raises(ConfigError, match="window must be"):
        DetectConfig(window="soon")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="pooled_rounds"):
        DetectConfig(pooled_rounds=0)


def test_window_kept_as_given_and_config_frozen():
    c = DetectConfig(window="auto")
    assert c.window == "auto"
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.window = 60.0  # type: ignore[misc]
    with pytest.raises(ConfigError, match="auto"):
        c.window_seconds()


def test_dict_and_toml_round_trip(tmp_path: Path):
    c = DetectConfig(
        window="auto", behaviours=["url", "near_text"], weight_percentile=90.0, pooled=False,
        near_text=NearTextParams(threshold=0.8, bands=10), semantic_text=SemanticTextParams(neighbours=4),
    )
    assert DetectConfig.from_dict(c.to_dict()) == c
    (tmp_path / "s.toml").write_text(c.to_toml())
    assert DetectConfig.from_toml(tmp_path / "s.toml") == c
    assert DetectConfig.from_file(tmp_path / "s.toml") == c


def test_bad_toml_is_one_line_error(tmp_path: Path):
    (tmp_path / "s.toml").write_text("window = \n")
    with pytest.raises(ConfigError, match="not a valid TOML"):
        DetectConfig.from_toml(tmp_path / "s.toml")


def test_config_unchanged_after_a_run(sim_dir: Path, tmp_path: Path):
    cfg = DetectConfig(window="auto", behaviours=["url", "repost"])
    before = copy.deepcopy(cfg)
    r = detect([sim_dir / "posts.csv"], tmp_path / "out", cfg)
    assert cfg == before and cfg.window == "auto"
    assert r.window_used > 0 and r.summary["window_used"] == r.window_used
    assert r.summary["parameters"] == before.to_dict()
    assert r.behaviours == ["url", "repost"] and r.counts.groups == r.summary["counts"]["groups"]


def test_every_setting_documented():
    text = DOCS.read_text(encoding="utf-8")
    names = [f.name for f in dataclasses.fields(DetectConfig)]
    names += [f"near_text.{f}" for f in DetectConfig().to_dict()["near_text"]]
    names += [f"semantic_text.{f.name}" for f in dataclasses.fields(SemanticTextParams)]
    names += [f"sites.{f.name}" for f in dataclasses.fields(SiteParams)]
    missing = [n for n in names if f"| `{n}` |" not in text]
    assert not missing, f"docs/settings.md does not document: {missing}"


def test_every_setting_flag_names_a_field():
    from inconcert.cli import SETTING_FLAGS

    d = DetectConfig().to_dict()
    for flag, path in SETTING_FLAGS.items():
        node = d
        for part in path:
            assert part in node, (flag, path)
            node = node[part]
