"""Which unlabelled articles to review first: those whose labels would teach the model most.

The strategy (:data:`STRATEGY`), in three steps:

1. **Uncertainty per label.** For article *i* and label *j* with score ``p`` and the
   model's threshold ``t``: ``u = 1 - |p - t| / (t if p < t else 1 - t)``, 1 at the
   threshold and 0 at a sure 0 or 1 (margin sampling around the decision threshold,
   Lewis & Gale 1994, per label as in binary-relevance multi-label active learning).
2. **Weighted toward rare labels.** A label's weight is ``1 / sqrt(prevalence)``, the
   prevalence being the share of the pool predicted positive (add-one smoothed),
   the weights normalized to sum 1; the article's **priority** is ``Σ_j w_j · u_ij``
   (0–1). A label the pool seldom shows gains most from each example.
3. **Spread out.** Articles are taken greedily by maximal marginal relevance
   (Carbonell & Goldstein 1998): next is the one with the highest
   ``priority − λ · (cosine similarity to the closest article already taken)``, λ =
   :data:`DIVERSITY`. An article at least :data:`NEAR_DUPLICATE` similar to one taken
   is a near-duplicate and is passed over. Similarity is the cosine of character
   bigram TF-IDF vectors of the normalized texts (traditional folded to simplified).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from .model.labels import LABELS

__all__ = ["STRATEGY", "DIVERSITY", "NEAR_DUPLICATE", "label_uncertainty", "rarity_weights", "priority",
           "text_vectors", "Selection", "select", "rank", "review_order", "review_rows"]

STRATEGY = "rare-weighted threshold uncertainty, near-duplicates passed over, MMR-diversified"
DIVERSITY = 0.5  # λ of maximal marginal relevance: how much similarity to a chosen article costs
NEAR_DUPLICATE = 0.8  # cosine similarity at and above which two articles count as near-duplicates


def _thresholds(thresholds) -> np.ndarray:
    if isinstance(thresholds, dict):
        thresholds = [thresholds[lab] for lab in LABELS]
    return np.clip(np.asarray(thresholds, dtype=float), 1e-6, 1 - 1e-6)


def label_uncertainty(scores: np.ndarray, thresholds) -> np.ndarray:
    """``(n, 4)`` uncertainty in [0, 1] of ``(n, 4)`` scores: 1 at the label's threshold, 0 at 0 or 1.

    >>> label_uncertainty(np.array([[0.5, 0.0, 1.0, 0.75]]), [0.5, 0.5, 0.5, 0.5]).tolist()
    [[1.0, 0.0, 0.0, 0.5]]
    """
    scores = np.clip(np.asarray(scores, dtype=float).reshape(-1, len(LABELS)), 0.0, 1.0)
    t = _thresholds(thresholds)
    span = np.where(scores < t, t, 1.0 - t)
    return np.clip(1.0 - np.abs(scores - t) / span, 0.0, 1.0)


def rarity_weights(scores: np.ndarray, thresholds) -> np.ndarray:
    """``(4,)`` label weights summing to 1: ``1/sqrt(prevalence)``, prevalence the add-one smoothed
    share of the ``(n, 4)`` scores at or above the label's threshold.

    >>> w = rarity_weights(np.array([[0.9, 0.1, 0.1, 0.1]] * 8), [0.5] * 4)
    >>> bool(w[0] < w[1]) and round(float(w.sum()), 6)
    1.0
    """
    scores = np.asarray(scores, dtype=float).reshape(-1, len(LABELS))
    positive = (scores >= _thresholds(thresholds)).sum(axis=0)
    prevalence = (positive + 1.0) / (len(scores) + 2.0)
    weights = 1.0 / np.sqrt(prevalence)
    return weights / weights.sum()


def priority(scores: np.ndarray, thresholds) -> np.ndarray:
    """``(n,)`` priority in [0, 1]: rarity-weighted sum of the per-label uncertainties."""
    scores = np.asarray(scores, dtype=float).reshape(-1, len(LABELS))
    if not len(scores):
        return np.zeros(0)
    return label_uncertainty(scores, thresholds) @ rarity_weights(scores, thresholds)


def text_vectors(texts: Sequence[str]):
    """L2-normalized character-bigram TF-IDF rows (scipy sparse, ``(n, vocabulary)``) of normalized texts."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from .features.normalize import normalize

    if not texts:
        from scipy.sparse import csr_matrix

        return csr_matrix((0, 1))
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True, dtype=np.float32)
    try:
        return vectorizer.fit_transform([normalize(t) for t in texts])
    except ValueError:  # every text empty after normalizing: no vocabulary
        from scipy.sparse import csr_matrix

        return csr_matrix((len(texts), 1), dtype=np.float32)


@dataclass
class Selection:
    """Chosen article indices in review order, with the priority of each and what was passed over."""

    order: list[int]
    priority: list[float]
    near_duplicates: list[int] = field(default_factory=list)  # indices passed over as near-duplicates


