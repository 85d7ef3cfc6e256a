"""Likely labelling errors: labels that a cross-validated model most disagrees with.

The records are split into K folds; each fold is scored by a model trained on the
other folds (plus, optionally, other data that is never scored). A label whose
given value differs from the out-of-fold prediction (at that model's threshold) is
listed, the most confident disagreements first: ``|given − score|``. This is the
"confident learning" idea (Northcutt et al. 2021) in its simplest form; a listed
label is worth a second look, not necessarily wrong.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model.labels import LABELS

__all__ = ["Suspect", "out_of_fold_scores", "suspects", "format_suspects"]


@dataclass(frozen=True)
class Suspect:
    id: str
    label: str
    given: int
    score: float  # out-of-fold probability of the label
    threshold: float
    text: str

    @property
    def disagreement(self) -> float:
        return abs(self.given - self.score)


def out_of_fold_scores(records: list[dict], folds: int = 5, extra: list[dict] = (), config=None,
                       seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``(scores, thresholds)``, both ``(n, 4)``: each record scored by a model that did not see it.

    ``extra`` records are added to every training fold and never scored. Raises
    :class:`dangjian.model.data.DataError` when a training fold lacks a positive or
    negative example of some label.
    """
    from sklearn.model_selection import KFold

    from .model.train import TrainConfig
    from .training_data import check_trainable, fit_tagger

    n = len(records)
    folds = min(folds, n)
    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 records; got {n}")
    scores = np.zeros((n, len(LABELS)))
    thresholds = np.zeros((n, len(LABELS)))
    config = config or TrainConfig(folds=3, seed=seed)
    for train_idx, test_idx in KFold(folds, shuffle=True, random_state=seed).split(np.arange(n)):
        training = [records[i] for i in train_idx] + list(extra)
        check_trainable(training, hint="; add --with-shipped-data" if not extra else "")
        tagger = fit_tagger(training, config)
        for i, tagging in zip(test_idx, tagger.tag_many(records[i]["text"] for i in test_idx)):
            scores[i] = [tagging.scores[lab] for lab in LABELS]
            thresholds[i] = [tagger.thresholds[lab] for lab in LABELS]
    return scores, thresholds


def suspects(records: list[dict], scores: np.ndarray, thresholds: np.ndarray) -> list[Suspect]:
    """Every (record, label) whose given value the out-of-fold prediction contradicts, most confident first."""
    out = []
    for rec, row, cut in zip(records, scores, thresholds):
        for j, lab in enumerate(LABELS):
            given = int(lab in rec["labels"])
            if given != int(row[j] >= cut[j]):
                out.append(Suspect(rec["id"], lab, given, float(row[j]), float(cut[j]), rec["text"]))
    return sorted(out, key=lambda s: (-s.disagreement, s.id, LABELS.index(s.label)))


def format_suspects(found: list[Suspect], total: int, limit: int | None) -> str:
    shown = found if limit is None else found[:limit]
    lines = [f"{len(found)} label(s) of {total} records disagree with the cross-validated model"
             + (f"; the {len(shown)} strongest:" if len(shown) < len(found) else ":")]
    if shown:
        lines.append("\t".join(["rank", "id", "label", "given", "cv score", "threshold", "text"]))
    for rank, s in enumerate(shown, 1):
        snippet = " ".join(s.text.split())[:60]
        lines.append("\t".join([str(rank), s.id, s.label, str(s.given), f"{s.score:.3f}", f"{s.threshold:.2f}",
                                snippet]))
    return "\n".join(lines)
