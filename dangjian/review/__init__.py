"""``dangjian review``: a local web page to label articles one at a time, every decision in SQLite.

:mod:`.store` keeps articles and decisions (:class:`ReviewStore`); :mod:`.app` is the
Flask application; :mod:`.codebook` the label definitions shown beside the toggles.
"""
from .store import ReviewStore

__all__ = ["ReviewStore"]
