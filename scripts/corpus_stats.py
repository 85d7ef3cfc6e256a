"""Composition and diversity figures of seeds/corpus.jsonl, for seeds/DATASHEET.md.

Usage: python scripts/corpus_stats.py
"""
from __future__ import annotations

import itertools
import json
import statistics
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from drafts import jaccard, shingles  # noqa: E402
LABELS = ("联盟", "孵化站", "示范岗", "轮值主席")


def main() -> None:
    corpus = [json.loads(line) for line in (ROOT / "seeds" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    seeds = [json.loads(line) for line in (ROOT / "seeds" / "seeds.jsonl").read_text(encoding="utf-8").splitlines()]
    n = len(corpus)
    print(f"articles: {n} (+ {len(seeds)} seeds)")
    for split in ("train", "dev"):
        part = [r for r in corpus if r["split"] == split]
        counts = Counter(lab for r in part for lab in r["labels"])
        print(f"{split}: {len(part)}; " + ", ".join(f"{lab} {counts[lab]}" for lab in LABELS)
              + f", no label {sum(not r['labels'] for r in part)}")
    counts = Counter(lab for r in corpus for lab in r["labels"])
    print("positives: " + ", ".join(f"{lab} {counts[lab]}" for lab in LABELS))
    print(f"no label: {sum(not r['labels'] for r in corpus)}, of which hard negatives: "
          f"{sum(r.get('hard_negative', False) for r in corpus)}")
    print("label sets: " + ", ".join(f"{'+'.join(k) or 'none'} {v}" for k, v in
                                     Counter(tuple(r["labels"]) for r in corpus).most_common()))
    rotating = [r for r in corpus if "轮值主席" in r["labels"]]
    print(f"轮值主席 inside a 联盟: {sum('联盟' in r['labels'] for r in rotating)}, outside: "
          f"{sum('联盟' not in r['labels'] for r in rotating)}")
    scripts = Counter(r["script"] for r in corpus)
    print(f"script: traditional {scripts['traditional']} ({scripts['traditional'] / n:.0%}), "
          f"simplified {scripts['simplified']}")
    noisy = [r for r in corpus if r["noise"]]
    print(f"with noise: {len(noisy)} ({len(noisy) / n:.0%}); kinds: "
          + ", ".join(f"{k} {v}" for k, v in Counter(k for r in corpus for k in r["noise"]).most_common()))
    lengths = sorted(len(r["text"]) for r in corpus)
    print(f"length (characters, as stored): min {lengths[0]}, median {statistics.median(lengths):.0f}, "
          f"max {lengths[-1]}; ≥1,000: {sum(x >= 1000 for x in lengths)}")
    print("genres: " + ", ".join(f"{k} {v}" for k, v in Counter(r["genre"] for r in corpus).most_common(12)))
    sets = [shingles(r["text"]) for r in corpus + seeds]
    sims = [jaccard(a, b) for a, b in itertools.combinations(sets, 2)]
    print(f"character 5-gram Jaccard over {len(sims):,} pairs: max {max(sims):.3f}, mean {statistics.fmean(sims):.4f}")


if __name__ == "__main__":
    main()
