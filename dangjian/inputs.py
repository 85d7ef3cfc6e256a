"""Input records for batch scoring: text files, HTML pages, directories, JSONL, JSON, CSV and stdin.

Every input item yields records in order. A record that cannot be read carries an ``error`` instead
of a ``text``, so one bad file or row never stops a batch and every input record appears in the
output. A problem with the command itself (a missing input path, a CSV without the ``--text-field``
column) raises :class:`InputError` instead, before anything is scored when :func:`check_inputs` runs
first.

Bytes are decoded by one policy (:mod:`dangjian.features.decoding`): a BOM decides (UTF-8/16/32),
else strict UTF-8 (a torn last character dropped), else GB18030 or Big5/cp950/Big5-HKSCS, whichever
reads as more plausible Chinese; the encoding used is kept on every record. HTML pages are decoded
by their BOM, else their declared charset, else the same policy, and their main text is extracted
by trafilatura; such records say so (``source``), as their evidence offsets refer to that text.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

from .features.decoding import DecodeError, Line, decode_text, iter_lines, sniff_bom

__all__ = ["Record", "InputError", "InputStats", "iter_records", "check_inputs", "decode_text", "decode_html",
           "extract_main_text", "DEFAULT_MAX_BYTES", "TEXT_SUFFIXES", "HTML_SUFFIXES", "RECORD_SUFFIXES",
           "HTML_SOURCE"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
RECORD_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".xlsx")
HTML_SOURCE = "html main text (trafilatura)"  # a record's ``source`` when its text was extracted from HTML


@dataclass(frozen=True)
class Record:
    """One article: ``text`` or ``error``; ``encoding`` of its bytes; ``source`` when the text is not
    the input itself (:data:`HTML_SOURCE`: the main text extracted from a page)."""

    id: str
    text: str | None = None
    error: str | None = None
    encoding: str | None = None
    source: str | None = None


class InputError(ValueError):
    """The inputs do not fit the command (missing path, missing column): a usage error."""


@dataclass
class InputStats:
    """What the readers saw besides records: files in directories that are not articles."""

    skipped: list[str] = field(default_factory=list)


# ---- single files ------------------------------------------------------------------------------

def _read_bytes(path: Path, rec_id: str, max_bytes: int) -> bytes | Record:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Record(rec_id, error=f"file too large ({size} bytes > {max_bytes})")
        return path.read_bytes()
    except OSError as exc:
        return Record(rec_id, error=f"cannot read file: {exc.strerror or exc}")


def _decoded(data: bytes, rec_id: str) -> tuple[str, str] | Record:
    if not sniff_bom(data) and b"\x00" in data[:8192]:
        return Record(rec_id, error="binary file (NUL bytes; UTF-16 or UTF-32 text needs its byte-order mark)")
    try:
        return decode_text(data)
    except DecodeError as exc:
        return Record(rec_id, error=f"text fails to decode: {exc}")


def _read_txt(path: Path, rec_id: str, max_bytes: int) -> Record:
    data = _read_bytes(path, rec_id, max_bytes)
    if isinstance(data, Record):
        return data
    return _text_record(data, rec_id)


def _read_stdin_text(stream: IO[bytes], max_bytes: int) -> Record:
    """All of stdin as one article (``--stdin-format text``), id ``<stdin>``."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return Record("<stdin>", error=f"text too large (> {max_bytes} bytes)")
    return _text_record(data, "<stdin>")


def _text_record(data: bytes, rec_id: str) -> Record:
    decoded = _decoded(data, rec_id)
    if isinstance(decoded, Record):
        return decoded
    text, encoding = decoded
    if not text.strip():
        return Record(rec_id, error="empty text", encoding=encoding)
    return Record(rec_id, text, encoding=encoding)


# The charset a page declares in its first 1,024 bytes (the HTML standard's prescan, simplified).
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Declared labels → the decoder the HTML standard uses for them (GBK and GB2312 labels: gb18030).
_HTML_CODECS = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030",
                "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "cn-big5": "big5hkscs", "x-x-big5": "big5hkscs"}


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode a page: BOM, else the charset it declares (when that decodes), else :func:`decode_text`."""
    if not sniff_bom(data):
        match = _META_CHARSET.search(data[:1024])
        if match:
            label = match.group(1).decode("ascii").lower()
            codec = _HTML_CODECS.get(label, label)
            try:
                text = data.decode(codec)
                return text, codecs_name(codec)
            except (LookupError, UnicodeDecodeError):
                pass
    return decode_text(data)


def codecs_name(codec: str) -> str:
    """The codec's canonical Python name (``utf8`` → ``utf-8``)."""
    import codecs

    name = codecs.lookup(codec).name
    return {"gb18030": "gb18030", "big5hkscs": "big5hkscs"}.get(name, name)


