"""Links are scored in fixed-size batches: the scores do not depend on the batch size."""

import pyarrow.compute as pc

from inconcert.pipeline.run import detect
from inconcert.scoring import nullmodel
from inconcert.simulate import simulate


def test_scores_do_not_depend_on_the_batch(monkeypatch) -> None:
    posts, _ = simulate(n_posts=4000, seed=2)
    whole = detect(posts).links
    monkeypatch.setattr(nullmodel, "_LINK_BATCH", 7)
    batched = detect(posts).links
    assert int(pc.sum(pc.cast(whole.column("significant"), "int64")).as_py()) > 0
    assert whole.equals(batched)
