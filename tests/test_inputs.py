"""Inputs people actually have: every reader, every encoding, HTML pages, record files, directories."""
import json

import opencc
import pytest

from dangjian.inputs import HTML_SOURCE, InputError, InputStats, iter_records

ALLIANCE = "园区十二家互不隶属单位党组织组建党建联盟，成员单位轮流担任轮值主席。"
POST = "车间设立党员示范岗，党员带头攻坚技术难题。"


def records(*inputs, **options):
    return list(iter_records([str(i) for i in inputs], **options))


@pytest.mark.parametrize("encoding,name", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"),
                                            ("utf-32", "utf-32"), ("gbk", "gb18030"), ("gb18030", "gb18030")])
@pytest.mark.parametrize("kind", ["txt", "csv", "tsv", "jsonl", "json"])
def test_every_reader_takes_every_encoding(tmp_path, kind, encoding, name):
    path = tmp_path / f"in.{kind}"
    if kind == "txt":
        content = ALLIANCE
    elif kind in ("csv", "tsv"):
        sep = "," if kind == "csv" else "\t"
        content = f"id{sep}text\r\na1{sep}{ALLIANCE}\r\na2{sep}\"{POST}\"\r\n"
    elif kind == "jsonl":
        content = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in (("a1", ALLIANCE), ("a2", POST)))
    else:
        content = json.dumps([{"id": "a1", "text": ALLIANCE}, {"id": "a2", "text": POST}], ensure_ascii=False)
    path.write_bytes(content.encode(encoding))
    got = records(path)
    texts = [ALLIANCE] if kind == "txt" else [ALLIANCE, POST]
    assert [r.text for r in got] == texts
    assert all(r.encoding == (name if kind in ("txt", "json") else name.replace("utf-8-sig", "utf-8")) for r in got) \
        or kind == "json" and all(r.encoding == name for r in got)


@pytest.mark.parametrize("encoding", ["big5", "cp950", "big5hkscs"])
def test_big5_records_and_files(tmp_path, encoding):
    text = "園區黨建聯盟推行輪值主席制度，成員單位輪流擔任。"
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))
    (tmp_path / "b.csv").write_bytes(f"id,text\nb1,{text}\n".encode(encoding))
    got = records(tmp_path / "a.txt", tmp_path / "b.csv")
    assert [r.text for r in got] == [text, text]
    assert {r.encoding for r in got} <= {"big5", "cp950", "big5hkscs"}


