import re

from hypothesis import given, settings, strategies as st

from dangjian.features.normalize import normalize, repair_gbk_debris, strip_pinyin, to_simplified
from conftest import SEEDS


def test_traditional_becomes_simplified():
    assert normalize("黨建聯盟與輪值主席") == "党建联盟与轮值主席"


def test_injected_pinyin_is_removed_but_other_parentheses_stay():
    assert strip_pinyin("領(lǐng)導") == "領導"
    assert normalize("產(chǎn)業(yè)鏈（附全文）(CEO)") == "产业链(附全文)(CEO)"


def test_gbk_misalignment_debris_is_repaired():
    assert normalize("“小個?!秉h建") == "“小个”党建"
    assert normalize("“小個?!卑l展") == "“小个”发展"


def test_a_real_interrobang_is_not_treated_as_debris():
    assert normalize("真的吗?!我们来了") == "真的吗 我们来了"


def test_stray_question_mark_inside_words_is_neutralised():
    assert normalize("食品安全?這家企業") == "食品安全 这家企业"


def test_fullwidth_and_whitespace_are_folded():
    assert normalize("ＡＢＣ　１２３\u200b\r\n\n  下一段") == "ABC 123\n下一段"


def test_seed_article_loses_all_pinyin_and_debris():
    text = normalize((SEEDS / "002_0d929d656b9d0d5f.txt").read_text(encoding="utf-8"))
    assert "?!" not in text and "(yè)" not in text and "黨" not in text
    assert "党建" in text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_never_raises_and_is_idempotent(text):
    once = normalize(text)
    assert isinstance(once, str)
    assert normalize(once) == once


noisy = st.lists(st.sampled_from(["黨", "建", "領(lǐng)", "?!", "秉h", "?", "　", "Ａ", "(yè)", "“", "\n", " ", "專", "!"]))


@settings(max_examples=300, deadline=None)
@given(noisy.map("".join))
def test_normalize_is_idempotent_on_noise_like_input(text):
    once = normalize(text)
    assert normalize(once) == once
    assert not re.search(r"\?![^\x00-\x7f]", once)  # no debris left before a character


def test_to_simplified_handles_empty():
    assert to_simplified("") == ""
    assert repair_gbk_debris("") == ""
