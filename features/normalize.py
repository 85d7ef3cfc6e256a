"""Text normalization: the first step of the chain, raw text → clean simplified text.

Real pages and exports arrive in traditional script, with pinyin injected after characters
(``領(lǐng)``), full-width ASCII, invisible code points (soft hyphens, zero widths, variation
selectors), Kangxi radicals from PDF/OCR (``⽰`` for ``示``), hard line breaks or spaces between
characters, and the debris of a GBK page whose bytes were misaligned (``小個?!秉h建`` for
``小個”黨建``). :func:`normalize` turns all of that into plain simplified Chinese.

>>> normalize("黨旗領(lǐng)航　ＡＢＣ１２３")
'党旗领航 ABC123'
>>> normalize("“小個?!秉h建")
'“小个”党建'
>>> normalize("党员⽰\\u00ad范岗，产业链党建联\\n盟")
'党员示范岗,产业链党建联盟'
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

__all__ = ["normalize", "repair_gbk_debris", "strip_pinyin", "to_simplified", "fold_char",
           "INJECTED_PINYIN", "DEFAULT_IGNORABLE", "CJK_CHAR"]

# Han ideographs: Extension A, the URO, compatibility ideographs, Extensions B–H (planes 2–3).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
CJK_CHAR = f"[{_HAN}]"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_SYLLABLE = rf"[a-zü{_TONED}]{{1,7}}"
# Pinyin (syllables with at least one tone mark, single spaces between syllables) in ASCII
# parentheses, right after a Han character (any plane) or a digit.
INJECTED_PINYIN = re.compile(
    rf"(?<=[{_HAN}0-9])(?:\((?=[a-zü {_TONED}]*[{_TONED}]){_SYLLABLE}(?: {_SYLLABLE})*\))+"
)
# Default_Ignorable_Code_Point, from the Unicode Character Database 15.0 (DerivedCoreProperties.txt):
# soft hyphen, combining grapheme joiner, zero widths and joiners, bidi controls, Hangul fillers,
# variation selectors (U+FE00–FE0F, U+E0100–E01EF), tags, BOM.
DEFAULT_IGNORABLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# Invisible code points removed outright: default-ignorables, replacement characters, C0 controls but
# tab and line breaks, DEL, and unpaired surrogates (a JSON string may escape one; no codec takes it).
_INVISIBLE = re.compile(f"[{DEFAULT_IGNORABLE}\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# '?!' then a run of non-ASCII characters, closed by the ASCII byte that re-syncs the decoder.
_GBK_DEBRIS = re.compile(r"(?:\?!)+([^\x00-\x7f]+[\x40-\x7e]?)")
# Punctuation a misaligned run decodes to when the lost byte was the lead byte 0xA1.
_A1_PUNCT = set("“”‘’、。〈〉《》「」『』【】〔〕…—～·")
# How much more plausible (mean log-probability per character) a re-read run must be than the run.
_REPAIR_MARGIN = 2.0
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_BLANK_LINES = re.compile(r"\s*\n\s*")
# A single space or line break between two Han characters or CJK punctuation marks: a PDF hard wrap
# or inter-character spacing, not a word boundary.
_CJK_OR_PUNCT = f"[{_HAN}\u3001-\u303f]"
# Written as "a gap, preceded by (CJK + gap)" rather than "(after CJK) a gap" so that the regex
# engine looks for the space or line break first: the same matches, three times faster.
_CJK_GAP = re.compile(rf"[ \n](?<={_CJK_OR_PUNCT}[ \n])(?={_CJK_OR_PUNCT})")
# Full-width ASCII (U+FF01..U+FF5E) to ASCII, ideographic space to space.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_ANY_TONED = re.compile(f"[{_TONED}]")  # injected pinyin always holds a tone mark
_NEEDS_FOLD = re.compile(r"[\uff01-\uff5e\u3000\u2e80-\u2fdf]")


@lru_cache(maxsize=1)
def _radicals() -> dict[int, str]:
    """Kangxi and CJK radical-supplement code points → unified ideographs (``data/radicals.txt``,
    from the UCD's EquivalentUnifiedIdeograph.txt; built by ``scripts/build_radicals.py``)."""
    text = resources.files(__package__).joinpath("data", "radicals.txt").read_text(encoding="utf-8")
    return {ord(a): b for a, b in (line.split("\t") for line in text.splitlines() if line)}


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, int | str]:
    return {**_FULLWIDTH, **_radicals()}


