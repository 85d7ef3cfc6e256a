"""The command line, run as a user runs it: a subprocess of the installed script."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEEDS

DANGJIAN = shutil.which("dangjian", path=str(Path(sys.executable).parent)) or shutil.which("dangjian")


def run(*args, stdin=None, cwd=None):
    return subprocess.run([DANGJIAN, *map(str, args)], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, timeout=300)


def rows(stdout):
    return [json.loads(line) for line in stdout.splitlines()]


@pytest.mark.parametrize("command", [[], ["score"], ["train"], ["evaluate"], ["report"], ["codebook"]])
def test_help_explains_with_an_example(command):
    out = run(*command, "--help")
    assert out.returncode == 0
    assert "usage: dangjian" in out.stdout
    if command:
        assert "example" in out.stdout


def test_usage_error_exits_2():
    assert run("score").returncode == 2
    assert run("frobnicate").returncode == 2


def test_score_seed_directory(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    out = run("score", folder)
    assert out.returncode == 0, out.stderr
    result = {r["id"]: r for r in rows(out.stdout)}
    assert sorted(result) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert result["003_50470bdb421857b8.txt"]["labels"] == []
    assert result["004_ddaa4c428c78c2ff.txt"]["labels"] == ["联盟", "示范岗", "轮值主席"]
    assert "scored 5, errors 0" in out.stderr


def test_score_jsonl_file_and_stdin_with_a_bad_line(tmp_path):
    records = [{"id": "a", "text": "成立党建联盟"}, {"id": "b", "text": "主题党日"}]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n{broken\n"
    (tmp_path / "in.jsonl").write_text(data, encoding="utf-8")
    for source, stdin in ((tmp_path / "in.jsonl", None), ("-", data)):
        out = run("score", source, stdin=stdin)
        assert out.returncode == 3
        got = rows(out.stdout)
        assert [r["id"] for r in got][:2] == ["a", "b"]
        assert "error" in got[2] and got[2]["id"].endswith(":3")
        assert set(got[0]["scores"]) == {"联盟", "孵化站", "示范岗", "轮值主席"}


def test_unreadable_file_is_a_record_error_and_the_batch_goes_on(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("园区党建联盟成立", encoding="utf-8")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    out = run("score", tmp_path / "dangling.txt", good, "-o", tmp_path / "out.jsonl")
    assert out.returncode == 3
    got = rows((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert "cannot read" in got[0]["error"] and "labels" in got[1]
    assert out.stdout == ""


def test_a_missing_input_path_is_a_usage_error_with_no_output(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("园区党建联盟成立", encoding="utf-8")
    out = run("score", good, tmp_path / "missing.txt", "-o", tmp_path / "out.jsonl")
    assert out.returncode == 2
    assert out.stderr.strip() == f"dangjian: error: no such file or directory: {tmp_path / 'missing.txt'}"
    assert list(tmp_path.iterdir()) == [good]


def test_train_then_score_with_the_new_model(tmp_path, small_corpus):
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in small_corpus), encoding="utf-8")
    out = run("train", "--data", data, "-o", tmp_path / "m", "--folds", "3")
    assert out.returncode == 0, out.stderr
    card = json.loads((tmp_path / "m" / "card.json").read_text(encoding="utf-8"))
    assert card["training_data"]["n_train"] + card["training_data"]["n_dev"] == len(small_corpus)
    scored = run("score", SEEDS / "004_ddaa4c428c78c2ff.txt", "--model", tmp_path / "m")
    assert scored.returncode == 0 and len(rows(scored.stdout)) == 1


def test_tampered_model_is_refused_in_one_line(tmp_path, small_model_dir):
    copy = tmp_path / "m"
    shutil.copytree(small_model_dir, copy)
    (copy / "weights.npz").write_bytes(b"not a model")
    out = run("score", SEEDS / "004_ddaa4c428c78c2ff.txt", "--model", copy)
    assert out.returncode == 1
    assert out.stderr.strip().count("\n") == 0 and "refusing to load" in out.stderr


def test_explain_shows_traditional_sentences_as_in_the_file_with_terms_in_brackets():
    path = SEEDS / "000_0760089758dcbcdf.txt"
    text = path.read_text(encoding="utf-8")
    out = run("explain", path)
    assert out.returncode == 0, out.stderr
    assert "轮值主席  score" in out.stdout
    shown = [line.strip() for line in out.stdout.splitlines() if line.strip().startswith("[") and "] " in line]
    assert shown
    for line in shown:
        span, rest = line.split("] ", 1)
        contribution, sentence = rest.split("  ", 1)
        assert float(contribution) > 0  # only sentences that raise the label's score
        start, end = map(int, span.strip("[").split(":"))
        original = text[start:end].replace("\n", " ")  # a sentence across a hard wrap is shown on one line
        assert sentence.replace("[", "").replace("]", "") == original.replace("[", "").replace("]", "")
    assert "[輪值書記]" in out.stdout and "\033[" not in out.stdout  # brackets, not colour, off a terminal


def test_explain_reads_raw_text_from_stdin():
    out = run("explain", "-", stdin="横州市54个单位党组织组建茉莉花产业集群党建联盟，成员单位轮流担任轮值主席。")
    assert out.returncode == 0 and "<stdin>" in out.stdout


def test_score_with_evidence_adds_offsets_into_the_original(tmp_path):
    text = "黨建聯(lián)盟成立。成員單位輪流擔任輪值主席。"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    got = rows(run("score", tmp_path / "a.txt", "--evidence").stdout)[0]
    for label in got["labels"]:
        for s in got["evidence"][label]["sentences"]:
            assert text[s["start"]:s["end"]] == s["text"]


def _write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_evaluate_with_data_takes_every_record_and_keeps_everything_in_json(tmp_path, small_corpus):
    records = [{**r, "split": split} for r, split in zip(small_corpus[:24], ["train", "dev", "test"] * 8)]
    data = _write_jsonl(tmp_path / "mine.jsonl", records)
    out = run("evaluate", "--data", data, "--json", tmp_path / "r.json", "--resamples", "200", "--rules")
    assert out.returncode == 0, out.stderr
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert result["n"] == 24 and result["data"]["split"] == "all"  # a user's file: every record
    assert result["bootstrap"]["n_resamples"] == 200
    for system in ("model", "baseline"):
        low, high = result["bootstrap"]["macro_f1"][system]
        assert low <= high and f"{low:.3f}, {high:.3f}" in out.stdout
        for lab, row in result[system]["per_label"].items():
            assert set(row) == {"precision", "recall", "f1", "support"}
    assert "recall" in out.stdout.split("keyword rules")[1].splitlines()[1]
    assert {row["rule"] for row in result["rules"]} <= set(out.stdout.split())
    only_dev = run("evaluate", "--data", data, "--split", "dev", "--json", tmp_path / "d.json", "--resamples", "50")
    assert json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))["n"] == 8


def test_evaluate_without_data_uses_the_shipped_dev_split(tmp_path):
    from dangjian.model.data import load_labelled, select_split, shipped_data_files

    out = run("evaluate", "--json", tmp_path / "r.json", "--resamples", "50")
    assert out.returncode == 0, out.stderr
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert result["n"] == len(select_split(load_labelled(shipped_data_files()), "dev"))


def test_evaluate_reports_na_for_a_label_nobody_has_or_predicts(tmp_path):
    records = [{"id": str(i), "text": text, "labels": labels} for i, (text, labels) in enumerate([
        ("横州市54个单位党组织组建产业集群党建联盟，成员单位联建共建。", ["联盟"]),
        ("区域化党建联盟召开联席会议，成员单位资源共享、活动共办。", ["联盟"]),
        ("村里召开主题党日活动，学习党的二十大精神。", []),
        ("社区开展重阳节敬老活动。", []),
    ])]
    data = _write_jsonl(tmp_path / "few.jsonl", records)
    out = run("evaluate", "--data", data, "--json", tmp_path / "r.json", "--resamples", "50")
    assert out.returncode == 0, out.stderr
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    predicted = {lab for r in result["records"] for lab in r["predicted"]}
    assert "孵化站" not in predicted  # the premise: nothing here reads as an incubator
    assert result["model"]["per_label"]["孵化站"]["f1"] is None  # JSON null, not 0.0
    assert "孵化站" not in result["model"]["macro_labels"]
    row = next(line for line in out.stdout.splitlines() if line.startswith("孵化站"))
    assert row.split()[1:] == ["0", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"]


def test_evaluate_bad_options_and_data_are_one_line_errors(tmp_path):
    out = run("evaluate", "--resamples", "0")
    assert out.returncode == 2 and out.stderr.startswith("dangjian: error:")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "党建联盟", "labels": ["联盟国"]}\n', encoding="utf-8")
    out = run("evaluate", "--data", bad)
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "bad.jsonl:1" in out.stderr


def test_explain_marks_a_look_alike_rule_among_the_terms():
    """A negative (look-alike) rule the model weighs says whose look-alike it is."""
    from dangjian.model.rules import NEGATIVE, RULES

    out = run("explain", "-", stdin="市场设立党员示范岗，党员亮身份、作表率，戴党徽上岗。")
    terms = next(line for line in out.stdout.splitlines() if line.strip().startswith("terms:"))
    marked = [r for r in RULES if f"rule:{r.name} (look-alike of {r.label})" in terms]
    assert marked and all(r.polarity == NEGATIVE for r in marked)
    positives = [r for r in RULES if r.polarity != NEGATIVE and f"rule:{r.name} " in terms]
    assert positives and all(f"rule:{r.name} (look-alike" not in terms for r in positives)
