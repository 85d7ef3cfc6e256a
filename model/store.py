"""Persistence: a model directory holds ``model.joblib`` and its ``card.json``.

The card vouches for the artifact with its sha256. A joblib file can run
code when loaded, so :func:`load` refuses any file the card does not vouch for.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import platform
import warnings
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import joblib

from features.tokenize import userdict_path

from .labels import LABELS

if TYPE_CHECKING:
    from .train import TrainedModel

__all__ = ["save", "load", "ModelError", "DEFAULT_MODEL_DIR", "library_versions"]

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "default"
ARTIFACT, CARD = "model.joblib", "card.json"
CARD_FORMAT = 1


class ModelError(RuntimeError):
    """A model directory cannot be used; the message is one line saying why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for dist in ("scikit-learn", "numpy", "scipy", "joblib", "jieba", "opencc"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "missing"
    return versions


def save(trained: "TrainedModel", out_dir: str | Path, *, training_data: dict, extra: dict | None = None) -> dict:
    """Write the artifact and its card into ``out_dir``; return the card."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    artifact = out / ARTIFACT
    joblib.dump(trained.pipeline, artifact, compress=3)
    config = dataclasses.asdict(trained.config)
    card = {
        "format": CARD_FORMAT,
        "labels": list(LABELS),
        "thresholds": trained.thresholds,
        "tokenizer": {
            "backend": trained.config.tokenizer_backend,
            "userdict_sha256": _sha256(Path(userdict_path())),
        },
        "config": {k: list(v) if isinstance(v, tuple) else v for k, v in config.items()},
        "training_data": training_data,
        "versions": library_versions(),
        "metrics": {"cv": trained.cv_metrics, **(extra or {})},
        "artifact": {"file": ARTIFACT, "sha256": _sha256(artifact)},
    }
    (out / CARD).write_text(json.dumps(card, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return card


def read_card(model_dir: str | Path) -> dict:
    path = Path(model_dir) / CARD
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"no model card at {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"model card {path} is not valid JSON: {exc}") from None
    if card.get("format") != CARD_FORMAT or card.get("labels") != list(LABELS):
        raise ModelError(f"model card {path} is of another format or label set")
    return card


def load(model_dir: str | Path | None = None):
    """Verify and load a model directory; return ``(pipeline, card)``.

    Raises :class:`ModelError` when the card is missing or the artifact's
    sha256 differs from the card's. A model saved under another scikit-learn
    version loads with one warning line.
    """
    model_dir = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    card = read_card(model_dir)
    artifact = model_dir / card["artifact"]["file"]
    if artifact.parent.resolve() != model_dir.resolve():
        raise ModelError(f"model card {model_dir / CARD} points outside its directory")
    if not artifact.is_file():
        raise ModelError(f"model artifact {artifact} is missing")
    actual = _sha256(artifact)
    if actual != card["artifact"]["sha256"]:
        raise ModelError(
            f"refusing to load {artifact}: sha256 {actual[:12]}… does not match the card's "
            f"{card['artifact']['sha256'][:12]}… (file changed or tampered with)"
        )
    saved, running = card["versions"].get("scikit-learn"), library_versions()["scikit-learn"]
    if saved != running:
        warnings.warn(
            f"model {model_dir} was saved with scikit-learn {saved}, running {running}: "
            f"scores may differ; retrain with `dangjian train`", stacklevel=2,
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's own version warning: reported above
        pipeline = joblib.load(artifact)
    return pipeline, card


