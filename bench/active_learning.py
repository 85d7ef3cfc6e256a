"""Does reviewing the articles `dangjian suggest` picks help more than reviewing random ones?

A simulated user: realdev (``../shared/realdev/realdev.jsonl``, real pages) plays the
user's own corpus. It is split into K folds; for each fold the other folds are the
unlabelled pool and the fold itself is held out. From the pool, the first B articles
in ``suggest``'s order (the order ``dangjian review`` serves; computed with a model
trained on the shipped data) or B random ones are "reviewed" (their gold labels
revealed) and a model is trained on the shipped data plus them, then scored on the
held-out fold. Out-of-fold predictions of all K folds are pooled into one macro-F1
(and micro-F1) per strategy, budget and seed; the table gives mean, standard
deviation, min and max over seeds. Budget 0 is the shipped data alone.

This is the ONE place realdev labels feed training: throwaway models inside this
simulation. The shipped model never trains on realdev, and nothing is saved.

To keep the run to minutes on 2 cores, models use ``TrainConfig(folds=3, cv_repeats=1)`` (per-label
thresholds from one 3-fold cross-validation instead of three 5-fold ones) and (seed, fold) tasks run
in 2 processes.

    python bench/active_learning.py                      # 5 folds, seeds 0-4, budgets 25 50 100
    python bench/active_learning.py --seeds 3 --plot bench/active_learning.png
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REALDEV = ROOT.parent / "shared" / "realdev"


def _url_key(url: str) -> str:
    """sha256 of the URL lowercased, scheme and trailing '/' removed (realdev README)."""
    key = url.strip().lower()
    for scheme in ("http://", "https://"):
        key = key.removeprefix(scheme)
    return hashlib.sha256(key.rstrip("/").encode("utf-8")).hexdigest()


def load_realdev(folder: Path = REALDEV) -> list[dict]:
    """The realdev records, leaving out any page whose URL is reserved for blind evaluation."""
    reserved_file = folder / "reserved-urls.sha256"
    reserved = set(reserved_file.read_text().split()) if reserved_file.is_file() else set()
    records = [json.loads(line) for line in (folder / "realdev.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    return [r for r in records if _url_key(r.get("url", "")) not in reserved]


def _predict(tagger, records: list[dict]) -> list[list[str]]:
    return [t.labels for t in tagger.tag_many(r["text"] for r in records)]


def _fold_task(pool: list[dict], test: list[dict], shipped: list[dict], base, budgets: list[int], seed: int,
               fold: int, config) -> dict:
    """Labels predicted for the held-out fold, per (strategy, budget); ``base`` is trained on ``shipped``."""
    from dangjian.model.labels import LABELS
    from dangjian.suggest import review_order
    from dangjian.training_data import fit_tagger

    scores = np.array([[t.scores[lab] for lab in LABELS] for t in base.tag_many(r["text"] for r in pool)])
    orders = {
        "suggest": review_order(scores, base.thresholds, [r["text"] for r in pool], diverse=max(budgets)),
        "random": list(np.random.default_rng([seed, fold]).permutation(len(pool))),
    }
    out = {("none", 0): _predict(base, test)}
    for strategy, order in orders.items():
        for budget in budgets:
            reviewed = [pool[i] for i in order[:budget]]
            out[(strategy, budget)] = _predict(fit_tagger(shipped + reviewed, config), test)
    return out


def simulate(corpus: list[dict], shipped: list[dict], budgets=(25, 50, 100), seeds=(0, 1, 2), folds: int = 5,
             config=None, jobs: int = 2) -> list[dict]:
    """One row per (strategy, budget, seed): pooled out-of-fold ``macro_f1`` and ``micro_f1``.

    ``corpus`` are the user's labelled articles (their labels revealed only when
    reviewed); ``shipped`` the training data every model gets.
    """
    from joblib import Parallel, delayed
    from sklearn.metrics import f1_score
    from sklearn.model_selection import KFold

    from dangjian.model.data import label_matrix
    from dangjian.model.train import TrainConfig
    from dangjian.training_data import fit_tagger

    config = config or TrainConfig(folds=3, cv_repeats=1)
    budgets = sorted(budgets)
    base = fit_tagger(shipped, config)  # the same for every fold: trained once
    tasks, where = [], []
    for seed in seeds:
        splits = KFold(folds, shuffle=True, random_state=seed).split(np.arange(len(corpus)))
        for fold, (pool_idx, test_idx) in enumerate(splits):
            pool, test = [corpus[i] for i in pool_idx], [corpus[i] for i in test_idx]
            if max(budgets) > len(pool):
                raise ValueError(f"budget {max(budgets)} exceeds the pool of {len(pool)} articles")
            tasks.append(delayed(_fold_task)(pool, test, shipped, base, budgets, seed, fold, config))
            where.append((seed, test_idx))
    results = Parallel(n_jobs=jobs)(tasks)
    y_true = label_matrix(corpus)
    rows = []
    for seed in seeds:
        predicted: dict[tuple, list] = {}
        for (task_seed, test_idx), result in zip(where, results):
            if task_seed != seed:
                continue
            for key, labels in result.items():
                bucket = predicted.setdefault(key, [None] * len(corpus))
                for i, labs in zip(test_idx, labels):
                    bucket[i] = {"labels": labs}
        for (strategy, budget), recs in predicted.items():
            y_pred = label_matrix(recs)
            rows.append({"strategy": strategy, "budget": budget, "seed": seed,
                         "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
                         "micro_f1": float(f1_score(y_true, y_pred, average="micro", zero_division=0))})
    return rows


def summarize(rows: list[dict]) -> list[dict]:
    """Mean, standard deviation, min and max of macro-F1 (and mean micro-F1) per (strategy, budget)."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["budget"], row["strategy"]), []).append(row)
    out = []
    for (budget, strategy), items in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] != "suggest")):
        macro = np.array([r["macro_f1"] for r in items])
        out.append({"budget": budget, "strategy": strategy, "n_seeds": len(items), "macro_mean": macro.mean(),
                    "macro_sd": macro.std(ddof=1) if len(macro) > 1 else 0.0, "macro_min": macro.min(),
                    "macro_max": macro.max(), "micro_mean": float(np.mean([r["micro_f1"] for r in items]))})
    return out


