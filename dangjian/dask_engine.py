"""Scoring over a Dask cluster, with output identical to the local engine.

The model is sent to every worker once (``Client.scatter(..., broadcast=True)``);
batches of records follow as small tasks, at most a few per worker in flight,
and rows come back in input order.

>>> # rows = score_dask(iter_records(["articles/"]), "tcp://scheduler:8786", Tagger.load())
"""
from __future__ import annotations

from typing import Iterable, Iterator

from .batch import DEFAULT_BATCH_SIZE, batches, ordered_results, score_batch
from .inputs import Record

__all__ = ["score_dask"]


def _score_on_worker(tagger, batch: list[Record], threshold, evidence) -> list[dict]:
    return score_batch(tagger, batch, threshold, evidence)


def score_dask(records: Iterable[Record], scheduler, tagger, *, batch_size: int = DEFAULT_BATCH_SIZE,
               threshold: float | None = None, evidence: bool = False) -> Iterator[dict]:
    """Rows for all records, scored on the cluster at ``scheduler`` (an address or a ``Client``)."""
    from distributed import Client

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        model = client.scatter(tagger, broadcast=True, hash=False)

        def submit(batch):
            return client.submit(_score_on_worker, model, batch, threshold, evidence, pure=False)

        for rows in ordered_results(submit, batches(records, batch_size), window=workers * 3):
            yield from rows
    finally:
        if client is not scheduler:
            client.close()
