"""Training, persistence and prediction for the dangjian practice tagger.

>>> from dangjian.model import Tagger, LABELS
>>> LABELS
('联盟', '孵化站', '示范岗', '轮值主席')
"""
from .labels import LABELS
from .store import ModelError
from .tagger import Tagger, Tagging

__all__ = ["Tagger", "Tagging", "LABELS", "ModelError"]
