"""Output writers for scored records: JSON lines, CSV or an .xlsx spreadsheet, safe against a killed
run and harmless to the system.

To a regular file (or a missing one) rows are appended as whole lines to ``OUT.part`` and flushed;
the finished file is renamed to ``OUT``. A killed run leaves only ``OUT.part``, which ``resume=True``
reads back (dropping a torn last line) and continues. Anything else — a device such as
``/dev/null``, a FIFO, a symlink — is written into directly, never replaced. A missing parent
directory is created.

CSV is UTF-8 with a byte-order mark, so that Excel opens it as UTF-8, and a cell that Excel would
read as a formula (``=``, ``+``, ``-``, ``@`` first) gets a leading ``'``. An .xlsx file is written
with openpyxl when the run completes; until then its rows are kept as JSON lines in ``OUT.part``.
"""
from __future__ import annotations

import csv
import io
import json
import os
import stat
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from .model.labels import LABELS

__all__ = ["open_writer", "Writer", "done_ids", "output_format", "OutputError", "FORMATS", "CSV_COLUMNS"]

FORMATS = ("jsonl", "csv", "xlsx")
CSV_COLUMNS = ["id", "labels", *(f"score_{lab}" for lab in LABELS), "encoding", "source", "error", "evidence"]
EXCEL_CELL_LIMIT = 32767  # characters in one Excel cell
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class OutputError(ValueError):
    """The output cannot be used as asked (e.g. ``--resume`` into a device): a usage error."""


def output_format(path: str | None, explicit: str | None) -> str:
    """``jsonl``, ``csv`` or ``xlsx``: the explicit ``--format``, else the output's extension, else JSON lines."""
    if explicit:
        return explicit
    suffix = Path(path).suffix.lower() if path else ""
    return {".csv": "csv", ".xlsx": "xlsx"}.get(suffix, "jsonl")


def _cells(row: dict) -> dict:
    scores = row.get("scores", {})
    return {
        "id": row["id"], "labels": ";".join(row.get("labels", [])),
        **{f"score_{lab}": scores.get(lab, "") for lab in LABELS},
        "encoding": row.get("encoding", ""), "source": row.get("source", ""), "error": row.get("error", ""),
        "evidence": json.dumps(row["evidence"], ensure_ascii=False) if "evidence" in row else "",
    }


