"""Text normalization: the first step of the chain, raw text → clean simplified text.

Real pages arrive in traditional script, with pinyin injected after rare
characters (``領(lǐng)``), full-width ASCII, odd whitespace and the debris of a
GBK page whose bytes were misaligned (``小個?!秉h建`` for ``小個專”黨建``).
:func:`normalize` turns all of that into plain simplified Chinese.

>>> normalize("黨旗領(lǐng)航　ＡＢＣ１２３")
'党旗领航 ABC123'
>>> normalize("“小個?!秉h建")
'“小个”党建'
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["normalize", "repair_gbk_debris", "strip_pinyin", "to_simplified", "INJECTED_PINYIN"]

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A pinyin syllable with a tone mark, in ASCII parentheses, right after a CJK character.
INJECTED_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff\uf900-\ufaff])(?:\((?=[a-zü]*[" + _TONED + r"])[a-zü" + _TONED + r"]{1,7}\))+"
)
# '?!' then a run of non-ASCII characters, closed by the ASCII byte that re-syncs the decoder.
_GBK_DEBRIS = re.compile(r"(?:\?!)+([^\x00-\x7f]+[\x40-\x7e]?)")
# Punctuation a misaligned run decodes to when the lost byte was the lead byte 0xA1.
_A1_PUNCT = set("“”‘’、。〈〉《》「」『』【】〔〕…—～·")
_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_STRAY_QMARK = re.compile(rf"(?<={_CJK})\?+(?={_CJK})")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028\u2029\u2060\ufeff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2000-\u200a]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")
# Full-width ASCII (U+FF01..U+FF5E) to ASCII, ideographic space to space.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_NEEDS_FOLD = re.compile(r"[\uff01-\uff5e\u3000]")


def repair_gbk_debris(text: str) -> str:
    """Undo GBK misalignment debris where it can be proven, else drop the ``?!``.

    A GBK page lost the high bit of one lead byte ``0xA1`` (so it became ``!``)
    and the character before it became ``?``; every following byte pair was
    then read one byte off. Re-reading the run with ``0xA1`` put back restores
    it, and the result must start with the punctuation mark that was lost.

    >>> repair_gbk_debris("小個?!秉h建")
    '小個”黨建'
    >>> repair_gbk_debris("真的吗?!我们")
    '真的吗 我们'
    """

    def fix(match: re.Match) -> str:
        run = match.group(1)
        try:
            fixed = (b"\xa1" + run.encode("gb18030")).decode("gb18030", errors="replace")
        except UnicodeEncodeError:  # pragma: no cover - gb18030 encodes all of Unicode
            fixed = ""
        if fixed[:1] in _A1_PUNCT:
            return fixed.replace("\ufffd", "")
        return " " + run

    return _GBK_DEBRIS.sub(fix, text)


def strip_pinyin(text: str) -> str:
    """Remove pinyin injected after a character: ``領(lǐng)`` → ``領``.

    >>> strip_pinyin("產(chǎn)業(yè) (CEO) 第(1)")
    '產業 (CEO) 第(1)'
    """
    return INJECTED_PINYIN.sub("", text)


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese with OpenCC's ``t2s`` profile."""
    return _converter().convert(text) if text else text


def normalize(text: str) -> str:
    """Clean one raw text: repair debris, drop pinyin, simplify, fold widths and spaces.

    Idempotent: ``normalize(normalize(t)) == normalize(t)``.
    """
    text = unicodedata.normalize("NFC", text)
    if "?!" in text:
        text = repair_gbk_debris(text)
    if _NEEDS_FOLD.search(text):
        text = text.translate(_FULLWIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    if "(" in text:
        text = strip_pinyin(text)
    if "?" in text:
        text = _STRAY_QMARK.sub(" ", text)
    text = to_simplified(text)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text)
    return text.strip()
