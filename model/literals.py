"""Which of a fixed set of literal strings occur in a text, found in one regex scan.

The rules' gates (:mod:`dangjian.model.rules`) are ~100 short literals looked for in every text.
Testing each with ``in`` costs one pass over the text per literal; :class:`LiteralScanner`
makes one pass of a compiled alternation instead (25 against 48 µs per excerpt-length page,
``python bench/bench_stages.py``), and gives the same answer as ``{s for s in literals if s in text}``
(``tests/test_literals.py``, by hypothesis).

Why one non-overlapping scan finds every literal: the alternation lists longer literals first,
so at each position it takes the longest literal starting there, and resumes after it. A
literal ``s`` occurring at position q is then either

- the one taken at q, or a prefix of it: taken, or in the taken literal's ``inside`` set;
- inside a literal taken at an earlier position: in that literal's ``inside`` set;
- begun inside a literal taken earlier and running past its end (a suffix of the taken
  literal is a prefix of ``s``): in the taken literal's ``straddling`` set, checked with ``in``.

>>> LiteralScanner(["轮值", "轮值主席", "主席国", "联盟"]).present("成立联盟，担任轮值主席国")
{'轮值', '轮值主席', '主席国', '联盟'}
"""
from __future__ import annotations

import re
from typing import Iterable

__all__ = ["LiteralScanner"]


class LiteralScanner:
    """``present(text)``: the set of ``literals`` occurring in ``text`` (empty strings are ignored)."""

    def __init__(self, literals: Iterable[str]):
        self.literals = sorted({s for s in literals if s}, key=lambda s: (-len(s), s))
        self._pattern = re.compile("|".join(map(re.escape, self.literals))) if self.literals else None
        self._inside = {s: frozenset(t for t in self.literals if t in s) for s in self.literals}
        self._straddling = {s: tuple(t for t in self.literals if t not in s and _overhangs(s, t))
                            for s in self.literals}

    def present(self, text: str) -> set[str]:
        """Every literal that occurs in ``text``."""
        if self._pattern is None:
            return set()
        found: set[str] = set()
        for taken in set(self._pattern.findall(text)):
            found |= self._inside[taken]
            found.update(t for t in self._straddling[taken] if t not in found and t in text)
        return found


def _overhangs(s: str, t: str) -> bool:
    """Can ``t`` begin inside ``s`` and run past its end: is a proper suffix of ``s`` a proper prefix of ``t``?"""
    return any(t.startswith(s[i:]) and len(t) > len(s) - i for i in range(1, len(s)))
