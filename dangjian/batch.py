"""Batch scoring: records in, rows out, in input order, on one or many processes.

Workers each load the model once. At most a few batches per worker are in
flight at any time, so memory stays bounded however many records stream in.
The Dask engine (``dangjian.dask_engine``) reuses :func:`score_batch` and
:func:`ordered_results`.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
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
        if record.source:
            row["source"] = record.source
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


def _init_worker(tagger, model_dir) -> None:
    """Each worker: the caller's tagger (inherited through fork, or unpickled under spawn), or the
    model at ``model_dir``. Ctrl-C is left to the parent, which stops the workers itself."""
    global _WORKER_TAGGER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if tagger is not None:
        _WORKER_TAGGER = tagger
        return
    import warnings

    from .model.tagger import Tagger

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the parent process already reported version warnings
        _WORKER_TAGGER = Tagger.load(model_dir)


def _worker_batch(batch: list[Record], threshold, evidence) -> list[dict]:
    return score_batch(_WORKER_TAGGER, batch, threshold, evidence)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end the worker processes now (a stopped run does not wait for them)."""
    pool.shutdown(wait=False, cancel_futures=True)
    terminate = getattr(pool, "terminate_workers", None)  # Python >= 3.14
    if terminate is not None:
        terminate()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def score_records(records: Iterable[Record], tagger, *, model_dir=None, jobs: int = 1,
                  batch_size: int = DEFAULT_BATCH_SIZE, threshold: float | None = None,
                  evidence: bool = False) -> Iterator[dict]:
    """Rows for all records, in order; ``jobs > 1`` scores in that many processes (0: one per core).

    Every process scores with ``tagger`` (``model_dir`` is used only when ``tagger`` is None), under
    the fork and the spawn start method alike. When the caller stops consuming (an exception, Ctrl-C,
    SIGTERM, ``close()``), the worker processes are ended at once.
    """
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        if tagger is None:
            from .model.tagger import Tagger

            tagger = Tagger.load(model_dir)
        for batch in batches(records, batch_size):
            yield from score_batch(tagger, batch, threshold, evidence)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    if tagger is not None and "fork" in methods:
        tagger.tag("党建")  # build the tokenizer and converters once, here: forked workers inherit them
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(tagger, model_dir))
    try:
        submit = lambda batch: pool.submit(_worker_batch, batch, threshold, evidence)  # noqa: E731
        for rows in ordered_results(submit, batches(records, batch_size), window=jobs * 3):
            yield from rows
    except BaseException:  # GeneratorExit included: the consumer stopped
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)
