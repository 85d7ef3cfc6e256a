"""Review sheets: one row an article, written for a person to fill in and read back for training.

A sheet is ``.xlsx`` (openpyxl), ``.csv`` (UTF-8 with BOM, so that Excel reads the
Chinese right) or ``.jsonl``. Its columns (:data:`COLUMNS`):

- ``id``, ``text`` (in ``.xlsx``/``.csv`` cut to :data:`CELL_LIMIT` characters, the
  most an Excel cell holds, and ``text_note`` then says so);
- ``predicted`` (the model's labels, ``;``-joined), ``score_<label>`` (0–1) and
  ``evidence_<label>`` (the top evidence sentence of each predicted label);
- one column per label key (``联盟``, ``孵化站``, ``示范岗``, ``轮值主席``) holding 1 or 0,
  pre-filled with the model's guess for the coder to correct; ``coder`` and ``note``;
- ``rank``, ``priority`` and ``strategy``: where and why ``dangjian suggest`` chose it.

Reading a sheet back (:func:`read_sheet`) needs ``id``, ``text`` and the four label
columns; a label cell that is not 0 or 1 raises :class:`SheetError` naming file,
sheet, row and column, as the spreadsheet shows them.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .model.data import DataError
from .model.labels import LABELS

__all__ = ["COLUMNS", "CELL_LIMIT", "SHEET_NAME", "SheetError", "SheetRow", "sheet_format", "write_sheet",
           "read_sheet", "is_sheet", "rows_to_records", "read_text_records", "iter_any_records", "ids_in"]

CELL_LIMIT = 32_767  # characters in one Excel cell (Excel specifications and limits)
SHEET_NAME = "review"
COLUMNS: list[str] = [
    "id", "text", "text_note", "predicted",
    *(f"score_{lab}" for lab in LABELS), *(f"evidence_{lab}" for lab in LABELS),
    *LABELS, "coder", "note", "rank", "priority", "strategy",
]
_FORMULA_START = ("=", "+", "-", "@")  # what Excel reads as a formula at the start of a CSV cell


class SheetError(DataError):
    """A review sheet cannot be used; the message is one line naming file, sheet, row and column."""


@dataclass
class SheetRow:
    """One article of a review sheet as read back: ``labels`` are the coder's (the 1-cells)."""

    id: str
    text: str
    labels: list[str]
    coder: str = ""
    note: str = ""
    where: str = ""  # "file, sheet review, row 7"
    extra: dict = field(default_factory=dict)


def sheet_format(path: str | Path | None, explicit: str | None = None) -> str:
    """``xlsx``, ``csv`` or ``jsonl``: the explicit format, else the file's extension, else ``jsonl``."""
    if explicit:
        return explicit
    suffix = Path(str(path)).suffix.lower() if path not in (None, "-") else ""
    return {".xlsx": "xlsx", ".csv": "csv"}.get(suffix, "jsonl")


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _cut(row: dict) -> dict:
    """The row with its text cut to what a cell holds and control characters Excel refuses replaced."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    row = dict(row)
    notes = [row["text_note"]] if row.get("text_note") else []
    text = row.get("text") or ""
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
        notes.append("control characters shown as \ufffd")
    if len(text) > CELL_LIMIT:
        notes.append(f"cut: first {CELL_LIMIT:,} of {len(text):,} characters (the most an Excel cell holds)")
        text = text[:CELL_LIMIT]
    row["text"], row["text_note"] = text, "; ".join(notes)
    for key, value in row.items():
        if isinstance(value, str) and key != "text":
            row[key] = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:CELL_LIMIT]
    return row


def _cells(row: dict) -> list:
    return [row.get(col, "") if row.get(col) is not None else "" for col in COLUMNS]


def write_sheet(rows: Iterable[dict], path: str | Path | None, fmt: str | None = None,
                about: dict[str, str] | None = None) -> int:
    """Write review rows (dicts keyed by :data:`COLUMNS`) to ``path``; return the number written.

    The file is written under a temporary name and renamed when complete. ``path``
    ``None`` or ``-`` writes JSON lines to stdout. ``about`` (name → text) goes to a
    second worksheet ``about`` of an ``.xlsx``; CSV and JSONL carry the strategy per row.
    """
    import sys

    fmt = sheet_format(path, fmt)
    rows = list(rows)
    if path in (None, "-"):
        if fmt != "jsonl":
            raise ValueError(f"a {fmt} sheet needs -o FILE; stdout takes JSON lines")
        for row in rows:
            sys.stdout.write(json.dumps({c: row.get(c, "") for c in COLUMNS}, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return len(rows)
    from .outputs import replaced_when_complete

    with replaced_when_complete(path) as target:
        {"xlsx": _write_xlsx, "csv": _write_csv, "jsonl": _write_jsonl}[fmt](rows, target, about or {})
    return len(rows)


def _write_jsonl(rows: list[dict], path: Path, about: dict) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({c: row.get(c, "") for c in COLUMNS}, ensure_ascii=False) + "\n")


def _csv_safe(value):
    """A text cell that Excel would run as a formula gets a leading apostrophe (stripped on reading)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write_csv(rows: list[dict], path: Path, about: dict) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel then reads UTF-8
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([_csv_safe(v) for v in _cells(_cut(row))])


