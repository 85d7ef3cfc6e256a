"""Real-world folders, exports and mistakes, run as a user runs them: nothing lost, nothing harmed."""
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from test_cli import DANGJIAN, rows, run
from conftest import wait_for_output, write_articles

ALLIANCE = "园区十二家互不隶属单位党组织组建党建联盟，成员单位轮流担任轮值主席。"
POST = "车间设立党员示范岗，党员带头攻坚技术难题。"
PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>新闻</title></head>
<body><div class="nav"><a href="/">首页</a> | <a href="/n">新闻中心</a></div><div class="content"><h1>社区党建</h1>
<p>近日，社区在便民服务大厅设立党员示范岗，党员佩戴党徽亮明身份，带头为群众办理各类事项。</p>
<p>社区党委表示，将持续推进党员示范岗建设，让党员在服务群众中发挥先锋模范作用。</p></div>
<div class="footer">版权所有 某某区委组织部</div></body></html>"""


def one_line_usage_error(out):
    return out.returncode == 2 and out.stderr.startswith("dangjian: error: ") and out.stderr.count("\n") == 1


@pytest.fixture
def mixed_folder(tmp_path):
    """What a researcher's folder holds: an Excel GBK CSV, a Notepad UTF-16 text, a .TXT, HTML pages."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "excel.csv").write_bytes(f"id,text\r\na1,{ALLIANCE}\r\na2,{POST}\r\n".encode("gbk"))
    (folder / "notepad.txt").write_bytes(ALLIANCE.encode("utf-16"))
    (folder / "SHOUT.TXT").write_bytes(POST.encode("utf-8"))
    (folder / "page.html").write_bytes(PAGE.encode("gbk"))
    page2 = PAGE.split('<div class="content">')[0] + f'<div class="content"><h1>园区党建</h1><p>{ALLIANCE}</p>' \
        '<p>联盟每季度召开联席会议，推动资源共享。</p></div></body></html>'
    (folder / "page2.HTM").write_bytes(page2.replace("gb2312", "utf-8").encode("utf-8"))
    (folder / "report.pdf").write_bytes(b"%PDF-1.4")
    return folder


def test_a_mixed_folder_scores_every_article_right_and_reports_each_encoding(mixed_folder):
    out = run("score", mixed_folder)
    assert out.returncode == 0, out.stderr
    got = {r["id"]: r for r in rows(out.stdout)}
    assert {i: (r["labels"], r["encoding"]) for i, r in got.items()} == {
        "excel.csv#a1": (["联盟", "轮值主席"], "gb18030"),
        "excel.csv#a2": (["示范岗"], "gb18030"),
        "notepad.txt": (["联盟", "轮值主席"], "utf-16"),
        "SHOUT.TXT": (["示范岗"], "utf-8"),
        "page.html": (["示范岗"], "gb18030"),
        "page2.HTM": (["联盟", "轮值主席"], "utf-8"),
    }
    assert got["page.html"]["source"] == got["page2.HTM"]["source"] == "html main text (trafilatura)"
    assert "scored 6, errors 0" in out.stderr and "skipped 1 file that is not an article (report.pdf)" in out.stderr
    assert "gb18030 3" in out.stderr and "utf-16 1" in out.stderr


def test_html_evidence_offsets_refer_to_the_extracted_text(mixed_folder, tmp_path):
    from dangjian.inputs import extract_main_text

    text = extract_main_text(PAGE)
    got = rows(run("score", mixed_folder / "page.html", "--evidence").stdout)[0]
    for s in got["evidence"]["示范岗"]["sentences"]:
        assert text[s["start"]:s["end"]] == s["text"]
    out = run("explain", mixed_folder / "page.html")
    assert "offsets are into the main text extracted from the page" in out.stdout.splitlines()[0]


def test_a_run_that_scores_nothing_says_so_and_fails(tmp_path):
    (tmp_path / "notes.md").write_text("# notes", encoding="utf-8")
    out = run("score", tmp_path, "-o", tmp_path / "out.jsonl")
    assert out.returncode == 1
    assert "nothing to score" in out.stderr and "notes.md" in out.stderr
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "out.jsonl.part").exists()