def extract_main_text(html: str) -> str | None:
    """The main text of a page (navigation, footers and scripts left out) by trafilatura, or None."""
    import logging

    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    return trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True,
                               deduplicate=False, with_metadata=False)


def _read_html(path: Path, rec_id: str, max_bytes: int) -> Record:
    data = _read_bytes(path, rec_id, max_bytes)
    if isinstance(data, Record):
        return data
    if not sniff_bom(data) and b"\x00" in data[:8192]:
        return Record(rec_id, error="binary file (NUL bytes)")
    try:
        html, encoding = decode_html(data)
    except DecodeError as exc:
        return Record(rec_id, error=f"page fails to decode: {exc}")
    try:
        text = extract_main_text(html)
    except Exception as exc:  # noqa: BLE001 - a page the extractor chokes on is that record's error
        return Record(rec_id, error=f"cannot extract the page's text: {exc}", encoding=encoding)
    if not text or not text.strip():
        return Record(rec_id, error="no main text found in the page", encoding=encoding, source=HTML_SOURCE)
    return Record(rec_id, text, encoding=encoding, source=HTML_SOURCE)


# ---- records from JSON, JSONL and CSV ------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class _Fields:
    id_field: str | None  # None: "id" if present, else a fallback id
    text_field: str
    max_bytes: int
    prefix: str = ""  # records of a file found in a directory: "relative/path#"

    @property
    def id_name(self) -> str:
        return self.id_field or "id"


def _record(obj: dict, fallback_id: str, f: _Fields, encoding: str | None) -> Record:
    rec_id = obj.get(f.id_name)
    rec_id = fallback_id if rec_id in (None, "") else f.prefix + str(rec_id)
    rec_id = _SURROGATE.sub("\ufffd", rec_id)
    text = obj.get(f.text_field)
    if not isinstance(text, str):
        return Record(rec_id, error=f"missing or non-string {f.text_field!r}", encoding=encoding)
    if not text.strip():
        return Record(rec_id, error="empty text", encoding=encoding)
    if _SURROGATE.search(text):
        return Record(rec_id, error="text holds unpaired surrogate escapes (\\ud800-\\udfff): not Unicode text",
                      encoding=encoding)
    if len(text.encode("utf-8")) > f.max_bytes:
        return Record(rec_id, error=f"text too large (> {f.max_bytes} bytes)", encoding=encoding)
    return Record(rec_id, text, encoding=encoding)


FIELD_LOOKAHEAD = 1000  # records of a JSON/JSONL file read ahead for one that holds the named fields


def _fields_checked(records: Iterator[tuple[Record, dict | None]], source: str, f: _Fields) -> Iterator[Record]:
    """The records of one file, in order, once one of its first :data:`FIELD_LOOKAHEAD` objects holds
    the named fields (the text field, and the id field when named): a field no record has is a usage
    error (:class:`InputError`). A record without the text field is that record's error only.

    ``records``: each record with the JSON object it came from (``None`` for a line that was no object).
    """
    required = [(opt, name) for opt, name in (("--text-field", f.text_field), ("--id-field", f.id_field))
                if name is not None]
    waiting: list[Record] | None = []  # None once the fields are found: records then pass straight through
    fields_seen: dict[str, None] = {}
    objects = 0
    for record, obj in records:
        if waiting is None:
            yield record
            continue
        waiting.append(record)
        if obj is None:
            continue
        objects += 1
        if all(name in obj for _, name in required):
            yield from waiting
            waiting = None
            continue
        fields_seen.update(dict.fromkeys(map(str, obj)))
        if objects >= FIELD_LOOKAHEAD:
            break
    if waiting is None:
        return
    if objects:
        opt, name = next(((o, n) for o, n in required if n not in fields_seen), required[0])
        first = "the first record" if objects == 1 else f"none of the first {objects} records"
        raise InputError(f"{source}: {first} has {'no' if objects == 1 else 'a'} field {name!r} (fields: "
                         f"{', '.join(fields_seen) or 'none'}); name the right one with {opt}")
    yield from waiting