@lru_cache(maxsize=1)
def _fold_strings() -> dict[str, str]:
    """The fold table as character → replacement, for :func:`_fold` (every key matches ``_NEEDS_FOLD``)."""
    return {chr(cp): (chr(to) if isinstance(to, int) else to) for cp, to in _fold_table().items()}


def _fold(text: str) -> str:
    """``text.translate(_fold_table())``, visiting only the characters that may fold (faster on Chinese text)."""
    table = _fold_strings()
    return _NEEDS_FOLD.sub(lambda m: table.get(m.group(), m.group()), text)


def fold_char(ch: str) -> str:
    """One character as :func:`normalize` folds it before simplification, without context.

    ``''`` for an invisible code point, the unified ideograph for a radical, ASCII for full-width
    ASCII, else ``ch``. Used to map normalized terms back to offsets in the original text.

    >>> fold_char("⽰"), fold_char("Ａ"), fold_char("\\u00ad"), fold_char("党")
    ('示', 'A', '', '党')
    """
    if _INVISIBLE.fullmatch(ch):
        return ""
    return ch.translate(_fold_table())


def repair_gbk_debris(text: str, separate: bool = False) -> str:
    """Undo GBK misalignment debris where it can be proven; leave everything else as it is.

    A GBK page lost the high bit of one lead byte ``0xA1`` (so it became ``!``) and the character
    before it became ``?``; every following byte pair was then read one byte off until an ASCII byte
    re-synced the decoder. The run after ``?!`` is debris when re-reading it with ``0xA1`` put back
    (1) consumes its bytes exactly (but for the lead byte of a character the next ``?`` destroyed), (2) starts with the punctuation mark that was lost and (3) is far
    more plausible Chinese than the run as it stands (character frequencies, see
    :func:`dangjian.features.decoding.plausibility`). An ordinary ``?!`` in correct text fails (3)
    and is left as it is; with ``separate=True`` (as :func:`normalize` calls it) a space goes between
    it and the text after it, so that a later pass never re-reads that text (simplified by then).

    >>> repair_gbk_debris("小個?!秉h建")
    '小個”黨建'
    >>> repair_gbk_debris("真的吗?!我们来了abc")
    '真的吗?!我们来了abc'
    >>> repair_gbk_debris("真的吗?!我们来了abc", separate=True)
    '真的吗?! 我们来了abc'
    """
    from .decoding import plausibility

    def fix(match: re.Match) -> str:
        run = match.group(1)
        left_alone = match.group(0)[: match.start(1) - match.start()] + (" " if separate else "") + run
        data = b"\xa1" + run.encode("gb18030")
        try:
            fixed = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            if exc.start < len(data) - 1:  # the re-read does not line up: not debris
                return left_alone
            fixed = data[:-1].decode("gb18030", errors="replace")  # the last character's lost byte
            if "\ufffd" in fixed:
                return left_alone
        rest = fixed[1:]
        if fixed[:1] in _A1_PUNCT and not rest.isascii() and plausibility(rest) > plausibility(run) + _REPAIR_MARGIN:
            return fixed
        return left_alone

    return _GBK_DEBRIS.sub(fix, text)


def strip_pinyin(text: str) -> str:
    """Remove pinyin injected after a character or digit: ``領(lǐng)`` → ``領``.

    >>> strip_pinyin("產(chǎn)業(yè) (CEO) 第(1) 𠮷(jí) 5(wǔ)")
    '產業 (CEO) 第(1) 𠮷 5'
    """
    return INJECTED_PINYIN.sub("", text)


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese with OpenCC's ``t2s`` profile."""
    return _converter().convert(text) if text else text


def _line_breaks(match: re.Match) -> str:
    return "\n\n" if match.group(0).count("\n") > 1 else "\n"


def normalize(text: str) -> str:
    """Clean one raw text: drop invisibles, fold radicals, repair debris, drop pinyin, join hard
    wraps, simplify, fold widths and spaces.

    Idempotent: ``normalize(normalize(t)) == normalize(t)``. A paragraph break (a blank line) stays
    as ``\\n\\n``; a single line break or space between two Han characters is removed.
    """
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if "?!" in text:
        text = repair_gbk_debris(text, separate=True)
    if _NEEDS_FOLD.search(text):
        text = _fold(text)
        if "?!" in text:  # a full-width ？！ just folded
            text = repair_gbk_debris(text, separate=True)
    if "(" in text and _ANY_TONED.search(text):
        text = strip_pinyin(text)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub(_line_breaks, text)
    text = _CJK_GAP.sub("", text)
    text = to_simplified(text)
    return text.strip()
