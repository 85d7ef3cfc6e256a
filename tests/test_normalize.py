import re
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from dangjian.features.normalize import (
    DEFAULT_IGNORABLE, fold_char, normalize, repair_gbk_debris, strip_pinyin, to_simplified,
)
from conftest import SEEDS


def test_traditional_becomes_simplified():
    assert normalize("黨建聯盟與輪值主席") == "党建联盟与轮值主席"


def test_injected_pinyin_is_removed_but_other_parentheses_stay():
    assert strip_pinyin("領(lǐng)導") == "領導"
    assert normalize("產(chǎn)業(yè)鏈（附全文）(CEO)") == "产业链(附全文)(CEO)"


@pytest.mark.parametrize("before", ["𠮷", "𪚥", "㐀", "龥", "丽", "5", "0", "二"])
def test_injected_pinyin_goes_after_any_han_character_and_after_digits(before):
    assert normalize(f"{before}(jí)家村") == to_simplified(unicodedata.normalize("NFC", before)) + "家村"
    assert normalize(f"{before}(chǎn yè)") == to_simplified(unicodedata.normalize("NFC", before))


def test_pinyin_like_words_without_tone_marks_stay():
    assert normalize("党建(CEO)园区(abc)") == "党建(CEO)园区(abc)"


def test_gbk_misalignment_debris_is_repaired():
    assert normalize("“小個?!秉h建") == "“小个”党建"
    assert normalize("“小個?!卑l展") == "“小个”发展"


@pytest.mark.parametrize("text", [
    "这样的好事谁不点赞?!党员示范岗让群众办事更方便，园区还成立了党建联盟。",
    "真的吗?!我们来了",
    "真的吗?!我们来了abc",
    "怎么会这样?!难道是真的?!",
    "太好了?!党建联盟成立了abc，大家都很高兴",
])
def test_an_ordinary_interrobang_and_the_text_after_it_are_left_alone(text):
    assert repair_gbk_debris(text) == text
    after = text.split("?!", 1)[1]
    assert to_simplified(after.replace("，", ",")) in normalize(text)


def test_a_stray_question_mark_is_left_as_it_is():
    assert normalize("食品安全?這家企業") == "食品安全?这家企业"


def test_fullwidth_and_whitespace_are_folded():
    assert normalize("ＡＢＣ　１２３\u200b\r\n\n  下一段") == "ABC 123\n\n下一段"


def _ignorables() -> list[str]:
    """Every default-ignorable code point (the class in DEFAULT_IGNORABLE, expanded)."""
    pattern = re.compile(f"[{DEFAULT_IGNORABLE}]")
    return [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF and pattern.match(chr(cp))]


def test_the_ignorable_class_is_the_unicode_property():
    found = _ignorables()
    assert len(found) == 4174  # DerivedCoreProperties 15.0: Default_Ignorable_Code_Point, 4,174 code points
    for ch in ["\u00ad", "\u034f", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\ufe00", "\ufe0f",
               "\U000e0100", "\U000e01ef", "\u180b", "\u3164"]:
        assert ch in found


@pytest.mark.parametrize("ch", _ignorables()[::37] + ["\u00ad", "\ufe0f", "\U000e01ef", "\u034f", "\u200d"])
def test_default_ignorable_code_points_are_removed(ch):
    assert normalize(f"园区设立党员示{ch}范岗，党{ch}{ch}建联盟") == "园区设立党员示范岗,党建联盟"
    assert fold_char(ch) == ""


def _radicals() -> list[tuple[str, str]]:
    from importlib import resources

    text = resources.files("dangjian.features").joinpath("data", "radicals.txt").read_text(encoding="utf-8")
    return [tuple(line.split("\t")) for line in text.splitlines()]


def test_every_kangxi_radical_is_folded_as_nfkc_does():
    table = dict(_radicals())
    for cp in range(0x2F00, 0x2FD6):
        assert table[chr(cp)] == unicodedata.normalize("NFKC", chr(cp))
    assert sum(0x2E80 <= ord(r) <= 0x2EFF for r in table) == 114  # the supplement: 115 assigned, U+2E80 has none


@pytest.mark.parametrize("radical,ideograph", _radicals())
def test_radicals_fold_to_unified_ideographs(radical, ideograph):
    assert normalize(f"党员{radical}") == "党员" + to_simplified(ideograph)
    assert fold_char(radical) == ideograph


