import numpy as np

from dangjian.model.labels import LABELS
from dangjian.model.rules import NEGATIVE, POSITIVE, RULES, baseline_labels, rule, rule_analysis, rule_votes


def test_every_rule_is_documented_and_targets_a_label():
    assert {r.label for r in RULES} == set(LABELS)
    for r in RULES:
        assert r.doc, f"{r.name} has no docstring"
        assert r.polarity in (POSITIVE, NEGATIVE)
    assert len({r.name for r in RULES}) == len(RULES)


def test_codebook_positive_wording_is_found_in_traditional_script():
    assert baseline_labels("成立產業鏈黨建聯盟，推行季度輪值主席制度，設立黨員先鋒崗，建黨建孵化站") == list(LABELS)


def test_codebook_negatives_do_not_fire_the_label():
    assert baseline_labels("中方接任上合组织轮值主席国") == []
    assert baseline_labels("入驻创业孵化器的科技企业") == []
    assert baseline_labels("成立产业技术创新联盟") == []
    assert baseline_labels("创建党建示范点") == []


def test_votes_cover_every_rule():
    votes = rule_votes("党建联盟")
    assert set(votes) == {r.name for r in RULES}
    assert votes["alliance_named"] == POSITIVE


def test_analysis_table_counts_coverage_conflicts_and_precision():
    texts = ["成立党建联盟和联合党支部", "党建联盟", "主题党日"]
    y = np.array([[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]])
    table = {row["rule"]: row for row in rule_analysis(texts, y)}
    assert table["alliance_named"]["coverage"] == 2 / 3
    assert table["alliance_named"]["conflicts"] == 1 / 3
    assert table["alliance_named"]["precision"] == 1.0
    assert table["single_joint_committee"]["precision"] == 0.0


def test_analysis_recall_counts_the_texts_whose_gold_agrees_with_the_rules_vote():
    texts = ["党建联盟", "联盟党委成立", "园区党组织共建", "成立联合党支部", "主题党日"]
    y = np.array([[1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    table = {row["rule"]: row for row in rule_analysis(texts, y)}
    assert table["alliance_named"]["recall"] == 2 / 3      # fires on 2 of the 3 positives
    assert table["single_joint_committee"]["recall"] == 1 / 2  # a - rule: fires on 1 of the 2 negatives
    assert table["incubator_named"]["precision"] is None       # never fires
    assert table["incubator_named"]["recall"] is None          # no 孵化站 positive to find
    assert table["startup_incubator"]["recall"] == 0.0         # five 孵化站 negatives, fires on none


def test_bad_rule_target_is_refused():
    import pytest

    with pytest.raises(ValueError):
        rule("unknown", POSITIVE)


def test_rule_votes_transformer_has_one_column_per_rule():
    from dangjian.model.train import RuleVotes

    texts = ["党建联盟", "上合组织轮值主席国", ""]
    matrix = RuleVotes().fit_transform(texts).toarray()
    assert matrix.shape == (3, len(RULES))
    for row, text in zip(matrix, texts):
        votes = rule_votes(text, normalized=True)
        assert list(row) == [float(votes[r.name] != 0) for r in RULES]
    assert list(RuleVotes().fit(texts).get_feature_names_out()) == [f"rule:{r.name}" for r in RULES]


def test_rotation_without_the_word_is_found_but_job_rotation_is_not():
    assert baseline_labels("联盟召集工作由三个县区按年度交替承担") == ["轮值主席"]
    assert baseline_labels("主席单位一年一换") == ["轮值主席"]
    assert baseline_labels("干部每年轮换一次岗位，医生轮流坐诊") == []


def _gate_fragments():
    from dangjian.model.rules import RULES

    return sorted({g for r in RULES for g in r.gate} | {"党建", "党组织", "成员单位", "单位", "主席", "牵头", "召集"})


def test_gates_never_change_what_a_rule_finds_on_the_corpus():
    """The literal gate is only a shortcut: on every corpus text, fires() agrees with find()."""
    from conftest import SEEDS, read_jsonl
    from dangjian.features.normalize import normalize

    texts = [normalize(r["text"]) for f in ("seeds.jsonl", "corpus.jsonl", "grounded.jsonl")
             for r in read_jsonl(SEEDS / f)]
    for r in RULES:
        assert [r.fires(t) for t in texts] == [r.find(t) is not None for t in texts], r.name


from hypothesis import given, settings, strategies as st  # noqa: E402


_GENERATED = st.lists(st.one_of(st.sampled_from(_gate_fragments()),
                                st.text(alphabet="党员支部的和在年月，。、区市县中心站长副会", max_size=4)),
                      max_size=25).map("".join)


@settings(max_examples=300, deadline=None)
@given(_GENERATED)
def test_gates_never_change_what_a_rule_finds_on_generated_text(text):
    for r in RULES:
        assert r.fires(text) == (r.find(text) is not None), r.name


@settings(max_examples=300, deadline=None)
@given(_GENERATED)
def test_a_rule_set_fires_the_rules_that_fire_one_by_one_on_generated_text(text):
    from dangjian.model.rules import RuleSet

    assert RuleSet(RULES).fired(text) == [i for i, rule in enumerate(RULES) if rule.fires(text)]


def test_a_rule_set_fires_exactly_the_rules_that_fire_one_by_one():
    from conftest import SEEDS, read_jsonl
    from dangjian.features.normalize import normalize
    from dangjian.model.rules import RuleSet

    rules = RuleSet(RULES)
    for r in read_jsonl(SEEDS / "grounded.jsonl")[::3]:
        text = normalize(r["text"])
        assert rules.fired(text) == [i for i, rule in enumerate(RULES) if rule.fires(text)]


def test_an_exact_rule_matches_exactly_when_one_of_its_literals_occurs():
    """For rules marked exact, the literal check alone decides (RuleSet skips their regex): same answers."""
    from conftest import SEEDS, read_jsonl
    from dangjian.features.normalize import normalize

    exact = [r for r in RULES if r.exact]
    assert exact
    texts = [normalize(r["text"]) for r in read_jsonl(SEEDS / "grounded.jsonl")[::2]]
    texts += [g for r in exact for g in r.gate] + ["佩戴党徽", "无关的句子"]
    for r in exact:
        assert [any(g in t for g in r.gate) for t in texts] == [r.find(t) is not None for t in texts], r.name
