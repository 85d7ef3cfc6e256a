"""Features: raw texts → token strings → TF-IDF matrix.

:class:`TextPreparer` is the stateless step (normalize, tokenize, join tokens
with spaces); :func:`make_vectorizer` builds the learned step from
scikit-learn's :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.
Keeping them apart lets training tokenize a corpus once and cross-validate
only the learned steps.

>>> TextPreparer().transform(["黨建聯盟成立"])
['党建联盟 成立']
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from .normalize import normalize
from .tokenize import Tokenizer

__all__ = ["TextPreparer", "make_vectorizer", "join_tokens"]


class TextPreparer(TransformerMixin, BaseEstimator):
    """Stateless transformer: each raw text → its normalized tokens joined by spaces."""

    def __init__(self, tokenizer: Tokenizer | None = None):
        self.tokenizer = tokenizer

    def fit(self, X, y=None):
        return self

    def transform(self, X) -> list[str]:
        tokenizer = self.tokenizer or Tokenizer()
        return [" ".join(tokenizer(normalize(text))) for text in X]


def join_tokens(token_string: str) -> str:
    """Drop the spaces between tokens, for character n-grams across word boundaries."""
    return token_string.replace(" ", "")


def make_vectorizer(word_ngrams=(1, 2), char_ngrams=(2, 3), min_df=2, max_features=None):
    """TF-IDF over word n-grams of the token strings, plus character n-grams when asked.

    Character n-grams let 示范岗 inside 党员示范岗 (one jieba token) still count.
    Sublinear TF keeps one long page from dominating through repetition.
    """
    words = TfidfVectorizer(
        token_pattern=r"\S+", lowercase=False, ngram_range=word_ngrams,
        min_df=min_df, sublinear_tf=True, max_features=max_features, dtype=np.float32,
    )
    if not char_ngrams:
        return words
    chars = TfidfVectorizer(
        analyzer="char", preprocessor=join_tokens, lowercase=False, ngram_range=char_ngrams,
        min_df=min_df, sublinear_tf=True, max_features=max_features, dtype=np.float32,
    )
    return FeatureUnion([("words", words), ("chars", chars)])
