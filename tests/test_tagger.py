from hypothesis import given, settings, strategies as st
import pytest

from dangjian import LABELS, Tagger


@pytest.fixture(scope="module")
def tagger():
    return Tagger.load()


def _check(result):
    assert set(result.scores) == set(LABELS)
    assert all(0.0 <= s <= 1.0 for s in result.scores.values())
    assert set(result.labels) <= set(LABELS)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_tag_never_raises_on_any_text(tagger, text):
    _check(tagger.tag(text))


def test_empty_and_one_megabyte_texts(tagger):
    _check(tagger.tag(""))
    _check(tagger.tag(("黨建聯盟成員單位輪流擔任輪值主席，" * 40000)[:1_000_000]))


def test_labels_follow_the_card_thresholds(tagger):
    result = tagger.tag("园区十二家互不隶属单位党组织组建党建联盟，设立党员先锋岗。")
    assert result.labels == [lab for lab in LABELS if result.scores[lab] >= tagger.thresholds[lab]]
    assert tagger.tag("同上", threshold=0.0).labels == list(LABELS)


def test_tag_many_streams_in_order(tagger):
    texts = ["党建联盟", "党员示范岗", "主题党日活动", "轮值主席单位"] * 40
    consumed = []

    def source():
        for t in texts:
            consumed.append(t)
            yield t

    stream = tagger.tag_many(source(), batch_size=16)
    first = next(stream)
    assert len(consumed) == 16  # lazily: one batch, not the whole input
    rest = list(stream)
    assert [first, *rest] == [tagger.tag(t) for t in texts]


def test_non_text_is_a_type_error(tagger):
    with pytest.raises(TypeError):
        tagger.tag(None)


def test_a_non_text_in_a_stream_is_named_by_its_position(tagger):
    stream = tagger.tag_many(["党员示范岗", "孵化站", "", None, "联盟"], batch_size=2)
    assert len([next(stream), next(stream)]) == 2  # the first batch is tagged
    with pytest.raises(TypeError, match="text 3: expected str, got NoneType"):
        list(stream)


@pytest.mark.parametrize("threshold", [-0.1, 1.5, 2])
def test_a_threshold_outside_zero_to_one_is_refused_as_the_cli_refuses_it(tagger, threshold):
    with pytest.raises(ValueError, match="between 0 and 1"):
        tagger.tag("党建联盟", threshold=threshold)
