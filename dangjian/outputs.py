"""Output writers for scored records: JSON lines or CSV, safe against a killed run.

Rows are appended as whole lines to ``OUT.part`` and flushed; the finished
file is renamed to ``OUT``. A killed run leaves only ``OUT.part``, which
``resume=True`` reads back (dropping a torn last line) and continues.
"""
from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import IO

from .model.labels import LABELS

__all__ = ["open_writer", "Writer", "done_ids", "output_format"]

CSV_COLUMNS = ["id", "labels", *(f"score_{lab}" for lab in LABELS), "encoding", "error", "evidence"]


def output_format(path: str | None, explicit: str | None) -> str:
    """``jsonl`` or ``csv``: the explicit ``--format``, else the output's extension, else JSON lines."""
    if explicit:
        return explicit
    return "csv" if path and path.lower().endswith(".csv") else "jsonl"


def _row_line(row: dict, fmt: str) -> str:
    if fmt == "jsonl":
        return json.dumps(row, ensure_ascii=False) + "\n"
    scores = row.get("scores", {})
    cells = {
        "id": row["id"], "labels": ";".join(row.get("labels", [])),
        **{f"score_{lab}": scores.get(lab, "") for lab in LABELS},
        "encoding": row.get("encoding", ""), "error": row.get("error", ""),
        "evidence": json.dumps(row["evidence"], ensure_ascii=False) if "evidence" in row else "",
    }
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([cells[c] for c in CSV_COLUMNS])
    return buffer.getvalue()


def _complete_lines(path: Path) -> tuple[list[str], int]:
    """The complete lines of a partial output and the byte length they span."""
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    return data[:end].decode("utf-8").splitlines(), end


def done_ids(lines: list[str], fmt: str) -> set[str]:
    """Ids already written in a partial output."""
    if fmt == "jsonl":
        return {json.loads(line)["id"] for line in lines if line.strip()}
    rows = list(csv.reader(lines))
    return {row[0] for row in rows[1:] if row}


class Writer:
    """Writes rows; ``close()`` renames the part file to the final name."""

    def __init__(self, path: str | None, fmt: str, resume: bool = False):
        self.fmt, self.skip = fmt, set()
        self.path = Path(path) if path not in (None, "-") else None
        if self.path is None:
            self.handle: IO[str] = sys.stdout
            self._header()
            return
        self.part = self.path.with_name(self.path.name + ".part")
        if resume and not self.part.exists() and self.path.exists():
            os.replace(self.path, self.part)  # continue a finished file: append what is new
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

    def _header(self) -> None:
        if self.fmt == "csv":
            self.handle.write(",".join(CSV_COLUMNS) + "\n")

    def write(self, row: dict) -> None:
        self.handle.write(_row_line(row, self.fmt))
        self.handle.flush()

    def close(self, complete: bool = True) -> None:
        if self.path is None:
            self.handle.flush()
            return
        self.handle.close()
        if complete:
            os.replace(self.part, self.path)


def open_writer(path: str | None, fmt: str, resume: bool = False) -> Writer:
    return Writer(path, fmt, resume)
