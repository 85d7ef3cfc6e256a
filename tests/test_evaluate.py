import json

import numpy as np

from dangjian import Tagger
from dangjian.model.evaluate import evaluate, format_table
from dangjian.model.metrics import multilabel_report, threshold_sweep


def test_report_matches_hand_counts():
    y = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    p = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]])
    rep = multilabel_report(y, p)
    assert rep["per_label"]["联盟"] == {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2}
    assert rep["exact_match"] == 0.5
    assert rep["hamming_loss"] == 2 / 16


def test_sweep_is_monotone_in_recall():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=(50, 4))
    scores = rng.random((50, 4))
    for sweep in threshold_sweep(y, scores).values():
        assert all(a >= b for a, b in zip(sweep["recall"], sweep["recall"][1:]))


def test_evaluate_puts_model_and_baseline_side_by_side(small_model_dir, small_corpus):
    result = evaluate(Tagger.load(small_model_dir), small_corpus[:20])
    table = format_table(result)
    assert table.splitlines()[1].startswith("model") and table.splitlines()[2].startswith("baseline")
    assert len(result["records"]) == 20
    json.dumps(result, ensure_ascii=False)  # the full result is JSON-serialisable
