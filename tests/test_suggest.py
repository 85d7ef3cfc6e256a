"""suggest: uncertain articles first, rare labels weighted up, near-duplicates spread out."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.model.labels import LABELS
from dangjian.suggest import (label_uncertainty, priority, rank, rarity_weights, review_order, select,
                              suggest_records, text_vectors)

HALF = [0.5] * 4


def test_uncertainty_peaks_at_the_threshold_of_each_label():
    thresholds = [0.3, 0.5, 0.7, 0.5]
    u = label_uncertainty(np.array([thresholds, [0.0, 1.0, 0.0, 1.0]]), thresholds)
    assert u[0].tolist() == [1.0] * 4
    assert u[1].tolist() == [0.0] * 4


def test_a_rare_label_weighs_more_than_a_common_one():
    scores = np.array([[0.9, 0.1, 0.1, 0.1]] * 20 + [[0.1, 0.9, 0.1, 0.1]])
    weights = rarity_weights(scores, HALF)
    assert weights[1] > weights[0]
    # equally uncertain on a common or on a rare label: the rare one goes first
    pool = np.vstack([scores, [[0.5, 0.1, 0.1, 0.1], [0.1, 0.5, 0.1, 0.1]]])
    prio = priority(pool, HALF)
    assert prio[-1] > prio[-2]


def test_near_duplicates_are_passed_over_and_similar_articles_spread_out():
    texts = ["园区党建联盟成立，成员单位轮流担任轮值主席。"] * 4 + ["社区设立党员示范岗，亮身份、践承诺。",
                                                             "企业孵化站孵化党组织三家。"]
    scores = np.array([[0.5, 0.1, 0.1, 0.1]] * 4 + [[0.1, 0.1, 0.45, 0.1], [0.1, 0.4, 0.1, 0.1]])
    chosen = rank(scores, HALF, texts, n=3)
    assert sum(i < 4 for i in chosen.order) == 1  # one of the four copies
    assert len(chosen.order) == 3 and len(chosen.near_duplicates) == 3
    order = review_order(scores, HALF, texts)
    assert sorted(order) == list(range(6)) and set(order[-3:]) == set(chosen.near_duplicates)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=40),
                          st.lists(st.floats(0, 1), min_size=4, max_size=4)), min_size=1, max_size=25),
       st.integers(0, 30))
def test_selection_is_unique_bounded_and_deterministic(items, n):
    texts = [t for t, _ in items]
    scores = np.array([s for _, s in items])
    first = rank(scores, HALF, texts, n)
    assert len(set(first.order)) == len(first.order) <= min(n, len(texts))
    assert rank(scores, HALF, texts, n).order == first.order
    assert set(first.order).isdisjoint(first.near_duplicates)
    assert all(0.0 <= p <= 1.0 for p in first.priority)
    assert sorted(review_order(scores, HALF, texts)) == list(range(len(texts)))


def test_select_prefers_priority_when_articles_are_unrelated():
    vectors = text_vectors(["甲乙丙", "丁戊己", "庚辛壬"])
    assert select(np.array([0.2, 0.9, 0.5]), vectors, 3).order == [1, 2, 0]


def test_suggest_records_builds_prefilled_rows_and_leaves_out_excluded_and_broken(small_model_dir, small_corpus):
    from dangjian import Tagger
    from dangjian.inputs import Record

    tagger = Tagger.load(small_model_dir)
    records = [Record(r["id"], r["text"]) for r in small_corpus[:30]] + [Record("bad", error="empty text")]
    found = suggest_records(records, tagger, 5, exclude={small_corpus[0]["id"]})
    assert found.pool == 29 and found.excluded == 1 and [r.id for r in found.errors] == ["bad"]
    assert [row["rank"] for row in found.rows] == [1, 2, 3, 4, 5]
    texts = {r["id"]: r["text"] for r in small_corpus}
    for row in found.rows:
        tagging = tagger.tag(texts[row["id"]])
        assert [lab for lab in LABELS if row[lab] == 1] == tagging.labels
        assert row["predicted"] == ";".join(tagging.labels)
        for lab in LABELS:
            if row[f"evidence_{lab}"]:
                assert lab in tagging.labels and row[f"evidence_{lab}"] in texts[row["id"]]
