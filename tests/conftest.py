"""Shared fixtures: paths and a small model trained once per test session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def seed_records() -> list[dict]:
    return read_jsonl(SEEDS / "seeds.jsonl")


@pytest.fixture(scope="session")
def small_corpus(seed_records) -> list[dict]:
    """Seeds plus up to 120 corpus articles: enough for every label to have positives."""
    corpus = SEEDS / "corpus.jsonl"
    extra = read_jsonl(corpus)[::5][:120] if corpus.exists() else []
    return seed_records + extra


@pytest.fixture(scope="session")
def small_model_dir(tmp_path_factory, small_corpus) -> Path:
    """A model trained on the small corpus and saved with its card."""
    from dangjian.model.data import label_matrix
    from dangjian.model.store import save
    from dangjian.model.train import TrainConfig, train

    out = tmp_path_factory.mktemp("model")
    trained = train([r["text"] for r in small_corpus], label_matrix(small_corpus), TrainConfig(folds=3))
    save(trained, out, training_data={"files": ["fixture"], "sha256": "-"})
    return out


def write_articles(path: Path, text: str, n: int) -> None:
    """A JSONL input of ``n`` records ``r0…`` with the same text."""
    path.write_text("".join(json.dumps({"id": f"r{i}", "text": text}, ensure_ascii=False) + "\n" for i in range(n)),
                    encoding="utf-8")


def wait_for_output(part: Path, size: int = 2000, timeout: float = 120) -> None:
    """Wait until a running ``score`` has written ``size`` bytes to its part file (or ``timeout`` seconds pass)."""
    import time

    deadline = time.time() + timeout
    while time.time() < deadline and (not part.exists() or part.stat().st_size < size):
        time.sleep(0.05)
