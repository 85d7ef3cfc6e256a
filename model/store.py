"""Persistence: a model directory holds ``model.joblib`` and its ``card.json``.

The card vouches for the artifact with its sha256. A joblib file can run
code when loaded, so :func:`load` refuses any file the card does not vouch for.

A scikit-learn pickle only loads under the minor version that wrote it. A
model directory may therefore carry its training records
(``training-data.jsonl.gz``, also vouched for by the card): under another
minor version, :func:`load` rebuilds the model from them once, into a cache
directory (``$DANGJIAN_CACHE``, else ``~/.cache/dangjian``), instead of
unpickling. The shipped default model carries them, so it works on every
Python and scikit-learn version the package installs with.
"""
from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import os
import platform
import shutil
import tempfile
import warnings
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import joblib

from ..features.tokenize import userdict_path

from .labels import LABELS

if TYPE_CHECKING:
    from .train import TrainedModel

__all__ = ["save", "load", "ModelError", "DEFAULT_MODEL_DIR", "library_versions", "cache_root"]

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "default"
ARTIFACT, CARD, BUNDLE = "model.joblib", "card.json", "training-data.jsonl.gz"
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


def save(trained: "TrainedModel", out_dir: str | Path, *, training_data: dict, extra: dict | None = None,
         records: list[dict] | None = None) -> dict:
    """Write the artifact and its card into ``out_dir``; return the card.

    With ``records`` (the training records), they are bundled beside the
    artifact so that another scikit-learn version can rebuild the model.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    artifact = out / ARTIFACT
    joblib.dump(trained.pipeline, artifact, compress=3)
    if records is not None:
        lines = "".join(json.dumps({k: r[k] for k in ("id", "text", "labels")}, ensure_ascii=False) + "\n"
                        for r in records)
        (out / BUNDLE).write_bytes(gzip.compress(lines.encode("utf-8"), mtime=0))
        training_data = {**training_data, "bundle": {"file": BUNDLE, "sha256": _sha256(out / BUNDLE)}}
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
    sha256 differs from the card's. Under another scikit-learn minor version a
    model with bundled training data is rebuilt once (one warning line); one
    without loads with one warning line.
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
    if _minor(saved) != _minor(running) and card["training_data"].get("bundle"):
        return _rebuilt(model_dir, card, running)
    if saved != running:
        warnings.warn(
            f"model {model_dir} was saved with scikit-learn {saved}, running {running}: "
            f"scores may differ; retrain with `dangjian train`", stacklevel=2,
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's own version warning: reported above
        pipeline = joblib.load(artifact)
    return pipeline, card


def _minor(version: str | None) -> tuple[str, ...]:
    return tuple((version or "").split(".")[:2])


def cache_root() -> Path:
    return Path(os.environ.get("DANGJIAN_CACHE") or Path.home() / ".cache" / "dangjian")


def _rebuilt(model_dir: Path, card: dict, running: str):
    """The model of ``model_dir`` trained anew from its bundled records, cached per scikit-learn version."""
    target = cache_root() / f"{card['artifact']['sha256'][:16]}-sklearn-{running}"
    if (target / CARD).is_file():
        return load(target)
    bundle = model_dir / card["training_data"]["bundle"]["file"]
    if bundle.parent.resolve() != model_dir.resolve() or not bundle.is_file():
        raise ModelError(f"training data bundle {bundle} is missing")
    if _sha256(bundle) != card["training_data"]["bundle"]["sha256"]:
        raise ModelError(f"refusing to use {bundle}: its sha256 does not match the card")
    from .data import label_matrix
    from .train import TrainConfig, train

    warnings.warn(
        f"model {model_dir} was saved with scikit-learn {card['versions'].get('scikit-learn')}; "
        f"building it once for {running} from its training data into {target}", stacklevel=3,
    )
    records = [json.loads(line) for line in gzip.decompress(bundle.read_bytes()).decode("utf-8").splitlines()]
    config = TrainConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in card["config"].items()})
    trained = train([r["text"] for r in records], label_matrix(records), config)
    info = {**card["training_data"], "rebuilt_from": card["artifact"]["sha256"]}
    info.pop("bundle", None)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
        save(trained, staging, training_data=info)
        try:
            staging.rename(target)  # atomic: a concurrent builder may have won; then use theirs
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
        return load(target)
    except OSError:  # no writable cache: use the model from memory this time
        return trained.pipeline, {**card, "thresholds": trained.thresholds}
