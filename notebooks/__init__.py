"""The evaluation notebook (``evaluation.ipynb``), installed with the package for ``dangjian report``."""
