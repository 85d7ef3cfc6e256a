"""Benchmark: throughput, start-up and memory of `dangjian score`, against jieba tokenization alone.

Builds N excerpt-length articles (300–1,200 characters) from the grounded corpus
(real-like pages; repeated and shuffled), then measures, all in this one run:
  - the reference: jieba tokenization alone (``jieba.lcut``, default dictionary), one process;
  - the floor: OpenCC t2s + rjieba tokenization alone, one process (no features, no model);
  - `dangjian score` with --jobs 1 and --jobs 2 (whole-command wall time, start-up included);
  - start-up alone: `dangjian score` of one short article;
  - peak RSS of the scoring process tree at 1,000 articles and at N articles (--jobs 2).
Every figure is printed with its ratio to the reference. Not a test: no asserts.

Usage: python bench/bench_score.py [--n 20000]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def excerpts() -> list[str]:
    records = [json.loads(line) for line in (ROOT / "seeds" / "grounded.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r["text"] for r in records if 300 <= len(r["text"]) <= 1200]


def build_corpus(texts: list[str], n: int, path: Path) -> int:
    rng = random.Random(0)
    chosen = [rng.choice(texts) for _ in range(n)]
    with path.open("w", encoding="utf-8") as out:
        for i, text in enumerate(chosen):
            out.write(json.dumps({"id": f"a{i:06d}", "text": text}, ensure_ascii=False) + "\n")
    return sum(len(t.encode("utf-8")) for t in chosen)


def _texts(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.open(encoding="utf-8")]


def jieba_reference(path: Path) -> float:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    texts = _texts(path)
    start = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    return time.perf_counter() - start


def floor(path: Path) -> float:
    """OpenCC t2s + rjieba on every text: the two libraries scoring cannot do without."""
    import opencc
    import rjieba

    converter, segmenter = opencc.OpenCC("t2s"), rjieba.Jieba()
    texts = _texts(path)
    segmenter.cut("预热")
    start = time.perf_counter()
    for text in texts:
        segmenter.cut(converter.convert(text), True)
    return time.perf_counter() - start


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (OSError, StopIteration):
            continue
    return total


def run_score(inputs: Path, jobs: int, out: Path) -> tuple[float, float]:
    """Seconds and peak tree RSS (MB) of one `dangjian score` run with the shipped model."""
    exe = shutil.which("dangjian", path=str(Path(sys.executable).parent)) or "dangjian"
    start = time.perf_counter()
    proc = subprocess.Popen([exe, "score", str(inputs), "--jobs", str(jobs), "-o", str(out)],
                            stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 3):
        raise SystemExit(f"dangjian score failed with exit status {proc.returncode}")
    return seconds, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    texts = excerpts()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus, small, one = tmp / "corpus.jsonl", tmp / "small.jsonl", tmp / "one.jsonl"
        size = build_corpus(texts, args.n, corpus)
        build_corpus(texts, 1000, small)
        one.write_text(json.dumps({"id": "x", "text": "园区成立党建联盟。"}, ensure_ascii=False) + "\n", encoding="utf-8")
        n = args.n
        print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; corpus: {n} excerpts "
              f"from {len(texts)} grounded texts, {size / 1e6:.1f} MB UTF-8")
        ref = jieba_reference(corpus)
        rows = [("jieba tokenization alone, 1 process", ref)]
        rows.append(("OpenCC + rjieba alone, 1 process (floor)", floor(corpus)))
        peaks = {}
        for jobs in (1, 2):
            seconds, peaks[jobs] = run_score(corpus, jobs, tmp / "out.jsonl")
            rows.append((f"dangjian score --jobs {jobs}", seconds))
        startup, _ = run_score(one, 1, tmp / "one-out.jsonl")
        print(f"\n{'run':42} {'articles/s':>11} {'MB/s':>7} {'× jieba':>8}")
        for name, seconds in rows:
            print(f"{name:42} {n / seconds:11.1f} {size / 1e6 / seconds:7.2f} {ref / seconds:8.2f}")
        print(f"\nstart-up alone (`dangjian score` of one article): {startup:.2f} s")
        _, peak_small = run_score(small, 2, tmp / "small-out.jsonl")
        print(f"peak RSS, --jobs 2: {peak_small:.0f} MB at 1,000 articles, {peaks[2]:.0f} MB at {n:,} "
              f"({peaks[2] / peak_small:.2f}×)")


if __name__ == "__main__":
    main()