def _read_jsonl(handle: IO[bytes], source: str, f: _Fields) -> Iterator[Record]:
    return _fields_checked(_jsonl_records(handle, source, f), source, f)


def _jsonl_records(handle: IO[bytes], source: str, f: _Fields) -> Iterator[tuple[Record, dict | None]]:
    hint = "; stdin is read as JSON lines, a plain-text article needs --stdin-format text" if source == "<stdin>" else ""
    for line in iter_lines(handle, max_line_bytes=f.max_bytes + 65536):
        fallback_id = f"{source}:{line.number}"
        if line.error:
            yield Record(fallback_id, error=line.error), None  # the id names the line
            continue
        if not line.text.strip():
            continue
        try:
            obj = json.loads(line.text)
        except json.JSONDecodeError as exc:
            yield Record(fallback_id, error=f"invalid JSON: {exc.msg} (column {exc.colno}){hint}",
                         encoding=line.encoding), None
            continue
        if not isinstance(obj, dict):
            yield Record(fallback_id, error="a JSON line must be an object", encoding=line.encoding), None
            continue
        yield _record(obj, fallback_id, f, line.encoding), obj


def _read_json(handle: IO[bytes], source: str, f: _Fields) -> Iterator[Record]:
    data = handle.read()
    try:
        text, encoding = decode_text(data)
        value = json.loads(text)
    except DecodeError as exc:
        yield Record(source, error=f"file fails to decode: {exc}")
        return
    except json.JSONDecodeError as exc:
        yield Record(source, error=f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
        return
    items = value if isinstance(value, list) else [value]
    yield from _fields_checked(
        ((_record(obj, f"{source}[{i}]", f, encoding), obj) if isinstance(obj, dict)
         else (Record(f"{source}[{i}]", error="a JSON record must be an object", encoding=encoding), None)
         for i, obj in enumerate(items)), source, f)


def _scan_csv_line(line: str, in_quotes: bool, at_field_start: bool, delimiter: str) -> tuple[bool, bool]:
    """Quote state after one physical line, as the csv module reads it (default dialect)."""
    i, n = 0, len(line)
    while i < n:
        if in_quotes:
            j = line.find('"', i)
            if j < 0:
                return True, False
            if j + 1 < n and line[j + 1] == '"':  # an escaped quote
                i = j + 2
                continue
            in_quotes, at_field_start, i = False, False, j + 1
        elif at_field_start and line[i] == '"':
            in_quotes, i = True, i + 1
        else:
            j = line.find(delimiter, i)
            if j < 0:
                return False, False
            at_field_start, i = True, j + 1
    return in_quotes, at_field_start


def _csv_records(lines: Iterator[Line], delimiter: str, limit: int) -> Iterator[tuple[int, list[str], str | None, str | None]]:
    """``(first line number, physical lines, encoding, error)`` per CSV record.

    The quote state is followed line by line, so a record ends where the csv module would end it;
    a record longer than ``limit`` characters, or holding a line that does not decode, is one error
    row however long it is. A quote that never closes is one error row for the line it opened on,
    and the lines after that line are read again as records.
    """
    pending: deque[Line] = deque()
    record: list[Line] = []
    in_quotes, size, error = False, 0, None
    source = iter(lines)
    while True:
        line = pending.popleft() if pending else next(source, None)
        if line is None:
            break
        if not in_quotes:
            record, size, error = [], 0, None
        if line.error:  # the quote state after a line that does not decode is unknown: the record ends here
            first = record[0] if record else line
            yield first.number, [], first.encoding, error or f"line {line.number}: {line.error}"
            in_quotes = False
            continue
        in_quotes, _ = _scan_csv_line(line.text, in_quotes, True, delimiter)
        size += len(line.text)
        if size > limit and error is None:
            error = f"CSV record longer than {limit} characters"
        if error is None or not record:  # an overlong record keeps its first line only, for its number
            record.append(line)
        if not in_quotes:
            yield record[0].number, [] if error else [x.text for x in record], record[0].encoding, error
    if in_quotes:
        first = record[0]
        yield first.number, [], first.encoding, error or f"a quoted field opened in the record at line {first.number} never closes"
        if error is None and len(record) > 1:  # read what the open quote swallowed again
            yield from _csv_records(iter(record[1:]), delimiter, limit)


def _read_csv(handle: IO[bytes], source: str, f: _Fields, delimiter: str = ",") -> Iterator[Record]:
    limit = 2 * f.max_bytes + 65536
    csv.field_size_limit(max(csv.field_size_limit(), limit))
    header: list[str] | None = None
    for start, physical, encoding, error in _csv_records(iter_lines(handle, max_line_bytes=limit), delimiter, limit):
        fallback_id = f"{source}:{start}"
        if header is None:
            header, problem = (None, error) if error else _parse_row(physical, delimiter)
            if not header or header == [""]:
                raise InputError(f"{source}: no CSV header row ({problem or 'it is blank'})")
            _check_header(header, source, f)
            continue
        if error:
            yield Record(fallback_id, error=error, encoding=encoding)
            continue
        row, problem = _parse_row(physical, delimiter)
        if problem:
            yield Record(fallback_id, error=f"invalid CSV row: {problem}", encoding=encoding)
            continue
        if not row or row == [""]:
            continue
        if len(row) != len(header):
            yield Record(fallback_id, error=f"CSV row has {len(row)} fields, header has {len(header)}", encoding=encoding)
            continue
        yield _record(dict(zip(header, row)), fallback_id, f, encoding)
    if header is None:
        raise InputError(f"{source}: no CSV header row (empty file)")


def _parse_row(physical: list[str], delimiter: str) -> tuple[list[str] | None, str | None]:
    try:
        rows = list(csv.reader(physical, delimiter=delimiter))
    except csv.Error as exc:
        return None, str(exc)
    if len(rows) > 1:
        return None, "a line break inside an unquoted field"
    return (rows[0] if rows else []), None


def _check_header(header: list[str], source: str, f: _Fields) -> None:
    for opt, name in (("--text-field", f.text_field), ("--id-field", f.id_field)):
        if name is not None and name not in header:
            raise InputError(f"{source}: the header row has no column {name!r} (columns: "
                             f"{', '.join(header) or 'none'}); name the right one with {opt}")


def _read_xlsx(handle: IO[bytes], source: str, f: _Fields) -> Iterator[Record]:
    """The rows of a workbook's first sheet (a review sheet's ``review`` sheet if it has one), its
    first row naming the columns as a CSV header does. Cells are read as Excel shows their values."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(handle.read()), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException: not a workbook
        yield Record(source, error=f"not a readable .xlsx workbook ({type(exc).__name__})")
        return
    sheet = book["review"] if "review" in book.sheetnames else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    _check_header(header, f"{source}, sheet {sheet.title!r}", f)
    for number, values in enumerate(rows, 2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        obj = {name: (v if isinstance(v, str) or v is None else str(v)) for name, v in zip(header, values) if name}
        yield _record(obj, f"{source}:{number}", f, "xlsx")
    book.close()


def _record_reader(suffix: str):
    if suffix == ".xlsx":
        return _read_xlsx
    if suffix in (".jsonl", ".ndjson"):
        return _read_jsonl
    if suffix == ".json":
        return _read_json
    if suffix == ".tsv":
        return lambda handle, source, f: _read_csv(handle, source, f, "\t")
    return _read_csv


# ---- directories and the whole input list --------------------------------------------------------

def _kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in RECORD_SUFFIXES:
        return "records"
    return None


def _list_directory(folder: Path) -> tuple[list[Path], list[Path]]:
    """``(files, hidden)``: every file below ``folder`` (broken links too, so that they are reported;
    symlinked folders followed, each real folder once), and the hidden files and folders (``.name``)
    left out, which the summary counts as skipped."""
    files, hidden, visited = [], [], set()
    for root, dirs, names in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in visited:  # a link back up the tree, or a second link to one folder
            dirs[:] = []
            continue
        visited.add(real)
        hidden += [Path(root) / d for d in dirs if d.startswith(".")]
        hidden += [Path(root) / n for n in names if n.startswith(".")]
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files += [Path(root) / n for n in names if not n.startswith(".")]
    return sorted(files), sorted(hidden)


def _common_root(inputs: list[str]) -> str | None:
    """The deepest folder holding every input directory (the directory itself when there is one)."""
    folders = [os.path.abspath(i) for i in inputs if i != "-" and Path(i).is_dir()]
    return os.path.commonpath(folders) if folders else None


def check_inputs(inputs: Iterable[str], *, id_field: str | None = None, text_field: str = "text",
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Raise :class:`InputError` for what would stop a run: a missing input path, a records file
    given as an input whose header, or every one of whose first records, lacks the named fields. (A records file found in
    a directory with such a problem is one error row instead.)"""
    fields = _Fields(id_field, text_field, max_bytes)
    for item in inputs:
        if item == "-":
            continue
        path = Path(item)
        if not path.exists() and not path.is_symlink():
            raise InputError(f"no such file or directory: {item}")
        if _kind(path) == "records" and path.is_file():
            _check_record_file(path, fields)


def _check_record_file(path: Path, fields: _Fields) -> None:
    try:
        handle = path.open("rb")
    except OSError:
        return  # reported as that file's error row when it is read
    with handle:
        try:
            next(_record_reader(path.suffix.lower())(handle, str(path), fields), None)
        except InputError:
            raise
        except Exception:  # noqa: BLE001 - anything else is that file's records' errors, reported later
            return


def iter_records(inputs: Iterable[str], *, stdin: IO[bytes] | None = None, id_field: str | None = None,
                 text_field: str = "text", stdin_format: str = "jsonl", max_bytes: int = DEFAULT_MAX_BYTES,
                 stats: InputStats | None = None, exclude: Iterable[str | Path] = ()) -> Iterator[Record]:
    """Records of every input in order: a text file, an HTML page, a directory, a JSONL/NDJSON, JSON
    or CSV/TSV file, or ``-`` (JSONL; CSV with ``stdin_format="csv"``; one article with ``"text"``).

    Ids: a file's path as given; in directories, paths relative to the common root of all the
    directories given (so ids are unique across them); a record's own id field, prefixed with its
    file's relative path and ``#`` when the file was found in a directory. A file reached twice is
    read once. Files in directories that are not articles are listed in ``stats.skipped``.
    Raises :class:`InputError` for a missing input path or a missing column of a records file given
    as an input; a records file found in a directory with a missing column is one error row.
    """
    inputs = list(inputs)
    stats = stats if stats is not None else InputStats()
    fields = _Fields(id_field, text_field, max_bytes)
    root = _common_root(inputs)
    excluded = {Path(p).resolve() for p in exclude}
    seen: set[Path] = set()
    for item in inputs:
        if item == "-":
            stream = stdin or sys.stdin.buffer
            if stdin_format == "text":
                yield _read_stdin_text(stream, max_bytes)
                continue
            reader = _read_csv if stdin_format == "csv" else _read_jsonl
            yield from reader(stream, "<stdin>", fields)
            continue
        path = Path(item)
        if path.is_dir():
            files, hidden = _list_directory(path)
            stats.skipped += [os.path.relpath(os.path.abspath(h), root).replace(os.sep, "/") for h in hidden]
            for file in files:
                resolved = file.resolve()
                if resolved in seen or resolved in excluded:
                    continue
                seen.add(resolved)
                rel = os.path.relpath(os.path.abspath(file), root).replace(os.sep, "/")
                kind = _kind(file)
                if kind is None:
                    stats.skipped.append(rel)
                    continue
                try:
                    yield from _read_file(file, rel, kind, _Fields(id_field, text_field, max_bytes, f"{rel}#"))
                except InputError as exc:  # a records file among articles: its problem is its own error row
                    yield Record(rel, error=str(exc).replace(f"{rel}: ", "", 1))
        elif not path.exists() and not path.is_symlink():
            raise InputError(f"no such file or directory: {item}")
        else:
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            yield from _read_file(path, str(path), _kind(path) or "text", fields)


def _read_file(path: Path, rec_id: str, kind: str, fields: _Fields) -> Iterator[Record]:
    if kind == "text":
        yield _read_txt(path, rec_id, fields.max_bytes)
    elif kind == "html":
        yield _read_html(path, rec_id, fields.max_bytes)
    else:
        try:
            handle = path.open("rb")
        except OSError as exc:
            yield Record(rec_id, error=f"cannot read file: {exc.strerror or exc}")
            return
        with handle:
            yield from _record_reader(path.suffix.lower())(handle, rec_id, fields)
