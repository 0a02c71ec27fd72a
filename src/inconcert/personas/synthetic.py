"""A planted-answer fixture: writers with distinctive habits, one writer behind
two accounts, a byline written by two writers, and accounts too short to score.

Each writer draws words from one shared topic vocabulary (so topic does not
tell them apart) but has habits of their own: favourite function words and
fillers, punctuation, casing, emoji, where hashtags and links go.

>>> t = persona_actions(seed=3)
>>> sorted(set(t["account_id"].to_pylist()))[:3]
['byline_two_hands', 'hand1_a', 'hand1_b']
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["persona_actions", "WRITERS"]

_TOPIC = ("election vote county city police tax school budget senator mayor rally debate poll media "
          "border jobs market health care water road court judge office report news week today people").split()
_FUNCTION = ("the a of to and in that is for it on with as this was but be at by have from or "
             "not are so if they we all one just about what more when up out").split()
#: (fillers, end punctuation, casing, emoji, hashtag at start?, link habit, spacing)
WRITERS: dict[str, dict[str, object]] = {
    "hand1": {"fill": ["honestly", "basically"], "end": "!!", "case": "lower", "emoji": "😂", "tag_first": True, "space": "  "},
    "w2": {"fill": ["indeed", "moreover"], "end": ".", "case": "title", "emoji": "", "tag_first": False, "space": " "},
    "w3": {"fill": ["lol", "tbh"], "end": "...", "case": "lower", "emoji": "🔥", "tag_first": False, "space": " "},
    "w4": {"fill": ["well", "frankly"], "end": "?", "case": "upper_words", "emoji": "", "tag_first": True, "space": " "},
    "w5": {"fill": ["like", "totally"], "end": " :)", "case": "title", "emoji": "💯", "tag_first": False, "space": " "},
    "w6": {"fill": ["ok so", "anyway"], "end": " -", "case": "lower", "emoji": "", "tag_first": False, "space": " , "},
    "w7": {"fill": ["alas", "truly"], "end": ";", "case": "title", "emoji": "🙏", "tag_first": True, "space": " "},
    "w8": {"fill": ["yo", "fr"], "end": "…", "case": "lower", "emoji": "👀", "tag_first": False, "space": " "},
}


def _text(rng: np.random.Generator, w: dict[str, object]) -> str:
    n = int(rng.integers(8, 18))
    words = [str(rng.choice(_TOPIC)) if rng.random() < 0.45 else str(rng.choice(_FUNCTION)) for _ in range(n)]
    fill = w["fill"]
    assert isinstance(fill, list)
    words.insert(int(rng.integers(0, len(words))), str(rng.choice(fill)))
    if w["case"] == "title":
        words[0] = words[0].capitalize()
    elif w["case"] == "upper_words":
        words = [x.upper() if rng.random() < 0.15 else x for x in words]
        words[0] = words[0].capitalize()
    sep = str(w["space"]) if rng.random() < 0.5 else " "
    text = sep.join(words) + str(w["end"])
    if w["emoji"] and rng.random() < 0.5:
        text += " " + str(w["emoji"])
    tag = "#" + str(rng.choice(_TOPIC)).capitalize()
    text = f"{tag} {text}" if w["tag_first"] else f"{text} {tag}"
    if rng.random() < 0.3:
        text += f" https://t.co/{rng.integers(10**6, 10**7)}"
    return text


def persona_actions(seed: int = 42, texts_per_account: int = 60) -> pa.Table:
    """Actions of the fixture (``account_id, post_id, ts, text, repost_of``).

    Accounts: ``hand1_a`` and ``hand1_b`` (one writer), ``w2``…``w8`` (one each),
    ``byline_two_hands`` (``w2`` then ``w3``, halves in time), ``short_w4``
    (5 texts: below the floor)."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, int, str]] = []
    t0 = 1_475_280_000  # 2016-10-01
    plan = [("hand1_a", ["hand1"]), ("hand1_b", ["hand1"])] + [(k, [k]) for k in WRITERS if k != "hand1"]
    plan += [("byline_two_hands", ["w2", "w3"]), ("short_w4", ["w4"])]
    for acc, hands in plan:
        n = 5 if acc.startswith("short") else texts_per_account
        for k in range(n):
            writer = hands[min(len(hands) - 1, k * len(hands) // n)]
            rows.append((acc, t0 + k * 3600 + int(rng.integers(0, 3000)), _text(rng, WRITERS[writer])))
    return pa.table({
        "account_id": [r[0] for r in rows],
        "post_id": [f"{r[0]}:{k}" for k, r in enumerate(rows)],
        "ts": pa.array([r[1] * 1_000_000 for r in rows], pa.timestamp("us", tz="UTC")),
        "text": [r[2] for r in rows],
        "repost_of": pa.array([None] * len(rows), pa.string()),
    })
