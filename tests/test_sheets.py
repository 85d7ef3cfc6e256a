"""Review sheets: written for Excel, read back with every label cell checked."""
import csv

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dangjian.model.labels import LABELS
from dangjian.sheets import (CELL_LIMIT, COLUMNS, SheetError, is_sheet, read_sheet, rows_to_records,
                             write_sheet)


def row(rec_id, text, labels=(), **extra):
    out = {"id": rec_id, "text": text, "predicted": ";".join(labels), "coder": "", "note": "",
           "rank": 1, "priority": 0.5, "strategy": "test"}
    for lab in LABELS:
        out[lab] = int(lab in labels)
        out[f"score_{lab}"] = 0.9 if lab in labels else 0.1
        out[f"evidence_{lab}"] = ""
    return {**out, **extra}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".jsonl"])
def test_a_written_sheet_reads_back_with_its_labels(tmp_path, suffix):
    path = tmp_path / f"sheet{suffix}"
    rows = [row("a", "园区党建联盟成立", ["联盟"]), row("b", "=SUM(A1) 不是公式", ["孵化站", "示范岗"]),
            row("c", "-1 开头", [])]
    assert write_sheet(rows, path) == 3
    assert is_sheet(path)
    got = read_sheet(path)
    assert [(r.id, r.text, r.labels) for r in got] == [(r["id"], r["text"], [lab for lab in LABELS if r[lab]])
                                                       for r in rows]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_sheet_saved_in_a_legacy_encoding_reads_as_the_original(tmp_path, suffix, encoding):
    """Excel on Chinese Windows saves CSV as GBK; every reader decodes sheets by the one policy."""
    original = tmp_path / f"sheet{suffix}"
    write_sheet([row("a", "園區黨建聯盟成立", ["联盟"]), row("b", "社區設立黨員示範崗", ["示范岗"])], original)
    resaved = tmp_path / f"resaved{suffix}"
    resaved.write_bytes(original.read_text(encoding="utf-8-sig").encode(encoding))
    assert is_sheet(resaved)
    assert [(r.id, r.text, r.labels) for r in read_sheet(resaved)] == \
        [(r.id, r.text, r.labels) for r in read_sheet(original)]


def test_a_sheet_in_no_known_encoding_is_one_line(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"id,text," + ",".join(LABELS).encode() + b"\n\x80\xff\xfe\x81\x00,\xff\n")
    with pytest.raises(SheetError, match="cannot decode"):
        read_sheet(path)


def test_xlsx_has_the_columns_a_coder_needs_and_an_about_sheet(tmp_path):
    path = tmp_path / "s.xlsx"
    write_sheet([row("a", "文本", ["联盟"])], path, about={"strategy": "test strategy"})
    book = load_workbook(path)
    header = [c.value for c in book["review"][1]]
    assert header == COLUMNS
    assert {"id", "text", "coder", "note", *LABELS} <= set(header)
    assert book["review"].cell(2, header.index("text") + 1).data_type == "s"
    assert ["strategy", "test strategy"] in [[c.value for c in r] for r in book["about"].iter_rows()]


