import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import f1_score

from dangjian import Tagger
from dangjian.model.evaluate import (
    NO_WORDING, error_rows, evaluate, family_table, format_family_table, format_table,
)
from dangjian.model.labels import LABELS
from dangjian.model.metrics import bootstrap_macro_f1, macro_f1_resampled, multilabel_report, threshold_sweep


def test_report_matches_hand_counts():
    y = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    p = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]])
    rep = multilabel_report(y, p)
    assert rep["per_label"]["联盟"] == {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2}
    assert rep["exact_match"] == 0.5
    assert rep["hamming_loss"] == 2 / 16


def test_a_label_nobody_has_or_predicts_is_na_and_left_out_of_macro_f1():
    y = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [1, 0, 0, 1]])
    p = np.array([[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]])
    rep = multilabel_report(y, p)
    assert rep["per_label"]["孵化站"] == {"precision": None, "recall": None, "f1": None, "support": 0}
    assert rep["macro_labels"] == ["联盟", "示范岗", "轮值主席"]
    assert rep["macro_f1"] == pytest.approx((2 / 3 + 0.0 + 1.0) / 3)
    # a label that occurs but is never predicted: precision n/a, recall and F1 are 0, and it counts
    assert rep["per_label"]["示范岗"] == {"precision": None, "recall": 0.0, "f1": 0.0, "support": 1}


def test_a_label_predicted_but_never_true_has_no_recall_and_f1_zero():
    rep = multilabel_report(np.array([[1, 0, 0, 0]]), np.array([[1, 1, 0, 0]]))
    assert rep["per_label"]["孵化站"] == {"precision": 0.0, "recall": None, "f1": 0.0, "support": 0}
    assert rep["macro_f1"] == 0.5


matrices = st.integers(1, 30).flatmap(
    lambda n: st.tuples(arrays(np.int8, (n, 4), elements=st.integers(0, 1)),
                        arrays(np.int8, (n, 4), elements=st.integers(0, 1))))


@settings(max_examples=100, deadline=None)
@given(matrices)
def test_resampled_macro_f1_is_sklearns_on_the_whole_sample(pair):
    y, p = pair
    rep = multilabel_report(y, p)
    got = float(macro_f1_resampled(y, p, np.arange(len(y))))
    if rep["macro_f1"] is None:
        assert np.isnan(got)
    else:
        labels = [LABELS.index(lab) for lab in rep["macro_labels"]]
        assert got == pytest.approx(f1_score(y, p, average="macro", labels=labels, zero_division=0))
        assert got == pytest.approx(rep["macro_f1"])


@settings(max_examples=50, deadline=None)
@given(matrices, st.integers(0, 10_000))
def test_resampled_macro_f1_matches_the_report_on_any_resample(pair, seed):
    y, p = pair
    idx = np.random.default_rng(seed).integers(0, len(y), size=len(y))
    rep = multilabel_report(y[idx], p[idx])
    got = float(macro_f1_resampled(y, p, idx))
    assert np.isnan(got) if rep["macro_f1"] is None else got == pytest.approx(rep["macro_f1"])


def _noisy(seed=0, n=80):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=(n, 4))
    flip = rng.random((n, 4)) < 0.15
    return y, np.where(flip, 1 - y, y), rng.integers(0, 2, size=(n, 4))


def test_bootstrap_interval_is_seeded_and_brackets_the_estimate():
    y, good, coin = _noisy()
    a = bootstrap_macro_f1(y, {"good": good, "coin": coin}, n_resamples=300, seed=1)
    assert a == bootstrap_macro_f1(y, {"good": good, "coin": coin}, n_resamples=300, seed=1)
    assert a != bootstrap_macro_f1(y, {"good": good, "coin": coin}, n_resamples=300, seed=2)
    for name, pred in (("good", good), ("coin", coin)):
        low, high = a["macro_f1"][name]
        assert 0 <= low < multilabel_report(y, pred)["macro_f1"] < high <= 1
    low, high = a["difference"]["interval"]
    assert a["difference"]["systems"] == ["good", "coin"] and 0 < low < high  # the good system is better
    assert a["n_resamples"] == 300 and a["seed"] == 1


def test_bootstrap_of_a_perfect_system_and_of_identical_systems_is_a_point():
    y, good, _ = _noisy()
    result = bootstrap_macro_f1(y, {"a": y, "b": y.copy()}, n_resamples=100)
    assert result["macro_f1"]["a"] == [1.0, 1.0]
    assert result["difference"]["interval"] == [0.0, 0.0]


def test_bootstrap_without_enough_data_gives_no_interval():
    one = np.array([[1, 0, 0, 0]])
    assert bootstrap_macro_f1(one, {"m": one})["macro_f1"]["m"] is None
    empty = np.zeros((5, 4), dtype=int)
    assert bootstrap_macro_f1(empty, {"m": empty})["macro_f1"]["m"] is None


def test_sweep_is_monotone_in_recall():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=(50, 4))
    scores = rng.random((50, 4))
    for sweep in threshold_sweep(y, scores).values():
        assert all(a >= b for a, b in zip(sweep["recall"], sweep["recall"][1:]))


def test_errors_are_grouped_by_the_wording_family_that_fires():
    rows = [
        {"id": "fn", "labels": ["联盟"], "predicted": [], "scores": dict.fromkeys(LABELS, 0.1)},
        {"id": "fp", "labels": [], "predicted": ["示范岗"], "scores": dict.fromkeys(LABELS, 0.9)},
        {"id": "ok", "labels": ["联盟"], "predicted": ["联盟"], "scores": dict.fromkeys(LABELS, 0.9)},
        {"id": "fp2", "labels": [], "predicted": ["联盟"], "scores": dict.fromkeys(LABELS, 0.9)},
    ]
    clean = ["园区成立产业链党建联盟", "党员走在前列", "党建联盟", "成立联合党支部和党建联盟"]
    errors = error_rows(rows, clean)
    assert [(e["id"], e["label"], e["kind"]) for e in errors] == [
        ("fn", "联盟", "FN"), ("fp", "示范岗", "FP"), ("fp2", "联盟", "FP")]
    assert errors[0]["families"] == ["alliance_named"]
    assert errors[1]["families"] == [NO_WORDING]
    assert errors[2]["families"] == ["alliance_named", "single_joint_committee"]
    table = {(r["label"], r["family"]): r for r in family_table(errors)}
    assert table[("联盟", "alliance_named")] == {"label": "联盟", "family": "alliance_named", "polarity": "+",
                                                 "FN": 1, "FP": 1}
    assert table[("联盟", "single_joint_committee")]["polarity"] == "-"
    assert table[("示范岗", NO_WORDING)]["FP"] == 1 and table[("示范岗", NO_WORDING)]["FN"] == 0
    assert NO_WORDING in format_family_table(family_table(errors))


def test_evaluate_puts_model_and_baseline_side_by_side(small_model_dir, small_corpus):
    result = evaluate(Tagger.load(small_model_dir), small_corpus[:20], n_resamples=50)
    table = format_table(result)
    assert "model F1" in table and "baseline F1" in table
    systems = [line.split()[0] for line in table.splitlines() if line.startswith(("model ", "baseline "))]
    assert systems == ["model", "baseline"]
    assert "50 bootstrap resamples" in table
    assert len(result["records"]) == 20
    n_errors = sum(len(set(r["labels"]) ^ set(r["predicted"])) for r in result["records"])
    assert len(result["errors"]) == n_errors
    json.dumps(result, ensure_ascii=False, allow_nan=False)  # the full result is strict JSON
