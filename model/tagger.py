"""Prediction: the public Python API.

>>> from dangjian import Tagger
>>> tagger = Tagger.load()                      # the shipped default model
>>> result = tagger.tag("园区12家单位党组织组建党建联盟，成员单位轮流担任轮值主席")
>>> sorted(result.scores) == sorted(["联盟", "孵化站", "示范岗", "轮值主席"])
True
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np


from ..features.normalize import normalize
from ..features.tokenize import Tokenizer
from .evidence import LabelEvidence, explain
from .labels import LABELS
from .linear import LinearModel
from .store import load

__all__ = ["Tagger", "Tagging", "DEFAULT_BATCH_SIZE"]

DEFAULT_BATCH_SIZE = 128  # texts per predict call: fewer per-call overheads


@dataclass(frozen=True)
class Tagging:
    """The result for one text: predicted label keys and every label's probability."""

    labels: list[str]
    scores: dict[str, float]
    evidence: dict[str, LabelEvidence] | None = field(default=None, compare=False)

    def to_dict(self) -> dict:
        out = {"labels": self.labels, "scores": self.scores}
        if self.evidence is not None:
            out["evidence"] = {lab: ev.to_dict() for lab, ev in self.evidence.items()}
        return out


class Tagger:
    """Tags texts with the practice labels, using a verified model directory.

    ``linear``: the :class:`~dangjian.model.linear.LinearModel`; ``card``: its model card (thresholds,
    tokenizer backend). Scoring imports neither scikit-learn nor scipy.
    """

    def __init__(self, linear: LinearModel, card: dict):
        self.linear = linear
        self.card = card
        self.thresholds = {lab: float(card["thresholds"][lab]) for lab in LABELS}
        self.tokenizer = Tokenizer(card.get("tokenizer", {}).get("backend", "rjieba"))

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Tagger":
        """Load the shipped default model, or the model directory at ``path`` (:class:`ModelError` if unusable)."""
        return cls(*load(path))

    def tag(self, text: str, threshold: float | None = None, evidence: bool = False, k: int = 3) -> Tagging:
        """Scores and labels for one text.

        ``threshold`` overrides the per-label thresholds. With ``evidence=True``
        each predicted label gets up to ``k`` passages (with offsets into
        ``text``) and its top weighted features: see :mod:`dangjian.model.evidence`.
        Raises ``TypeError`` for anything but a ``str``, ``ValueError`` for a threshold outside [0, 1].
        """
        return next(self.tag_many([text], threshold=threshold, evidence=evidence, k=k))

    def tag_many(self, texts: Iterable[str], batch_size: int = DEFAULT_BATCH_SIZE, threshold: float | None = None,
                 evidence: bool = False, k: int = 3) -> Iterator[Tagging]:
        """Lazily tag an iterable of texts, in order, ``batch_size`` at a time.

        Raises ``TypeError`` naming the position of a text that is not a ``str`` (the texts of
        earlier batches have been yielded by then), ``ValueError`` for a threshold outside [0, 1].
        """
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
        iterator = iter(texts)
        done = 0
        while batch := list(islice(iterator, batch_size)):
            for position, text in enumerate(batch, done):
                if not isinstance(text, str):
                    raise TypeError(f"text {position}: expected str, got {type(text).__name__}")
            done += len(batch)
            prepared = list(map(self.prepare, batch))
            probas = self.linear.proba_many([clean for clean, _ in prepared], [tokens for _, tokens in prepared])
            for text, proba, text_prepared in zip(batch, probas, prepared):
                result = self._tagging(proba, threshold)
                if evidence:
                    reasons = explain(self, text, result.labels, k=k, prepared=text_prepared)
                    result = Tagging(result.labels, result.scores, reasons)
                yield result

    def prepare(self, text: str) -> tuple[str, list[str]]:
        """``(normalized text, tokens)``: the two inputs of the model's features."""
        clean = normalize(text)
        return clean, self.tokenizer(clean)

    def proba(self, text: str) -> np.ndarray:
        """Per-label probabilities (n_labels,), in :data:`LABELS` order."""
        return self.linear.proba(*self.prepare(text))

    def _tagging(self, proba: np.ndarray, threshold: float | None) -> Tagging:
        scores = dict(zip(LABELS, (round(min(max(p, 0.0), 1.0), 6) for p in proba.tolist())))
        labels = [lab for lab in LABELS
                  if scores[lab] >= (self.thresholds[lab] if threshold is None else threshold)]
        return Tagging(labels, scores)
