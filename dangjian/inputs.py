"""Input records for batch scoring: text files, directories, JSONL, CSV and stdin.

Every input item yields records in order. A record that cannot be read carries
an ``error`` instead of a ``text``, so one bad file never stops a batch and
every input record appears in the output.

Text files are decoded as UTF-8 (with or without BOM), else as GB18030 or Big5,
whichever reads as more plausible Chinese; the encoding used is kept.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Iterable, Iterator

__all__ = ["Record", "iter_records", "decode_text", "DEFAULT_MAX_BYTES"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# The most frequent characters of modern Chinese news text, simplified; their
# traditional forms are added at run time. A correct decoding is full of them.
_COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性"
    "好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第"
    "向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管"
    "特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处"
    "府研队领市委书记村镇县省企单位服务会议组织建设工作"
)


@lru_cache(maxsize=1)
def _common_chars() -> frozenset[str]:
    import opencc

    return frozenset(_COMMON + opencc.OpenCC("s2t").convert(_COMMON))


@dataclass(frozen=True)
class Record:
    id: str
    text: str | None = None
    error: str | None = None
    encoding: str | None = None


def _plausibility(text: str) -> float:
    common = _common_chars()
    sample = text[:4000]
    return sum(ch in common for ch in sample) / max(1, len(sample))


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode article bytes; return ``(text, encoding)`` or raise ``UnicodeDecodeError``.

    >>> decode_text("党建".encode("gb18030"))
    ('党建', 'gb18030')
    >>> decode_text("黨建".encode("big5"))
    ('黨建', 'big5')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as first:
        error = first
    candidates = []
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), encoding == "gb18030", text, encoding))
    if not candidates:
        raise error
    _, _, text, encoding = max(candidates)
    return text, encoding


def _read_txt(path: Path, rec_id: str, max_bytes: int) -> Record:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Record(rec_id, error=f"file too large ({size} bytes > {max_bytes})")
        data = path.read_bytes()
    except OSError as exc:
        return Record(rec_id, error=f"cannot read file: {exc.strerror or exc}")
    if b"\x00" in data[:8192]:
        return Record(rec_id, error="binary file (NUL bytes)")
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError as exc:
        return Record(rec_id, error=f"text fails to decode as UTF-8, GB18030 or Big5 (byte {exc.start})")
    if not text.strip():
        return Record(rec_id, error="empty text", encoding=encoding)
    return Record(rec_id, text, encoding=encoding)


def _from_fields(obj: dict, fallback_id: str, id_field: str, text_field: str, max_bytes: int) -> Record:
    rec_id = obj.get(id_field)
    rec_id = fallback_id if rec_id in (None, "") else str(rec_id)
    text = obj.get(text_field)
    if not isinstance(text, str):
        return Record(rec_id, error=f"missing or non-string {text_field!r}")
    if not text.strip():
        return Record(rec_id, error="empty text")
    if len(text.encode("utf-8")) > max_bytes:
        return Record(rec_id, error=f"text too large (> {max_bytes} bytes)")
    return Record(rec_id, text)


def _read_jsonl(handle: IO[bytes], source: str, id_field: str, text_field: str, max_bytes: int) -> Iterator[Record]:
    for lineno, raw in enumerate(handle, 1):
        if not raw.strip():
            continue
        fallback_id = f"{source}:{lineno}"
        try:
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            obj = json.loads(line)
        except UnicodeDecodeError as exc:
            yield Record(fallback_id, error=f"line is not UTF-8 ({exc.reason} at byte {exc.start})")
            continue
        except json.JSONDecodeError as exc:
            yield Record(fallback_id, error=f"invalid JSON: {exc.msg}")
            continue
        if not isinstance(obj, dict):
            yield Record(fallback_id, error="a JSON line must be an object")
            continue
        yield _from_fields(obj, fallback_id, id_field, text_field, max_bytes)


def _read_csv(handle: IO[bytes], source: str, id_field: str, text_field: str, max_bytes: int) -> Iterator[Record]:
    stream = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        yield Record(source, error=f"CSV has no header row ({exc or 'empty file'})")
        return
    if text_field not in header:
        yield Record(source, error=f"CSV header has no column {text_field!r}: {', '.join(header)}")
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record(f"{source}:{reader.line_num}", error=f"invalid CSV row: {exc}")
            continue
        if not row:
            continue
        fallback_id = f"{source}:{reader.line_num}"
        if len(row) != len(header):
            yield Record(fallback_id, error=f"CSV row has {len(row)} fields, header has {len(header)}")
            continue
        yield _from_fields(dict(zip(header, row)), fallback_id, id_field, text_field, max_bytes)


def _list_directory(folder: Path) -> list[Path]:
    """Every ``*.txt`` below ``folder``; broken links too, so that they are reported."""
    return sorted(p for p in folder.rglob("*.txt") if not p.is_dir())


def iter_records(inputs: Iterable[str], *, stdin: IO[bytes] | None = None, id_field: str = "id",
                 text_field: str = "text", stdin_format: str = "jsonl",
                 max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Record]:
    """Records of every input in order: a ``.txt`` path, a directory, ``.jsonl``, ``.csv`` or ``-``."""
    fields = (id_field, text_field, max_bytes)
    for item in inputs:
        if item == "-":
            reader = _read_csv if stdin_format == "csv" else _read_jsonl
            yield from reader(stdin or sys.stdin.buffer, "<stdin>", *fields)
            continue
        path = Path(item)
        if path.is_dir():
            for file in _list_directory(path):
                yield _read_txt(file, file.relative_to(path).as_posix(), max_bytes)
        elif path.suffix.lower() in (".jsonl", ".csv"):
            reader = _read_csv if path.suffix.lower() == ".csv" else _read_jsonl
            try:
                handle = path.open("rb")
            except OSError as exc:
                yield Record(str(path), error=f"cannot read file: {exc.strerror or exc}")
                continue
            with handle:
                yield from reader(handle, str(path), *fields)
        else:
            yield _read_txt(path, str(path), max_bytes)