def test_resume_across_directories_with_the_same_file_names_drops_nothing(tmp_path):
    for name in ("in1", "in2"):
        (tmp_path / name).mkdir()
        for i in range(3):
            (tmp_path / name / f"{i}.txt").write_text(POST, encoding="utf-8")
    target = tmp_path / "out.jsonl"
    first = json.dumps({"id": "in1/0.txt", "labels": [], "scores": {}}) + "\n"
    (tmp_path / "out.jsonl.part").write_text(first, encoding="utf-8")
    out = run("score", tmp_path / "in1", tmp_path / "in2", "-o", target, "--resume")
    assert out.returncode == 0, out.stderr
    got = [r["id"] for r in rows(target.read_text(encoding="utf-8"))]
    assert sorted(got) == sorted(f"{d}/{i}.txt" for d in ("in1", "in2") for i in range(3))


def test_resume_keeps_records_whose_ids_repeat(tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps({"id": "same", "text": t}, ensure_ascii=False) + "\n" for t in (POST, ALLIANCE)),
                    encoding="utf-8")
    (tmp_path / "out.jsonl.part").write_text(json.dumps({"id": "same", "labels": [], "scores": {}}) + "\n", encoding="utf-8")
    run("score", data, "-o", tmp_path / "out.jsonl", "--resume")
    assert len(rows((tmp_path / "out.jsonl").read_text(encoding="utf-8"))) == 2


# ---- outputs -------------------------------------------------------------------------------------

@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_output_into_a_device_writes_into_it(tmp_path):
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # our own /dev/null
    (tmp_path / "a.txt").write_text(POST, encoding="utf-8")
    for fmt in ("jsonl", "csv", "xlsx"):
        out = run("score", tmp_path / "a.txt", "-o", device, "--format", fmt)
        assert out.returncode == 0, out.stderr
        assert stat.S_ISCHR(os.lstat(device).st_mode)
        assert not Path(f"{device}.part").exists()


def test_output_into_a_fifo_writes_into_it(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "a.txt").write_text(POST, encoding="utf-8")
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    out = run("score", tmp_path / "a.txt", "-o", fifo)
    reader.join(timeout=60)
    assert out.returncode == 0, out.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(received[0])["labels"] == ["示范岗"]


def test_output_into_a_symlink_writes_into_its_target(tmp_path):
    target, link = tmp_path / "real.jsonl", tmp_path / "link.jsonl"
    target.write_text("old\n", encoding="utf-8")
    link.symlink_to(target)
    (tmp_path / "a.txt").write_text(POST, encoding="utf-8")
    assert run("score", tmp_path / "a.txt", "-o", link).returncode == 0
    assert link.is_symlink() and json.loads(target.read_text(encoding="utf-8"))["id"].endswith("a.txt")
    out = run("score", tmp_path / "a.txt", "-o", link, "--resume")
    assert one_line_usage_error(out) and "regular file" in out.stderr


def test_output_into_a_missing_directory_creates_it(tmp_path):
    (tmp_path / "a.txt").write_text(POST, encoding="utf-8")
    out = run("score", tmp_path / "a.txt", "-o", tmp_path / "new" / "deeper" / "scores.csv")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "new" / "deeper" / "scores.csv").read_bytes().startswith(b"\xef\xbb\xbfid,labels,")


def test_xlsx_output_is_a_spreadsheet_and_formulas_stay_text(tmp_path):
    from openpyxl import load_workbook

    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [
        {"id": "=HYPERLINK(\"http://x\")", "text": ALLIANCE}, {"id": "b", "text": POST}, {"id": "c", "text": ""}]),
        encoding="utf-8")
    out = run("score", data, "-o", tmp_path / "scores.xlsx", "--evidence")
    assert out.returncode == 3, out.stderr
    sheet = load_workbook(tmp_path / "scores.xlsx")["scores"]
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    head = table[0]
    assert head[:2] == ["id", "labels"]
    assert [r[0] for r in table[1:]] == ["=HYPERLINK(\"http://x\")", "b", "c"]
    assert sheet["A2"].data_type == "s"  # text, not a formula
    assert table[1][1] == "联盟;轮值主席" and isinstance(table[1][head.index("score_联盟")], float)
    assert "empty" in table[3][head.index("error")]
    csv_out = run("score", data, "-o", tmp_path / "scores.csv")
    assert csv_out.returncode == 3
    assert "'=HYPERLINK" in (tmp_path / "scores.csv").read_text(encoding="utf-8-sig")


