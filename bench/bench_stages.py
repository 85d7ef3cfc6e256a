"""Benchmark: where one process spends its time per article, stage by stage, with the shipped model.

Builds N excerpt-length articles (300–1,200 characters) from the grounded corpus, as
``bench_score.py`` does, then times each stage of the scoring chain over all of them in this one
process (microseconds per article), and the parts of start-up. Not a test: no asserts.

Usage: python bench/bench_stages.py [--n 5000]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_score import excerpts  # noqa: E402

BATCH = 128  # dangjian.model.tagger.DEFAULT_BATCH_SIZE


def per_article(name: str, func, items, batched: bool = False) -> list:
    """Run ``func`` over ``items`` (one by one, or in batches of BATCH) and print µs per article."""
    start = time.perf_counter()
    if batched:
        out = [func(items[i:i + BATCH]) for i in range(0, len(items), BATCH)]
    else:
        out = [func(item) for item in items]
    print(f"{name:46} {(time.perf_counter() - start) * 1e6 / len(items):8.1f} µs")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000)
    args = parser.parse_args()
    rng = random.Random(0)
    pool = excerpts()
    texts = [rng.choice(pool) for _ in range(args.n)]

    t0 = time.perf_counter()
    from dangjian import Tagger
    t1 = time.perf_counter()
    tagger = Tagger.load()
    t2 = time.perf_counter()
    linear = tagger.linear
    words = linear.blocks[0]
    words._word_index()
    t3 = time.perf_counter()
    tagger.tag("园区成立党建联盟")  # builds the tokenizer (jieba-rs with the domain words) and OpenCC
    t4 = time.perf_counter()
    print(f"start-up: import {t1 - t0:.2f} s, load model {t2 - t1:.2f} s, token-id index {t3 - t2:.2f} s, "
          f"tokenizer and converter {t4 - t3:.2f} s")
    print(f"{args.n} articles, mean {sum(map(len, texts)) / len(texts):.0f} characters\n")

    from dangjian.features.normalize import normalize
    from dangjian.features.tokenize import _segmenter, userdict_path

    print(f"{'stage (one process)':46} {'per article':>11}")
    clean = per_article("normalize", normalize, texts)
    tokens = per_article("tokenize (cut, lower-case, content words)", tagger.tokenizer, clean)
    segment = _segmenter(tagger.tokenizer.backend, userdict_path())
    per_article("  of which jieba-rs cut alone", lambda t: segment(t, True), clean)
    per_article("TF-IDF words, batched", words.transform_many, tokens, batched=True)
    rules = linear._rules
    per_article("rule votes (RuleSet.fired)", rules.fired, clean)
    per_article("  of which gates, one regex scan", rules._scanner.present, clean)
    per_article("  gates, one `in` test each (the old way)", lambda t: {g for g in rules.gates if g in t}, clean)
    pairs = list(zip(clean, tokens))
    per_article("features + model, batched (proba_many)",
                lambda batch: linear.proba_many([c for c, _ in batch], [k for _, k in batch]), pairs, batched=True)
    per_article("features + model, one text at a time (proba)", lambda p: linear.proba(*p), pairs)
    per_article("whole tag_many (normalize → labels)", lambda batch: list(tagger.tag_many(batch)), texts, batched=True)


if __name__ == "__main__":
    main()
