"""A copypasta simulator: planted copy-paste operations and organic viral memes.

Organic accounts write their own texts (10–40 words from a Zipf vocabulary)
at random times. Two kinds of shared texts are planted:

- **operations** (the positives): small groups of accounts that, on a trigger,
  each post a *perturbed copy* of the same script within seconds of each
  other, campaign after campaign;
- **organic memes** (the hard negatives): viral texts that many unrelated
  accounts re-post, also perturbed, spread over days. They are near-duplicates
  too; only the time window separates them from operations.

Perturbations: word swaps, deleted/inserted words, appended emoji and
hashtags, reordering (the two halves swapped), case and punctuation noise.

Output uses the generic columns (``post_id, account_id, created_at, text``);
labels follow :mod:`inconcert.simulate.base` (``account_id, label, group``; label
``operation`` or ``organic``). ``script`` says which planted text each post
copies (empty for original texts), for pair-level evaluation.

>>> posts, labels = simulate_copypasta(n_accounts=60, n_operations=2, n_memes=2, seed=1)
>>> sorted(set(labels.column("label").to_pylist()))
['operation', 'organic']
>>> posts.column_names
['post_id', 'account_id', 'created_at', 'text', 'script']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

__all__ = ["simulate_copypasta", "perturb", "write_copypasta", "random_texts"]

START = 1_704_067_200  # 2024-01-01T00:00:00Z
_EMOJI = ["🔥", "👍", "😡", "🇺🇸", "💯", "🙏", "😂", "❤️", "👉", "⚠️", "🤔", "✅"]
_TAGS = ["#news", "#truth", "#wakeup", "#vote", "#breaking", "#share", "#maga", "#resist", "#usa"]
_SYLL = "ka lo mi ne ru ta si po de ba fu ri zo ve la mo ni pe gu sa to ke di ha".split()


def _vocabulary(rng: np.random.Generator, size: int) -> np.ndarray:
    """``size`` distinct pseudo-words of 1–4 syllables (at most 346,200)."""
    size = min(size, 346_200)
    words: set[str] = set()
    while len(words) < size:
        k = int(rng.integers(1, 5))
        words.add("".join(rng.choice(_SYLL, k)))
    return np.array(sorted(words))


def random_texts(
    rng: np.random.Generator, vocab: np.ndarray, n: int, lo: int = 10, hi: int = 40
) -> list[str]:
    """``n`` texts of ``lo``–``hi`` words drawn from ``vocab`` with Zipf frequencies."""
    p = 1.0 / np.arange(1, len(vocab) + 1)
    p /= p.sum()
    lens = rng.integers(lo, hi + 1, size=n)
    toks = vocab[rng.choice(len(vocab), size=int(lens.sum()), p=p)]
    out, pos = [], 0
    for k in lens.tolist():
        out.append(" ".join(toks[pos : pos + k]))
        pos += k
    return out


def perturb(
    rng: np.random.Generator, text: str, vocab: np.ndarray, n_ops: int | None = None
) -> str:
    """A copy of ``text`` with 1–3 random edits (see module docstring).

    >>> import numpy as np
    >>> perturb(np.random.default_rng(0), "a b c d e f g h", np.array(["x"]), 1) != "a b c d e f g h"
    True
    """
    w = text.split()
    ops = int(rng.integers(1, 4)) if n_ops is None else n_ops
    for op in rng.choice(6, size=ops, replace=True).tolist():
        if op == 0 and len(w) > 2:  # swap one or two words for others
            for _ in range(int(rng.integers(1, 3))):
                w[int(rng.integers(len(w)))] = str(rng.choice(vocab))
        elif op == 1:  # append emoji / hashtags
            w += [str(rng.choice(_EMOJI + _TAGS)) for _ in range(int(rng.integers(1, 4)))]
        elif op == 2 and len(w) > 4:  # reorder: swap the two halves
            cut = int(rng.integers(2, len(w) - 1))
            w = w[cut:] + w[:cut]
        elif op == 3 and len(w) > 5:  # delete a word
            del w[int(rng.integers(len(w)))]
        elif op == 4:  # insert a word
            w.insert(int(rng.integers(len(w) + 1)), str(rng.choice(vocab)))
        else:  # case and punctuation noise (normalisation removes it)
            i = int(rng.integers(len(w)))
            w[i] = w[i].upper() + str(rng.choice(["!", "!!", "...", ",", "?"]))
    return " ".join(w)


def simulate_copypasta(
    n_accounts: int = 400,
    posts_per_account: int = 20,
    n_operations: int = 8,
    operation_size: tuple[int, int] = (4, 10),
    campaigns: tuple[int, int] = (4, 8),
    n_memes: int = 15,
    meme_spread: tuple[int, int] = (20, 80),
    days: int = 7,
    burst_seconds: int = 40,
    participation: float = 0.85,
    vocab_size: int = 6000,
    seed: int = 42,
) -> tuple[pa.Table, pa.Table]:
    """Posts (with ``script`` truth) and account labels; see module docstring.

    ``n_accounts`` organic accounts plus operations of ``operation_size``
    members; each operation runs ``campaigns`` scripts, every member posting a
    perturbed copy within ``burst_seconds`` of the trigger (with probability
    ``participation``). ``n_memes`` viral texts are each re-posted by
    ``meme_spread`` random organic accounts at random times over ``days``.
    """
    rng = np.random.default_rng(seed)
    vocab = _vocabulary(rng, vocab_size)
    span = days * 86_400
    rows: list[tuple[str, int, str, str]] = []  # account, t, text, script
    accounts = [f"org{i:05d}" for i in range(n_accounts)]
    labels = [(a, "organic", "") for a in accounts]
    own = random_texts(rng, vocab, n_accounts * posts_per_account)
    for i, a in enumerate(accounts):
        ts = rng.integers(0, span, size=posts_per_account)
        for j in range(posts_per_account):
            rows.append((a, int(ts[j]), own[i * posts_per_account + j], ""))
    for m, text in enumerate(random_texts(rng, vocab, n_memes, 15, 40)):
        k = int(rng.integers(meme_spread[0], meme_spread[1] + 1))
        who = rng.choice(n_accounts, size=min(k, n_accounts), replace=False)
        t0 = int(rng.integers(0, span // 2))
        for a in who.tolist():
            t = t0 + int(rng.exponential(span / 6))
            txt = text if rng.random() < 0.3 else perturb(rng, text, vocab)
            rows.append((accounts[a], min(t, span), txt, f"meme{m}"))
    for g in range(n_operations):
        size = int(rng.integers(operation_size[0], operation_size[1] + 1))
        members = [f"op{g:02d}_{i:02d}" for i in range(size)]
        labels += [(a, "operation", f"op{g:02d}") for a in members]
        for a in members:  # cover traffic
            ts = rng.integers(0, span, size=posts_per_account // 2)
            for t, txt in zip(ts.tolist(), random_texts(rng, vocab, len(ts)), strict=True):
                rows.append((a, t, txt, ""))
        n_c = int(rng.integers(campaigns[0], campaigns[1] + 1))
        for c, script in enumerate(random_texts(rng, vocab, n_c, 12, 40)):
            t0 = int(rng.integers(0, span - burst_seconds))
            for a in members:
                if rng.random() > participation:
                    continue
                txt = perturb(rng, script, vocab)
                rows.append(
                    (a, t0 + int(rng.integers(0, burst_seconds + 1)), txt, f"op{g:02d}c{c}")
                )
    order = sorted(range(len(rows)), key=lambda i: (rows[i][1], rows[i][0], i))
    acc = [rows[i][0] for i in order]
    ts = np.array([START + rows[i][1] for i in order], dtype="int64") * 1_000_000
    posts = pa.table(
        {
            "post_id": [f"p{i:07d}" for i in range(len(order))],
            "account_id": acc,
            "created_at": pa.array(ts, pa.timestamp("us", tz="UTC")),
            "text": [rows[i][2] for i in order],
            "script": [rows[i][3] for i in order],
        }
    )
    lab = pa.table(
        {
            "account_id": [x[0] for x in labels],
            "label": [x[1] for x in labels],
            "group": [x[2] for x in labels],
        }
    )
    return posts, lab


def write_copypasta(outdir: str | Path, **kw: object) -> dict[str, Path]:
    """Write ``posts.csv`` (generic columns), ``labels.csv`` and ``truth.csv`` (post_id, script)."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    posts, labels = simulate_copypasta(**kw)  # type: ignore[arg-type]
    paths = {"posts": out / "posts.csv", "labels": out / "labels.csv", "truth": out / "truth.csv"}
    pacsv.write_csv(posts.drop_columns(["script"]), paths["posts"])
    pacsv.write_csv(labels, paths["labels"])
    pacsv.write_csv(posts.select(["post_id", "script"]), paths["truth"])
    return paths
