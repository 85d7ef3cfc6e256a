"""Evaluation of a tagger on labelled records, beside the keyword baseline.

:func:`evaluate` is ``test(path)`` in fastText's terms: labelled records in,
the full result out (metric reports of both systems with bootstrap intervals,
curves, sweeps and calibration data, per-record predictions, and every error
with the codebook wording families that fire on its text).
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from ..features import normalize

from .data import label_matrix
from .labels import LABELS
from .metrics import bootstrap_macro_f1, multilabel_report, pr_curves, reliability, threshold_sweep
from .rules import ABSTAIN, RULES, baseline_matrix, rule_analysis, rule_votes

__all__ = ["NO_WORDING", "predict_matrix", "evaluate_records", "evaluate", "error_rows", "family_table",
           "format_table", "format_rule_table", "format_family_table"]

NO_WORDING = "no codebook wording"  # the family of an error where no rule of its label fires


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


def evaluate(tagger, records: list[dict], n_resamples: int = 1000, seed: int = 0) -> dict:
    """Model and keyword baseline on the same records, with curves, per-record rows and errors.

    ``records``: ``{"id", "text", "labels"}`` dicts (see :func:`model.data.load_labelled`).
    ``bootstrap`` holds 95 % intervals of both systems' macro-F1 and of their difference from
    ``n_resamples`` resamples of the articles (seeded; :func:`model.metrics.bootstrap_macro_f1`).
    ``rules`` is :func:`model.rules.rule_analysis` on the records; ``errors`` is :func:`error_rows`.
    The result is JSON-serialisable; undefined figures are ``None``.
    """
    y = label_matrix(records)
    scores, predicted = predict_matrix(tagger, records)
    clean = [normalize(r["text"]) for r in records]
    baseline = baseline_matrix(clean, normalized=True)
    rows = [
        {"id": r["id"], "labels": [lab for lab in LABELS if lab in r["labels"]],
         "predicted": [lab for lab, on in zip(LABELS, row) if on],
         "baseline": [lab for lab, on in zip(LABELS, b) if on],
         "scores": dict(zip(LABELS, map(float, s)))}
        for r, row, b, s in zip(records, predicted, baseline, scores)
    ]
    return {
        "n": len(records),
        "model": multilabel_report(y, predicted),
        "baseline": multilabel_report(y, baseline),
        "bootstrap": bootstrap_macro_f1(y, {"model": predicted, "baseline": baseline},
                                        n_resamples=n_resamples, seed=seed),
        "thresholds": tagger.thresholds,
        "pr_curves": pr_curves(y, scores),
        "threshold_sweep": threshold_sweep(y, scores),
        "reliability": reliability(y, scores),
        "rules": rule_analysis(clean, y, normalized=True),
        "records": rows,
        "errors": error_rows(rows, clean),
    }


def error_rows(rows: list[dict], clean: list[str]) -> list[dict]:
    """Every false negative and false positive of the model, one row per (record, label).

    ``rows``: the per-record rows of :func:`evaluate`; ``clean``: the records' normalized texts.
    Each error row has ``id``, ``label``, ``kind`` ("FN" or "FP"), ``score``, ``gold``, ``predicted``
    and ``families``: the named rules of that label (:data:`model.rules.RULES`) that fire on the text,
    or ``[NO_WORDING]`` when none does.
    """
    out = []
    for row, text in zip(rows, clean):
        votes = None
        for lab in LABELS:
            gold, said = lab in row["labels"], lab in row["predicted"]
            if gold == said:
                continue
            votes = votes or rule_votes(text, normalized=True)
            families = [r.name for r in RULES if r.label == lab and votes[r.name] != ABSTAIN]
            out.append({"id": row["id"], "label": lab, "kind": "FN" if gold else "FP",
                        "score": row["scores"][lab], "gold": row["labels"], "predicted": row["predicted"],
                        "families": families or [NO_WORDING]})
    return out


def family_table(errors: list[dict]) -> list[dict]:
    """Errors counted by wording family: rows ``{"label", "family", "polarity", "FN", "FP"}``.

    An error where several rules of its label fire counts once under each of them. Rows follow
    :data:`LABELS`, then the most errors first; ``polarity`` is the rule's vote (+ or -), "" for
    :data:`NO_WORDING`.
    """
    polarity = {r.name: "+" if r.polarity > 0 else "-" for r in RULES}
    counts = Counter((e["label"], fam, e["kind"]) for e in errors for fam in e["families"])
    keys = sorted({(lab, fam) for lab, fam, _ in counts},
                  key=lambda k: (LABELS.index(k[0]), -counts[(*k, "FN")] - counts[(*k, "FP")], k[1]))
    return [{"label": lab, "family": fam, "polarity": polarity.get(fam, ""),
             "FN": counts[(lab, fam, "FN")], "FP": counts[(lab, fam, "FP")]} for lab, fam in keys]


def _num(value, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _interval(pair) -> str:
    return "n/a" if pair is None else f"[{pair[0]:.3f}, {pair[1]:.3f}]"


def format_table(result: dict) -> str:
    """Plain-text tables: per-label precision/recall/F1/support of the model and the baseline, then per
    system micro-F1, macro-F1 with its bootstrap interval, exact match and Hamming loss."""
    per_label_head = ["label", "support", "model P", "model R", "model F1", "baseline P", "baseline R",
                      "baseline F1"]
    per_label = []
    for lab in LABELS:
        m, b = result["model"]["per_label"][lab], result["baseline"]["per_label"][lab]
        per_label.append([lab, str(m["support"]), *(_num(m[k]) for k in ("precision", "recall", "f1")),
                          *(_num(b[k]) for k in ("precision", "recall", "f1"))])
    boot = result.get("bootstrap") or {}
    level = f"{boot.get('confidence_level', 0.95):.0%}"
    summary_head = ["system", "micro F1", "macro F1", f"{level} interval", "exact", "Hamming"]
    summary = []
    for system in ("model", "baseline"):
        rep = result[system]
        summary.append([system, _num(rep["micro_f1"]), _num(rep["macro_f1"]),
                        _interval((boot.get("macro_f1") or {}).get(system)),
                        _num(rep["exact_match"]), _num(rep["hamming_loss"])])
    lines = [_grid(per_label_head, per_label), "", _grid(summary_head, summary)]
    diff = boot.get("difference")
    if diff:
        a, b = diff["systems"]
        gap = (result[a]["macro_f1"] - result[b]["macro_f1"]
               if None not in (result[a]["macro_f1"], result[b]["macro_f1"]) else None)
        lines.append(f"difference ({a} − {b}) in macro F1: {_num(gap)}, "
                     f"{level} interval {_interval(diff['interval'])}")
    if boot:
        lines.append(f"n={result['n']} articles; intervals: {boot['n_resamples']:,} bootstrap resamples of the "
                     f"articles (seed {boot['seed']}, {boot['method']}, {boot['library']})")
    missing = [lab for lab in LABELS if lab not in result["model"]["macro_labels"]]
    if missing:
        lines.append(f"n/a: {', '.join(missing)} neither occurs nor is predicted; left out of macro F1")
    return "\n".join(lines)


def _grid(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return "\n".join("  ".join(_pad(cell, w) for cell, w in zip(row, widths)).rstrip() for row in [head, *rows])


def _width(cell: str) -> int:
    return sum(2 if "\u4e00" <= ch <= "\u9fff" else 1 for ch in cell)


def _pad(cell: str, width: int) -> str:
    return cell + " " * (width - _width(cell))


def format_rule_table(rows: list[dict]) -> str:
    """The rule analysis (see :func:`model.rules.rule_analysis`) as a plain-text table."""
    head = ["rule", "label", "pol", "coverage", "overlaps", "conflicts", "precision", "recall"]
    body = [[row["rule"], row["label"], row["polarity"], _num(row["coverage"]), _num(row["overlaps"]),
             _num(row["conflicts"]), _num(row.get("precision")), _num(row.get("recall"))] for row in rows]
    return _grid(head, body)


def format_family_table(rows: list[dict]) -> str:
    """:func:`family_table` rows as a plain-text table: label, wording family, its vote, FN and FP counts."""
    return _grid(["label", "family", "pol", "FN", "FP"],
                 [[r["label"], r["family"], r["polarity"], str(r["FN"]), str(r["FP"])] for r in rows])