def test_kangxi_text_from_a_pdf_reads_as_plain_chinese():
    assert normalize("车间设立党员⽰范岗，党员亮明⾝份，发挥先锋作⽤") == "车间设立党员示范岗,党员亮明身份,发挥先锋作用"


@pytest.mark.parametrize("gap", ["\n", " ", "\u3000", " \n ", "\r\n", "\t", "\u00a0"])
def test_a_hard_wrap_or_spacing_between_han_characters_is_not_a_word_boundary(gap):
    assert normalize(f"产业链党建联{gap}盟成立") == "产业链党建联盟成立"
    assert normalize(f"党{gap}建{gap}联{gap}盟") == "党建联盟"


def test_a_paragraph_break_and_spaces_beside_latin_stay():
    assert normalize("第一段\n\n第二段") == "第一段\n\n第二段"
    assert normalize("ABC DEF 党建 ABC") == "ABC DEF 党建 ABC"


def test_seed_article_loses_all_pinyin_and_debris():
    text = normalize((SEEDS / "002_0d929d656b9d0d5f.txt").read_text(encoding="utf-8"))
    assert "?!" not in text and "(yè)" not in text and "黨" not in text
    assert "党建" in text


# The characters real exports carry, for the property tests below and in test_evidence.
EXPORT_NOISE = ["黨", "建", "領(lǐng)", "?!", "秉h", "卑l", "?", "　", "Ａ", "(yè)", "“", "\n", "\n\n", " ", "專", "!",
                "\u00ad", "\ufe0f", "\U000e0100", "\u034f", "\u200d", "\u200b", "⽰", "⻓", "⾧", "𠮷", "(jí)", "5",
                "(wǔ)", "\r\n", "\t", "乾", "隆", "，", "。", "(chǎn yè)", "a", "\u2028", "\ufffd", "～", "\ud800"]
noisy = st.lists(st.sampled_from(EXPORT_NOISE)).map("".join)
characters = st.one_of(st.characters(), st.sampled_from([c for c in EXPORT_NOISE if len(c) == 1]))


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.text(characters)))
def test_normalize_never_raises_and_is_idempotent(text):
    once = normalize(text)
    assert isinstance(once, str)
    assert normalize(once) == once


@settings(max_examples=400, deadline=None)
@given(noisy)
def test_normalize_is_idempotent_on_export_noise(text):
    once = normalize(text)
    assert normalize(once) == once
    assert not re.search(f"[{DEFAULT_IGNORABLE}\u2e80-\u2fdf]", once)  # no invisibles, no radicals left
    assert not re.search(r"[\u4e00-\u9fff][ \n][\u4e00-\u9fff]", once)  # no gap between two characters


def test_to_simplified_handles_empty():
    assert to_simplified("") == ""
    assert repair_gbk_debris("") == ""


def test_debris_repair_is_idempotent_for_every_common_character():
    """A '?!' run that is not proven debris in traditional script must not become 'proven' once simplified."""
    from importlib import resources

    table = resources.files("dangjian.features").joinpath("data", "charfreq.txt").read_text(encoding="utf-8")
    chars = [line.split("\t")[0] for line in table.splitlines()][:4000]
    for text in [f"?!{c}" for c in chars] + [f"?!{c}h" for c in chars] + [f"?！{c}l" for c in chars[:500]]:
        once = normalize(text)
        assert normalize(once) == once, text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(min_codepoint=0x2E80, max_codepoint=0x2FDF),
                                  st.characters(min_codepoint=0xFF00, max_codepoint=0xFF60),
                                  st.sampled_from("党建联盟 \u3000，。abc"))))
def test_fast_fold_equals_the_translate_table(text):
    """The scoring path folds widths and radicals by visiting only foldable characters: same result."""
    from dangjian.features.normalize import _fold, _fold_table

    assert _fold(text) == text.translate(_fold_table())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="党建联盟，。、 \nab1\u3000𠮷", max_size=40))
def test_the_hard_wrap_pattern_removes_exactly_the_gaps_between_two_cjk_characters(text):
    """The gap pattern is written gap-first for speed; it matches as "after CJK, a gap, before CJK"."""
    import sys

    module = sys.modules["dangjian.features.normalize"]
    plain = re.compile(rf"(?<={module._CJK_OR_PUNCT})[ \n](?={module._CJK_OR_PUNCT})")
    assert module._CJK_GAP.sub("", text) == plain.sub("", text)
