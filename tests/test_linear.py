"""The numpy scoring path equals scikit-learn's pipeline, and scoring loads neither scikit-learn nor scipy."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from conftest import SEEDS, read_jsonl


@pytest.fixture(scope="module")
def trained_on_corpus():
    """A model trained with every feature block (words, chars, rules) on part of the corpus."""
    from dangjian.model.data import label_matrix
    from dangjian.model.train import TrainConfig, train

    records = read_jsonl(SEEDS / "seeds.jsonl") + read_jsonl(SEEDS / "corpus.jsonl")[::3]
    config = TrainConfig(folds=2, char_ngrams=(2, 3))
    return train([r["text"] for r in records], label_matrix(records), config)


def test_numpy_scores_equal_scikit_learn_predict_proba_on_the_whole_corpus(trained_on_corpus):
    from dangjian import Tagger

    texts = [r["text"] for r in read_jsonl(SEEDS / "seeds.jsonl") + read_jsonl(SEEDS / "corpus.jsonl")]
    texts += ["", "   ", "ＡＢＣ", "党建联盟" * 500]
    tagger = Tagger(trained_on_corpus.linear, {"thresholds": trained_on_corpus.thresholds,
                                                "tokenizer": {"backend": trained_on_corpus.config.tokenizer_backend}})
    reference = trained_on_corpus.pipeline.predict_proba(texts)
    ours = np.array([tagger.proba(t) for t in texts])
    assert ours.shape == reference.shape == (len(texts), 4)
    assert np.abs(ours - reference).max() < 1e-6
    # The batch path that `tag_many` and `dangjian score` use: the same, batch by batch.
    batched = np.array([[r.scores[lab] for lab in r.scores] for r in tagger.tag_many(texts, batch_size=128)])
    assert np.abs(batched - reference).max() < 2e-6  # scores are rounded to 6 decimals


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet="党建联盟孵化站示范岗轮值主席成员单位牵头的了，。 \nABC12", max_size=60), max_size=6))
def test_a_batch_scores_each_text_as_it_scores_alone(texts):
    tagger = _shipped()
    prepared = [tagger.prepare(t) for t in texts]
    alone = np.array([tagger.linear.proba(c, k) for c, k in prepared]).reshape(len(texts), 4)
    together = tagger.linear.proba_many([c for c, _ in prepared], [k for _, k in prepared])
    assert together.shape == (len(texts), 4)
    assert np.abs(together - alone).max(initial=0) < 1e-9


def _shipped():
    from dangjian import Tagger

    if not hasattr(_shipped, "tagger"):
        _shipped.tagger = Tagger.load()
    return _shipped.tagger


def test_the_shipped_model_scores_without_scikit_learn_scipy_or_pickle(tmp_path):
    code = (
        "import sys, pickle\n"
        "loads = []\n"
        "pickle.loads = lambda *a, **k: loads.append(1)\n"
        "pickle.load = lambda *a, **k: loads.append(1)\n"
        "from dangjian import Tagger\n"
        "r = Tagger.load().tag('园区成立党建联盟，成员单位轮流担任轮值主席')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy', 'joblib'}), len(loads))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[]", "0"]


_WORDS = ["党建", "联盟", "成员", "单位", "轮值", "主席", "的"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_WORDS + ["生僻", "x"]), max_size=12), max_size=5),
       st.sets(st.sampled_from(_WORDS + [f"{a} {b}" for a in _WORDS for b in _WORDS]), max_size=40))
def test_the_fast_word_counts_equal_counting_each_texts_ngrams(token_lists, terms):
    """Unigram and bigram columns found through token ids equal looking up every n-gram string,
    including bigrams of tokens that have no unigram column and tokens outside the vocabulary."""
    from dangjian.model.linear import TfidfBlock

    vocabulary = {term: j for j, term in enumerate(sorted(terms))}
    block = TfidfBlock("word", (1, 2), vocabulary, np.ones(len(vocabulary), dtype=np.float32))
    rows, cols, tf = block._word_counts(token_lists)
    fast = {(int(r), int(c)): int(f) for r, c, f in zip(rows, cols, tf)}
    slow = {(i, c): f for i, tokens in enumerate(token_lists) for c, f in block.counts(tokens).items()}
    assert fast == slow
