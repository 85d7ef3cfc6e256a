"""One decoding policy for every reader: BOMs, strict UTF-8 (torn tail dropped), GB18030 vs the Big5 family."""
import io
import random

import opencc
import pytest
from hypothesis import assume, given, settings, strategies as st

from dangjian.features.decoding import DecodeError, decode_text, iter_lines
from conftest import SEEDS, read_jsonl

CORPUS = read_jsonl(SEEDS / "corpus.jsonl")
TO_TW, TO_HK = opencc.OpenCC("s2tw"), opencc.OpenCC("s2hk")


def samples():
    """Every 7th corpus article, its title (at most 20 characters) and its first 6 characters."""
    for record in CORPUS[::7]:
        text = record["text"]
        yield from (text, text.splitlines()[0][:20], text[:6])


@pytest.mark.parametrize("encoding,name", [("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-be", "utf-16"),
                                            ("utf-32", "utf-32"), ("utf-32-be", "utf-32")])
def test_a_byte_order_mark_decides(encoding, name):
    for text in samples():
        data = text.encode(encoding) if encoding in ("utf-8-sig", "utf-16", "utf-32") else ("\ufeff" + text).encode(encoding)
        assert decode_text(data) == (text, name)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1))
def test_any_text_round_trips_through_utf8_and_every_bom(text):
    assert decode_text(text.encode("utf-8"))[0] == text
    assume(not text.startswith("\x00"))  # UTF-16 LE's BOM and U+0000 are UTF-32 LE's BOM: read as UTF-32
    for encoding in ("utf-8-sig", "utf-16", "utf-32"):
        assert decode_text(text.encode(encoding))[0] == text


@pytest.mark.parametrize("cut", [1, 2])
def test_utf8_torn_inside_its_last_character_is_utf8_without_the_torn_tail(cut):
    for text in samples():
        data = (text + "盟").encode("utf-8")[:-cut]
        assert decode_text(data) == (text, "utf-8")


@pytest.mark.parametrize("encoding,cut", [("utf-16", 1), ("utf-32", 1), ("utf-32", 3), ("utf-8-sig", 2)])
def test_a_bom_text_torn_inside_its_last_character_loses_only_that_character(encoding, cut):
    text = "园区党建联盟"
    assert decode_text(text.encode(encoding)[:-cut])[0] == text[:-1]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gb_texts_are_read_as_gb18030(encoding):
    for text in samples():
        data = text.encode(encoding, errors="ignore")
        assert decode_text(data) == (data.decode(encoding), "utf-8" if data.isascii() else "gb18030")


@pytest.mark.parametrize("encoding", ["big5", "cp950", "big5hkscs"])
def test_big5_family_texts_are_read_as_big5(encoding):
    convert = TO_HK.convert if encoding == "big5hkscs" else TO_TW.convert
    for text in samples():
        data = convert(text).encode(encoding, errors="ignore")
        got, name = decode_text(data)
        assert got == data.decode(encoding) and name in (("utf-8",) if data.isascii() else ("big5", "cp950", "big5hkscs"))


def test_the_big5_extensions_are_read():
    hkscs = "邨嘅"  # Hong Kong supplement: not in plain Big5
    assert decode_text(f"香港{hkscs}黨建聯盟".encode("big5hkscs")) == (f"香港{hkscs}黨建聯盟", "big5hkscs")
    eten = "碁銹裏"  # ETEN extensions in cp950
    with pytest.raises(UnicodeEncodeError):
        eten.encode("big5")
    assert decode_text(f"黨建聯盟{eten}".encode("cp950")) == (f"黨建聯盟{eten}", "cp950")


@pytest.mark.parametrize("data", [
    "Le comité a présenté le rapport sur la coopération régionale.".encode("latin-1"),
    "地域の企業が連携して、活動について話し合いました。".encode("shift_jis"),
    "党建联盟成立".encode("utf-16-le"),  # UTF-16 without its BOM: not in the policy
    b"\x80\xff\x80\xff",
    bytes(range(128, 256)),
])
def test_bytes_that_are_none_of_these_are_refused_not_garbled(data):
    with pytest.raises(DecodeError):
        decode_text(data)


