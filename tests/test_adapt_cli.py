"""suggest → fill the sheet → train on it with the shipped data → score; agreement; check-labels.

Run as a user runs them: subprocesses of the installed script.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import SEEDS

from dangjian.model.labels import LABELS

DANGJIAN = shutil.which("dangjian", path=str(Path(sys.executable).parent)) or shutil.which("dangjian")


def run(*args, cwd=None):
    return subprocess.run([DANGJIAN, *map(str, args)], capture_output=True, text=True, encoding="utf-8",
                          cwd=cwd, timeout=600)


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def fill(sheet: Path, out: Path, gold: dict, coder: str, flip: set = frozenset()) -> Path:
    """What a coder does in Excel: overwrite the label cells with the truth (and ``flip`` some), sign."""
    book = load_workbook(sheet)
    rows = book["review"]
    header = [c.value for c in rows[1]]
    for cells in rows.iter_rows(min_row=2):
        rec_id = cells[header.index("id")].value
        for lab in LABELS:
            value = int(lab in gold[rec_id])
            cells[header.index(lab)].value = 1 - value if (rec_id, lab) in flip else value
        cells[header.index("coder")].value = coder
    book.save(out)
    return out


@pytest.mark.parametrize("command", ["suggest", "review", "agreement", "check-labels"])
def test_new_commands_have_help_with_examples(command):
    out = run(command, "--help")
    assert out.returncode == 0 and "examples:" in out.stdout


def test_suggest_help_and_sheet_name_the_strategy(tmp_path, small_corpus):
    from dangjian.suggest import STRATEGY

    assert " ".join(STRATEGY.split()[:3]) in " ".join(run("suggest", "--help").stdout.split())
    pool = write_jsonl(tmp_path / "pool.jsonl", [{"id": r["id"], "text": r["text"]} for r in small_corpus[:12]])
    out = run("suggest", pool, "-n", "3", "-o", tmp_path / "s.xlsx")
    assert out.returncode == 0, out.stderr
    book = load_workbook(tmp_path / "s.xlsx")
    assert ["strategy", STRATEGY] in [[c.value for c in r] for r in book["about"].iter_rows()]
    assert STRATEGY in out.stderr


def test_suggest_then_train_on_the_filled_sheet_with_the_shipped_data(tmp_path, small_corpus):
    gold = {r["id"]: r["labels"] for r in small_corpus}
    pool = write_jsonl(tmp_path / "pool.jsonl", [{"id": r["id"], "text": r["text"]} for r in small_corpus[:40]]
                       + [{"id": "broken", "text": ""}])
    out = run("suggest", pool, "-n", "10", "-o", tmp_path / "to_review.xlsx")
    assert out.returncode == 3, out.stderr  # the empty record is reported, the rest suggested
    assert "broken: empty text" in out.stderr
    sheet = fill(tmp_path / "to_review.xlsx", tmp_path / "reviewed.xlsx", gold, "wang")

    out = run("train", "--data", sheet, "--with-shipped-data", "-o", tmp_path / "m", "--folds", "2")
    assert out.returncode == 0, out.stderr
    card = json.loads((tmp_path / "m" / "card.json").read_text(encoding="utf-8"))
    sources = {s["file"]: s for s in card["training_data"]["sources"]}
    assert sources["reviewed.xlsx"]["records"] == 10 and sources["reviewed.xlsx"]["kind"] == "review sheet"
    import hashlib

    assert sources["reviewed.xlsx"]["sha256"] == hashlib.sha256(sheet.read_bytes()).hexdigest()
    assert {"corpus.jsonl", "seeds.jsonl"} <= set(sources) and sources["corpus.jsonl"]["kind"] == "shipped"
    scored = run("score", SEEDS / "004_ddaa4c428c78c2ff.txt", "--model", tmp_path / "m")
    assert scored.returncode == 0 and set(json.loads(scored.stdout)["scores"]) == set(LABELS)


def test_train_refuses_a_bad_label_cell_in_one_line(tmp_path, small_corpus):
    from dangjian.sheets import write_sheet

    rows = [{"id": r["id"], "text": r["text"], **{lab: int(lab in r["labels"]) for lab in LABELS}}
            for r in small_corpus[:6]]
    rows[3]["孵化站"] = "maybe"
    write_sheet(rows, tmp_path / "bad.csv")
    out = run("train", "--data", tmp_path / "bad.csv", "-o", tmp_path / "m")
    assert out.returncode == 1
    assert out.stderr.strip() == (f"dangjian: error: {tmp_path / 'bad.csv'}, row 5, column 孵化站 (N): "
                                  f"'maybe' is not 0 or 1")
    assert not (tmp_path / "m").exists()


def test_train_on_a_small_sheet_alone_says_to_add_the_shipped_data(tmp_path, small_corpus):
    from dangjian.sheets import write_sheet

    rows = [{"id": r["id"], "text": r["text"], **{lab: int(lab in r["labels"]) for lab in LABELS}}
            for r in small_corpus if "孵化站" not in r["labels"]][:5]
    write_sheet(rows, tmp_path / "few.xlsx")
    out = run("train", "--data", tmp_path / "few.xlsx", "-o", tmp_path / "m")
    assert out.returncode == 1 and "孵化站" in out.stderr and "--with-shipped-data" in out.stderr


def test_agreement_of_two_filled_sheets(tmp_path, small_corpus):
    gold = {r["id"]: r["labels"] for r in small_corpus}
    pool = write_jsonl(tmp_path / "pool.jsonl", [{"id": r["id"], "text": r["text"]} for r in small_corpus[:30]])
    assert run("suggest", pool, "-n", "12", "-o", tmp_path / "s.xlsx").returncode == 0
    ids = [c.value for c in load_workbook(tmp_path / "s.xlsx")["review"]["A"][1:]]
    flipped = {(ids[0], "联盟"), (ids[5], "示范岗")}
    fill(tmp_path / "s.xlsx", tmp_path / "wang.xlsx", gold, "wang")
    fill(tmp_path / "s.xlsx", tmp_path / "li.xlsx", gold, "li", flip=flipped)
    out = run("agreement", tmp_path / "wang.xlsx", tmp_path / "li.xlsx")
    assert out.returncode == 0, out.stderr
    assert "Cohen's kappa" in out.stdout and "articles decided by all 2: 12" in out.stdout
    table = {line.split()[0]: line.split() for line in out.stdout.splitlines() if line.split()[:1]
             and line.split()[0] in LABELS}
    assert table["孵化站"][-1] == "0" and table["联盟"][-1] == "1" and table["示范岗"][-1] == "1"
    assert float(table["联盟"][1]) < 1.0 and table["联盟"][2] == f"{100 * 11 / 12:.1f}"
    for rec_id, lab in flipped:
        assert any(line.startswith(f"{rec_id}\t{lab}\t") for line in out.stdout.splitlines())


def test_agreement_needs_two_coders(tmp_path):
    from dangjian.sheets import write_sheet

    write_sheet([{"id": "a", "text": "文本", **{lab: 0 for lab in LABELS}, "coder": "wang"}], tmp_path / "one.csv")
    out = run("agreement", tmp_path / "one.csv")
    assert out.returncode == 1 and "two or more coders" in out.stderr


def test_check_labels_lists_flipped_labels_first(tmp_path, small_corpus):
    records = [dict(r) for r in small_corpus]
    # flip the alliance label of clear alliance articles: the cross-validated model should object
    clear = [r for r in records if r["labels"] == ["联盟"] and "党建联盟" in r["text"]][:2]
    assert len(clear) == 2
    for r in clear:
        r["labels"] = []
    data = write_jsonl(tmp_path / "data.jsonl", records)
    out = run("check-labels", data, "--folds", "3", "-n", "10")
    assert out.returncode == 0, out.stderr
    listed = [line.split("\t") for line in out.stdout.splitlines()[2:]]
    assert len(listed) == 10  # of the 125 records' labels, the ten strongest disagreements
    flagged = {(row[1], row[2]): row for row in listed}
    for r in clear:  # the two flipped labels are among them, given 0 and scored above the threshold
        row = flagged[(r["id"], "联盟")]
        assert row[3] == "0" and float(row[4]) > float(row[5])
    scores = [abs(int(row[3]) - float(row[4])) for row in listed]
    assert scores == sorted(scores, reverse=True)
