"""Copies across sites: truncated, wrapped and edited copies match; the same event in other words does not."""

import numpy as np

from inconcert.sites.copies import find_copies, set_origins

rng = np.random.default_rng(0)
WORDS = [f"w{i}" for i in range(3000)]


def _text(n, ents=()):
    w = list(rng.choice(WORDS, n))
    for e in ents:
        w.insert(int(rng.integers(0, n)), e)
    return " ".join(w)


def test_altered_copies_match_and_own_words_do_not():
    body = _text(300, ["minister novak", "ministry of energy"])
    words = body.split()
    truncated = " ".join(words[: int(len(words) * 0.55)])
    wrapped = _text(40) + " " + body + " " + _text(30)
    edited = " ".join(w if rng.random() > 0.06 else "x" for w in words)
    same_event = _text(300, ["minister novak", "ministry of energy"] * 5)
    texts = [body, truncated, wrapped, edited, same_event, _text(300)]
    r = find_copies(texts, [0, 10, 20, 30, 5, 40], sites=np.arange(6))
    assert r.cluster.tolist() == [0, 0, 0, 0, -1, -1]
    assert r.containment[1] > 0.95 and r.jaccard[1] < 0.6  # truncation: containment keeps it
    assert r.containment[2] > 0.95


def test_pages_of_one_site_are_not_compared():
    body = _text(200)
    r = find_copies([body, body], [0, 1], sites=np.array([7, 7]))
    assert r.cluster.tolist() == [-1, -1]


def test_a_crediting_page_is_not_the_origin_and_day_times_do_not_win():
    body = _text(200)
    # page 0 is earliest but credits site "b"; page 2's time is known only to the day
    r = find_copies([body, body, body], [100, 200, 50], sites=np.arange(3))
    r = set_origins(r, np.array([100, 200, 50]), ["a", "b", "c"], [{"b"}, set(), set()],
                    np.array([False, False, True]))
    assert r.cluster.tolist() == [1, 1, 1]


