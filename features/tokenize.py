"""Tokenization: normalized text → list of word tokens (jieba + domain dictionary).

Two backends share one main dictionary and the same user words: ``jieba``
(pure Python, the reference) and ``rjieba`` (jieba-rs, compiled, faster).

The domain user dictionary (``data/userdict.txt``) keeps practice names such as
党建联盟 or 示范岗 whole; the stop-word list (``data/stopwords.txt``) drops
function words. Punctuation, whitespace and bare numbers are dropped too.

>>> tok = Tokenizer()
>>> tok("园区成立党建联盟，推行轮值主席制度")
['园区', '成立', '党建联盟', '推行', '轮值主席', '制度']
"""
from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources

__all__ = ["Tokenizer", "BACKENDS", "load_stopwords", "userdict_path"]


@lru_cache(maxsize=1)
def userdict_path() -> str:
    """Path of the domain user dictionary shipped in ``features/data``."""
    return str(resources.files(__package__) / "data" / "userdict.txt")


@lru_cache(maxsize=1)
def load_stopwords() -> frozenset[str]:
    """The stop words shipped in ``features/data/stopwords.txt``."""
    text = (resources.files(__package__) / "data" / "stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def _user_words(dictionary: str) -> list[tuple[str, int, str | None]]:
    """``(word, freq, tag)`` entries of a jieba-format user dictionary."""
    entries = []
    for line in open(dictionary, encoding="utf-8"):
        parts = line.split()
        if parts:
            entries.append((parts[0], int(parts[1]) if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else None))
    return entries


@lru_cache(maxsize=None)
def _segmenter(backend: str, dictionary: str):
    """A segmenter with the main dictionary plus the user words, built once per process."""
    if backend == "jieba":
        import jieba

        jieba.setLogLevel(logging.WARNING)
        segmenter = jieba.Tokenizer()
        segmenter.load_userdict(dictionary)  # initializes the main dictionary first
        return lambda text, hmm: segmenter.cut(text, HMM=hmm)
    import rjieba  # jieba-rs: the same main dictionary, compiled in

    segmenter = rjieba.Jieba()
    for word, freq, tag in _user_words(dictionary):
        segmenter.add_word(word, freq, tag)
    return lambda text, hmm: segmenter.cut(text, hmm)


BACKENDS = ("jieba", "rjieba")


class _ContentWords(dict):
    """word → is it a content token? Decided once per distinct word (a dict lookup after that).

    A content token is letters or CJK, maybe with digits: not punctuation, space, a bare
    number or a stop word.
    """

    def __init__(self, stop: frozenset[str]):
        super().__init__()
        self.stop = stop

    def __missing__(self, word: str) -> bool:
        keep = word.isalnum() and not word.isdigit() and word not in self.stop
        if len(self) < 1_000_000:  # bounded: a stream of unseen words cannot grow it without end
            self[word] = keep
        return keep


@lru_cache(maxsize=1)
def _content_words() -> _ContentWords:
    return _ContentWords(load_stopwords())


class Tokenizer:
    """Callable that splits normalized Chinese text into content tokens.

    Picklable: the jieba instance is rebuilt (once per process) on first use,
    so a saved model carries only the tokenizer's settings.
    """

    def __init__(self, backend: str = "jieba", hmm: bool = True):
        if backend not in BACKENDS:
            raise ValueError(f"unknown tokenizer backend {backend!r}; expected one of {', '.join(BACKENDS)}")
        self.backend = backend
        self.hmm = hmm

    def __call__(self, text: str) -> list[str]:
        words = _segmenter(self.backend, userdict_path())(text.lower(), self.hmm)
        return list(filter(_content_words().__getitem__, words))

    def __repr__(self) -> str:
        return f"Tokenizer(backend={self.backend!r}, hmm={self.hmm})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Tokenizer) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash(tuple(sorted(vars(self).items())))
