"""Agreement statistics against published worked examples."""
import pytest

from dangjian.agreement import agreement, format_report, load_codings


def coded(values: list[int], label="联盟") -> dict:
    return {f"a{i}": frozenset([label] if v else []) for i, v in enumerate(values)}


def test_cohens_kappa_of_the_textbook_example():
    # Cohen's kappa worked example (Wikipedia, "Cohen's kappa"): 50 proposals, both yes 20,
    # A yes B no 5, A no B yes 10, both no 15 -> p_o = 0.7, p_e = 0.5, kappa = 0.4
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    result = {r.label: r for r in agreement({"A": coded(a), "B": coded(b)})}
    assert result["联盟"].statistic == "Cohen's kappa"
    assert result["联盟"].kappa == pytest.approx(0.4)
    assert result["联盟"].percent == pytest.approx(0.7)
    assert len(result["联盟"].disagreements) == 15
    assert result["孵化站"].kappa is None and result["孵化站"].percent == 1.0  # never used: undefined


def test_fleiss_kappa_for_three_coders():
    # Fleiss (1971): three raters, four items, two categories. Per item agreement
    # P_i = (sum_j n_ij^2 - n) / (n (n - 1)) = 1, 1/3, 1/3, 1, so P_bar = 2/3; category shares
    # 6/12 and 6/12, so P_e = 0.5; kappa = (2/3 - 1/2) / (1 - 1/2) = 1/3
    votes = {"x": [1, 1, 1, 0], "y": [1, 1, 0, 0], "z": [1, 0, 0, 0]}
    result = {r.label: r for r in agreement({c: coded(v) for c, v in votes.items()})}
    assert result["联盟"].statistic == "Fleiss' kappa"
    assert result["联盟"].kappa == pytest.approx(1 / 3)
    assert result["联盟"].percent == pytest.approx(0.5)
    assert [d[0] for d in result["联盟"].disagreements] == ["a1", "a2"]


def test_only_articles_every_coder_decided_are_compared():
    a = {"a0": frozenset(["联盟"]), "a1": frozenset(), "extra": frozenset(["联盟"])}
    b = {"a0": frozenset(["联盟"]), "a1": frozenset()}
    result = agreement({"A": a, "B": b})
    assert all(r.n == 2 for r in result)
    assert "articles decided by all 2: 2" in format_report({"A": a, "B": b}, result)


def test_sheets_without_coder_are_named_by_file_and_databases_by_coder(tmp_path):
    from dangjian.review.store import ReviewStore
    from dangjian.sheets import write_sheet

    rows = [{"id": "a", "text": "文本", "联盟": 1, "孵化站": 0, "示范岗": 0, "轮值主席": 0}]
    write_sheet(rows, tmp_path / "first.csv")
    store = ReviewStore(tmp_path / "r.sqlite")
    store.add_articles([{"id": "a", "text": "文本", "predicted": [], "scores": {}}])
    store.decide("a", "li", ["联盟"])
    codings = load_codings([tmp_path / "first.csv", tmp_path / "r.sqlite"])
    assert codings == {"first.csv": {"a": frozenset(["联盟"])}, "li": {"a": frozenset(["联盟"])}}
