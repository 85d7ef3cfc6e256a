"""Parse and check the hand-written corpus drafts in ``seeds/drafts/``.

A draft file holds articles in a plain-text format that is easy to write
by hand (no JSON escaping)::

    === id: b1-001
    labels: 联盟, 示范岗
    genre: 新闻报道
    note: optional one-line reason for a hard case
    ---
    正文第一段……
    正文第二段……

``labels:`` may be empty (an article with no label).

Usage::

    python scripts/drafts.py check seeds/drafts/b1      # counts, lengths, overlaps
"""
from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path

LABELS = ("联盟", "孵化站", "示范岗", "轮值主席")
HEADER = re.compile(r"^=== id:\s*(\S+)\s*$", re.M)


def parse_file(path: Path) -> list[dict]:
    """Return the articles of one draft file as dicts (id, labels, genre, note, text)."""
    raw = path.read_text(encoding="utf-8")
    starts = list(HEADER.finditer(raw))
    records = []
    for m, nxt in itertools.zip_longest(starts, starts[1:]):
        block = raw[m.end(): nxt.start() if nxt else len(raw)]
        head, sep, body = block.partition("\n---\n")
        if not sep:
            raise ValueError(f"{path}: article {m.group(1)} has no '---' line")
        fields = {}
        for line in head.strip().splitlines():
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        labels = [x.strip() for x in re.split(r"[,，、]", fields.get("labels", "")) if x.strip()]
        bad = [x for x in labels if x not in LABELS]
        if bad:
            raise ValueError(f"{path}: article {m.group(1)} has unknown labels {bad}")
        extra = {k: v for k, v in fields.items() if k not in ("labels", "genre", "note")}
        records.append({
            "id": m.group(1),
            "labels": sorted(set(labels), key=LABELS.index),
            "genre": fields.get("genre", ""),
            "note": fields.get("note", ""),
            **extra,
            "text": body.strip(),
        })
    return records


def parse_dir(folder: Path) -> list[dict]:
    """All articles of all ``*.txt`` draft files below ``folder``, in file order."""
    out = []
    for path in sorted(folder.rglob("*.txt")):
        out.extend(parse_file(path))
    return out


def shingles(text: str, n: int = 5) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i:i + n] for i in range(max(0, len(text) - n + 1))}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def check(folder: Path) -> int:
    records = parse_dir(folder)
    problems = 0
    ids = [r["id"] for r in records]
    for dup in {i for i in ids if ids.count(i) > 1}:
        print(f"DUPLICATE ID {dup}")
        problems += 1
    for r in records:
        n = len(r["text"])
        if not 200 <= n <= 3000:
            print(f"LENGTH {r['id']}: {n} characters (must be 200-3000)")
            problems += 1
    counts = {lab: sum(lab in r["labels"] for r in records) for lab in LABELS}
    none = sum(not r["labels"] for r in records)
    print(f"{len(records)} articles; no label: {none}; " +
          "; ".join(f"{k}: {v}" for k, v in counts.items()))
    lengths = sorted(len(r["text"]) for r in records)
    if lengths:
        print(f"length min/median/max: {lengths[0]}/{lengths[len(lengths)//2]}/{lengths[-1]}")
    sh = [shingles(r["text"]) for r in records]
    worst = (0.0, "", "")
    for i, j in itertools.combinations(range(len(records)), 2):
        s = jaccard(sh[i], sh[j])
        if s > worst[0]:
            worst = (s, records[i]["id"], records[j]["id"])
        if s > 0.3:
            print(f"TOO SIMILAR {records[i]['id']} ~ {records[j]['id']}: {s:.2f}")
            problems += 1
    print(f"max 5-gram Jaccard: {worst[0]:.3f} ({worst[1]} ~ {worst[2]})")
    print("OK" if not problems else f"{problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "check":
        sys.exit(__doc__)
    sys.exit(check(Path(sys.argv[2])))
