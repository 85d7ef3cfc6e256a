"""The scoring hot path: a fitted TF-IDF + linear model computed with numpy alone.

Training fits scikit-learn estimators (:mod:`dangjian.model.train`); :mod:`dangjian.model.export`
turns the fitted pipeline into the plain arrays held here. Scoring then needs no
scikit-learn, no scipy and no pickle: a vocabulary lookup, the idf, sublinear TF,
an l2 norm per TF-IDF block, the codebook rule votes, and one dot product per label.
``tests/test_linear.py`` proves the probabilities equal scikit-learn's
``predict_proba`` on the whole corpus within 1e-6.

A batch of texts (:meth:`LinearModel.proba_many`, what ``Tagger.tag_many`` and ``dangjian score``
use) is scored with its numpy work done once for the batch, so a text costs one dictionary lookup
per token and the rule scan in Python; the same tests prove a batch scores each text as it scores alone.

A feature vector is the concatenation of blocks, in this order:

- ``words``: TF-IDF over word n-grams of the token string (``TfidfVectorizer(token_pattern=r"\\S+",
  ngram_range=words.ngrams, sublinear_tf=True, norm="l2")``);
- ``chars`` (optional): TF-IDF over character n-grams of the tokens joined without spaces;
- ``rules``: one 0/1 column per keyword rule (:mod:`dangjian.model.rules`), fired on the normalized text.
"""
from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np

__all__ = ["TfidfBlock", "LinearModel", "sigmoid"]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, stable for large ``|z|`` (as ``scipy.special.expit``): ``exp(-log(1 + e^-z))``."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=np.float64)))