def test_xlsx_resume_continues_a_finished_spreadsheet(tmp_path):
    from openpyxl import load_workbook

    data = tmp_path / "in.jsonl"
    data.write_text(json.dumps({"id": "a", "text": POST}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run("score", data, "-o", tmp_path / "s.xlsx").returncode == 0
    with data.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "b", "text": ALLIANCE}, ensure_ascii=False) + "\n")
    out = run("score", data, "-o", tmp_path / "s.xlsx", "--resume")
    assert out.returncode == 0 and "1 already done" in out.stderr
    ids = [row[0].value for row in load_workbook(tmp_path / "s.xlsx")["scores"].iter_rows(min_row=2)]
    assert ids == ["a", "b"]


def test_stdout_is_utf8_whatever_the_console_encoding(tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps({"id": f"n{i}", "text": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate([POST, "👍园区成立党建联盟 • 成员单位轮流担任轮值主席。", "社区设立党员示范岗𠮷。"])),
                    encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    out = subprocess.run([DANGJIAN, "score", str(data), "--evidence"], capture_output=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    got = [json.loads(line) for line in out.stdout.decode("utf-8").splitlines()]
    assert [r["id"] for r in got] == ["n0", "n1", "n2"]
    assert "👍" in got[1]["evidence"]["联盟"]["sentences"][0]["text"]


def test_a_closed_pipe_ends_the_run_quietly_with_status_0(tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps({"id": f"r{i}", "text": POST}, ensure_ascii=False) + "\n" for i in range(400)),
                    encoding="utf-8")
    for jobs in ("1", "2"):
        out = subprocess.run(["bash", "-c", f'"{DANGJIAN}" score "{data}" --jobs {jobs} | head -1; exit ${{PIPESTATUS[0]}}'],
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0 and out.stderr == ""
        assert json.loads(out.stdout)["id"] == "r0"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_sigterm_stops_the_workers_and_keeps_the_part_file_for_resume(tmp_path):
    data = tmp_path / "in.jsonl"
    n = 3000
    write_articles(data, ALLIANCE * 3, n)
    target, part = tmp_path / "out.jsonl", tmp_path / "out.jsonl.part"
    proc = subprocess.Popen([DANGJIAN, "score", str(data), "-o", str(target), "--jobs", "2", "--batch-size", "8"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for_output(part)
    workers = _children(proc.pid)
    assert workers
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    assert "rerun with --resume" in proc.stderr.read()
    time.sleep(0.5)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()
                and (Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z")]
    assert part.exists() and not target.exists()
    out = run("score", data, "-o", target, "--resume", "--jobs", "2")
    assert out.returncode == 0, out.stderr
    got = [r["id"] for r in rows(target.read_text(encoding="utf-8"))]
    assert sorted(got) == sorted(f"r{i}" for i in range(n)) and len(got) == n


# ---- options ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("options", [["--batch-size", "0"], ["--jobs", "-1"], ["--threshold", "2"], ["--threshold", "-0.1"],
                                     ["--threshold", "nan"], ["--max-bytes", "0"], ["--jobs", "two"]])
def test_numeric_options_out_of_range_are_one_line_usage_errors(tmp_path, options):
    (tmp_path / "a.txt").write_text(POST, encoding="utf-8")
    out = run("score", tmp_path / "a.txt", "-o", tmp_path / "out.jsonl", *options)
    assert one_line_usage_error(out), out.stderr
    assert options[0] in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


@pytest.mark.parametrize("command", [["explain", "-", "-k", "0"], ["train", "--folds", "1"], ["train", "--C", "0"],
                                     ["train", "--cv-repeats", "0"]])
def test_other_commands_check_their_numbers_too(command):
    assert one_line_usage_error(run(*command, stdin=""))


@pytest.mark.parametrize("command", [["evaluate", "--data", "NOSUCH"], ["train", "--data", "NOSUCH"],
                                     ["agreement", "NOSUCH", "NOSUCH2"], ["check-labels", "NOSUCH"],
                                     ["score", "-", "--model", "NOSUCH"], ["report", "--data", "NOSUCH"],
                                     ["suggest", "-", "--exclude", "NOSUCH"]])
def test_a_missing_path_is_a_one_line_usage_error_in_every_command(tmp_path, command):
    out = run(*[str(tmp_path / c) if c.startswith("NOSUCH") else c for c in command], stdin="")
    assert one_line_usage_error(out), out.stderr
    assert "no such file or directory" in out.stderr


@pytest.mark.parametrize("options", [["--text-field", "body"], ["--id-field", "url"]])
@pytest.mark.parametrize("kind", ["csv", "jsonl", "stdin-csv"])
def test_a_missing_column_is_a_usage_error_with_no_output_file(tmp_path, kind, options):
    content = f"id,text\na1,{POST}\n" if "csv" in kind else json.dumps({"id": "a1", "text": POST}, ensure_ascii=False) + "\n"
    source = tmp_path / f"in.{kind}"
    source.write_text(content, encoding="utf-8")
    if kind == "stdin-csv":
        out = run("score", "-", "--stdin-format", "csv", "-o", tmp_path / "out.csv", *options, stdin=content)
    else:
        out = run("score", source, "-o", tmp_path / "out.csv", *options)
    assert one_line_usage_error(out), out.stderr
    assert repr(options[1]) in out.stderr and options[0] in out.stderr
    assert not any(p.name.startswith("out") for p in tmp_path.iterdir())


def test_engine_dask_without_its_extra_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text(POST, encoding="utf-8")
    code = ("import sys; sys.modules['distributed'] = None; from dangjian.cli import main; "
            f"sys.exit(main(['score', {str(tmp_path / 'a.txt')!r}, '--engine', 'dask', '--scheduler', 'tcp://x:1']))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "pip install 'dangjian[dask]'" in out.stderr


# ---- explain ---------------------------------------------------------------------------------------

def test_explain_on_an_empty_directory_several_articles_or_a_csv_says_what_to_do(tmp_path, mixed_folder):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = run("explain", empty)
    assert one_line_usage_error(out) and "no article" in out.stderr
    out = run("explain", mixed_folder)
    assert one_line_usage_error(out) and "--id" in out.stderr and "6 articles" in out.stderr
    out = run("explain", mixed_folder / "excel.csv")
    assert one_line_usage_error(out) and "--id" in out.stderr and "a1" in out.stderr
    out = run("explain", mixed_folder / "excel.csv", "--id", "a2")
    assert out.returncode == 0 and "示范岗  score" in out.stdout and "encoding gb18030" in out.stdout
    out = run("explain", mixed_folder, "--id", "notepad.txt")
    assert out.returncode == 0 and "轮值主席  score" in out.stdout
    assert one_line_usage_error(run("explain", tmp_path / "missing.txt"))


def test_explain_reads_a_gbk_article_on_stdin_as_it_reads_the_file(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(ALLIANCE.encode("gbk"))
    from_stdin = subprocess.run([DANGJIAN, "explain", "-"], input=path.read_bytes(), capture_output=True, timeout=300)
    from_file = run("explain", path)
    assert from_stdin.returncode == 0 and from_file.returncode == 0
    assert from_stdin.stdout.decode("utf-8").split("\n", 1)[1] == from_file.stdout.split("\n", 1)[1]
    assert "联盟  score" in from_file.stdout


def test_explain_on_a_long_line_without_punctuation_prints_bounded_sentences(tmp_path):
    from dangjian.model.evidence import MAX_SENTENCE_CHARS

    words = ["园区", "企业", "党组织", "党建联盟", "成员单位", "轮流", "担任", "轮值主席", "服务", "群众"]
    (tmp_path / "long.txt").write_text("".join(words[i * 7 % len(words)] for i in range(60000)), encoding="utf-8")
    out = run("explain", tmp_path / "long.txt")
    assert out.returncode == 0, out.stderr
    sentences = [line.split("] ", 1)[1].split("  ", 1)[1] for line in out.stdout.splitlines() if line.startswith("  [")]
    assert sentences and max(len(s.replace("[", "").replace("]", "")) for s in sentences) <= MAX_SENTENCE_CHARS


# ---- train and evaluate -----------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "gbk"])
def test_train_and_evaluate_read_the_encodings_score_reads(tmp_path, small_corpus, encoding):
    data = tmp_path / "data.jsonl"
    data.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in small_corpus[:40]).encode(encoding, "ignore"))
    out = run("evaluate", "--data", data, "--split", "all")
    assert out.returncode == 0, out.stderr
    assert "n=40" in out.stdout


def test_train_and_evaluate_name_the_file_and_line_of_a_bad_record(tmp_path, small_corpus):
    data = tmp_path / "data.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in small_corpus[:5]]
    data.write_bytes(("\n".join(lines[:3]) + "\n").encode("gbk", "ignore") + b"\x80\xff\x80\xff\n")
    for command in (["evaluate", "--split", "all"], ["train", "-o", tmp_path / "m"]):
        out = run(*command, "--data", data)
        assert out.returncode == 1 and f"{data}:4" in out.stderr and out.stderr.count("\n") <= 2


def test_evaluate_reports_n_a_for_a_label_with_no_examples_and_no_predictions(tmp_path):
    data = tmp_path / "data.jsonl"
    records = [{"id": f"x{i}", "text": "今天天气很好，大家去公园散步。", "labels": []} for i in range(3)]
    records.append({"id": "p", "text": POST, "labels": ["示范岗"]})
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = run("evaluate", "--data", data, "--split", "all", "--json", tmp_path / "r.json")
    assert out.returncode == 0, out.stderr
    rows = {line.split()[0]: line.split() for line in out.stdout.splitlines() if line.strip()}
    assert rows["联盟"][2:5] == ["n/a", "n/a", "n/a"]  # model P, R, F1 of a label nobody has or predicts
    assert rows["示范岗"][1] == "1"
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert result["model"]["per_label"]["联盟"]["f1"] is None
    defined = [v["f1"] for v in result["model"]["per_label"].values() if v["f1"] is not None]
    assert result["model"]["macro_f1"] == pytest.approx(sum(defined) / len(defined))


# ---- processes ---------------------------------------------------------------------------------------

SPAWN_SCRIPT = """
import multiprocessing, sys
from dangjian import Tagger
from dangjian.batch import score_records
from dangjian.inputs import Record

if __name__ == "__main__":
    base = Tagger.load()
    mine = Tagger(base.linear, {"thresholds": {lab: 0.0 for lab in base.thresholds}})
    recs = [Record(f"r{i}", "社区设立党员示范岗，党员轮流值守为群众服务。") for i in range(4)]
    multiprocessing.get_all_start_methods = lambda: ["spawn"]
    multiprocessing.set_start_method("spawn", force=True)
    one = [r["labels"] for r in score_records(recs, mine, jobs=1, batch_size=2)]
    two = [r["labels"] for r in score_records(recs, mine, jobs=2, batch_size=2)]
    print(one == two, len(one[0]))
"""


def test_score_records_uses_the_callers_tagger_under_spawn(tmp_path):
    script = tmp_path / "spawn_check.py"
    script.write_text(SPAWN_SCRIPT, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "4"]  # thresholds of 0: every label, in every process


def test_stdin_as_one_plain_text_article_and_a_hint_when_text_is_piped_as_jsonl():
    article = "园区八家企业成立党建联盟，成员单位轮流担任轮值主席。\n第二段。"
    out = run("score", "-", "--stdin-format", "text", stdin=article)
    row = json.loads(out.stdout)
    assert out.returncode == 0 and row["id"] == "<stdin>" and "联盟" in row["labels"]
    out = run("score", "-", stdin=article)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert out.returncode == 3 and "--stdin-format text" in rows[0]["error"]