def _write_xlsx(rows: list[dict], path: Path, about: dict) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(_cut(row)))
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if cell.data_type == "f":  # a text that starts with '=' is text, not a formula
                cell.data_type = "s"
    widths = {"id": 18, "text": 80, "text_note": 20, "predicted": 14, "coder": 10, "note": 30, "strategy": 20}
    fill = PatternFill("solid", fgColor="FFF2CC")
    validation = DataValidation(type="list", formula1='"1,0"', allow_blank=False, showErrorMessage=True,
                                errorTitle="0 or 1", error="Write 1 (the label applies) or 0 (it does not).")
    sheet.add_data_validation(validation)
    for index, name in enumerate(COLUMNS):
        letter = _column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(name, 40 if name.startswith("evidence_") else 9)
        if name in LABELS:
            sheet[f"{letter}1"].fill = fill
            if rows:
                validation.add(f"{letter}2:{letter}{len(rows) + 1}")
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                    cell.fill = fill
    for (cell,) in sheet.iter_rows(min_row=2, min_col=COLUMNS.index("text") + 1, max_col=COLUMNS.index("text") + 1):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{_column_letter(len(COLUMNS) - 1)}{len(rows) + 1}"
    if about:
        info = book.create_sheet("about")
        for key, value in about.items():
            info.append([key, value])
        info.column_dimensions["A"].width = 18
        info.column_dimensions["B"].width = 120
    book.save(path)


# ---- reading ---------------------------------------------------------------------------------------


def _decoded(path: Path, head: int | None = None) -> str:
    """A CSV or JSONL sheet's text (its first ``head`` bytes only, if given), decoded by the policy
    every reader follows (:func:`dangjian.features.decoding.decode_text`: UTF-8 with or without BOM,
    UTF-16, GB18030 as Excel saves CSV on Chinese Windows, Big5). Raises :class:`SheetError` when none fits."""
    from .features.decoding import DecodeError, decode_text

    with path.open("rb") as handle:
        data = handle.read(head) if head else handle.read()
    try:
        return decode_text(data)[0]
    except DecodeError as exc:
        raise SheetError(f"{path}: cannot decode the sheet ({exc})") from None


