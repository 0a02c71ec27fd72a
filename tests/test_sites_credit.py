"""Credit by name: the cheap substring probe never changes the answer of the full normalised match."""

from hypothesis import given, settings
from hypothesis import strategies as st

from inconcert.sites import credit as C

_word = st.text(alphabet="abcde", min_size=1, max_size=5)


def _brute(text: str, byline: str | None, cands: dict[str, set[str]]) -> set[str]:
    flat = f" {C._norm(text)} | {C._norm(byline or '')} "
    low = f"{text} | {byline or ''}".lower()
    return {s for s, names in cands.items()
            if s.lower() in low or any(sp in flat for n in names for sp in C._spellings(n)[1])}


@settings(max_examples=400, deadline=None)
@given(name=st.text(alphabet="abcde", min_size=4, max_size=8), space=st.integers(0, 3),
       words=st.lists(_word, min_size=1, max_size=10), sep=st.sampled_from([" ", "-", ", ", " ("]),
       byline=st.one_of(st.none(), _word))
def test_probe_is_exact(name, space, words, sep, byline):
    if space:
        name = name[:space + 1] + " " + name[space + 1:]
    site = name.replace(" ", "") + ".com"
    cands = {site: C.site_names(site, name)}
    text = sep.join(words)
    assert C.credited_sites(text, byline, "", cands) == _brute(text, byline, cands)


def test_names_credit_wire_copy_and_common_words_do_not():
    wire = {"reuters.com": C.site_names("reuters.com", "Reuters"), "dailynews.com": C.site_names("dailynews.com", "Daily News")}
    assert C.credited_sites("LONDON (Reuters) - Prices rose.", None, "", wire) == {"reuters.com"}
    assert C.credited_sites("The daily news was grim.", None, "", wire) == set()
    assert C.credited_sites("Iranian officials said.", None, "", {"iran.ru": C.site_names("iran.ru")}) == set()