def test_csv_has_a_bom_for_excel_and_keeps_formulas_inert(tmp_path):
    path = tmp_path / "s.csv"
    write_sheet([row("a", "=1+1", [])], path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    cells = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert cells[1][COLUMNS.index("text")] == "'=1+1"  # Excel shows it as text
    assert read_sheet(path)[0].text == "=1+1"


def test_text_longer_than_a_cell_is_cut_and_the_sheet_says_so(tmp_path):
    path = tmp_path / "s.xlsx"
    write_sheet([row("a", "党" * (CELL_LIMIT + 10), [])], path)
    sheet = load_workbook(path)["review"]
    header = [c.value for c in sheet[1]]
    assert len(sheet.cell(2, header.index("text") + 1).value) == CELL_LIMIT
    assert "cut" in sheet.cell(2, header.index("text_note") + 1).value


@pytest.mark.parametrize("bad", ["yes", "2", None, 0.5])
def test_a_bad_label_cell_names_file_sheet_row_and_column(tmp_path, bad):
    path = tmp_path / "s.xlsx"
    write_sheet([row("a", "文本一"), row("b", "文本二")], path)
    book = load_workbook(path)
    sheet = book["review"]
    column = COLUMNS.index("示范岗") + 1
    sheet.cell(3, column).value = bad
    book.save(path)
    with pytest.raises(SheetError) as err:
        read_sheet(path)
    message = str(err.value)
    assert "s.xlsx" in message and "sheet 'review'" in message and "row 3" in message
    assert "column 示范岗 (" in message and "\n" not in message


def test_excel_numbers_and_text_digits_are_accepted(tmp_path):
    path = tmp_path / "s.xlsx"
    write_sheet([row("a", "文本")], path)
    book = load_workbook(path)
    sheet = book["review"]
    for lab, value in zip(LABELS, [1.0, "1", " 0 ", True]):
        sheet.cell(2, COLUMNS.index(lab) + 1).value = value
    book.save(path)
    assert read_sheet(path)[0].labels == ["联盟", "孵化站", "轮值主席"]


def test_missing_label_column_is_one_line(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("id,text,联盟\na,文本,1\n", encoding="utf-8")
    with pytest.raises(SheetError, match="no column 孵化站, 示范岗, 轮值主席"):
        read_sheet(path)


def test_two_coders_disagreeing_cannot_be_trained_on_unsettled(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_sheet([row("x", "文本", ["联盟"], coder="wang")], a)
    write_sheet([row("x", "文本", [], coder="li")], b)
    with pytest.raises(SheetError, match="settle"):
        rows_to_records(read_sheet(a) + read_sheet(b))
    assert rows_to_records(read_sheet(a) + read_sheet(a)) == [
        {"id": "x", "text": "文本", "labels": ["联盟"], "coder": "wang", "note": ""}]


_texts = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300).filter(str.strip)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_texts, labels=st.sets(st.sampled_from(LABELS)), suffix=st.sampled_from([".xlsx", ".csv", ".jsonl"]))
def test_any_text_survives_a_round_trip(tmp_path, text, labels, suffix):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    path = tmp_path / f"p{suffix}"
    write_sheet([row("id1", text, sorted(labels, key=LABELS.index))], path)
    got = read_sheet(path)[0]
    expected = text if suffix == ".jsonl" else ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    assert got.text == expected
    assert got.labels == [lab for lab in LABELS if lab in labels]


def test_training_sources_read_sheets_of_every_format_and_labelled_jsonl(tmp_path):
    from dangjian.training_data import card_entry, load_sources

    write_sheet([row("a", "文本一", ["联盟"])], tmp_path / "s.jsonl")
    write_sheet([row("b", "文本二", ["示范岗"])], tmp_path / "s.xlsx")
    (tmp_path / "l.jsonl").write_text('{"id": "c", "text": "文本三", "labels": ["孵化站"]}\n', encoding="utf-8")
    records, sources = load_sources([tmp_path / "s.jsonl", tmp_path / "s.xlsx", tmp_path / "l.jsonl"])
    assert [(r["id"], r["labels"]) for r in records] == [("a", ["联盟"]), ("b", ["示范岗"]), ("c", ["孵化站"])]
    assert [s["kind"] for s in sources] == ["review sheet", "review sheet", "labelled JSONL"]
    card = card_entry(sources, 3, 0)
    assert card["files"] == ["s.jsonl", "s.xlsx", "l.jsonl"] and all(s["records"] == 1 for s in card["sources"])


def test_the_same_id_with_other_labels_in_two_sources_is_refused(tmp_path):
    from dangjian.model.data import DataError
    from dangjian.training_data import load_sources

    write_sheet([row("a", "文本", ["联盟"])], tmp_path / "one.csv")
    write_sheet([row("a", "文本", [])], tmp_path / "two.csv")
    with pytest.raises(DataError, match="also in one.csv"):
        load_sources([tmp_path / "one.csv", tmp_path / "two.csv"])
    records, sources = load_sources([tmp_path / "one.csv", tmp_path / "one.csv"])
    assert len(records) == 1 and sources[1]["duplicates_dropped"] == 1


def test_a_text_with_line_separators_survives_a_jsonl_sheet(tmp_path):
    """U+0085 and U+2028 are not line ends of a JSON-lines file (the case hypothesis found)."""
    path = tmp_path / "p.jsonl"
    text = "0\x85党建联盟\u2028成员单位\u2029轮值"
    write_sheet([row("id1", text, ["联盟"])], path)
    assert read_sheet(path)[0].text == text


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".jsonl"])
def test_a_sheet_goes_into_new_folders_as_an_ordinary_file_and_through_a_symlink(tmp_path, suffix):
    import os

    path = tmp_path / "new" / "folder" / f"sheet{suffix}"
    write_sheet([row("a", "园区党建联盟成立", ["联盟"])], path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # a coder beside you can read it, as score's output
    link = tmp_path / f"link{suffix}"
    link.symlink_to(path)
    write_sheet([row("b", "社区设立党员示范岗", ["示范岗"])], link)
    assert link.is_symlink() and [r.id for r in read_sheet(path)] == ["b"]
    assert sorted(p.name for p in path.parent.iterdir()) == [f"sheet{suffix}"]  # no part file left
