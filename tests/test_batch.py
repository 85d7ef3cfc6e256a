"""Batch scoring faults, encodings, order, formats and resume (issue: batch scoring at scale)."""
import csv
import json
import os
import signal
import subprocess

import pytest

from dangjian.batch import score_records
from dangjian.inputs import iter_records
from test_cli import run, rows
from conftest import wait_for_output, write_articles

ARTICLE = "园区十二家互不隶属单位党组织组建党建联盟，成员单位轮流担任轮值主席。"


def ids_once(out_rows, expected):
    got = [r["id"] for r in out_rows]
    assert sorted(got) == sorted(expected) and len(got) == len(set(got))


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(ARTICLE, encoding="utf-8")
    return d


def test_missing_file(tmp_path, folder):
    out = run("score", folder / "good.txt", tmp_path / "nope.txt")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and "no such file or directory" in out.stderr


def test_unreadable_file_in_a_directory(folder):
    (folder / "broken.txt").symlink_to(folder / "gone")
    got = {r["id"]: r for r in rows(run("score", folder).stdout)}
    assert "cannot read" in got["broken.txt"]["error"] and "labels" in got["good.txt"]


def test_binary_empty_oversized_and_undecodable_files(folder):
    (folder / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x00\rIHDR")
    (folder / "empty.txt").write_bytes(b"   \n")
    (folder / "big.txt").write_text(ARTICLE * 20, encoding="utf-8")
    (folder / "garbled.txt").write_bytes(b"\x80\xff\x80\xff")
    out = run("score", folder, "--max-bytes", "1000")
    assert out.returncode == 3
    got = {r["id"]: r for r in rows(out.stdout)}
    ids_once(got.values(), ["good.txt", "binary.txt", "empty.txt", "big.txt", "garbled.txt"])
    assert "binary" in got["binary.txt"]["error"]
    assert "empty" in got["empty.txt"]["error"]
    assert "too large" in got["big.txt"]["error"]
    assert "decode" in got["garbled.txt"]["error"]
    assert "scored 1, errors 4" in out.stderr


def test_invalid_json_line_and_csv_row(tmp_path):
    (tmp_path / "in.jsonl").write_text('{"id": "a", "text": "党建联盟"}\n{oops\n["list"]\n{"id": "d"}\n', encoding="utf-8")
    got = rows(run("score", tmp_path / "in.jsonl").stdout)
    assert [("error" in r) for r in got] == [False, True, True, True]
    (tmp_path / "in.csv").write_text("url,body\nu1,党建联盟成立\nu2\nu3,主题党日,extra\n", encoding="utf-8")
    out = run("score", tmp_path / "in.csv", "--id-field", "url", "--text-field", "body")
    got = rows(out.stdout)
    assert out.returncode == 3
    assert got[0]["id"] == "u1" and "labels" in got[0]
    assert all("fields" in r["error"] for r in got[1:]) and len(got) == 3


def test_encodings_are_detected_and_reported(folder):
    (folder / "gb.txt").write_bytes("横州市党建联盟推行轮值主席制度".encode("gb18030"))
    (folder / "big5.txt").write_bytes("黨建聯盟推行輪值主席制度".encode("big5"))
    (folder / "bom.txt").write_bytes("\ufeff党员示范岗".encode("utf-8"))
    got = {r["id"]: r for r in rows(run("score", folder).stdout)}
    assert got["gb.txt"]["encoding"] == "gb18030"
    assert got["big5.txt"]["encoding"] == "big5"
    assert got["bom.txt"]["encoding"] == "utf-8-sig"
    assert got["good.txt"]["encoding"] == "utf-8"


def test_parallel_output_is_in_input_order_and_equal_to_serial(tmp_path, small_model_dir):
    from dangjian import Tagger

    data = tmp_path / "in.jsonl"
    texts = [ARTICLE, "主题党日", "党员先锋岗", "创业孵化器", ""] * 30
    data.write_text("".join(json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    tagger = Tagger.load(small_model_dir)
    serial = list(score_records(iter_records([str(data)]), tagger, jobs=1, batch_size=7))
    parallel = list(score_records(iter_records([str(data)]), tagger, model_dir=small_model_dir, jobs=2, batch_size=7))
    assert parallel == serial
    assert [r["id"] for r in serial] == [f"r{i}" for i in range(len(texts))]


def test_csv_output_by_extension(tmp_path, folder):
    out = run("score", folder, "-o", tmp_path / "out.csv")
    assert out.returncode == 0
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbfid,")  # UTF-8 with BOM: Excel reads it as UTF-8
    table = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8-sig")))
    assert table[0]["id"] == "good.txt" and "score_联盟" in table[0]


def test_resume_continues_without_rescoring_or_duplicating(tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps({"id": f"r{i}", "text": ARTICLE}, ensure_ascii=False) + "\n"
                            for i in range(6)), encoding="utf-8")
    part = tmp_path / "out.jsonl.part"
    marker = {"联盟": 0.123, "孵化站": 0.123, "示范岗": 0.123, "轮值主席": 0.123}
    done = "".join(json.dumps({"id": f"r{i}", "labels": [], "scores": marker}) + "\n" for i in range(3))
    part.write_text(done + '{"id": "r3", "lab', encoding="utf-8")  # a torn last line
    out = run("score", data, "-o", tmp_path / "out.jsonl", "--resume")
    assert out.returncode == 0, out.stderr
    got = rows((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    ids_once(got, [f"r{i}" for i in range(6)])
    assert [r["scores"] == marker for r in got] == [True] * 3 + [False] * 3
    assert not part.exists()
    assert "3 already done" in out.stderr


def test_a_killed_run_leaves_only_whole_lines_and_resume_finishes_it(tmp_path):
    data = tmp_path / "in.jsonl"
    n = 3000
    write_articles(data, ARTICLE * 3, n)
    target, part = tmp_path / "out.jsonl", tmp_path / "out.jsonl.part"
    from test_cli import DANGJIAN

    proc = subprocess.Popen([DANGJIAN, "score", str(data), "-o", str(target), "--jobs", "1", "--batch-size", "8"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_output(part)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not target.exists()
    lines = part.read_text(encoding="utf-8").splitlines()
    assert 0 < len(lines) < n
    out = run("score", data, "-o", target, "--resume", "--jobs", "2")
    assert out.returncode == 0, out.stderr
    ids_once(rows(target.read_text(encoding="utf-8")), [f"r{i}" for i in range(n)])


def test_resume_needs_an_output_file():
    assert run("score", "-", "--resume", stdin="").returncode == 2
    assert run("score", "-", "--engine", "dask", stdin="").returncode == 2


def test_dask_engine_matches_the_local_engine(tmp_path, folder, small_model_dir):
    distributed = pytest.importorskip("distributed")
    from dangjian import Tagger
    from dangjian.dask_engine import score_dask

    for i in range(12):
        (folder / f"a{i:02d}.txt").write_text(ARTICLE[: 10 + i * 3], encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    tagger = Tagger.load(small_model_dir)
    local = list(score_records(iter_records([str(folder)]), tagger, batch_size=4))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        remote = list(score_dask(iter_records([str(folder)]), cluster.scheduler_address, tagger, batch_size=4))
        out = run("score", folder, "--engine", "dask", "--scheduler", cluster.scheduler_address,
                  "--model", small_model_dir)
    assert remote == local
    assert rows(out.stdout) == local and out.returncode == 3


def test_resume_reads_rows_whose_text_holds_line_separators(tmp_path):
    """A written row may hold U+0085 or U+2028 (JSON keeps them raw): still one row when resuming."""
    import json

    from dangjian.outputs import _complete_lines, done_ids

    part = tmp_path / "out.jsonl.part"
    rows = [{"id": "a", "evidence": "甲\u2028乙"}, {"id": "b", "evidence": "丙\x85丁"}]
    part.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + '{"id": "c", "tor',
                    encoding="utf-8")
    lines, end = _complete_lines(part)
    assert done_ids(lines, "jsonl") == {"a": 1, "b": 1}
    assert part.read_bytes()[:end].endswith(b"\n")
