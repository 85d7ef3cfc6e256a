"""Batch scoring: records in, rows out, in input order, on one or many processes.

Workers each load the model once. At most a few batches per worker are in
flight at any time, so memory stays bounded however many records stream in.
The Dask engine (``dangjian.dask_engine``) reuses :func:`score_batch` and
:func:`ordered_results`.
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from typing import Callable, Iterable, Iterator

from .inputs import Record
from .model.tagger import DEFAULT_BATCH_SIZE

__all__ = ["score_batch", "ordered_results", "score_records", "batches", "DEFAULT_BATCH_SIZE"]


_WORKER_TAGGER = None


def batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch


def score_batch(tagger, batch: list[Record], threshold: float | None = None, evidence: bool = False) -> list[dict]:
    """Output rows for one batch: scored records, or the record's error."""
    texts = [r.text for r in batch if r.error is None]
    results = iter(tagger.tag_many(texts, batch_size=max(1, len(texts)), threshold=threshold, evidence=evidence))
    rows = []
    for record in batch:
        row = {"id": record.id}
        if record.error is None:
            row.update(next(results).to_dict())
        else:
            row["error"] = record.error
        if record.encoding:
            row["encoding"] = record.encoding
        rows.append(row)
    return rows


def ordered_results(submit: Callable, work: Iterable, window: int) -> Iterator:
    """Submit work items, at most ``window`` in flight, and yield their results in input order."""
    pending: deque = deque()
    for item in work:
        pending.append(submit(item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _init_worker(model_dir) -> None:
    global _WORKER_TAGGER
    if _WORKER_TAGGER is not None:  # inherited from the parent through fork
        return
    import warnings

    from .model.tagger import Tagger

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the parent process already reported version warnings
        _WORKER_TAGGER = Tagger.load(model_dir)


def _worker_batch(batch: list[Record], threshold, evidence) -> list[dict]:
    return score_batch(_WORKER_TAGGER, batch, threshold, evidence)


def score_records(records: Iterable[Record], tagger, *, model_dir=None, jobs: int = 1,
                  batch_size: int = DEFAULT_BATCH_SIZE, threshold: float | None = None,
                  evidence: bool = False) -> Iterator[dict]:
    """Rows for all records, in order; ``jobs > 1`` scores in that many processes."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        for batch in batches(records, batch_size):
            yield from score_batch(tagger, batch, threshold, evidence)
        return
    global _WORKER_TAGGER
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:  # workers inherit the loaded model instead of loading it again
        _WORKER_TAGGER, context = tagger, multiprocessing.get_context("fork")
    else:  # pragma: no cover - platforms without fork load the model in each worker
        context = multiprocessing.get_context()
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(model_dir,)) as pool:
        submit = lambda batch: pool.submit(_worker_batch, batch, threshold, evidence)  # noqa: E731
        for rows in ordered_results(submit, batches(records, batch_size), window=jobs * 3):
            yield from rows