def test_random_bytes_are_refused():
    rng = random.Random(0)
    refused = 0
    for _ in range(200):
        try:
            decode_text(bytes(rng.randrange(128, 256) for _ in range(60)))
        except DecodeError:
            refused += 1
    assert refused == 200


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_any_bytes_decode_or_raise_decode_error(data):
    try:
        text, name = decode_text(data)
    except DecodeError as exc:
        assert str(exc)
    else:
        assert isinstance(text, str) and name


def test_lines_of_a_utf16_stream():
    data = "id,text\r\na1,党建联盟\r\n".encode("utf-16")
    lines = list(iter_lines(io.BytesIO(data)))
    assert [(l.number, l.text, l.encoding) for l in lines] == [(1, "id,text\r\n", "utf-16"), (2, "a1,党建联盟\r\n", "utf-16")]


def test_lines_drop_a_bom_in_the_middle_and_fall_back_per_line():
    data = (b'\xef\xbb\xbf{"a": 1}\n' + b'\xef\xbb\xbf{"b": "\xe5\x85\x9a"}\n' + '{"c": "黨建聯盟"}\n'.encode("big5")
            + b"\x80\xff\x80\xff\n")
    lines = list(iter_lines(io.BytesIO(data)))
    assert [l.text for l in lines[:3]] == ['{"a": 1}\n', '{"b": "党"}\n', '{"c": "黨建聯盟"}\n']
    assert [l.encoding for l in lines[:3]] == ["utf-8", "utf-8", "big5"]
    assert lines[3].text is None and "not UTF-8" in lines[3].error


def test_a_gb_stream_is_decoded_as_a_whole_and_overlong_lines_are_errors():
    data = "a,党建联盟\n".encode("gbk") + b"x" * 100 + b"\n" + "b,示范岗".encode("gbk")
    lines = list(iter_lines(io.BytesIO(data), max_line_bytes=50))
    assert [l.text for l in lines] == ["a,党建联盟\n", None, "b,示范岗"]
    assert "longer than 50 bytes" in lines[1].error and lines[2].encoding == "gb18030"


LONG = [r["text"] for r in CORPUS if len(r["text"].encode("utf-8")) >= 1000 and "\ufffd" not in r["text"]][::5]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(LONG), st.sampled_from(["utf-8", "gb18030"]), st.floats(0, 1),
       st.sampled_from([b"\xff", b"\x80", b"\xff\xff"]))  # none a byte-order mark
def test_an_article_with_one_damaged_spot_is_read_with_that_spot_marked(text, codec, where, stray):
    """A stray byte between two characters of a long article: the article is read, the spot is U+FFFD.
    (At the very end a stray byte is a torn last character, dropped by the torn-tail rule.)"""
    cut = min(max(1, int(where * len(text))), len(text) - 1)
    data = text[:cut].encode(codec) + stray + text[cut:].encode(codec)
    decoded, name = decode_text(data)
    assert name == f"{codec} (repaired)"
    assert decoded.replace("\ufffd", "") == text and 1 <= decoded.count("\ufffd") <= len(stray)
    assert "\ufffd" * decoded.count("\ufffd") in decoded  # one spot


def test_damage_in_a_short_or_non_chinese_text_is_still_refused():
    for data in ["党建联盟".encode() + b"\xff", "Le comité du parti".encode("latin-1") * 20,
                 bytes(range(128, 256)) * 10, "党建".encode("gbk") + b"\xff" + "联盟".encode("gbk")]:
        with pytest.raises(DecodeError):
            decode_text(data)


def test_a_cli_article_with_a_stray_byte_is_scored_and_says_it_was_repaired(tmp_path):
    import json
    import subprocess
    import sys

    text = next(r["text"] for r in CORPUS if "联盟" in r["labels"] and len(r["text"]) > 600)
    data = text.encode("utf-8")
    (tmp_path / "a.txt").write_bytes(data[:600] + b"\xff" + data[600:])
    out = subprocess.run([sys.executable, "-m", "dangjian", "score", str(tmp_path / "a.txt")],
                         capture_output=True, text=True, encoding="utf-8", timeout=120)
    row = json.loads(out.stdout)
    assert out.returncode == 0 and row["encoding"] == "utf-8 (repaired)" and "联盟" in row["labels"]
