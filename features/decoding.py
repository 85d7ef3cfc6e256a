"""Bytes → text: the one decoding policy of every reader (text files, CSV, JSONL, stdin, labelled data).

1. A byte-order mark decides: UTF-8, UTF-16 LE/BE, UTF-32 LE/BE.
2. Else strict UTF-8. A text torn inside its last character (a cut download, a truncated
   export) is still UTF-8: the torn tail is dropped.
3. Else the readings as GB18030 (a superset of GBK/cp936) and as Big5 — plain ``big5``, Microsoft's
   ``cp950`` (with the ETEN extensions) or ``big5hkscs`` (the Hong Kong supplement), the first of
   them that decodes — are scored as Chinese by character frequency (:func:`plausibility`), and the
   more plausible wins. A reading below :data:`PLAUSIBLE` (garbage, Latin-1, Shift-JIS, …) is
   refused: :class:`DecodeError`, never garbage.
4. Else a text that is UTF-8 or GB18030 but for a few damaged bytes (a stray byte of a scraped
   page, a byte lost in a copy) is read with each damaged spot as U+FFFD, which normalization
   drops, and reported as ``utf-8 (repaired)`` or ``gb18030 (repaired)``: at most one damaged
   spot per :data:`BYTES_PER_REPAIR` bytes, at least :data:`HAN_PER_REPAIR` Chinese characters per
   damaged spot, and the reading must be plausible Chinese. A whole
   article is not lost to one bad byte, and nothing a stricter rule reads is read differently.

The rules beat charset-normalizer on a sweep of the corpus encoded every way, short titles included
(``python bench/encoding_sweep.py`` prints the table; figures in the README). Character
frequencies: ``data/charfreq.txt``, built from jieba's dictionary by ``scripts/build_charfreq.py``.

>>> decode_text("党建联盟".encode("gbk"))
('党建联盟', 'gb18030')
>>> decode_text("黨建聯盟".encode("big5"))
('黨建聯盟', 'big5')
>>> decode_text("\\ufeff党建".encode("utf-16-le"))
('党建', 'utf-16')
>>> decode_text("党建联盟".encode("utf-8")[:-1])
('党建联', 'utf-8')
"""
from __future__ import annotations

import codecs
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import IO, Iterator

__all__ = ["decode_text", "iter_lines", "Line", "sniff_bom", "plausibility", "DecodeError", "PLAUSIBLE",
           "LEGACY_ENCODINGS", "BYTES_PER_REPAIR", "HAN_PER_REPAIR"]

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)
# Candidates after UTF-8, by family: GB18030, then the Big5 variants in order of size.
LEGACY_ENCODINGS = (("gb18030",), ("big5", "cp950", "big5hkscs"))
# Mean log-probability per character below which a reading is not Chinese text. Measured by
# bench/encoding_sweep.py: corpus texts and titles score above -9, misreadings below -12.
PLAUSIBLE = -11.0
# Rule 4: at most one damaged spot (a run read as U+FFFD) per this many bytes, and at least one.
BYTES_PER_REPAIR = 1000
# ... and at least this many Chinese characters per damaged spot: Latin-1 or random bytes with one
# bad spot are not Chinese text (bench/encoding_sweep.py's "not text" rows stay refused).
HAN_PER_REPAIR = 50
_DAMAGED = re.compile("\ufffd+")  # one damaged spot: a run of replacement characters
_SAMPLE_CHARS = 4000
_RARE_HAN = math.log(1e-6)  # an ideograph outside the frequency table: rare, but Chinese
_FLOOR = math.log(1e-9)  # any other character outside the table (symbols, Hangul, Latin, private use…)
# Punctuation and symbols of Chinese text: as common as the commonest characters.
# Toned pinyin letters (injected pinyin, ``領(lǐng)``): rare, but Chinese text has them.
_PINYIN = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ")
# Bullets, arrows, marks and circled numbers of Chinese web pages and reports: rare, but plausible.
_SYMBOLS = set("■□●○◆◇★☆▲△▼▽※→←↑↓•‧・°℃№①②③④⑤⑥⑦⑧⑨⑩⑴⑵⑶⑷⑸ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ×÷±≤≥≠∶│─")
_PUNCT = set("，。、；：？！“”‘’（）《》〈〉「」『』【】〔〕…—～·．－／％＋＝＜＞０１２３４５６７８９")


class DecodeError(UnicodeDecodeError):
    """Bytes that are none of UTF-8/16/32, GB18030 or Big5 as Chinese text; the message says why."""

    def __init__(self, data: bytes, position: int, reason: str):
        super().__init__("utf-8", data[:1], 0, 1, reason)
        self.position, self.message = position, reason

    def __str__(self) -> str:
        return self.message


