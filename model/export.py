"""Fitted scikit-learn pipeline → :class:`~dangjian.model.linear.LinearModel` (plain arrays).

The training side of the model file: scoring never imports this module.
"""
from __future__ import annotations

import numpy as np

from .linear import LinearModel, TfidfBlock

__all__ = ["export_pipeline"]


def _block(vectorizer) -> TfidfBlock:
    vocabulary = {term: int(j) for term, j in vectorizer.vocabulary_.items()}
    return TfidfBlock(vectorizer.analyzer, tuple(vectorizer.ngram_range), vocabulary, vectorizer.idf_.copy())


def export_pipeline(pipeline) -> LinearModel:
    """The arrays of a fitted ``prepare → features → clf`` pipeline (see :mod:`dangjian.model.train`).

    Raises ``ValueError`` for a pipeline of another shape (other transformers or classifier).
    """
    features, clf = pipeline.named_steps["features"], pipeline.named_steps["clf"]
    blocks, rule_names = [], []
    for name, transformer, _column in features.transformers_:
        if name in ("words", "chars"):
            blocks.append(_block(transformer))
        elif name == "rules":
            rule_names = [n.split(":", 1)[1] for n in transformer.get_feature_names_out()]
        elif name != "remainder":
            raise ValueError(f"cannot export feature block {name!r}")
    names = [n for n, *_ in features.transformers_ if n != "remainder"]
    if names != [n for n in ("words", "chars", "rules") if n in names]:
        raise ValueError(f"feature blocks must come in the order words, chars, rules; got {names}")
    coef = np.vstack([np.ravel(est.coef_) for est in clf.estimators_]).astype(np.float64)
    intercept = np.array([float(np.ravel(est.intercept_)[0]) for est in clf.estimators_])
    return LinearModel(blocks, rule_names, coef, intercept)
