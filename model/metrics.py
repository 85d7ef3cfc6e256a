"""Multi-label metrics, all computed by :mod:`sklearn.metrics`."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import (
    accuracy_score, f1_score, hamming_loss, precision_recall_fscore_support,
)

from .labels import LABELS

__all__ = ["multilabel_report", "pr_curves", "threshold_sweep", "reliability"]


def multilabel_report(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Per-label precision/recall/F1/support, micro and macro F1, exact match, Hamming loss.

    A label with no examples and no predictions has no F1 (nor precision, recall): ``None``, shown
    as n/a, and macro-F1 is the mean over the other labels (``None`` when there are none). A label
    with predictions but no examples has F1 0.

    >>> r = multilabel_report(np.array([[1, 0, 0, 0]]), np.array([[1, 0, 0, 0]]))
    >>> r["micro_f1"], r["exact_match"], r["macro_f1"], r["per_label"]["孵化站"]["f1"]
    (1.0, 1.0, 1.0, None)
    """
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    predicted = np.asarray(y_pred).sum(axis=0)
    defined = [bool(s[i] or predicted[i]) for i in range(len(LABELS))]
    per_label = {}
    for i, lab in enumerate(LABELS):
        if defined[i]:
            per_label[lab] = {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        else:
            per_label[lab] = {"precision": None, "recall": None, "f1": None, "support": 0}
    macro = [float(f[i]) for i in range(len(LABELS)) if defined[i]]
    return {
        "per_label": per_label,
        "micro_f1": float(f1_score(y_true, y_pred, average="micro", zero_division=0)),
        "macro_f1": float(np.mean(macro)) if macro else None,
        "exact_match": float(accuracy_score(y_true, y_pred)),
        "hamming_loss": float(hamming_loss(y_true, y_pred)),
        "n": int(len(y_true)),
    }


def pr_curves(y_true: np.ndarray, scores: np.ndarray) -> dict:
    """Per label: precision, recall and thresholds of the precision-recall curve, and average precision."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    out = {}
    for j, label in enumerate(LABELS):
        if y_true[:, j].any():
            p, r, t = precision_recall_curve(y_true[:, j], scores[:, j])
            ap = float(average_precision_score(y_true[:, j], scores[:, j]))
        else:
            p, r, t, ap = np.array([1.0]), np.array([0.0]), np.array([]), float("nan")
        out[label] = {"precision": p.tolist(), "recall": r.tolist(), "thresholds": t.tolist(),
                      "average_precision": ap}
    return out


def threshold_sweep(y_true: np.ndarray, scores: np.ndarray, grid=None) -> dict:
    """Per label: F1, precision and recall at each threshold of ``grid`` (default 0.05 … 0.95)."""
    grid = np.round(np.arange(0.05, 0.951, 0.05), 2) if grid is None else np.asarray(grid)
    out = {}
    for j, label in enumerate(LABELS):
        rows = [precision_recall_fscore_support(y_true[:, j], scores[:, j] >= t, average="binary",
                                                zero_division=0)[:3] for t in grid]
        out[label] = {"threshold": grid.tolist(), "precision": [float(r[0]) for r in rows],
                      "recall": [float(r[1]) for r in rows], "f1": [float(r[2]) for r in rows]}
    return out


def reliability(y_true: np.ndarray, scores: np.ndarray, bins: int = 10) -> dict:
    """Per label: mean predicted score and observed positive rate per score bin (a reliability diagram)."""
    from sklearn.calibration import calibration_curve

    out = {}
    for j, label in enumerate(LABELS):
        observed, predicted = calibration_curve(y_true[:, j], scores[:, j], n_bins=bins, strategy="uniform")
        out[label] = {"mean_predicted": predicted.tolist(), "observed_rate": observed.tolist()}
    return out
