"""Evaluation of a tagger on labelled records, beside the keyword baseline.

:func:`evaluate` is ``test(path)`` in fastText's terms: labelled records in,
the full result out (metric reports of both systems, curves, sweeps and
calibration data, per-record predictions).
"""
from __future__ import annotations

import numpy as np

from ..features import normalize

from .data import label_matrix
from .labels import LABELS
from .metrics import multilabel_report, pr_curves, reliability, threshold_sweep
from .rules import baseline_matrix, rule_analysis

__all__ = ["predict_matrix", "evaluate_records", "evaluate", "format_table", "format_rule_table"]


def predict_matrix(tagger, records: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Scores (n × 4) and predicted 0/1 labels (n × 4) of a tagger on the records' texts."""
    results = list(tagger.tag_many(r["text"] for r in records))
    scores = np.array([[t.scores[lab] for lab in LABELS] for t in results]).reshape(-1, len(LABELS))
    predicted = np.array([[lab in t.labels for lab in LABELS] for t in results], dtype=np.int8)
    return scores, predicted.reshape(-1, len(LABELS))


def evaluate_records(tagger, records: list[dict]) -> dict:
    """The model's metric report (see :func:`model.metrics.multilabel_report`) on the records."""
    _, predicted = predict_matrix(tagger, records)
    return multilabel_report(label_matrix(records), predicted)


def evaluate(tagger, records: list[dict]) -> dict:
    """Model and keyword baseline on the same records, with curves and per-record rows."""
    y = label_matrix(records)
    scores, predicted = predict_matrix(tagger, records)
    clean = [normalize(r["text"]) for r in records]
    baseline = baseline_matrix(clean, normalized=True)
    return {
        "n": len(records),
        "model": multilabel_report(y, predicted),
        "baseline": multilabel_report(y, baseline),
        "thresholds": tagger.thresholds,
        "pr_curves": pr_curves(y, scores),
        "threshold_sweep": threshold_sweep(y, scores),
        "reliability": reliability(y, scores),
        "rules": rule_analysis(clean, y, normalized=True),
        "records": [
            {"id": r["id"], "labels": r["labels"],
             "predicted": [lab for lab, on in zip(LABELS, row) if on],
             "baseline": [lab for lab, on in zip(LABELS, b) if on],
             "scores": dict(zip(LABELS, map(float, s)))}
            for r, row, b, s in zip(records, predicted, baseline, scores)
        ],
    }


def format_table(result: dict) -> str:
    """A plain-text table: one row per system, per-label F1 then the summary metrics."""
    head = ["system", *(f"F1 {lab}" for lab in LABELS), "micro F1", "macro F1", "exact", "Hamming"]
    rows = []
    for system in ("model", "baseline"):
        rep = result[system]
        rows.append([system, *(_metric(rep['per_label'][lab]['f1']) for lab in LABELS),
                     f"{rep['micro_f1']:.3f}", _metric(rep['macro_f1']),
                     f"{rep['exact_match']:.3f}", f"{rep['hamming_loss']:.3f}"])
    support = result["model"]["per_label"]
    rows.append(["support", *(str(support[lab]["support"]) for lab in LABELS), "", "", f"n={result['n']}", ""])
    widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row, widths)).rstrip() for row in [head, *rows]]
    return "\n".join(lines)


def _metric(value: float | None) -> str:
    """A metric to three decimals; ``n/a`` where it is undefined (a label with no examples, no predictions)."""
    return "n/a" if value is None else f"{value:.3f}"


def _width(cell: str) -> int:
    return sum(2 if "\u4e00" <= ch <= "\u9fff" else 1 for ch in cell)


def _pad(cell: str, width: int) -> str:
    return cell + " " * (width - _width(cell))


def format_rule_table(rows: list[dict]) -> str:
    """The rule analysis (see :func:`model.rules.rule_analysis`) as a plain-text table."""
    lines = [f"{'rule':32} {'label':6} pol  coverage  overlaps  conflicts  precision"]
    for row in rows:
        lines.append(f"{row['rule']:32} {_pad(row['label'], 6)} {row['polarity']:>3}  {row['coverage']:8.3f}  "
                     f"{row['overlaps']:8.3f}  {row['conflicts']:9.3f}  {row.get('precision', float('nan')):9.3f}")
    return "\n".join(lines)
