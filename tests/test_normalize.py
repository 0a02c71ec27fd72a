"""URL canonicalisation and text normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inconcert.normalize.text import normalize_text
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
