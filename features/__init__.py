"""Text → features: normalization, jieba tokenization, TF-IDF (see each module).

``normalize`` and ``Tokenizer`` are what scoring needs; the scikit-learn TF-IDF
pieces (``TextPreparer``, ``word_vectorizer``, ``char_vectorizer``) are for
training and are imported only when asked for, so scoring never loads scikit-learn.
"""
from .normalize import normalize
from .tokenize import Tokenizer

__all__ = ["normalize", "Tokenizer", "TextPreparer", "word_vectorizer", "char_vectorizer", "NORMALIZED", "TOKENS"]


def __getattr__(name: str):
    if name in ("TextPreparer", "word_vectorizer", "char_vectorizer", "NORMALIZED", "TOKENS", "join_tokens"):
        from . import vectorize

        return getattr(vectorize, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
