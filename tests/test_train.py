import numpy as np
import pytest

from dangjian.model.data import label_matrix
from dangjian.model.labels import LABELS
from dangjian.model.train import TrainConfig, choose_thresholds, train


def test_choose_thresholds_finds_the_separating_cut():
    y = np.array([[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]] * 5)
    proba = np.where(y == 1, 0.8, 0.3) + np.linspace(0, 0.05, 4)
    thresholds = choose_thresholds(y, proba)
    for j, label in enumerate(LABELS):
        assert proba[y[:, j] == 0, j].max() < thresholds[label] <= proba[y[:, j] == 1, j].min()


def test_training_is_deterministic(small_corpus):
    texts, y = [r["text"] for r in small_corpus], label_matrix(small_corpus)
    first, second = (train(texts, y, TrainConfig(folds=3)) for _ in range(2))
    assert first.thresholds == second.thresholds
    probe = texts[:10] + ["成立党建联盟，推行轮值主席"]
    np.testing.assert_array_equal(first.pipeline.predict_proba(probe), second.pipeline.predict_proba(probe))


def test_thresholds_come_from_cross_validation_not_a_fixed_half(small_corpus):
    trained = train([r["text"] for r in small_corpus], label_matrix(small_corpus), TrainConfig(folds=3))
    assert trained.cv_metrics["folds"] == 3
    assert set(trained.thresholds) == set(LABELS)
    assert any(t != 0.5 for t in trained.thresholds.values())


def test_a_label_without_positives_is_refused():
    y = np.zeros((4, 4), dtype=np.int8)
    y[:2, :3] = 1
    with pytest.raises(ValueError, match="轮值主席"):
        train(["甲", "乙", "丙", "丁"], y)


def test_thresholds_pool_the_out_of_fold_scores_of_every_repeat(small_corpus):
    """With cv_repeats=2 the thresholds are those that maximize F1 over both fold assignments' scores
    together (seeds 0 and 1), not those of either assignment alone."""
    from sklearn.base import clone
    from sklearn.model_selection import KFold, cross_val_predict

    from dangjian.features.tokenize import Tokenizer
    from dangjian.features.vectorize import TextPreparer
    from dangjian.model.train import _learned_steps

    texts, y = [r["text"] for r in small_corpus], label_matrix(small_corpus)
    config = TrainConfig(folds=3, cv_repeats=2)
    trained = train(texts, y, config)
    tokens = TextPreparer(Tokenizer(config.tokenizer_backend)).transform(texts)
    scores = [cross_val_predict(clone(_learned_steps(config)), tokens, y, method="predict_proba",
                                cv=KFold(3, shuffle=True, random_state=seed)) for seed in (0, 1)]
    assert trained.thresholds == choose_thresholds(np.vstack([y, y]), np.vstack(scores))
    assert trained.cv_metrics["repeats"] == 2 and trained.cv_metrics["n"] == len(texts)


def test_no_repeat_is_refused(small_corpus):
    with pytest.raises(ValueError, match="cv_repeats"):
        train([r["text"] for r in small_corpus], label_matrix(small_corpus), TrainConfig(folds=3, cv_repeats=0))
