"""Build ``features/data/radicals.txt``: Kangxi and CJK radical-supplement code points → unified ideographs.

Source: the Unicode Character Database's ``EquivalentUnifiedIdeograph.txt`` (Debian package
``unicode-data``: /usr/share/unicode/), restricted to the blocks CJK Radicals Supplement
(U+2E80–U+2EFF) and Kangxi Radicals (U+2F00–U+2FDF). One line per code point: ``RADICAL<TAB>IDEOGRAPH``.

Usage: python scripts/build_radicals.py [PATH]   (run from the repository root)
"""
from __future__ import annotations

import sys
from pathlib import Path


def main(source: str = "/usr/share/unicode/EquivalentUnifiedIdeograph.txt") -> None:
    pairs = []
    for line in Path(source).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        left, right = (part.strip() for part in line.split(";"))
        first, _, last = left.partition("..")
        for cp in range(int(first, 16), int(last or first, 16) + 1):
            if 0x2E80 <= cp <= 0x2FDF:
                pairs.append((chr(cp), chr(int(right, 16))))
    out = Path("features/data/radicals.txt")
    out.write_text("".join(f"{a}\t{b}\n" for a, b in pairs), encoding="utf-8")
    print(f"{out}: {len(pairs)} radicals")


if __name__ == "__main__":
    main(*sys.argv[1:])
