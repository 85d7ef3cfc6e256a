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
