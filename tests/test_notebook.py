"""The evaluation notebook: committed without outputs, parameterized, and run end to end by ``dangjian report``."""
import json

import nbformat

from conftest import ROOT
from test_cli import run

NOTEBOOK = ROOT / "notebooks" / "evaluation.ipynb"


def test_committed_notebook_has_no_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs", []) == [] and cell.get("execution_count") is None


def test_notebook_has_a_papermill_parameters_cell_for_data_and_model():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = {line.split("=")[0].strip() for line in tagged[0].source.splitlines() if "=" in line
             and not line.startswith("#")}
    assert {"data", "model"} <= names


def test_report_runs_the_notebook_on_the_users_data_and_model(tmp_path, small_model_dir, small_corpus):
    from dangjian import Tagger
    from dangjian.model.data import load_labelled, select_split, shipped_data_files
    from dangjian.model.evaluate import evaluate
    from dangjian.report import to_html

    records = select_split(load_labelled(shipped_data_files()), "dev")[:25] + [
        {"id": "missed", "text": "社区开展重阳节敬老活动，老人们欢聚一堂。", "labels": ["轮值主席"]},
        {"id": "look-alike", "text": "园区成立产业链党建联盟，成员单位轮流担任轮值主席。", "labels": []},
    ]
    data = tmp_path / "mine.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = run("report", "--data", data, "--model", small_model_dir, "-o", tmp_path / "report.ipynb",
              "--resamples", "100", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stderr.count("\n") == 2, out.stderr  # what it runs, what it wrote: no kernel chatter

    nb = nbformat.read(tmp_path / "report.ipynb", as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert len([o for o in outputs if "image/png" in o.get("data", {})]) >= 3  # PR curves twice, sweeps
    text = "".join(o.get("text", "") for o in outputs)
    assert f"mine.jsonl: {len(records)} articles" in text  # the parameters reached the notebook
    assert "model" in text and "baseline" in text and "95% interval" in text

    expected = evaluate(Tagger.load(small_model_dir), records, n_resamples=10)["errors"]
    assert f"{len(expected)} errors" in text
    listed = [line for line in text.splitlines() if line.startswith("--- false ")]
    assert len(listed) == len(expected)
    assert any(line.startswith("--- false negative 轮值主席  missed  family: no codebook wording") for line in listed)
    html = to_html(nb)
    assert "Part 1" in html and "Part 2" in html and html.count('src="data:image/png') >= 3


def test_report_refuses_bad_data_in_one_line_before_starting(tmp_path):
    out = run("report", "--data", tmp_path / "missing.jsonl", "-o", tmp_path / "r.html")
    assert out.returncode == 2 and out.stderr.startswith("dangjian: error:") and out.stderr.count("\n") == 1
    assert not (tmp_path / "r.html").exists()
