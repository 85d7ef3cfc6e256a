"""A tiny run of the active-learning simulation's core loop (bench/active_learning.py).

The real run uses realdev and takes minutes; here a slice of the shipped corpus plays
the user's corpus, so the loop, the table and the plot are checked end to end.
"""
import importlib.util

import pytest

from conftest import ROOT

spec = importlib.util.spec_from_file_location("active_learning", ROOT / "bench" / "active_learning.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_simulation_scores_every_strategy_and_budget_and_plots(tmp_path, small_corpus):
    from dangjian.model.train import TrainConfig

    shipped, users = small_corpus[:80], small_corpus[80:104]
    rows = bench.simulate(users, shipped, budgets=(4, 8), seeds=(0, 1), folds=2, config=TrainConfig(folds=2, cv_repeats=1), jobs=1)
    keys = {(r["strategy"], r["budget"], r["seed"]) for r in rows}
    assert keys == {(s, b, seed) for s, b in [("none", 0), ("suggest", 4), ("suggest", 8), ("random", 4),
                                                ("random", 8)] for seed in (0, 1)}
    assert all(0.0 <= r["macro_f1"] <= 1.0 and 0.0 <= r["micro_f1"] <= 1.0 for r in rows)
    baseline = {r["macro_f1"] for r in rows if r["strategy"] == "none"}
    assert len(baseline) == 1  # the shipped-data model does not depend on the fold split
    summary = bench.summarize(rows)
    assert [(s["budget"], s["strategy"]) for s in summary] == [(0, "none"), (4, "suggest"), (4, "random"),
                                                               (8, "suggest"), (8, "random")]
    assert all(s["n_seeds"] == 2 and s["macro_min"] <= s["macro_mean"] <= s["macro_max"] for s in summary)
    table = bench.format_table(summary)
    assert "shipped data only" in table and table.count("\n") == 5
    bench.plot(summary, tmp_path / "plot.png", "test")
    assert (tmp_path / "plot.png").read_bytes().startswith(b"\x89PNG")


def test_budget_larger_than_the_pool_is_refused(small_corpus):
    with pytest.raises(ValueError, match="exceeds the pool"):
        bench.simulate(small_corpus[80:90], small_corpus[:80], budgets=(25,), seeds=(0,), folds=2, jobs=1)


def test_reserved_urls_are_hashed_as_the_realdev_readme_says():
    import hashlib

    assert bench._url_key("HTTPS://Example.org/a/") == hashlib.sha256(b"example.org/a").hexdigest()
