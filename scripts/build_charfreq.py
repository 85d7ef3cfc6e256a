"""Build ``features/data/charfreq.txt``: Chinese characters by frequency, for encoding detection.

Source: the word frequencies of jieba's main dictionary (``jieba/dict.txt``, MIT licence), summed
per character. Each character's traditional forms (OpenCC ``s2t``, ``s2tw``, ``s2hk``, character by
character) get the same count, so that Big5 text scores as well as GB text. One line per character,
``CHAR<TAB>COUNT``, most frequent first; the top ``N`` simplified characters and their variants.

Usage: python scripts/build_charfreq.py [N]   (default 8000; run from the repository root)
"""
from __future__ import annotations

import sys
from collections import Counter
from importlib import resources
from pathlib import Path

import opencc


def is_han(ch: str) -> bool:
    cp = ord(ch)
    return 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x323AF


def main(n: int = 8000) -> None:
    counts: Counter[str] = Counter()
    with resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2:
                for ch in parts[0]:
                    if is_han(ch):
                        counts[ch] += int(parts[1])
    top = dict(counts.most_common(n))
    table = dict(top)
    for profile in ("s2t", "s2tw", "s2hk"):
        converter = opencc.OpenCC(profile)
        for ch, count in top.items():
            variant = converter.convert(ch)
            if len(variant) == 1 and variant != ch:
                table[variant] = max(table.get(variant, 0), count)
    out = Path("features/data/charfreq.txt")
    rows = sorted(table.items(), key=lambda item: (-item[1], item[0]))
    out.write_text("".join(f"{ch}\t{count}\n" for ch, count in rows), encoding="utf-8")
    print(f"{out}: {len(rows)} characters ({n} simplified and their traditional forms)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8000)
