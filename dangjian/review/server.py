"""Fill a review database with scored articles in suggested order, and serve the page on 127.0.0.1."""
from __future__ import annotations

import sys
from typing import Callable, Iterable

import numpy as np

from ..model.labels import LABELS
from .store import ReviewStore

__all__ = ["load_articles", "serve", "HOST"]

HOST = "127.0.0.1"  # the page is for this machine only


def load_articles(store: ReviewStore, records: Iterable, tagger, order: str = "suggest") -> tuple[int, list]:
    """Score readable records and put them in ``store`` in review order; return ``(articles, error records)``.

    ``order`` is ``suggest`` (:func:`dangjian.suggest.review_order`) or ``input``.
    """
    from ..suggest import priority, review_order

    ids, texts, errors, seen = [], [], [], set()
    for record in records:
        if record.error:
            errors.append(record)
        elif record.id not in seen:
            seen.add(record.id)
            ids.append(record.id)
            texts.append(record.text)
    taggings = list(tagger.tag_many(texts))
    scores = np.array([[t.scores[lab] for lab in LABELS] for t in taggings]).reshape(-1, len(LABELS))
    prio = priority(scores, tagger.thresholds)
    indices = review_order(scores, tagger.thresholds, texts) if order == "suggest" else range(len(texts))
    store.add_articles({"id": ids[i], "text": texts[i], "predicted": taggings[i].labels,
                        "scores": taggings[i].scores, "priority": float(prio[i])} for i in indices)
    return len(texts), errors


def serve(store: ReviewStore, tagger, coder: str | None = None, port: int = 0,
          announce: Callable[[str], None] | None = None) -> None:
    """Serve the review page on ``HOST:port`` (0: a free port) until interrupted; ``announce`` gets the URL."""
    import logging

    from werkzeug.serving import make_server

    from .app import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request; errors still show

    server = make_server(HOST, port, create_app(store, tagger, coder), threaded=True)
    url = f"http://{HOST}:{server.server_port}/"
    (announce or (lambda u: print(u, flush=True, file=sys.stdout)))(url)
    try:
        server.serve_forever()
    finally:
        server.server_close()
