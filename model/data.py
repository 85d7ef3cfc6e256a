"""Labelled data: read and check JSONL records ``{"id", "text", "labels", ...}``."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterable

import numpy as np

from .labels import LABELS

__all__ = ["shipped_data_files", "load_labelled", "label_matrix", "sha256_files", "select_split", "DataError"]


def shipped_data_files() -> list[Path]:
    """The labelled JSONL files installed with the package (``dangjian.seeds``), sorted by name."""
    from importlib import resources

    root = resources.files("dangjian.seeds")
    return sorted((Path(str(p)) for p in root.iterdir() if p.name.endswith(".jsonl")), key=lambda p: p.name)


class DataError(ValueError):
    """A labelled-data file is malformed; the message names file and line."""


def load_labelled(paths: Iterable[str | Path]) -> list[dict]:
    """All records of the given JSONL files, checked: unique ids, text, known labels.

    Bytes are decoded as ``dangjian score`` decodes them (:func:`dangjian.features.decoding.iter_lines`:
    UTF-8/16/32 with a BOM, UTF-8, GB18030, Big5; a BOM at the start of any line is dropped).
    Raises :class:`DataError` naming the file and line of the first bad record, or ``OSError``.
    """
    from ..features.decoding import iter_lines

    records, seen = [], set()
    for path in paths:
        path = Path(path)
        with path.open("rb") as handle:
            for line in iter_lines(handle):
                where = f"{path}:{line.number}"
                if line.error:
                    raise DataError(f"{where}: {line.error}")
                if not line.text.strip():
                    continue
                try:
                    rec = json.loads(line.text)
                except json.JSONDecodeError as exc:
                    raise DataError(f"{where}: invalid JSON ({exc.msg})") from None
                if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                    raise DataError(f"{where}: a record needs a string 'text'")
                labels = rec.get("labels")
                if not isinstance(labels, list) or not set(labels) <= set(LABELS):
                    raise DataError(f"{where}: 'labels' must be a list drawn from {', '.join(LABELS)}")
                rec_id = str(rec.get("id", where))
                if rec_id in seen:
                    raise DataError(f"{where}: duplicate id {rec_id!r}")
                seen.add(rec_id)
                records.append({**rec, "id": rec_id})
    return records


def select_split(records: list[dict], split: str | None) -> list[dict]:
    """Records of one split; records without a ``split`` field count as ``train``.

    ``split=None`` keeps them all.
    """
    if split is None:
        return list(records)
    return [r for r in records if r.get("split", "train") == split]


def label_matrix(records: list[dict]) -> np.ndarray:
    """Binary indicator matrix, one column per label in :data:`LABELS` order."""
    return np.array([[lab in r["labels"] for lab in LABELS] for r in records], dtype=np.int8).reshape(-1, len(LABELS))


def sha256_files(paths: Iterable[str | Path]) -> str:
    """One sha256 over the bytes of the files, in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()
