"""Persistence: a model directory holds arrays and JSON, never code.

Files of a model directory:

- ``weights.npz``: ``coef`` (n_labels × n_features), ``intercept`` (n_labels,) and one
  ``idf_<block>`` array per TF-IDF block; read with ``numpy.load(allow_pickle=False)``;
- ``vocabulary.json``: per TF-IDF block, its n-grams in column order;
- ``card.json``: labels, thresholds, tokenizer, feature layout (blocks, rule names),
  training data, library versions, metrics, and the sha256 of the two files above.

:func:`load` refuses a directory whose files do not match the card's sha256. Nothing
in it is unpickled, so loading a model file cannot run code (scikit-learn's advice
for models from others: https://scikit-learn.org/stable/model_persistence.html).
"""
from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..features.tokenize import userdict_path
from .labels import LABELS
from .linear import LinearModel, TfidfBlock

if TYPE_CHECKING:
    from .train import TrainedModel

__all__ = ["save", "load", "read_card", "sha256_file", "ModelError", "DEFAULT_MODEL_DIR", "library_versions", "WEIGHTS", "VOCABULARY",
           "CARD"]

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "default"
WEIGHTS, VOCABULARY, CARD = "weights.npz", "vocabulary.json", "card.json"
CARD_FORMAT = 2


class ModelError(RuntimeError):
    """A model directory cannot be used; the message is one line saying why."""


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for dist in ("scikit-learn", "numpy", "scipy", "jieba", "rjieba", "opencc"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "missing"
    return versions


def save(trained: "TrainedModel", out_dir: str | Path, *, training_data: dict, extra: dict | None = None) -> dict:
    """Write ``trained`` (its exported :class:`LinearModel`) into ``out_dir`` with its card; return the card."""
    import dataclasses

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    linear: LinearModel = trained.linear
    names = [f"{b.analyzer}s" for b in linear.blocks]  # "words", "chars"
    arrays = {"coef": linear.coef, "intercept": linear.intercept}
    arrays.update({f"idf_{name}": block.idf for name, block in zip(names, linear.blocks)})
    with (out / WEIGHTS).open("wb") as handle:
        np.savez_compressed(handle, **arrays)
    vocabulary = {name: sorted(block.vocabulary, key=block.vocabulary.__getitem__)
                  for name, block in zip(names, linear.blocks)}
    (out / VOCABULARY).write_text(json.dumps(vocabulary, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    config = dataclasses.asdict(trained.config)
    card = {
        "format": CARD_FORMAT,
        "labels": list(LABELS),
        "thresholds": trained.thresholds,
        "tokenizer": {"backend": trained.config.tokenizer_backend, "userdict_sha256": sha256_file(Path(userdict_path()))},
        "features": {
            "blocks": [{"name": n, "analyzer": b.analyzer, "ngrams": list(b.ngrams)} for n, b in zip(names, linear.blocks)],
            "rules": linear.rule_names,
        },
        "config": {k: list(v) if isinstance(v, tuple) else v for k, v in config.items()},
        "training_data": training_data,
        "versions": library_versions(),
        "metrics": {"cv": trained.cv_metrics, **(extra or {})},
        "files": {WEIGHTS: sha256_file(out / WEIGHTS), VOCABULARY: sha256_file(out / VOCABULARY)},
    }
    (out / CARD).write_text(json.dumps(card, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return card


def read_card(model_dir: str | Path) -> dict:
    """The card of a model directory; :class:`ModelError` if missing, unreadable or of another format."""
    path = Path(model_dir) / CARD
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"no model card at {path}") from None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"model card {path} is not valid JSON: {exc}") from None
    if not isinstance(card, dict) or card.get("format") != CARD_FORMAT or card.get("labels") != list(LABELS):
        raise ModelError(f"model card {path} is of another format or label set (retrain with `dangjian train`)")
    return card


def _verified(model_dir: Path, card: dict, name: str) -> Path:
    path = model_dir / name
    expected = card.get("files", {}).get(name)
    if not expected:
        raise ModelError(f"model card {model_dir / CARD} does not vouch for {name}")
    if not path.is_file():
        raise ModelError(f"model file {path} is missing")
    actual = sha256_file(path)
    if actual != expected:
        raise ModelError(f"refusing to load {path}: sha256 {actual[:12]}… does not match the card's "
                         f"{expected[:12]}… (file changed or tampered with)")
    return path


def load(model_dir: str | Path | None = None) -> tuple[LinearModel, dict]:
    """Verify and load a model directory (default: the shipped model); return ``(linear_model, card)``.

    Raises :class:`ModelError` when the card is missing or of another format, or when a file's
    sha256 differs from the card's. No pickle is read.
    """
    model_dir = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    card = read_card(model_dir)
    weights_path, vocab_path = _verified(model_dir, card, WEIGHTS), _verified(model_dir, card, VOCABULARY)
    try:
        with np.load(weights_path, allow_pickle=False) as weights:
            arrays = {key: weights[key] for key in weights.files}
        vocabulary = json.loads(vocab_path.read_text(encoding="utf-8"))
        blocks = []
        for spec in card["features"]["blocks"]:
            terms = vocabulary[spec["name"]]
            blocks.append(TfidfBlock(spec["analyzer"], tuple(spec["ngrams"]),
                                     {t: j for j, t in enumerate(terms)}, arrays[f"idf_{spec['name']}"]))
        if card["features"].get("passage_window") is not None:
            raise ValueError("it scores passages (passage_window), which this version does not do")
        linear = LinearModel(blocks, list(card["features"]["rules"]), arrays["coef"], arrays["intercept"])
    except (KeyError, ValueError, OSError) as exc:
        raise ModelError(f"model {model_dir} cannot be read: {exc}") from None
    return linear, card
