"""Every failing input in ../shared/cases/ gives what its README line says (skipped when shared/ is absent).

Each kind also has its own test that runs without shared/: test_decoding, test_inputs, test_normalize,
test_evidence and test_realworld_cli.
"""
import json
import subprocess
import sys

import pytest

from conftest import ROOT
from test_cli import DANGJIAN, rows, run

CASES = ROOT.parent / "shared" / "cases"
pytestmark = pytest.mark.skipif(not (CASES / "README.md").is_file(), reason="../shared/cases is not beside this checkout")


def score_one(name, *options):
    out = run("score", CASES / name, *options)
    assert out.returncode == 0, out.stderr
    return rows(out.stdout)


@pytest.mark.parametrize("name,labels", [
    ("br-01-kangxi-radicals.txt", ["示范岗"]),
    ("br-11-soft-hyphen.txt", ["示范岗"]),
    ("br-15-extb-pinyin.txt", ["联盟", "轮值主席"]),
    ("br-16-legit-qmark-excl.txt", ["联盟", "示范岗"]),
    ("br-17-hard-wrap.txt", ["联盟"]),
])
def test_normalization_cases(name, labels):
    [row] = score_one(name)
    assert row["labels"] == labels and row["encoding"] == "utf-8"


def test_br15_pinyin_is_removed_and_br16_text_after_the_interrobang_is_untouched():
    from dangjian.features.normalize import normalize

    assert "(jí)" not in normalize((CASES / "br-15-extb-pinyin.txt").read_text(encoding="utf-8"))
    text = (CASES / "br-16-legit-qmark-excl.txt").read_text(encoding="utf-8")
    after = text.split("?!", 1)[1].strip()
    assert normalize(after) in normalize(text)


def test_br02_gbk_excel_csv():
    got = {r["id"]: r for r in score_one("br-02-gbk-excel.csv")}
    assert got["a1"]["labels"] == ["联盟", "轮值主席"] and got["a2"]["labels"] == ["示范岗"]
    assert got["a1"]["encoding"] == got["a2"]["encoding"] == "gb18030"


def test_br06_long_csv_field(tmp_path):
    subprocess.run([sys.executable, str(CASES / "br-06-long-csv-field.gen.py"), str(tmp_path / "long.csv")],
                   check=True, capture_output=True)
    out = run("score", tmp_path / "long.csv")
    assert out.returncode == 0, out.stderr
    assert [(r["id"], r["labels"]) for r in rows(out.stdout)] == [("long1", ["联盟", "轮值主席"]), ("short2", ["示范岗"])]


def test_br07_non_gbk_characters_with_a_gbk_console(tmp_path):
    import os

    out = subprocess.run([DANGJIAN, "score", str(CASES / "br-07-non-gbk-chars.jsonl"), "--evidence"], capture_output=True,
                         env={**os.environ, "PYTHONIOENCODING": "gbk"}, timeout=300)
    assert out.returncode == 0, out.stderr
    assert [json.loads(line)["id"] for line in out.stdout.decode("utf-8").splitlines()] == ["n1", "n2", "n3"]


def test_br08_truncated_utf8():
    [row] = score_one("br-08-truncated-utf8.txt")
    assert row["labels"] == ["联盟", "轮值主席"] and row["encoding"] == "utf-8"


def test_br09_utf16_bom():
    [row] = score_one("br-09-utf16-bom.txt")
    assert row["labels"] == ["联盟", "轮值主席"] and row["encoding"] == "utf-16"


def test_br22_broken_pipe():
    import os

    path = f"{os.path.dirname(DANGJIAN)}{os.pathsep}{os.environ['PATH']}"
    out = subprocess.run(["bash", str(CASES / "br-22-broken-pipe.sh")], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PATH": path}, timeout=300)
    assert out.stdout.strip().endswith("dangjian exit status: 0") and out.stderr == ""


def test_br23_long_line_explain_prints_bounded_sentences(tmp_path):
    from dangjian.model.evidence import MAX_SENTENCE_CHARS

    subprocess.run([sys.executable, str(CASES / "br-23-longline.gen.py"), str(tmp_path / "long.txt")], check=True,
                   capture_output=True)
    out = run("explain", tmp_path / "long.txt")
    assert out.returncode == 0, out.stderr
    shown = [line.split("] ", 1)[1].split("  ", 1)[1] for line in out.stdout.splitlines() if line.startswith("  [")]
    assert shown and max(len(s.replace("[", "").replace("]", "")) for s in shown) <= MAX_SENTENCE_CHARS


def test_br24_gbk_article_on_stdin_explains_as_the_file_does():
    from_stdin = subprocess.run([DANGJIAN, "explain", "-"], input=(CASES / "br-24-gbk-article.txt").read_bytes(),
                                capture_output=True, timeout=300)
    from_file = run("explain", CASES / "br-24-gbk-article.txt")
    assert from_stdin.returncode == 0 and from_file.returncode == 0
    assert from_stdin.stdout.decode("utf-8").split("\n", 1)[1] == from_file.stdout.split("\n", 1)[1]


def test_br33_spawn_custom_tagger(tmp_path):
    source = (CASES / "br-33-spawn-custom-tagger.py").read_text(encoding="utf-8")
    # the case predates the package move: model.* is now dangjian.*
    source = source.replace("from model import", "from dangjian import").replace("from model.", "from dangjian.")
    source = source.replace("base.pipeline", "base.linear")  # the model's arrays, since the model file holds no pickle
    script = tmp_path / "br33.py"
    script.write_text(source, encoding="utf-8")
    for mode in ("fork", "spawn"):
        out = subprocess.run([sys.executable, str(script), mode], capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip().endswith("same: True")


def test_every_case_in_the_readme_has_a_test_here():
    readme = (CASES / "README.md").read_text(encoding="utf-8")
    names = [line.split("|")[1].strip() for line in readme.splitlines() if line.startswith("| br-")]
    source = (ROOT / "tests" / "test_shared_cases.py").read_text(encoding="utf-8")
    assert names and [name for name in names if name not in source] == []
