"""Features: raw texts → (normalized text, token string) columns → TF-IDF vectorizers.

:class:`TextPreparer` is the stateless step: it normalizes each text and
tokenizes it, giving a two-column array (``NORMALIZED``, ``TOKENS``). The
learned steps are scikit-learn's :class:`TfidfVectorizer` over the token
column (:func:`word_vectorizer`, :func:`char_vectorizer`). Keeping the
stateless step apart lets training tokenize a corpus once and cross-validate
only the learned steps.

>>> TextPreparer().transform(["黨建聯盟成立。"]).tolist()
[['党建联盟成立。', '党建联盟 成立']]
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from .normalize import normalize
from .tokenize import Tokenizer

__all__ = ["TextPreparer", "word_vectorizer", "char_vectorizer", "join_tokens", "NORMALIZED", "TOKENS"]

NORMALIZED, TOKENS = 0, 1  # the columns TextPreparer emits


class TextPreparer(TransformerMixin, BaseEstimator):
    """Stateless transformer: raw texts → rows of (normalized text, tokens joined by spaces)."""

    def __init__(self, tokenizer: Tokenizer | None = None):
        self.tokenizer = tokenizer

    def fit(self, X, y=None):
        return self

    def transform(self, X) -> np.ndarray:
        tokenizer = self.tokenizer or Tokenizer()
        rows = []
        for text in X:
            clean = normalize(text)
            rows.append((clean, " ".join(tokenizer(clean))))
        return np.array(rows, dtype=object).reshape(-1, 2)


def join_tokens(token_string: str) -> str:
    """Drop the spaces between tokens, for character n-grams across word boundaries."""
    return token_string.replace(" ", "")


def word_vectorizer(ngrams=(1, 2), min_df=2) -> TfidfVectorizer:
    """TF-IDF over word n-grams of a token string; sublinear TF so repetition does not dominate."""
    return TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=ngrams,
                           min_df=min_df, sublinear_tf=True, dtype=np.float32)


def char_vectorizer(ngrams=(2, 3), min_df=2) -> TfidfVectorizer:
    """TF-IDF over character n-grams of the tokens: 示范岗 inside 党员示范岗 still counts."""
    return TfidfVectorizer(analyzer="char", preprocessor=join_tokens, lowercase=False, ngram_range=ngrams,
                           min_df=min_df, sublinear_tf=True, dtype=np.float32)