def is_sheet(path: str | Path) -> bool:
    """True for an ``.xlsx`` file, or a ``.csv``/``.jsonl`` whose first row has every label column."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return True
    if suffix not in (".csv", ".jsonl") or not path.is_file():
        return False
    try:
        first = _decoded(path, head=65536).split("\n", 1)[0]
    except (OSError, SheetError):
        return False
    if suffix == ".csv":
        header = next(csv.reader([first]), [])
    else:
        try:
            header = list(json.loads(first)) if first.strip() else []
        except (json.JSONDecodeError, TypeError):
            return False
    return set(LABELS) <= set(header) and "id" in header


def _raw_rows(path: Path) -> tuple[str, list[str], Iterator[tuple[int, list]]]:
    """``(place, header, (row number, cells)...)`` with row numbers as the spreadsheet shows them."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException: not an xlsx workbook
            raise SheetError(f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
        sheet = book[SHEET_NAME] if SHEET_NAME in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
        return f"{path}, sheet {sheet.title!r}", header, ((n, list(r)) for n, r in enumerate(rows, 2))
    if suffix == ".csv":
        reader = csv.reader(io.StringIO(_decoded(path), newline=""))
        try:
            header = [c.strip() for c in next(reader, [])]
        except csv.Error as exc:
            raise SheetError(f"{path}: cannot read the CSV header ({exc})") from None

        def csv_rows():  # numbered as Excel shows them: one row a record, whatever newlines its cells hold
            number = 1
            try:
                for number, row in enumerate(reader, 2):
                    yield number, row
            except csv.Error as exc:
                raise SheetError(f"{path}, row {number + 1}: unreadable CSV ({exc})") from None

        return str(path), header, csv_rows()
    # JSON lines: the keys of the first object are the header
    lines = _decoded(path).split("\n")  # not splitlines(): U+0085, U+2028 may be inside a text
    objects = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SheetError(f"{path}, line {lineno}: invalid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise SheetError(f"{path}, line {lineno}: a JSON line must be an object")
        objects.append((lineno, obj))
    header = list(dict.fromkeys(k for _, obj in objects for k in obj))
    return str(path), header, ((n, [obj.get(k) for k in header]) for n, obj in objects)


def _label_value(value, where: str) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    if isinstance(value, str) and value.strip() in ("0", "1", "0.0", "1.0"):
        return int(float(value.strip()))
    shown = "an empty cell" if value in (None, "") else repr(value)
    raise SheetError(f"{where}: {shown} is not 0 or 1")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value)
    if value.startswith("'") and value[1:2] in _FORMULA_START:
        value = value[1:]  # the apostrophe that kept Excel from reading a formula
    return value


def read_sheet(path: str | Path) -> list[SheetRow]:
    """The rows of a review sheet (``.xlsx``, ``.csv`` or ``.jsonl``), label cells checked.

    Raises :class:`SheetError` (one line) for a missing column, a row without id or
    text, a label cell that is not 0/1 (naming file, sheet, row and column) and an id
    that appears twice with different labels for the same coder.
    """
    path = Path(path)
    if not path.is_file():
        raise SheetError(f"{path}: no such file")
    place, header, rows = _raw_rows(path)
    missing = [c for c in ("id", "text", *LABELS) if c not in header]
    if missing:
        raise SheetError(f"{place}: no column {', '.join(missing)} in the header row "
                         f"(a review sheet has id, text and one column per label: {', '.join(LABELS)})")
    index = {name: header.index(name) for name in header if name}
    out: list[SheetRow] = []
    seen: dict[tuple[str, str], SheetRow] = {}
    for number, cells in rows:
        cells = list(cells) + [None] * (len(header) - len(cells))
        if all(c in (None, "") for c in cells):
            continue
        where = f"{place}, row {number}"
        rec_id = _text(cells[index["id"]]).strip()
        if not rec_id:
            raise SheetError(f"{where}, column id ({_column_letter(index['id'])}): no id")
        text = _text(cells[index["text"]])
        if not text.strip():
            raise SheetError(f"{where}, column text ({_column_letter(index['text'])}): no text")
        labels = [lab for lab in LABELS
                  if _label_value(cells[index[lab]], f"{where}, column {lab} ({_column_letter(index[lab])})")]
        coder = _text(cells[index["coder"]]).strip() if "coder" in index else ""
        note = _text(cells[index["note"]]) if "note" in index else ""
        extra = {name: cells[i] for name, i in index.items() if name not in ("id", "text", "coder", "note", *LABELS)}
        row = SheetRow(rec_id, text, labels, coder, note, where, extra)
        earlier = seen.get((coder, rec_id))
        if earlier is not None:
            if earlier.labels != labels:
                raise SheetError(f"{where}: id {rec_id!r} appears again (first at {earlier.where.split(', ')[-1]}) "
                                 f"with other labels")
            continue
        seen[(coder, rec_id)] = row
        out.append(row)
    return out


def rows_to_records(rows: list[SheetRow]) -> list[dict]:
    """Labelled records ``{"id", "text", "labels", "coder", "note"}`` (the JSONL training form) of sheet rows.

    Raises :class:`SheetError` when two coders gave one id different labels: settle
    them first (``dangjian agreement`` lists them).
    """
    records: dict[str, dict] = {}
    places: dict[str, str] = {}
    for row in rows:
        rec = {"id": row.id, "text": row.text, "labels": row.labels, "coder": row.coder, "note": row.note}
        if row.id in records:
            if records[row.id]["labels"] != row.labels:
                raise SheetError(f"{row.where}: id {row.id!r} has other labels than at {places[row.id]}; "
                                 f"settle the disagreement first (dangjian agreement lists them)")
            continue
        records[row.id], places[row.id] = rec, row.where
    return list(records.values())


def read_text_records(path: str | Path) -> Iterator[tuple[str, str]]:
    """``(id, text)`` of each row of a review sheet, its label cells unchecked (for reviewing it again)."""
    path = Path(path)
    place, header, rows = _raw_rows(path)
    if "id" not in header or "text" not in header:
        raise SheetError(f"{place}: a sheet to review needs columns id and text")
    i, t = header.index("id"), header.index("text")
    for number, cells in rows:
        cells = list(cells) + [None] * (len(header) - len(cells))
        if all(c in (None, "") for c in cells):
            continue
        yield _text(cells[i]).strip() or f"{path}:{number}", _text(cells[t])


def iter_any_records(inputs: Iterable[str], **options) -> Iterator:
    """:func:`dangjian.inputs.iter_records` of ``inputs``, where a review sheet (see :func:`is_sheet`)
    is read as one: its ``id`` and ``text`` columns, whatever its label cells say."""
    from .inputs import Record, iter_records

    for item in inputs:
        if item != "-" and is_sheet(item):
            try:
                for rec_id, text in read_text_records(item):
                    yield Record(rec_id, text) if text.strip() else Record(rec_id, error="empty text")
            except (SheetError, OSError) as exc:
                yield Record(str(item), error=str(exc).removeprefix(f"{item}: "))
        else:
            yield from iter_records([item], **options)


def ids_in(path: str | Path) -> set[str]:
    """The article ids of a review sheet, a labelled JSONL file or a review database (its decided ids)."""
    path = Path(path)
    if path.suffix.lower() in (".sqlite", ".sqlite3", ".db"):
        from .review.store import ReviewStore

        with ReviewStore(path, create=False) as store:
            return {d["id"] for d in store.decisions()}
    if is_sheet(path):
        return {rec_id for rec_id, _ in read_text_records(path)}
    from .inputs import iter_records

    return {r.id for r in iter_records([str(path)]) if not r.error}