def test_chunks_give_the_same_clusters_and_files_are_removed(monkeypatch):
    from inconcert.sites import copies

    bodies = [_text(120) for _ in range(6)]
    texts, sites = [], []
    for i, b in enumerate(bodies):  # each body on three sites, one copy truncated, one wrapped
        texts += [b, " ".join(b.split()[:80]), _text(20) + " " + b]
        sites += [3 * i, 3 * i + 1, 3 * i + 2]
    times = list(range(len(texts)))
    whole = find_copies(texts, times, sites=np.array(sites))
    monkeypatch.setattr(copies, "_TEXTS_PER_CHUNK", 4)  # sketched 4 texts at a time, in two threads
    cs = copies.CopySearch()
    for lo in range(0, len(texts), 5):
        cs.add(texts[lo : lo + 5], times[lo : lo + 5], sites[lo : lo + 5])
    parts = cs.find()
    assert parts.cluster.tolist() == whole.cluster.tolist() == [3 * (i // 3) for i in range(len(texts))]
    assert np.allclose(parts.containment, whole.containment) and parts.stats == whole.stats
    folder = cs._dir
    assert folder.exists()
    cs.close()
    assert not folder.exists()


def test_partial_copy_with_rewritten_ends_matches():
    # start and end rewritten (a quarter each), the middle kept: Jaccard ~0.3, containment ~0.5
    body = _text(400)
    words = body.split()
    copy = " ".join([_text(100), *words[100:300], _text(100)])
    r = find_copies([body, copy, _text(400)], [0, 10, 20], sites=np.arange(3))
    assert r.cluster.tolist() == [0, 0, -1]
    assert r.containment[1] < 0.8 and r.jaccard[1] < 0.5


def test_shared_template_text_is_not_a_partial_copy():
    # two sites on one theme: every page carries the same 150-word about box and comment form
    template = _text(150)
    texts, sites = [], []
    for site in (0, 1):
        for _ in range(6):
            texts.append(_text(200) + " " + template)
            sites.append(site)
    r = find_copies(texts, list(range(len(texts))), sites=np.array(sites))
    assert (r.cluster == -1).all(), r.cluster
    # and a real partial copy between the two sites is still found beside the template
    body = _text(400).split()
    texts += [" ".join(body) + " " + template, " ".join([_text(100), *body[100:300], _text(100)]) + " " + template]
    sites += [0, 1]
    r = find_copies(texts, list(range(len(texts))), sites=np.array(sites))
    assert r.cluster[-2] == r.cluster[-1] >= 0 and (r.cluster[:-2] == -1).all()


def test_passage_index_in_passes_and_batches_gives_the_same_candidates(monkeypatch):
    from inconcert.sites import copies

    texts, sites = [], []
    for i in range(8):  # partial copies (the passage index finds them) and whole copies, 3 sites each
        body = _text(400).split()
        texts += [" ".join(body), " ".join([_text(100), *body[100:300], _text(100)]), " ".join(body[:250])]
        sites += [3 * i, 3 * i + 1, 3 * i + 2]
    texts += [_text(300) for _ in range(10)]
    sites += list(range(100, 110))

    def passage_keys():
        cs = copies.CopySearch()
        cs.add(texts, list(range(len(texts))), sites)
        cs._drain()
        elig = np.arange(cs.n)
        keys = cs._passage_candidates(elig, np.array(sites))
        cs.close()
        return keys

    one = passage_keys()
    whole = find_copies(texts, list(range(len(texts))), sites=np.array(sites))
    monkeypatch.setattr(copies, "_PAIR_BUFFER", 50)  # several passes over ranges of the first text
    monkeypatch.setattr(copies, "_PASSAGE_BATCH", 7)  # a few buckets at a time
    many = passage_keys()
    assert len(one) >= 16 and one.tolist() == many.tolist()
    parts = find_copies(texts, list(range(len(texts))), sites=np.array(sites))
    assert parts.cluster.tolist() == whole.cluster.tolist() and parts.stats == whole.stats


def test_a_compilation_does_not_chain_the_articles_it_shows():
    """An archive page or live blog showing three articles in full contains each of
    them: its containment pairs must not merge the three articles' clusters (one
    "page 2" once chained a whole network's articles into one)."""
    arts = [_text(250) for _ in range(3)]
    texts, sites = [], []
    for i, a in enumerate(arts):  # each article on its origin and two copying sites, one copy truncated
        texts += [a, _text(30) + " " + a, " ".join(a.split()[:150])]
        sites += [10 * i, 10 * i + 1, 10 * i + 2]
    texts.append("page two " + " ".join(arts))  # the compilation, on a site of its own
    sites.append(99)
    r = find_copies(texts, list(range(len(texts))), sites=np.array(sites))
    assert r.cluster.tolist() == [0, 0, 0, 3, 3, 3, 6, 6, 6, -1]
    assert r.stats["compilations"] == 1
    # one origin and its truncations of several lengths, contained in each other: still one cluster
    a = arts[0].split()
    r = find_copies([arts[0], " ".join(a[:100]), " ".join(a[:150]), " ".join(a[:200])], [0, 1, 2, 3],
                    sites=np.arange(4))
    assert r.cluster.tolist() == [0, 0, 0, 0] and r.stats["compilations"] == 0


def test_a_date_without_time_cannot_beat_a_time_of_the_same_day_anywhere():
    """A page dated only "14 October" (00:00 UTC) against one published 14 October
    23:30 UTC: a site at UTC−5 may have published the first at 04:59 UTC on the 15th."""
    body = _text(200)
    day = 1_700_000_000 * 10**6 // 86_400_000_000 * 86_400_000_000
    t = np.array([day, day + (23 * 3600 + 1800) * 10**6])
    r = find_copies([body, body], t.tolist(), sites=np.arange(2))
    r = set_origins(r, t, ["dated.example", "timed.example"], [set(), set()], np.array([True, False]))
    assert r.cluster.tolist() == [1, 1]
