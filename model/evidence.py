"""Evidence: which sentences and terms carry each predicted label.

The classifier is linear (:mod:`dangjian.model.linear`), so a label's logit is
``b + Σ_j w_j·x_j`` over the document's features. Each feature's term ``w_j·x_j`` is shared equally among
the sentences that contain the feature; a sentence's contribution is the sum
of its shares. Sentences are cut from the ORIGINAL text, so their offsets
point into what the user gave (traditional script, pinyin noise and all).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..features.normalize import INJECTED_PINYIN, to_simplified

from .labels import LABELS

__all__ = ["Sentence", "LabelEvidence", "split_sentences", "explain", "locate_term", "marked_spans"]

# A sentence ends after 。！？； or a line break; after ASCII ! ? ; only before space or end
# (a '?!' inside a word is broken-byte debris, not the end of a sentence).
_SENTENCE_END = re.compile(r"[。！？；]+[”’」』）)]*|[!?;]+(?=\s|$)|\n")


@dataclass(frozen=True)
class Sentence:
    """An evidence sentence: ``text == original[start:end]``; ``terms``: its words and rules by weight."""

    text: str
    start: int
    end: int
    weight: float = 0.0
    terms: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end,
                "weight": round(self.weight, 4), "terms": list(self.terms)}


@dataclass(frozen=True)
class LabelEvidence:
    label: str
    sentences: list[Sentence] = field(default_factory=list)
    features: list[tuple[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"sentences": [s.to_dict() for s in self.sentences],
                "features": [[name, round(w, 4)] for name, w in self.features]}


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the non-blank sentences of ``text``, trimmed of whitespace.

    >>> t = "第一句。 第二句！\\n第三句"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['第一句。', '第二句！', '第三句']
    """
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


MIN_SHARE = 0.1  # a sentence is evidence when it adds at least this fraction of the best sentence's share


def explain(tagger, text: str, labels: list[str], k: int = 3, n_features: int = 8) -> dict[str, LabelEvidence]:
    """Evidence for each label in ``labels``: the top-``k`` sentences that raise its logit, and its top features.

    ``tagger``: a :class:`~dangjian.model.tagger.Tagger`. A sentence's weight is its share of the
    label's logit (see the module docstring); only sentences that raise it are returned: a positive
    share of at least ``MIN_SHARE`` times the best sentence's.
    """
    spans = split_sentences(text)
    if not labels or not spans:
        return {lab: LabelEvidence(lab) for lab in labels}
    linear = tagger.linear
    cols, vals = linear.features(*tagger.prepare(text))  # the features the document has
    position = {int(c): j for j, c in enumerate(cols)}
    held_by = []  # per sentence: positions (into cols) of the document features it contains
    for s, e in spans:
        sentence_cols, _ = linear.features(*tagger.prepare(text[s:e]))
        held_by.append(np.array(sorted({position[c] for c in map(int, sentence_cols) if c in position}), dtype=np.int64))
    holders = np.zeros(len(cols))
    for held in held_by:
        holders[held] += 1
    all_names, all_fragments = linear.feature_names()
    names, is_fragment = all_names[cols], all_fragments[cols]  # is_fragment: a character n-gram
    result = {}
    for label in labels:
        weights = linear.coef[LABELS.index(label), cols] * vals
        share = np.where(holders > 0, weights / np.maximum(holders, 1), 0.0)
        contrib = np.array([share[held].sum() for held in held_by])
        by_weight = [j for j in np.argsort(-weights, kind="stable") if weights[j] > 0]
        sentences = []
        floor = MIN_SHARE * max(float(contrib.max()), 0.0)
        for i in np.argsort(-contrib, kind="stable")[:k]:
            if contrib[i] <= 0 or contrib[i] < floor:
                break
            s, e = spans[i]
            held = set(held_by[i].tolist())
            terms = tuple(dict.fromkeys(str(names[j]) for j in by_weight if j in held and not is_fragment[j]))
            sentences.append(Sentence(text[s:e], s, e, float(contrib[i]), terms[:n_features]))
        features = sorted(((str(names[j]), float(weights[j])) for j in by_weight[:n_features]), key=lambda x: -x[1])
        result[label] = LabelEvidence(label, sentences, features)
    return result


def locate_term(sentence: str, term: str) -> tuple[int, int] | None:
    """Span of ``term`` (simplified, spaces between tokens) in the original ``sentence``.

    The sentence is read character by character in simplified form, skipping
    injected pinyin and whitespace, so a term found there maps back exactly.

    >>> s = "黨建聯(lián)盟成立"
    >>> a, b = locate_term(s, "党建联盟"); s[a:b]
    '黨建聯(lián)盟'
    """
    skip = set()
    for m in INJECTED_PINYIN.finditer(sentence):
        skip.update(range(m.start(), m.end()))
    chars, index = [], []
    for i, ch in enumerate(sentence):
        if i in skip or ch.isspace():
            continue
        if 0xFF01 <= ord(ch) <= 0xFF5E:  # full-width ASCII, folded as normalize() does
            ch = chr(ord(ch) - 0xFEE0)
        simple = to_simplified(ch).lower()
        chars.append(simple if len(simple) == 1 else ch)
        index.append(i)
    pos = "".join(chars).find(term.replace(" ", ""))
    if pos < 0 or not term.strip():
        return None
    return index[pos], index[pos + len(term.replace(" ", "")) - 1] + 1


def marked_spans(sentence: str, terms) -> list[tuple[int, int]]:
    """Disjoint spans of an original sentence to mark: what its rules matched, then its top three words.

    ``terms`` are a :class:`Sentence`'s terms (``rule:NAME`` or a word n-gram).
    """
    from ..features.normalize import normalize

    from .rules import RULES

    by_name = {f"rule:{r.name}": r for r in RULES}
    clean = normalize(sentence)
    wanted = [m.group(0) for t in terms if t in by_name and (m := by_name[t].find(clean))]
    wanted += [t for t in terms if not t.startswith("rule:")][:3]
    found = sorted(filter(None, (locate_term(sentence, t) for t in wanted)), key=lambda s: (s[0], -s[1]))
    spans, last = [], 0
    for start, end in found:  # longest first where two start together; overlaps dropped
        if start >= last:
            spans.append((start, end))
            last = end
    return spans
