"""Training data for ``dangjian train`` and ``check-labels``: labelled JSONL and review sheets, with provenance.

A source is a labelled JSONL file (``{"id", "text", "labels", "split"}``, read by
:func:`dangjian.model.data.load_labelled`) or a review sheet (``.xlsx``/``.csv``, or
``.jsonl`` with a key per label; read by :func:`dangjian.sheets.read_sheet`: the
coder's 0/1 label cells). Each
source is recorded for the model card as ``{"file", "kind", "sha256", "records"}``.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Iterable

from .model.data import DataError, load_labelled, shipped_data_files
from .model.labels import LABELS
from .model.store import sha256_file

__all__ = ["load_sources", "card_entry", "check_trainable", "fit_tagger", "SHEET_SUFFIXES"]

SHEET_SUFFIXES = (".xlsx", ".csv")


def _read(path: Path) -> tuple[list[dict], str]:
    from .sheets import is_sheet, read_sheet, rows_to_records

    if path.suffix.lower() in SHEET_SUFFIXES or is_sheet(path):  # a .jsonl sheet has a column per label
        return rows_to_records(read_sheet(path)), "review sheet"
    return load_labelled([path]), "labelled JSONL"


def load_sources(paths: Iterable[str | Path], with_shipped: bool = False) -> tuple[list[dict], list[dict]]:
    """``(records, sources)`` of the given files, plus the shipped data with ``with_shipped``.

    Each source is ``{"file", "path", "kind", "sha256", "records"}`` (and ``duplicates_dropped``
    where some of its records were already read); :func:`card_entry` drops the path.

    Records keep their fields (``split`` decides train/dev; sheet rows have none, so
    they are trained on). An id found in two sources with the same text and labels is
    kept once; with other text or labels it raises :class:`DataError` naming both.
    """
    files = [(Path(p), None) for p in paths]
    if with_shipped:
        files += [(p, "shipped") for p in shipped_data_files()]
    records: list[dict] = []
    sources: list[dict] = []
    first: dict[str, tuple[dict, str]] = {}
    for path, kind in files:
        if not path.is_file():
            raise DataError(f"{path}: no such file")
        found, read_kind = _read(path)
        kept = 0
        for rec in found:
            earlier = first.get(rec["id"])
            if earlier is not None:
                old, where = earlier
                if old["text"] != rec["text"] or sorted(old["labels"]) != sorted(rec["labels"]):
                    raise DataError(f"{path}: id {rec['id']!r} is also in {where} with other text or labels")
                continue
            first[rec["id"]] = (rec, path.name)
            records.append(rec)
            kept += 1
        sources.append({"file": path.name, "path": str(path), "kind": kind or read_kind, "sha256": sha256_file(path),
                        "records": len(found), **({"duplicates_dropped": len(found) - kept} if kept < len(found) else {})})
    return records, sources


def card_entry(sources: list[dict], n_train: int, n_dev: int) -> dict:
    """The model card's ``training_data``: each source (file name, kind, sha256, record count), the
    split sizes, and ``sha256`` over all files' bytes in order (:func:`dangjian.model.data.sha256_files`,
    as the card has always recorded it). Paths stay off the card: only file names."""
    from .model.data import sha256_files

    return {"files": [s["file"] for s in sources], "sha256": sha256_files([s["path"] for s in sources]),
            "sources": [{k: v for k, v in s.items() if k != "path"} for s in sources],
            "n_train": n_train, "n_dev": n_dev}


def check_trainable(records: list[dict], hint: str = "") -> None:
    """Raise :class:`DataError` unless every label has a positive and a negative record."""
    missing = [lab for lab in LABELS
               if all(lab in r["labels"] for r in records) or not any(lab in r["labels"] for r in records)]
    if missing:
        raise DataError(f"cannot train on {len(records)} records: {', '.join(missing)} need both positive and "
                        f"negative examples{hint}")


def fit_tagger(records: list[dict], config=None):
    """A :class:`dangjian.Tagger` trained on ``records`` (through a temporary model directory)."""
    from .model.data import label_matrix
    from .model.store import save
    from .model.tagger import Tagger
    from .model.train import TrainConfig, train

    trained = train([r["text"] for r in records], label_matrix(records), config or TrainConfig())
    with tempfile.TemporaryDirectory(prefix="dangjian-") as tmp:
        save(trained, tmp, training_data={"files": [], "sha256": "-", "n_train": len(records)})
        return Tagger.load(tmp)