def test_a_file_that_is_no_known_encoding_is_an_error_row(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Le comité a présenté son rapport régional.".encode("latin-1"))
    (tmp_path / "nobom.txt").write_bytes(ALLIANCE.encode("utf-16-le"))
    got = records(tmp_path / "latin.txt", tmp_path / "nobom.txt")
    assert got[0].text is None and "fails to decode" in got[0].error
    assert got[1].text is None and "fails to decode" in got[1].error


def test_a_directory_takes_txt_in_any_case_html_and_record_files_and_counts_the_rest(tmp_path):
    (tmp_path / "a.TXT").write_text(ALLIANCE, encoding="utf-8")
    (tmp_path / "b.Txt").write_text(POST, encoding="utf-8")
    (tmp_path / "c.csv").write_bytes(f"id,text\r\nc1,{POST}\r\n".encode("gbk"))
    (tmp_path / "d.ndjson").write_text(json.dumps({"id": "d1", "text": POST}) + "\n", encoding="utf-8")
    (tmp_path / "e.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "notes.md").write_text("# notes", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(POST, encoding="utf-8")
    stats = InputStats()
    got = records(tmp_path, stats=stats)
    assert [r.id for r in got] == ["a.TXT", "b.Txt", "c.csv#c1", "d.ndjson#d1"]
    assert got[2].encoding == "gb18030" and got[2].text == POST
    assert sorted(stats.skipped) == [".hidden.txt", "e.pdf", "notes.md"]  # hidden files are counted, not read


PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>新闻</title>
<script>var ad = "孵化站 广告 脚本";</script><style>.x {{ color: red }}</style></head><body>
<div id="nav"><a href="/">首页</a> | <a href="/news">新闻中心</a></div>
<article><h1>园区成立党建联盟</h1><p>{body}</p><p>联盟每季度召开联席会议，推动资源共享、活动共办。</p></article>
<div class="footer">版权所有 某某区委组织部</div></body></html>"""


@pytest.mark.parametrize("suffix", [".html", ".htm", ".HTML"])
@pytest.mark.parametrize("charset,encoding", [("utf-8", "utf-8"), ("gb2312", "gbk"), ("big5", "big5")])
def test_html_pages_give_their_main_text(tmp_path, suffix, charset, encoding):
    body = ALLIANCE if encoding != "big5" else "園區十二家互不隸屬單位黨組織組建黨建聯盟，成員單位輪流擔任輪值主席。"
    page = PAGE.format(charset=charset, body=body)
    page = opencc.OpenCC("s2tw").convert(page) if encoding == "big5" else page
    (tmp_path / f"page{suffix}").write_bytes(page.encode(encoding))
    [record] = records(tmp_path)
    assert record.source == HTML_SOURCE and record.error is None
    assert body in record.text
    assert "脚本" not in record.text and "腳本" not in record.text and "color" not in record.text  # scripts and styles are not text


def test_an_html_page_without_text_is_an_error_row(tmp_path):
    (tmp_path / "empty.html").write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    [record] = records(tmp_path / "empty.html")
    assert record.text is None and "no main text" in record.error


def test_ids_are_unique_across_directories(tmp_path):
    for name in ("in1", "in2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "001.txt").write_text(POST, encoding="utf-8")
    got = records(tmp_path / "in1", tmp_path / "in2", tmp_path / "in1")
    assert [r.id for r in got] == ["in1/001.txt", "in2/001.txt"]


def test_a_json_array_and_ndjson_are_records(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([{"id": "x", "text": ALLIANCE}, {"text": POST}, 5], ensure_ascii=False),
                                     encoding="utf-8")
    (tmp_path / "b.ndjson").write_text(json.dumps({"id": "y", "text": POST}, ensure_ascii=False), encoding="utf-8")
    got = records(tmp_path / "a.json", tmp_path / "b.ndjson")
    assert [r.id for r in got] == ["x", f"{tmp_path / 'a.json'}[1]", f"{tmp_path / 'a.json'}[2]", "y"]
    assert got[0].text == ALLIANCE and got[1].text == POST and "object" in got[2].error


def test_a_bom_in_the_middle_of_concatenated_jsonl_is_not_an_error(tmp_path):
    part = (json.dumps({"id": "a", "text": POST}, ensure_ascii=False) + "\n").encode("utf-8-sig")
    (tmp_path / "cat.jsonl").write_bytes(part + part.replace(b'"a"', b'"b"'))
    got = records(tmp_path / "cat.jsonl")
    assert [(r.id, r.error) for r in got] == [("a", None), ("b", None)]


def test_an_unpaired_surrogate_escape_is_an_error_row(tmp_path):
    (tmp_path / "s.jsonl").write_text('{"id": "s", "text": "\\ud800党建"}\n{"id": "t", "text": "党建联盟"}\n', encoding="utf-8")
    got = records(tmp_path / "s.jsonl")
    assert "surrogate" in got[0].error and got[1].text == "党建联盟"


def test_csv_fields_of_any_length_up_to_max_bytes(tmp_path):
    long = ALLIANCE + "园区企业坚持党建引领，推动生产经营和基层治理深度融合。" * 6000  # ~160,000 characters
    path = tmp_path / "long.csv"
    path.write_text(f'id,text\nlong1,"{long}"\nshort2,{POST}\n', encoding="utf-8")
    got = records(path)
    assert [(r.id, r.text) for r in got] == [("long1", long), ("short2", POST)]
    got = records(path, max_bytes=100_000)
    assert [r.id for r in got] == ["long1", "short2"] or [r.id for r in got][1:] == ["short2"]
    assert got[0].error and got[1].text == POST


@pytest.mark.parametrize("bad", [
    'b2,"an unquoted ""field,with,commas\n',  # wrong field count
    'b2,text with a "quote" inside,extra\n',
    'b2\n',  # too few fields
])
def test_one_bad_csv_row_is_one_error_row(tmp_path, bad):
    lines = "".join(f"a{i},{POST}\n" for i in range(3)) + bad + "".join(f"c{i},{POST}\n" for i in range(3))
    (tmp_path / "x.csv").write_text("id,text\n" + lines, encoding="utf-8")
    got = records(tmp_path / "x.csv")
    assert [r.id for r in got if r.error is None] == ["a0", "a1", "a2", "c0", "c1", "c2"]
    assert len([r for r in got if r.error]) == 1


def test_an_oversized_quoted_csv_field_is_one_error_row_and_the_rows_after_it_are_read(tmp_path):
    huge = "党建联盟,\n成员单位" * 20000
    rows = f'id,text\na1,{POST}\nbig,"{huge}"\nc1,{POST}\nc2,"{POST}"\n'
    (tmp_path / "x.csv").write_text(rows, encoding="utf-8")
    got = records(tmp_path / "x.csv", max_bytes=50_000)
    assert [r.id for r in got if r.error is None] == ["a1", "c1", "c2"]
    assert len(got) == 4 and "longer than" in got[1].error


def test_a_quote_that_never_closes_is_one_error_row_and_the_lines_after_it_are_read(tmp_path):
    (tmp_path / "x.csv").write_text(f'id,text\na1,{POST}\nb1,"{POST}\nc1,{POST}\nc2,{POST}\n', encoding="utf-8")
    got = records(tmp_path / "x.csv")
    assert [r.id for r in got] == ["a1", f"{tmp_path / 'x.csv'}:3", "c1", "c2"]
    assert "never closes" in got[1].error and got[3].text == POST


@pytest.mark.parametrize("suffix", ["jsonl", "json"])
def test_a_record_without_text_is_its_own_error_wherever_it_stands(tmp_path, suffix):
    """Only a field that none of a file's records has is a usage error; the first record lacking it is not."""
    objects = [{"id": "x1", "title": "无正文"}, {"id": "x2", "text": POST}, {"id": "x3", "text": None},
               {"id": "x4", "text": POST}]
    path = tmp_path / f"x.{suffix}"
    if suffix == "jsonl":
        path.write_bytes(b"{broken\n" + "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects).encode())
    else:
        path.write_text(json.dumps([7] + objects, ensure_ascii=False), encoding="utf-8")
    got = records(path)
    assert [r.id for r in got][-4:] == ["x1", "x2", "x3", "x4"] and len(got) == 5
    assert got[0].error and "text" in got[1].error and "text" in got[3].error
    assert got[2].text == got[4].text == POST


def test_a_field_missing_from_every_record_read_ahead_is_an_input_error(tmp_path):
    from dangjian.inputs import FIELD_LOOKAHEAD

    lines = [json.dumps({"id": f"a{i}", "body": POST}) for i in range(FIELD_LOOKAHEAD)]
    (tmp_path / "x.jsonl").write_text("\n".join(lines + [json.dumps({"id": "late", "text": POST})]) + "\n")
    with pytest.raises(InputError, match=f"none of the first {FIELD_LOOKAHEAD} records has a field 'text'"):
        records(tmp_path / "x.jsonl")


def test_a_missing_column_or_field_is_an_input_error(tmp_path):
    (tmp_path / "x.csv").write_text(f"url,body\nu1,{POST}\n", encoding="utf-8")
    (tmp_path / "x.jsonl").write_text(json.dumps({"url": "u1", "body": POST}) + "\n", encoding="utf-8")
    for path in (tmp_path / "x.csv", tmp_path / "x.jsonl"):
        with pytest.raises(InputError, match="'text'"):
            records(path)
        with pytest.raises(InputError, match="'uid'"):
            records(path, id_field="uid", text_field="body")
        assert [r.id for r in records(path, id_field="url", text_field="body")] == ["u1"]
    with pytest.raises(InputError, match="no such file"):
        records(tmp_path / "missing.txt")


def test_a_records_file_without_the_column_in_a_directory_is_one_error_row(tmp_path):
    (tmp_path / "a.txt").write_text(POST, encoding="utf-8")
    (tmp_path / "old-scores.jsonl").write_text(json.dumps({"id": "x", "labels": []}) + "\n", encoding="utf-8")
    got = records(tmp_path)
    assert [r.id for r in got] == ["a.txt", "old-scores.jsonl"]
    assert "no field 'text'" in got[1].error


def _workbook(path, rows, title="文章"):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_an_excel_workbook_of_articles_is_read_row_by_row(tmp_path):
    _workbook(tmp_path / "articles.xlsx", [["id", "标题", "text"], [101, "联盟", POST], [102, "空", None], [None, None, None],
                                            ["a3", "再一篇", POST]])
    got = records(tmp_path / "articles.xlsx")
    assert [r.id for r in got] == ["101", "102", "a3"]
    assert got[0].text == got[2].text == POST and "text" in got[1].error
    assert [r.id for r in records(tmp_path)] == ["articles.xlsx#101", "articles.xlsx#102", "articles.xlsx#a3"]
    assert [r.text for r in records(tmp_path / "articles.xlsx", text_field="标题")][0] == "联盟"


def test_a_workbook_without_the_text_column_or_not_a_workbook_says_so(tmp_path):
    _workbook(tmp_path / "x.xlsx", [["url", "body"], ["u1", POST]])
    with pytest.raises(InputError, match="sheet '文章': the header row has no column 'text'"):
        records(tmp_path / "x.xlsx")
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    got = records(tmp_path / "bad.xlsx")
    assert len(got) == 1 and "not a readable .xlsx workbook" in got[0].error


def test_a_directory_follows_symlinked_folders_once_and_counts_hidden_entries_as_skipped(tmp_path):
    corpus, elsewhere = tmp_path / "corpus", tmp_path / "elsewhere"
    (corpus / "sub").mkdir(parents=True)
    elsewhere.mkdir()
    (corpus / "a.txt").write_text(POST, encoding="utf-8")
    (corpus / ".hidden.txt").write_text(POST, encoding="utf-8")
    (corpus / ".git").mkdir()
    (corpus / ".git" / "x.txt").write_text(POST, encoding="utf-8")
    (elsewhere / "b.txt").write_text(POST, encoding="utf-8")
    (corpus / "link").symlink_to(elsewhere)
    (corpus / "sub" / "loop").symlink_to(corpus)  # a link back up the tree is not walked again
    stats = InputStats()
    got = list(iter_records([str(corpus)], stats=stats))
    assert [r.id for r in got] == ["a.txt", "link/b.txt"]
    assert sorted(stats.skipped) == [".git", ".hidden.txt"]