@lru_cache(maxsize=1)
def _log_freq() -> dict[str, float]:
    text = resources.files(__package__).joinpath("data", "charfreq.txt").read_text(encoding="utf-8")
    counts = {}
    for line in text.splitlines():
        ch, _, count = line.partition("\t")
        counts[ch] = int(count)
    total = sum(counts.values())
    table = {ch: math.log(c / total) for ch, c in counts.items()}
    top = max(table.values())
    table.update(dict.fromkeys(_PUNCT, top))
    table.update(dict.fromkeys(_PINYIN | _SYMBOLS, _RARE_HAN))
    return table


def _is_han(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x323AF


def plausibility(text: str) -> float:
    """Mean log-probability of the non-ASCII characters of ``text`` (its first 4,000) as Chinese.

    About -6 to -8 for Chinese prose in either script, below -12 for a misreading; 0.0 for a text
    without non-ASCII characters.
    """
    table = _log_freq()
    scores = [table.get(ch) or (_RARE_HAN if _is_han(ch) else _FLOOR)
              for ch in text[:_SAMPLE_CHARS] if ord(ch) > 0x7F and not ch.isspace()]
    return sum(scores) / len(scores) if scores else 0.0


def sniff_bom(data: bytes) -> tuple[str, str, int] | None:
    """``(reported name, codec, BOM length)`` of a byte-order mark at the start of ``data``, else None."""
    for bom, name, codec in _BOMS:
        if data.startswith(bom):
            return name, codec, len(bom)
    return None


def _decode_torn(data: bytes, codec: str, max_tail: int) -> str:
    """Strict decoding; an incomplete last character of at most ``max_tail`` bytes is dropped."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        torn = exc.end == len(data) and exc.start >= len(data) - max_tail
        if torn and exc.reason in ("unexpected end of data", "incomplete multibyte sequence", "truncated data"):
            return data[:exc.start].decode(codec)
        raise


def _legacy_readings(data: bytes) -> list[tuple[float, str, str]]:
    """``(plausibility, text, encoding)`` of each family's first reading that decodes."""
    readings = []
    for family in LEGACY_ENCODINGS:
        for codec in family:
            try:
                text = _decode_torn(data, codec, 3 if codec == "gb18030" else 1)
            except UnicodeDecodeError:
                continue
            readings.append((plausibility(text), text, codec))
            break
    return readings


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode article bytes by the policy above; return ``(text, encoding)``.

    ``encoding`` is ``utf-8``, ``utf-8-sig``, ``utf-16``, ``utf-32``, ``gb18030``, ``big5``,
    ``cp950``, ``big5hkscs``, ``utf-8 (repaired)`` or ``gb18030 (repaired)``. Raises :class:`DecodeError` (a ``UnicodeDecodeError``) when none fits.
    """
    bom = sniff_bom(data)
    if bom:
        name, codec, skip = bom
        try:
            return _decode_torn(data[skip:], codec, 3), name
        except UnicodeDecodeError as exc:
            if codec == "utf-32-le":  # FF FE 00 00 is also UTF-16 LE's BOM before U+0000
                try:
                    return _decode_torn(data[2:], "utf-16-le", 1), "utf-16"
                except UnicodeDecodeError:
                    pass
            raise DecodeError(data, exc.start + skip, f"invalid {name} after its byte-order mark "
                                                      f"(byte {exc.start + skip})") from None
    try:
        return _decode_torn(data, "utf-8", 3), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    readings = _legacy_readings(data)
    if readings:
        score, text, codec = max(readings, key=lambda r: r[0])  # ties: GB18030, the first family
        if score >= PLAUSIBLE:
            return text, codec
    repaired = _repaired_reading(data)
    if repaired is not None:
        return repaired
    if not readings:
        raise DecodeError(data, first_bad, f"not UTF-8 (byte {first_bad}), GB18030 or Big5 text")
    raise DecodeError(data, first_bad, f"not UTF-8 (byte {first_bad}); as GB18030 or Big5 it is not "
                                       f"Chinese text (plausibility {score:.1f} < {PLAUSIBLE})")


def _repaired_reading(data: bytes) -> tuple[str, str] | None:
    """Rule 4: the UTF-8 or GB18030 reading with its few damaged spots as U+FFFD, if one qualifies."""
    allowed = max(1, len(data) // BYTES_PER_REPAIR)
    for codec in ("utf-8", "gb18030"):
        text = data.decode(codec, errors="replace")
        damaged = len(_DAMAGED.findall(text)) - data.count("\ufffd".encode(codec))  # less U+FFFD the text had itself
        if not 0 < damaged <= allowed:
            continue
        intact = text.replace("\ufffd", "")
        if sum(map(_is_han, intact)) >= HAN_PER_REPAIR * damaged and plausibility(intact) >= PLAUSIBLE:
            return text, f"{codec} (repaired)"
    return None


@dataclass(frozen=True)
class Line:
    """One line of a stream: ``text`` (line break kept) or ``error``; ``encoding`` as decode_text names it."""

    number: int
    text: str | None
    encoding: str | None = None
    error: str | None = None


_SAMPLE_BYTES = 1 << 16


def _byte_lines(stream: IO[bytes], limit: int | None) -> Iterator[bytes | None]:
    """Raw lines (``b"\\n"`` kept); ``None`` stands for a line longer than ``limit`` bytes, skipped."""
    while True:
        line = stream.readline(limit + 1) if limit else stream.readline()
        if not line:
            return
        if limit and len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield None
            continue
        yield line


def _wide_lines(stream: IO[bytes], head: bytes, codec: str, name: str) -> Iterator[Line]:
    """Lines of a UTF-16/32 stream (after its BOM): decoded incrementally, split after ``\\n``."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    number, pending = 0, ""
    chunk = head or stream.read(_SAMPLE_BYTES)
    while True:
        final = not chunk
        try:
            pending += decoder.decode(chunk, final=final)
        except UnicodeDecodeError as exc:
            yield Line(number + 1, None, name, f"invalid {name} ({exc.reason}); the rest of the stream is not read")
            return
        *lines, pending = pending.split("\n")
        for line in lines:
            number += 1
            yield Line(number, line + "\n", name)
        if final:
            if pending:
                yield Line(number + 1, pending, name)
            return
        chunk = stream.read(_SAMPLE_BYTES)


def iter_lines(stream: IO[bytes], max_line_bytes: int | None = None) -> Iterator[Line]:
    """The lines of a byte stream, each decoded by the policy, with its number (from 1).

    A BOM decides the whole stream (UTF-16/32 streams are decoded as such). Otherwise the first 64 KiB
    of lines choose the stream's encoding by :func:`decode_text`, and a line that does not decode in
    it is decoded on its own by the same policy, else becomes an error line. A byte-order mark at
    the start of any line (files concatenated with ``cat``) is dropped. Lines longer than
    ``max_line_bytes`` are error lines. UTF-8, GB18030 and Big5 never use the byte ``\\n`` inside a
    character, so splitting lines before decoding is safe.
    """
    head = stream.read(4)
    bom = sniff_bom(head)
    if bom and bom[1] != "utf-8":
        name, codec, skip = bom
        yield from _wide_lines(stream, head[skip:], codec, name)
        return
    raw = _byte_lines(_Prefixed(head, stream), max_line_bytes)
    sample, size = [], 0
    for line in raw:
        sample.append(line)
        if line is not None:
            size += len(line)
        if size >= _SAMPLE_BYTES:
            break
    try:
        stream_encoding = decode_text(b"".join(x for x in sample if x is not None))[1]
    except DecodeError:
        stream_encoding = None
    if stream_encoding is not None:  # the codec: "utf-8-sig" and "gb18030 (repaired)" read line by line
        stream_encoding = {"utf-8-sig": "utf-8"}.get(stream_encoding, stream_encoding.split(" ")[0])
    for number, line in enumerate(_chain(sample, raw), 1):
        if line is None or (max_line_bytes and len(line) > max_line_bytes + 1):
            yield Line(number, None, None, f"line longer than {max_line_bytes} bytes")
            continue
        if line.startswith(codecs.BOM_UTF8):
            line = line[3:]
        try:
            if stream_encoding is None:
                raise UnicodeDecodeError("-", b"", 0, 1, "no stream encoding")
            text, encoding = line.decode(stream_encoding), stream_encoding
        except UnicodeDecodeError:
            try:
                text, encoding = decode_text(line)
            except DecodeError as exc:
                yield Line(number, None, None, str(exc))
                continue
        yield Line(number, text, encoding)


class _Prefixed:
    """``stream`` with ``head`` (bytes already read from it) put back in front, for ``readline``."""

    def __init__(self, head: bytes, stream: IO[bytes]):
        self.head, self.stream = head, stream

    def readline(self, limit: int = -1) -> bytes:
        if not self.head:
            return self.stream.readline(limit)
        end = self.head.find(b"\n") + 1 or len(self.head)
        if limit is not None and 0 <= limit < end:
            end = limit
        line, self.head = self.head[:end], self.head[end:]
        if line.endswith(b"\n") or self.head or (limit is not None and 0 <= limit <= len(line)):
            return line
        return line + self.stream.readline(-1 if limit is None or limit < 0 else limit - len(line))


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest
