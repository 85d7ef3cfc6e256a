from hypothesis import given, settings, strategies as st

from dangjian.features.normalize import normalize
from dangjian.features.tokenize import Tokenizer, load_stopwords


def test_domain_words_stay_whole():
    tokens = Tokenizer()("组建党建联盟，设立党员先锋岗和孵化站，推行轮值主席，服务小个专和两新组织")
    for word in ("党建联盟", "党员先锋岗", "孵化站", "轮值主席", "小个专", "两新组织"):
        assert word in tokens


def test_stopwords_punctuation_and_numbers_are_dropped():
    tokens = Tokenizer()("我们的 2023 年，党建工作！")
    assert "的" not in tokens and "2023" not in tokens and "，" not in tokens
    assert "党建" in tokens
    assert not set(tokens) & load_stopwords()


def test_unknown_backend_is_refused():
    import pytest

    with pytest.raises(ValueError, match="backend"):
        Tokenizer(backend="nope")


def test_tokenizer_pickles_without_the_jieba_instance():
    import pickle

    tok = Tokenizer()
    tok("预热")
    assert len(pickle.dumps(tok)) < 500
    assert pickle.loads(pickle.dumps(tok)) == tok


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_tokens_are_nonblank_pieces_of_the_text(text):
    clean = normalize(text)
    tokens = Tokenizer()(clean)
    for token in tokens:
        assert token and not any(c.isspace() for c in token)
        assert token in clean.lower()


def test_fast_backend_agrees_with_jieba_on_the_corpus(capsys):
    """jieba-rs loads the same dictionary and user words; report token agreement on the corpus."""
    from collections import Counter

    from conftest import SEEDS, read_jsonl

    texts = [normalize(r["text"]) for r in read_jsonl(SEEDS / "corpus.jsonl")[::3]]
    reference, fast = Tokenizer("jieba"), Tokenizer("rjieba")
    shared = total = same_docs = 0
    for text in texts:
        a, b = reference(text), fast(text)
        shared += sum((Counter(a) & Counter(b)).values())
        total += max(len(a), len(b))
        same_docs += a == b
    agreement = shared / total
    with capsys.disabled():
        print(f"\ntoken agreement jieba vs rjieba on {len(texts)} corpus articles: {agreement:.5f} "
              f"({same_docs} identical token lists)")
    assert agreement > 0.99