@dataclass
class TfidfBlock:
    """One fitted TF-IDF vectorizer as data.

    ``vocabulary``: n-gram → column within the block; ``idf``: float array (n_terms,);
    ``analyzer``: ``"word"`` (n-grams of space-separated tokens, joined by a space) or
    ``"char"`` (n-grams of the tokens joined without spaces); ``ngrams``: (min_n, max_n).
    """

    analyzer: str
    ngrams: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray

    def __len__(self) -> int:
        return len(self.idf)

    def terms(self, token_string: str | list[str]) -> list[str]:
        """The n-grams of one token string (or its list of tokens), as scikit-learn's analyzer yields them."""
        lo, hi = self.ngrams
        tokens = token_string.split() if isinstance(token_string, str) else token_string
        if self.analyzer == "word":
            grams = list(tokens) if lo == 1 else []
            for n in range(max(2, lo), hi + 1):
                grams.extend(map(" ".join, zip(*(tokens[i:] for i in range(n)))))
            return grams
        text = "".join(tokens)  # the char analyzer reads the tokens joined without spaces (tokens hold none)
        return [text[i:i + n] for n in range(lo, min(hi, len(text)) + 1) for i in range(len(text) - n + 1)]

    def _columns(self, token_string: str | list[str]) -> list[int | None]:
        """The column of every n-gram (``None`` outside the vocabulary), in no particular order."""
        return list(map(self.vocabulary.get, self.terms(token_string)))

    def counts(self, token_string: str | list[str]) -> Counter:
        """Term frequency per column (in-vocabulary n-grams only) of one token string."""
        counts = Counter(self._columns(token_string))
        counts.pop(None, None)
        return counts

    def transform_many(self, token_strings: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The l2-normalized sublinear TF-IDF rows of several token strings, as sparse triplets:
        ``rows``, ``cols`` (int64) and ``values`` (the idf's dtype, float32 as scikit-learn), each (nnz,),
        ordered by row, then column.

        The numpy work is done once for the whole batch. Word 1–2-grams, the default, take the
        fast road of :meth:`_word_counts`; other analyzers count each text's n-grams with a ``Counter``.
        """
        n = len(token_strings)
        if self.analyzer == "word" and self.ngrams == (1, 2):
            rows, cols, tf = self._word_counts(token_strings)
        else:
            counted = [self.counts(tokens) for tokens in token_strings]
            rows = np.repeat(np.arange(n), [len(c) for c in counted])
            cols = np.fromiter((j for c in counted for j in c), dtype=np.int64, count=len(rows))
            tf = np.fromiter((f for c in counted for f in c.values()), dtype=np.int64, count=len(rows))
            order = np.lexsort((cols, rows))
            rows, cols, tf = rows[order], cols[order], tf[order]
        dtype = self.idf.dtype
        values = (np.log(tf.astype(dtype)) + 1) * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n))
        norms[norms == 0] = 1.0
        return rows, cols, values / norms.astype(dtype)[rows]

    def _word_counts(self, token_strings: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(rows, cols, tf)`` of the unigrams and bigrams in the vocabulary, for a batch of token lists.

        Per text, only one dictionary lookup per token (token → token id) is done in Python. Unigram
        columns are then an array lookup, bigram columns a binary search of the pair codes
        ``first id × n_tokens + second id`` among the vocabulary's, and counting is one ``np.unique``.
        """
        token_id, unigram_column, pair_codes, pair_columns = self._word_index()
        n_tokens = len(unigram_column) - 1
        id_lists = [list(map(token_id.get, tokens.split() if isinstance(tokens, str) else tokens, repeat(-1)))
                    for tokens in token_strings]
        lengths = [len(ids) for ids in id_lists]
        ids = np.fromiter(chain.from_iterable(id_lists), dtype=np.int64, count=sum(lengths))
        text_of = np.repeat(np.arange(len(lengths)), lengths)
        unigrams = unigram_column[ids]  # an unknown token (-1) reads the sentinel -1 at the end
        known = unigrams >= 0
        first, second = ids[:-1], ids[1:]
        pairs = (text_of[:-1] == text_of[1:]) & (first >= 0) & (second >= 0)
        codes = first[pairs] * n_tokens + second[pairs]
        at = np.minimum(np.searchsorted(pair_codes, codes), max(len(pair_codes) - 1, 0))
        found = pair_codes[at] == codes if len(pair_codes) else np.zeros(len(codes), dtype=bool)
        rows = np.concatenate([text_of[known], text_of[:-1][pairs][found]])
        cols = np.concatenate([unigrams[known], pair_columns[at[found]]])
        width = len(self.idf)
        cells, tf = np.unique(rows * width + cols, return_counts=True)
        return cells // width, cells % width, tf

    def _word_index(self) -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray]:
        """Built once: token → id over every token of the vocabulary; unigram column by token id
        (-1 for none, plus a trailing -1); the sorted pair codes of the bigrams and their columns."""
        if not hasattr(self, "_words"):
            token_id: dict[str, int] = {}
            unigram_tokens, unigram_columns, pair_first, pair_second, pair_columns = (array("q") for _ in range(5))
            for term, j in self.vocabulary.items():
                first, space, second = term.partition(" ")
                a = token_id.setdefault(first, len(token_id))
                if space:
                    pair_first.append(a)
                    pair_second.append(token_id.setdefault(second, len(token_id)))
                    pair_columns.append(j)
                else:
                    unigram_tokens.append(a)
                    unigram_columns.append(j)
            n_tokens = len(token_id)
            unigram_column = np.full(n_tokens + 1, -1, dtype=np.int64)
            unigram_column[np.frombuffer(unigram_tokens, dtype=np.int64)] = np.frombuffer(unigram_columns, dtype=np.int64)
            codes = np.frombuffer(pair_first, dtype=np.int64) * n_tokens + np.frombuffer(pair_second, dtype=np.int64)
            order = np.argsort(codes)
            self._words = (token_id, unigram_column, codes[order], np.frombuffer(pair_columns, dtype=np.int64)[order])
        return self._words


@dataclass
class LinearModel:
    """Blocks of features and one linear model per label: ``P(label) = sigmoid(x · coef[k] + intercept[k])``.

    ``coef``: (n_labels, n_features) float64; ``intercept``: (n_labels,); ``rule_names``: the rules
    whose votes fill the last ``len(rule_names)`` columns, in order.
    """

    blocks: list[TfidfBlock]
    rule_names: list[str]
    coef: np.ndarray
    intercept: np.ndarray

    def __post_init__(self):
        from .rules import RULES, RuleSet

        by_name = {r.name: r for r in RULES}
        missing = [n for n in self.rule_names if n not in by_name]
        if missing:
            raise ValueError(f"the model uses rules this version does not have: {', '.join(missing)}")
        self._rules = RuleSet([by_name[n] for n in self.rule_names])
        offsets = np.cumsum([0, *map(len, self.blocks)])
        self._offsets = [int(o) for o in offsets]
        self.n_features = self._offsets[-1] + len(self.rule_names)
        if self.coef.shape[1] != self.n_features:
            raise ValueError(f"coef has {self.coef.shape[1]} columns, the blocks and rules give {self.n_features}")
        self._coef_by_feature = np.ascontiguousarray(self.coef.T)  # (n_features, n_labels): one row gather per feature

    def feature_names(self) -> tuple[np.ndarray, np.ndarray]:
        """Once per model: every column's name (an n-gram, or ``rule:NAME``) and whether it is a character n-gram."""
        if not hasattr(self, "_names"):
            names, fragment = [], []
            for block in self.blocks:
                terms = sorted(block.vocabulary, key=block.vocabulary.__getitem__)
                names.extend(terms)
                fragment.extend([block.analyzer == "char"] * len(terms))
            names.extend(f"rule:{n}" for n in self.rule_names)
            fragment.extend([False] * len(self.rule_names))
            self._names = (np.array(names, dtype=object), np.array(fragment, dtype=bool))
        return self._names

    def features(self, clean: str, tokens: str | list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Sparse feature row ``(columns, values)`` of a normalized text and its tokens (a list, or joined by spaces)."""
        _, cols, vals = self.sparse_rows([clean], [tokens])
        return cols, vals

    def sparse_rows(self, cleans: list[str], token_lists: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The feature rows of several texts as sparse triplets ``(rows, cols, values)``, each (nnz,):
        every TF-IDF block, then the rules that fire."""
        rows, cols, vals = [], [], []
        for offset, block in zip(self._offsets, self.blocks):
            r, c, v = block.transform_many(token_lists)
            rows.append(r)
            cols.append(c + offset)
            vals.append(v)
        fired = [self._rules.fired(clean) for clean in cleans]
        rows.append(np.repeat(np.arange(len(cleans)), [len(f) for f in fired]))
        cols.append(np.array([i for f in fired for i in f], dtype=np.int64) + self._offsets[-1])
        vals.append(np.ones(len(rows[-1])))
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)

    def columns(self, clean: str, tokens: str | list[str], rules: list[int] | None = None) -> set[int]:
        """The feature columns a text has (no values): what evidence needs per sentence, cheaply.

        ``rules``: positions of the only rules to try (e.g. those that fired on the whole document);
        default all.
        """
        held = set()
        for offset, block in zip(self._offsets, self.blocks):
            held.update(j + offset for j in block._columns(tokens) if j is not None)
        candidates = self._rules.rules if rules is None else [self._rules.rules[i] for i in rules]
        positions = range(len(self._rules.rules)) if rules is None else rules
        held.update(i + self._offsets[-1] for i, r in zip(positions, candidates) if r.fires(clean))
        return held

    def proba(self, clean: str, tokens: str | list[str]) -> np.ndarray:
        """Per-label probabilities (n_labels,) of the whole text."""
        return self.proba_many([clean], [tokens])[0]

    def decision_many(self, cleans: list[str], token_lists: list) -> np.ndarray:
        """Per-label logits (n_texts, n_labels) of several normalized texts and their tokens.

        ``x · coef[k] + intercept[k]`` for every text, with the numpy work done once per batch:
        each feature's weighted coefficients are added into its text's row with ``np.bincount``.
        """
        rows, cols, vals = self.sparse_rows(cleans, token_lists)
        weighted = self._coef_by_feature[cols] * vals[:, None]  # (nnz, n_labels)
        logits = np.empty((len(cleans), len(self.intercept)))
        for k in range(logits.shape[1]):
            logits[:, k] = np.bincount(rows, weights=weighted[:, k], minlength=len(cleans))
        return logits + self.intercept

    def proba_many(self, cleans: list[str], token_lists: list) -> np.ndarray:
        """Per-label probabilities (n_texts, n_labels) of several texts: :meth:`proba` for a batch."""
        return sigmoid(self.decision_many(cleans, token_lists))
