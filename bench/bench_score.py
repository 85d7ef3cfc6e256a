"""Benchmark: throughput and memory of `dangjian score` against jieba tokenization alone.

Builds a corpus of N articles from the labelled corpus (repeated and shuffled),
then measures in this one run:
  - the reference: jieba tokenization alone (jieba.lcut, default dictionary), one process;
  - `dangjian score` with --jobs 1 and --jobs <all cores>, for each tokenizer backend
    (a model trained with the other backend is built first, from the same data);
  - peak RSS of the scoring process tree at 1,000 articles and at N articles.
Every figure is printed with its ratio to the reference. Not a test: no asserts.

Usage: python bench/bench_score.py [--n 20000] [--jobs 2]
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


def build_corpus(n: int, path: Path) -> tuple[int, int]:
    texts = [json.loads(line)["text"] for f in sorted((ROOT / "seeds").glob("*.jsonl"))
             for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(0)
    chosen = [rng.choice(texts) for _ in range(n)]
    with path.open("w", encoding="utf-8") as out:
        for i, text in enumerate(chosen):
            out.write(json.dumps({"id": f"a{i:06d}", "text": text}, ensure_ascii=False) + "\n")
    return n, sum(len(t.encode("utf-8")) for t in chosen)


def jieba_reference(path: Path) -> float:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    start = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
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


def run_score(inputs: Path, model: Path, jobs: int) -> tuple[float, float]:
    """Seconds and peak tree RSS (MB) of one `dangjian score` run."""
    exe = shutil.which("dangjian", path=str(Path(sys.executable).parent)) or "dangjian"
    start = time.perf_counter()
    proc = subprocess.Popen([exe, "score", str(inputs), "--model", str(model), "--jobs", str(jobs),
                             "-o", os.devnull], stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 3):
        raise SystemExit(f"dangjian score failed with exit status {proc.returncode}")
    return seconds, peak / 1024


def other_backend_model(default: Path, workdir: Path) -> dict[str, Path]:
    card = json.loads((default / "card.json").read_text(encoding="utf-8"))
    shipped = card["tokenizer"]["backend"]
    other = "jieba" if shipped == "rjieba" else "rjieba"
    out = workdir / f"model-{other}"
    exe = shutil.which("dangjian", path=str(Path(sys.executable).parent)) or "dangjian"
    data = sorted(str(p) for p in (ROOT / "seeds").glob("*.jsonl"))
    subprocess.run([exe, "train", "--data", *data, "--tokenizer", other, "-o", str(out)],
                   check=True, stderr=subprocess.DEVNULL)
    return {shipped: default, other: out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    from dangjian.model.store import DEFAULT_MODEL_DIR

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus, small = tmp / "corpus.jsonl", tmp / "small.jsonl"
        n, size = build_corpus(args.n, corpus)
        build_corpus(1000, small)
        print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; corpus: {n} articles, "
              f"{size / 1e6:.1f} MB UTF-8")
        ref = jieba_reference(corpus)
        print(f"\n{'run':38} {'articles/s':>11} {'MB/s':>7} {'× ref':>6}")
        print(f"{'jieba tokenization alone, 1 process':38} {n / ref:11.1f} {size / 1e6 / ref:7.2f} {1.0:6.2f}")
        models = other_backend_model(DEFAULT_MODEL_DIR, tmp)
        rss = {}
        for backend in ("jieba", "rjieba"):
            for jobs in sorted({1, args.jobs}):
                seconds, peak = run_score(corpus, models[backend], jobs)
                print(f"{f'dangjian score, {backend}, --jobs {jobs}':38} {n / seconds:11.1f} "
                      f"{size / 1e6 / seconds:7.2f} {ref / seconds:6.2f}")
                rss[(backend, jobs, n)] = peak
        for backend in ("jieba", "rjieba"):
            _, peak_small = run_score(small, models[backend], args.jobs)
            peak_n = rss[(backend, args.jobs, n)]
            print(f"\npeak RSS, {backend}, --jobs {args.jobs}: {peak_small:.0f} MB at 1,000 articles, "
                  f"{peak_n:.0f} MB at {n:,} ({peak_n / peak_small:.2f}×)")


if __name__ == "__main__":
    main()
