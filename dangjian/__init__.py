"""dangjian: tag Chinese articles with party-building (党建) practice patterns.

The package follows the data flow: ``dangjian.features`` (raw text → normalized
text → tokens → TF-IDF), ``dangjian.model`` (training, the model file,
prediction, evidence, evaluation) and, around them, the application in this
folder (command line, input readers, output writers, batch and Dask engines).

>>> from dangjian import Tagger, LABELS
>>> LABELS
('联盟', '孵化站', '示范岗', '轮值主席')
"""
from importlib.metadata import PackageNotFoundError, version

from .model import LABELS, ModelError, Tagger, Tagging

try:
    __version__ = version("dangjian")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0+unknown"

__all__ = ["Tagger", "Tagging", "LABELS", "ModelError", "__version__"]