def format_table(summary: list[dict]) -> str:
    lines = [f"{'reviewed':>8}  {'strategy':<20}  {'macro F1':>8}  {'sd':>6}  {'min':>6}  {'max':>6}  {'micro F1':>8}"]
    for s in summary:
        name = "shipped data only" if s["strategy"] == "none" else s["strategy"]
        lines.append(f"{s['budget']:>8}  {name:<20}  {s['macro_mean']:>8.3f}  {s['macro_sd']:>6.3f}  "
                     f"{s['macro_min']:>6.3f}  {s['macro_max']:>6.3f}  {s['micro_mean']:>8.3f}")
    return "\n".join(lines)


def plot(summary: list[dict], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    base = [s for s in summary if s["strategy"] == "none"]
    for strategy, colour in (("suggest", "#8b1a1a"), ("random", "#555555")):
        items = [s for s in summary if s["strategy"] == strategy]
        x = [0] + [s["budget"] for s in items]
        mean = np.array([base[0]["macro_mean"]] + [s["macro_mean"] for s in items])
        sd = np.array([0.0] + [s["macro_sd"] for s in items])
        ax.plot(x, mean, marker="o", color=colour, label=f"{strategy} (mean over seeds)")
        ax.fill_between(x, mean - sd, mean + sd, color=colour, alpha=0.15, label=f"{strategy} ± 1 sd")
    ax.set_xlabel("articles reviewed (labels revealed) from the pool")
    ax.set_ylabel("macro-F1 on the held-out fold")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=5, help="number of seeds (0..N-1)")
    parser.add_argument("--budgets", type=int, nargs="+", default=[25, 50, 100])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--plot", type=Path, default=ROOT / "bench" / "active_learning.png")
    parser.add_argument("--json", type=Path, help="write the per-seed rows here")
    args = parser.parse_args(argv)
    if not (REALDEV / "realdev.jsonl").is_file():
        print(f"no realdev at {REALDEV}: nothing to simulate", file=sys.stderr)
        return 1
    from dangjian.model.data import load_labelled, select_split, shipped_data_files

    corpus = load_realdev()
    shipped = select_split(load_labelled(shipped_data_files()), "train")
    started = time.perf_counter()
    rows = simulate(corpus, shipped, args.budgets, range(args.seeds), args.folds, jobs=args.jobs)
    summary = summarize(rows)
    print(f"realdev as the user's corpus: {len(corpus)} articles, {args.folds}-fold (pool "
          f"{len(corpus) - len(corpus) // args.folds}+), {args.seeds} seeds; every model trained on the "
          f"{len(shipped)} shipped training records plus the reviewed articles; TrainConfig(folds=3, cv_repeats=1)")
    print(format_table(summary))
    print(f"{time.perf_counter() - started:.0f} s")
    plot(summary, args.plot, f"realdev as the user's corpus: {len(corpus)} articles, {args.folds}-fold, "
                             f"{args.seeds} seeds")
    print(f"plot: {args.plot}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