def select(prio: np.ndarray, vectors, n: int, diversity: float = DIVERSITY,
           near_duplicate: float = NEAR_DUPLICATE) -> Selection:
    """Greedy maximal-marginal-relevance choice of up to ``n`` indices (see the module docstring).

    ``prio`` is ``(m,)``; ``vectors`` ``(m, d)`` L2-normalized rows. Fewer than ``n``
    come back when the rest are near-duplicates of chosen ones. Deterministic: ties go
    to the earlier index.
    """
    prio = np.asarray(prio, dtype=float)
    m = len(prio)
    n = max(0, min(n, m))
    closest = np.zeros(m)
    available = np.ones(m, dtype=bool)
    order: list[int] = []
    while len(order) < n and available.any():
        value = np.where(available, prio - diversity * closest, -np.inf)
        best = int(np.argmax(value))
        order.append(best)
        available[best] = False
        similarity = np.asarray((vectors @ vectors[best].T).todense()).ravel()
        closest = np.maximum(closest, similarity)
        available &= closest < near_duplicate
    chosen = set(order)
    duplicates = [i for i in np.flatnonzero(closest >= near_duplicate) if i not in chosen]
    return Selection(order, [float(prio[i]) for i in order], [int(i) for i in duplicates])


def rank(scores: np.ndarray, thresholds, texts: Sequence[str], n: int | None = None) -> Selection:
    """The suggested review order of ``texts`` (``scores`` ``(m, 4)``): up to ``n`` (default all) indices."""
    prio = priority(scores, thresholds)
    return select(prio, text_vectors(list(texts)), len(texts) if n is None else n)


def review_order(scores: np.ndarray, thresholds, texts: Sequence[str], diverse: int = 1000) -> list[int]:
    """Every index of ``texts`` in review order: the first ``diverse`` by :func:`rank`, then the
    rest by priority, then the near-duplicates of chosen articles (MMR costs one pass over the
    pool per article taken, so it is capped for large pools)."""
    prio = priority(scores, thresholds)
    selection = select(prio, text_vectors(list(texts)), diverse)
    taken, duplicates = set(selection.order), set(selection.near_duplicates)
    rest = sorted((i for i in range(len(texts)) if i not in taken and i not in duplicates), key=lambda i: -prio[i])
    return selection.order + rest + sorted(duplicates, key=lambda i: -prio[i])


def review_rows(ids: Sequence[str], texts: Sequence[str], taggings: Iterable, selection: Selection,
                strategy: str = STRATEGY) -> list[dict]:
    """Review-sheet rows (:data:`dangjian.sheets.COLUMNS`) of the selected articles, in order.

    ``taggings`` are :class:`dangjian.Tagging` results *with evidence*, one per selected
    article in ``selection.order``. The label columns are pre-filled with the model's
    guess (1/0) for the coder to correct.
    """
    rows = []
    for rank_, (index, prio, tagging) in enumerate(zip(selection.order, selection.priority, taggings), 1):
        row = {"id": ids[index], "text": texts[index], "predicted": ";".join(tagging.labels),
               "coder": "", "note": "", "rank": rank_, "priority": round(prio, 4), "strategy": strategy}
        for lab in LABELS:
            row[f"score_{lab}"] = round(tagging.scores[lab], 4)
            sentences = tagging.evidence.get(lab).sentences if tagging.evidence and lab in tagging.evidence else []
            row[f"evidence_{lab}"] = sentences[0].text if sentences and lab in tagging.labels else ""
            row[lab] = int(lab in tagging.labels)
        rows.append(row)
    return rows


@dataclass
class Suggestion:
    """What :func:`suggest_records` chose: sheet rows, and counts for the summary line."""

    rows: list[dict]
    pool: int
    excluded: int
    errors: list  # input records that could not be read (``inputs.Record`` with ``error``)
    near_duplicates: int


def suggest_records(records: Iterable, tagger, n: int, exclude: set[str] | frozenset[str] = frozenset(),
                    k: int = 1) -> Suggestion:
    """Score every readable record (``inputs.Record``), choose ``n`` by :func:`rank` and build the rows.

    Records whose id is in ``exclude`` (already reviewed) are left out of the pool;
    unreadable ones are returned in ``errors``. Evidence (``k`` sentences a label) is
    computed for the chosen articles only.
    """
    ids, texts, errors, excluded = [], [], [], 0
    for record in records:
        if record.error:
            errors.append(record)
        elif record.id in exclude:
            excluded += 1
        else:
            ids.append(record.id)
            texts.append(record.text)
    scores = np.array([[t.scores[lab] for lab in LABELS] for t in tagger.tag_many(texts)]).reshape(-1, len(LABELS))
    selection = rank(scores, tagger.thresholds, texts, n)
    taggings = [tagger.tag(texts[i], evidence=True, k=k) for i in selection.order]
    rows = review_rows(ids, texts, taggings, selection)
    return Suggestion(rows, len(texts), excluded, errors, len(selection.near_duplicates))
