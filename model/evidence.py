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

from ..features.normalize import INJECTED_PINYIN, fold_char, to_simplified

from .labels import LABELS

__all__ = ["Sentence", "LabelEvidence", "split_sentences", "explain", "locate_term", "marked_spans"]

# A sentence ends after 。！？； or a line break; after ASCII ! ? ; only before space or end
# (a '?!' inside a word is broken-byte debris, not the end of a sentence). The lookbehind makes the
# ASCII alternative try each run of marks once, from its start: matching stays linear in the text.
_SENTENCE_END = re.compile(r"[。！？；]+[”’」』）)]*|(?<![!?;])[!?;]+(?=\s|$)|\n")
# Sentences are cut to at most this many characters (a page whose punctuation was stripped is one
# line of any length), preferably after a comma-like mark or a space in their second half.
MAX_SENTENCE_CHARS = 200
_SOFT_BREAKS = frozenset("，,、：:；; \t\u3000")
_WRAP_SPACE = frozenset(" \t\r\u3000")


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


def _is_han(ch: str) -> bool:
    cp = ord(ch)
    return 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x323AF


def _hard_wrap(text: str, pos: int) -> bool:
    """Is the line break at ``pos`` a hard wrap: Han characters on both sides (a few spaces aside)?"""
    before, after = pos - 1, pos + 1
    while before >= 0 and pos - before <= 8 and text[before] in _WRAP_SPACE:
        before -= 1
    while after < len(text) and after - pos <= 8 and text[after] in _WRAP_SPACE:
        after += 1
    return before >= 0 and after < len(text) and _is_han(text[before]) and _is_han(text[after])


def _bounded(text: str, start: int, end: int, limit: int):
    """``(start, end)`` pieces of a trimmed span, each at most ``limit`` characters, whitespace-trimmed."""
    while end - start > limit:
        cut = start + limit
        for i in range(start + limit - 1, start + limit // 2 - 1, -1):  # the last soft break in the second half
            if text[i] in _SOFT_BREAKS:
                cut = i + 1
                break
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_end > start:
            yield start, piece_end
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        yield start, end


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the non-blank sentences of ``text``, trimmed of whitespace.

    A line break between two Han characters is a hard wrap (PDF export), not a sentence end. A
    sentence longer than ``max_chars`` is cut into pieces of at most ``max_chars`` characters. Time
    is linear in ``len(text)``.

    >>> t = "第一句。 第二句！\\n第三句"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['第一句。', '第二句！', '第三句']
    >>> t = "成立产业链党建联\\n盟。"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['成立产业链党建联\\n盟。']
    """
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.group() == "\n" and _hard_wrap(text, match.start()):
            continue
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
            out.extend(_bounded(text, s, e, max_chars))
    return out


MIN_SHARE = 0.1  # a sentence is evidence when it adds at least this fraction of the best sentence's share


def explain(tagger, text: str, labels: list[str], k: int = 3, n_features: int = 8,
            prepared: tuple[str, list[str]] | None = None) -> dict[str, LabelEvidence]:
    """Evidence for each label in ``labels``: the top-``k`` sentences that raise its logit, and its top features.

    ``tagger``: a :class:`~dangjian.model.tagger.Tagger`; ``prepared``: ``tagger.prepare(text)`` when
    the caller has it already. A sentence's weight is its share of the
    label's logit (see the module docstring); only sentences that raise it are returned: a positive
    share of at least ``MIN_SHARE`` times the best sentence's.
    """
    spans = split_sentences(text)
    if not labels or not spans:
        return {lab: LabelEvidence(lab) for lab in labels}
    linear = tagger.linear
    cols, vals = linear.features(*(prepared or tagger.prepare(text)))  # the features the document has
    position = {int(c): j for j, c in enumerate(cols)}
    held_by = []  # per sentence: positions (into cols) of the document features it contains
    rule_base = linear.n_features - len(linear.rule_names)
    doc_rules = [int(c) - rule_base for c in cols if c >= rule_base]  # a sentence can only hold the document's
    for s, e in spans:
        held = linear.columns(*tagger.prepare(text[s:e]), rules=doc_rules) & position.keys()
        held_by.append(np.array(sorted(position[c] for c in held), dtype=np.int64))
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
        ch = fold_char(ch)  # invisibles dropped, radicals and full-width ASCII folded as normalize() does
        if i in skip or not ch or ch.isspace():
            continue
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
