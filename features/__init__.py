"""Text → features: normalization, jieba tokenization, TF-IDF (see each module)."""
from .normalize import normalize
from .tokenize import Tokenizer
from .vectorize import TextPreparer, make_vectorizer

__all__ = ["normalize", "Tokenizer", "TextPreparer", "make_vectorizer"]