def _excel_safe(value):
    """A text cell Excel would run as a formula gets a leading ``'`` (OWASP's CSV-injection advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _unsafe(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def _row_line(row: dict, fmt: str) -> str:
    if fmt != "csv":  # jsonl, and xlsx rows while the run is going
        return json.dumps(row, ensure_ascii=False) + "\n"
    cells = _cells(row)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([_excel_safe(cells[c]) for c in CSV_COLUMNS])
    return buffer.getvalue()


def _complete_lines(path: Path) -> tuple[list[str], int]:
    """The complete lines of a partial output and the byte length they span."""
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    return _lines(data[:end].decode("utf-8-sig")), end


def _lines(text: str) -> list[str]:
    """The lines of an output written with ``\n`` endings (not ``splitlines()``: a text may hold U+0085 or U+2028)."""
    return [line for line in text.split("\n") if line]


def done_ids(lines: list[str], fmt: str) -> Counter:
    """Ids already written in a partial output, each with how many times it was written."""
    if fmt != "csv":
        return Counter(json.loads(line)["id"] for line in lines if line.strip())
    rows = list(csv.reader(lines))
    return Counter(_unsafe(row[0]) for row in rows[1:] if row)


@contextmanager
def replaced_when_complete(path: str | Path) -> Iterator[Path]:
    """The path to write ``path``'s new content to: a temporary file beside it, renamed over ``path``
    when the block completes and removed if it fails, so a reader never sees half a file. Missing
    parent directories are made; the file gets an ordinary file's permissions (``0o666`` less the
    umask). A device, FIFO or symlink is never replaced: it is written in place (``path`` is yielded)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not _is_replaceable(target):
        yield target
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def _is_replaceable(path: Path) -> bool:
    """A missing path or a regular file (not through a symlink): the part-file-and-rename protocol applies."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return True
    return stat.S_ISREG(mode)


class Writer:
    """Writes rows; ``close()`` completes the output (renames the part file, writes the spreadsheet).

    ``skip`` counts the ids a resumed run already has (see :func:`done_ids`).
    """

    def __init__(self, path: str | None, fmt: str, resume: bool = False):
        if fmt not in FORMATS:
            raise OutputError(f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}")
        self.fmt, self.skip, self.written = fmt, Counter(), 0
        self.path = Path(path) if path not in (None, "-") else None
        self.part: Path | None = None
        if self.path is None:
            if fmt == "xlsx":
                raise OutputError("an .xlsx spreadsheet needs a file: -o scores.xlsx")
            if resume:
                raise OutputError("--resume needs -o OUT: it continues the output file of a killed run")
            self.handle: IO[str] = sys.stdout
            self._header()
            return
        if not self.path.parent.exists():
            self.path.parent.mkdir(parents=True)
        if not _is_replaceable(self.path):
            if resume:
                raise OutputError(f"--resume needs OUT to be a regular file; {self.path} is not")
            if fmt == "xlsx":
                self.part, self.handle = None, io.StringIO()
            else:
                self.handle = self.path.open("w", encoding="utf-8", newline="")
                self._header()
            return
        self.part = self.path.with_name(self.path.name + ".part")
        if resume and not self.part.exists() and self.path.exists():
            self._reopen_finished()
        if resume and self.part.exists():
            lines, end = _complete_lines(self.part)
            self.skip = done_ids(lines, fmt)
            with self.part.open("r+b") as handle:
                handle.truncate(end)  # a torn last line is dropped
            self.handle = self.part.open("a", encoding="utf-8", newline="")
            if not lines:
                self._header()
        else:
            self.handle = self.part.open("w", encoding="utf-8", newline="")
            self._header()

    def _reopen_finished(self) -> None:
        """Continue a finished output: its rows move back to the part file, the new ones are appended."""
        if self.fmt == "xlsx":
            rows = _read_xlsx(self.path)
            self.part.write_text("".join(_row_line(r, "jsonl") for r in rows), encoding="utf-8")
            self.path.unlink()
        else:
            os.replace(self.path, self.part)

    def _header(self) -> None:
        if self.fmt == "csv":
            self.handle.write("\ufeff" + ",".join(CSV_COLUMNS) + "\n")

    def write(self, row: dict) -> None:
        self.handle.write(_row_line(row, self.fmt))
        self.handle.flush()
        self.written += 1

    def close(self, complete: bool = True) -> None:
        """Flush; when ``complete``, turn the part file into the output. A stopped run keeps ``OUT.part``."""
        if self.path is None:
            self.handle.flush()
            return
        if self.part is None:  # a device, FIFO or symlink: written in place
            if self.fmt == "xlsx" and complete:
                _write_xlsx(_lines(self.handle.getvalue()), self.path)
            self.handle.close()
            return
        self.handle.close()
        if not complete:
            return
        if self.fmt == "xlsx":
            tmp = self.path.with_name(f".{self.path.name}.tmp")
            _write_xlsx(_lines(self.part.read_text(encoding="utf-8")), tmp)
            os.replace(tmp, self.path)
            self.part.unlink()
        else:
            os.replace(self.part, self.path)

    def discard(self) -> None:
        """Drop the output of a run that wrote nothing (its part file; a device is left alone)."""
        self.handle.close() if self.path is not None else None
        if self.part is not None and self.part.exists():
            self.part.unlink()


def _write_xlsx(json_lines: list[str], path: Path) -> None:
    """One sheet, ``scores``: the CSV columns, a row per record; scores as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet("scores")
    sheet.append(CSV_COLUMNS)
    for line in json_lines:
        if not line.strip():
            continue
        cells = _cells(json.loads(line))
        out = []
        for name in CSV_COLUMNS:
            value = cells[name]
            cell = WriteOnlyCell(sheet, value=value if not isinstance(value, str) else None)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if len(value) > EXCEL_CELL_LIMIT:
                    value = value[: EXCEL_CELL_LIMIT - 12] + "…(truncated)"
                cell.value = value
                cell.data_type = "s"  # text, never a formula
            out.append(cell)
        sheet.append(out)
    book.save(path)


def _read_xlsx(path: Path) -> list[dict]:
    """The rows of a spreadsheet this module wrote, as output rows (for ``--resume``)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    rows = book["scores"].iter_rows(values_only=True)
    header = list(next(rows, []))
    out = []
    for values in rows:
        cells = dict(zip(header, values))
        row = {"id": str(cells["id"])}
        if cells.get("error"):
            row["error"] = cells["error"]
        else:
            row["labels"] = [lab for lab in (cells.get("labels") or "").split(";") if lab]
            row["scores"] = {lab: cells.get(f"score_{lab}") for lab in LABELS}
        for name in ("encoding", "source"):
            if cells.get(name):
                row[name] = cells[name]
        if cells.get("evidence"):
            try:
                row["evidence"] = json.loads(cells["evidence"])
            except json.JSONDecodeError:
                pass
        out.append(row)
    book.close()
    return out


def open_writer(path: str | None, fmt: str, resume: bool = False) -> Writer:
    return Writer(path, fmt, resume)
