"""Text → features: normalization, jieba tokenization, TF-IDF (see each module)."""
from .normalize import normalize
from .tokenize import Tokenizer
from .vectorize import NORMALIZED, TOKENS, TextPreparer, char_vectorizer, word_vectorizer

__all__ = ["normalize", "Tokenizer", "TextPreparer", "word_vectorizer", "char_vectorizer", "NORMALIZED", "TOKENS"]
