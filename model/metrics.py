"""Multi-label metrics, computed by :mod:`sklearn.metrics`; confidence intervals by :func:`scipy.stats.bootstrap`.

A figure whose denominator is empty is ``None`` ("n/a"), never 0.0: precision when a label is never
predicted, recall when it never occurs, and F1 when it neither occurs nor is predicted. A label with
no F1 is left out of macro-F1.
"""
from __future__ import annotations

import numpy as np
from sklearn.metrics import (
    accuracy_score, f1_score, hamming_loss, precision_recall_fscore_support,
)

from .labels import LABELS

__all__ = ["multilabel_report", "macro_f1_resampled", "bootstrap_macro_f1", "pr_curves", "threshold_sweep",
           "reliability"]


def multilabel_report(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Per-label precision/recall/F1/support, micro and macro F1, exact match, Hamming loss.

    ``y_true``, ``y_pred``: 0/1 arrays (n articles × 4 labels, :data:`LABELS` order). ``macro_labels``
    names the labels macro-F1 averages over (those that occur or are predicted).

    >>> r = multilabel_report(np.array([[1, 0, 0, 0]]), np.array([[1, 0, 0, 0]]))
    >>> r["micro_f1"], r["exact_match"], r["per_label"]["孵化站"]["f1"], r["macro_labels"]
    (1.0, 1.0, None, ['联盟'])
    """
    y_true, y_pred = np.asarray(y_true).reshape(-1, len(LABELS)), np.asarray(y_pred).reshape(-1, len(LABELS))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    predicted = y_pred.sum(axis=0)
    defined = [j for j in range(len(LABELS)) if s[j] or predicted[j]]
    per_label = {
        lab: {"precision": float(p[j]) if predicted[j] else None,
              "recall": float(r[j]) if s[j] else None,
              "f1": float(f[j]) if j in defined else None,
              "support": int(s[j])}
        for j, lab in enumerate(LABELS)
    }
    n = int(len(y_true))
    return {
        "per_label": per_label,
        "micro_f1": float(f1_score(y_true, y_pred, average="micro", zero_division=0)) if defined else None,
        "macro_f1": float(f1_score(y_true, y_pred, average="macro", labels=defined, zero_division=0))
        if defined else None,
        "macro_labels": [LABELS[j] for j in defined],
        "exact_match": float(accuracy_score(y_true, y_pred)) if n else None,
        "hamming_loss": float(hamming_loss(y_true, y_pred)) if n else None,
        "n": n,
    }


def macro_f1_resampled(y_true: np.ndarray, y_pred: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Macro-F1 of the articles ``idx`` (shape ``(..., n)``: one resample per row), vectorized.

    The same figure as :func:`multilabel_report`'s ``macro_f1`` (labels that neither occur nor are
    predicted in a resample are left out of its mean); NaN for a resample where no label does.

    >>> y = np.array([[1, 0, 0, 0], [0, 1, 0, 0]])
    >>> float(macro_f1_resampled(y, y, np.array([0, 1])))
    1.0
    """
    t = np.asarray(y_true, dtype=bool)[idx]
    p = np.asarray(y_pred, dtype=bool)[idx]  # (..., n, labels)
    tp, fp, fn = (t & p).sum(axis=-2), (~t & p).sum(axis=-2), (t & ~p).sum(axis=-2)
    denom = 2 * tp + fp + fn
    f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), np.nan)
    counted = (denom > 0).sum(axis=-1)
    return np.where(counted > 0, np.nansum(f1, axis=-1) / np.maximum(counted, 1), np.nan)


def bootstrap_macro_f1(y_true: np.ndarray, systems: dict[str, np.ndarray], n_resamples: int = 1000,
                       seed: int = 0, confidence_level: float = 0.95) -> dict:
    """Bootstrap confidence intervals of macro-F1, resampling articles, by :func:`scipy.stats.bootstrap`.

    ``systems``: name → 0/1 predictions (n × 4). Every system is scored on the same resamples
    (drawn with ``numpy.random.default_rng(seed)``; percentile method), so with two systems the
    interval of their difference (first − second) is paired. Returns ``{"macro_f1": {name: [low,
    high]}, "difference": {"systems": [a, b], "interval": [low, high]} or None, ...settings}``;
    intervals are ``None`` with fewer than two articles or no label that occurs or is predicted.
    """
    from scipy.stats import bootstrap

    y_true = np.asarray(y_true).reshape(-1, len(LABELS))
    names = list(systems)
    settings = {"method": "percentile", "confidence_level": confidence_level, "n_resamples": n_resamples,
                "seed": seed, "resampled": "articles", "library": "scipy.stats.bootstrap"}
    usable = len(y_true) >= 2 and all(
        not np.isnan(macro_f1_resampled(y_true, systems[s], np.arange(len(y_true)))) for s in names)

    def interval(statistic) -> list[float] | None:
        if not usable:
            return None
        res = bootstrap((np.arange(len(y_true)),), statistic, n_resamples=n_resamples, vectorized=True,
                        batch=100, confidence_level=confidence_level, method="percentile",
                        rng=np.random.default_rng(seed))
        low, high = res.confidence_interval
        return None if np.isnan(low) or np.isnan(high) else [float(low), float(high)]

    def macro(name):
        return lambda idx, axis=-1: macro_f1_resampled(y_true, systems[name], idx)

    out = {**settings, "macro_f1": {name: interval(macro(name)) for name in names}, "difference": None}
    if len(names) == 2:
        a, b = names

        def difference(idx, axis=-1):
            return macro_f1_resampled(y_true, systems[a], idx) - macro_f1_resampled(y_true, systems[b], idx)

        out["difference"] = {"systems": [a, b], "interval": interval(difference)}
    return out


def pr_curves(y_true: np.ndarray, scores: np.ndarray) -> dict:
    """Per label: precision, recall and thresholds of the precision-recall curve, and average precision.

    A label with no true example has no curve: empty lists and ``average_precision`` None.
    """
    from sklearn.metrics import average_precision_score, precision_recall_curve

    out = {}
    for j, label in enumerate(LABELS):
        if y_true[:, j].any():
            p, r, t = precision_recall_curve(y_true[:, j], scores[:, j])
            ap = float(average_precision_score(y_true[:, j], scores[:, j]))
            out[label] = {"precision": p.tolist(), "recall": r.tolist(), "thresholds": t.tolist(),
                          "average_precision": ap}
        else:
            out[label] = {"precision": [], "recall": [], "thresholds": [], "average_precision": None}
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
        if len(y_true) == 0:
            out[label] = {"mean_predicted": [], "observed_rate": []}
            continue
        observed, predicted = calibration_curve(y_true[:, j], scores[:, j], n_bins=bins, strategy="uniform")
        out[label] = {"mean_predicted": predicted.tolist(), "observed_rate": observed.tolist()}
    return out
