"""``dangjian report``: the evaluation notebook run on the user's data and model, written as HTML.

papermill injects the parameters (``data``, ``model``, ``resamples``) below the notebook's cell tagged
``parameters`` and executes it in a Jupyter kernel; nbconvert's ``HTMLExporter`` writes the executed
notebook as one self-contained HTML page (figures embedded). Both come with the ``notebook`` extra.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["ReportError", "notebook_path", "run_notebook", "to_html"]


class ReportError(Exception):
    """The report could not be made: a missing extra, or a notebook cell that failed (one line)."""


def notebook_path() -> Path:
    """The evaluation notebook installed with the package."""
    return Path(str(resources.files("dangjian.notebooks") / "evaluation.ipynb"))


def run_notebook(data: list[str | Path] | None = None, model: str | Path | None = None, resamples: int = 1000,
                 kernel_name: str = "python3"):
    """Execute the evaluation notebook and return it (an ``nbformat.NotebookNode`` with outputs).

    ``data``: labelled JSONL files (None: the notebook's default, realdev when found, else the shipped
    dev split); ``model``: a model directory (None: the shipped model). Paths are made absolute, so the
    kernel's working directory does not matter. Raises :class:`ReportError` when papermill is not
    installed or a cell fails (the message names the cell's error).
    """
    try:
        import papermill
        from papermill.exceptions import PapermillExecutionError
    except ImportError:
        raise ReportError("the report needs the notebook extra: pip install 'dangjian[notebook]'") from None
    parameters = {"resamples": int(resamples)}
    if data:
        parameters["data"] = [str(Path(p).resolve()) for p in data]
    if model:
        parameters["model"] = str(Path(model).resolve())
    try:
        return papermill.execute_notebook(str(notebook_path()), None, parameters=parameters,
                                          kernel_name=kernel_name, progress_bar=False,
                                          extra_arguments=["--IPKernelApp.log_level=ERROR"])  # kernel chatter
    except PapermillExecutionError as exc:
        raise ReportError(f"the report failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}") from None


def to_html(notebook) -> str:
    """The executed notebook as one HTML page, figures embedded (nbconvert)."""
    try:
        from nbconvert import HTMLExporter
    except ImportError:
        raise ReportError("the report needs the notebook extra: pip install 'dangjian[notebook]'") from None
    body, _ = HTMLExporter().from_notebook_node(notebook)
    return body
