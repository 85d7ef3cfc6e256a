from hypothesis import given, settings, strategies as st
import pytest

from dangjian.features.normalize import normalize
from dangjian import LABELS, Tagger
from dangjian.model.evidence import locate_term, split_sentences


@pytest.fixture(scope="module")
def tagger():
    return Tagger.load()


pieces = st.sampled_from([
    "黨建聯盟", "成員單位輪流擔任輪值主席", "領(lǐng)", "產(chǎn)業(yè)", "。", "！", "?!", "秉h", "\n",
    "　", "ＡＢ", " ", "設立黨員先鋒崗", "孵化站", "?", "“", "”", "；", "主題黨日",
    # what real exports carry: invisibles, Kangxi radicals, Extension B with pinyin, hard wraps, spacing
    "示\u00ad范岗", "\ufe0f", "\U000e0100", "党员⽰范岗", "𠮷(jí)", "联\n盟", "党 建", "，", "5(wǔ)",
])
traditional_noisy = st.lists(pieces, max_size=40).map("".join)


@settings(max_examples=120, deadline=None)
@given(st.one_of(st.text(), traditional_noisy))
def test_evidence_offsets_point_into_the_original_text(tagger, text):
    result = tagger.tag(text, evidence=True, threshold=0.0)  # every label predicted
    assert set(result.evidence) == set(LABELS)
    for ev in result.evidence.values():
        for s in ev.sentences:
            assert text[s.start:s.end] == s.text and s.text.strip()
            assert s.weight > 0


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), traditional_noisy))
def test_sentences_are_ordered_trimmed_and_disjoint(text):
    spans = split_sentences(text)
    for (_, e1), (s2, _) in zip(spans, spans[1:]):
        assert e1 <= s2
    for s, e in spans:
        assert text[s:e] == text[s:e].strip() and text[s:e]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), traditional_noisy, st.text(st.sampled_from("党建联盟，。 \n!?;")), ),
       st.integers(4, 60))
def test_sentences_are_bounded_and_cover_every_visible_character(text, limit):
    spans = split_sentences(text, max_chars=limit)
    covered = set()
    for s, e in spans:
        assert e - s <= limit
        covered.update(range(s, e))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_a_line_of_a_million_characters_gives_bounded_sentences():
    from dangjian.model.evidence import MAX_SENTENCE_CHARS

    text = "园区企业党组织党建联盟成员单位轮流担任轮值主席" * 40000
    spans = split_sentences(text)
    assert len(spans) >= len(text) // MAX_SENTENCE_CHARS
    assert max(e - s for s, e in spans) <= MAX_SENTENCE_CHARS
    assert "".join(text[s:e] for s, e in spans) == text


def test_a_hard_wrap_between_characters_does_not_end_a_sentence():
    text = "开发区十二家企业党组织联合成立产业链党建联\n盟，成员单位定期开展联建共建活动。\n下一句"
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert sentences == ["开发区十二家企业党组织联合成立产业链党建联\n盟，成员单位定期开展联建共建活动。", "下一句"]
    assert locate_term(sentences[0], "党建联盟") is not None


@settings(max_examples=200, deadline=None)
@given(traditional_noisy, st.sampled_from(["党建联盟", "轮值主席", "产业", "党员先锋岗", "孵化站", "示范岗", "党员示范岗"]))
def test_located_terms_are_the_term_in_original_form(text, term):
    span = locate_term(text, term)
    if span is not None:
        assert normalize(text[span[0]:span[1]]).replace(" ", "") == term
    else:
        assert term not in normalize(text).replace(" ", "")


def test_seed_000_evidence_is_traditional_text_from_the_file(tagger):
    from conftest import SEEDS

    text = (SEEDS / "000_0760089758dcbcdf.txt").read_text(encoding="utf-8")
    result = tagger.tag(text, evidence=True)
    assert result.labels
    for label in result.labels:
        sentences = result.evidence[label].sentences
        assert sentences
        for s in sentences:
            assert text[s.start:s.end] == s.text
        assert any("黨" in s.text for s in sentences)  # traditional, as in the file


def test_top_evidence_for_true_positives_names_the_practice(tagger, capsys):
    """On dev, the top sentence of a true positive holds a codebook term or one of the label's strongest features."""
    import numpy as np

    from conftest import SEEDS, read_jsonl
    from dangjian.model.rules import RULES

    names, _ = tagger.linear.feature_names()
    strongest = {lab: set(names[np.argsort(-tagger.linear.coef[j])[:100]]) for j, lab in enumerate(LABELS)}
    dev = [r for r in read_jsonl(SEEDS / "corpus.jsonl") if r["split"] == "dev"]
    hits = by_rule = cases = 0
    for record in dev:
        result = tagger.tag(record["text"], evidence=True, k=1)
        for label in set(result.labels) & set(record["labels"]):
            cases += 1
            sentences = result.evidence[label].sentences
            if not sentences:
                continue
            clean = normalize(sentences[0].text)
            codebook = any(r.fires(clean) for r in RULES if r.label == label and r.polarity > 0)
            by_rule += codebook
            hits += codebook or bool(strongest[label] & set(sentences[0].terms))
    share = hits / cases
    with capsys.disabled():
        print(f"\nevidence: top sentence holds a codebook term or a top-100 feature in {hits}/{cases} dev true "
              f"positives ({share:.0%}; codebook term alone {by_rule / cases:.0%})")
    assert share >= 0.8
