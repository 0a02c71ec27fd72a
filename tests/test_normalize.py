"""URL canonicalisation and text normalisation."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from inconcert.normalize.text import normalize_text, normalize_text_array
from inconcert.normalize.url import canonical_url


@pytest.mark.parametrize(
    "raw,want",
    [
        ("https://WWW.Example.COM/path/", "https://example.com/path"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/a?utm_source=x&utm_medium=y&b=1#frag", "https://example.com/a?b=1"),
        ("https://example.com/a?fbclid=abc&gclid=def", "https://example.com/a"),
        ("https://example.com/a?z=1&a=2", "https://example.com/a?a=2&z=1"),
        ("example.com/x", "http://example.com/x"),
        ("fb_123", "fb_123"),
    ],
)
def test_canonical_url(raw: str, want: str):
    assert canonical_url(raw) == want


@given(st.text(max_size=60))
def test_canonical_url_never_raises_and_is_idempotent(s: str):
    c = canonical_url(s)
    assert c is None or canonical_url(c) == c or "://" not in c


@pytest.mark.parametrize(
    "a,b",
    [
        ("Vote NOW!!! https://t.co/abc", "vote now"),
        ("ي ك", "ی ک"),  # Arabic vs Persian yeh and kaf
        ("سلامـــــ", "سلام"),  # tatweel
        ("كَتَبَ", "کتب"),  # diacritics
        ("می\u200cخواهم", "میخواهم"),  # zero-width non-joiner
        ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),  # NFKC
        ("@someone hello   world", "hello world"),
    ],
)
def test_normalize_text_equivalences(a: str, b: str):
    assert normalize_text(a) == normalize_text(b)


def test_emoji_kept():
    assert normalize_text("great news 🔥") != normalize_text("great news")


url_parts = st.tuples(
    st.sampled_from(["http://", "https://", "HTTPS://", "", "ftp://"]),
    st.sampled_from(["www.", "WWW.", ""]),
    st.from_regex(r"[A-Za-z0-9-]{1,8}(\.[A-Za-z]{2,3}){1,2}\.?", fullmatch=True),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.from_regex(r"(/[A-Za-z0-9%._-]{0,6}){0,3}/?", fullmatch=True),
    st.one_of(
        st.sampled_from(["", "?utm_source=x", "?b=2&a=1", "?fbclid=1&x=%20y", "?", "?a", "?a=1&a=0&a-b=2&a_b=3"]),
        st.lists(
            st.tuples(st.sampled_from(["a", "a-b", "a_b", "B", "UTM_Medium", "fbclid", "id", "x.y"]),
                      st.sampled_from(["", "1", "0", "z~", "a+b", "%41"])),
            min_size=1, max_size=4,
        ).map(lambda kv: "?" + "&".join(f"{k}={v}" for k, v in kv)),
    ),
    st.sampled_from(["", "#frag"]),
)


@given(st.lists(url_parts, max_size=20), st.lists(st.text(max_size=20), max_size=5))
def test_vectorised_canonical_url_equals_scalar(parts, junk):
    import pyarrow as pa

    from inconcert.normalize.url import canonical_url_array

    urls = ["".join(p) for p in parts] + junk + [None]
    assert canonical_url_array(pa.array(urls, pa.string())).to_pylist() == [canonical_url(u) for u in urls]


def _every_rule_on_every_string(arr: pa.Array) -> pa.Array:
    """The text normalisation with no shortcut: every rule on every string, in order."""
    from inconcert.normalize import text as t

    x = pc.utf8_lower(pc.utf8_normalize(arr, form="NFKC"))
    x = pc.replace_substring_regex(x, pattern=t._LINKS, replacement=" ")
    for pattern, repl in t._ARABIC:
        x = pc.replace_substring_regex(x, pattern=pattern, replacement=repl)
    for d, a in t._DIGITS.items():
        x = pc.replace_substring(x, d, a)
    x = pc.replace_substring(x, "\u0451", "\u0435")
    for pattern, repl in [t._INVISIBLE, *t._RULES]:
        x = pc.replace_substring_regex(x, pattern=pattern, replacement=repl)
    return pc.utf8_trim_whitespace(x)


_texty = st.lists(
    st.sampled_from(list("aZ é#@:/.w \t\n!,ёЁيكة١۲\u0640\u200c\ufe0f🔥👍🏽ｈ美，") + ["http://", "www.", "@bob", "://x"]),
    max_size=30,
).map("".join)


@given(st.lists(st.one_of(st.none(), _texty), max_size=12))
def test_normalize_text_array_equals_every_rule_on_every_string(texts: list[str | None]):
    arr = pa.array(texts, pa.string())
    assert normalize_text_array(arr).to_pylist() == _every_rule_on_every_string(arr).to_pylist()
