"""The review page and its SQLite store, through Flask's test client (the browser test is test_review_browser.py)."""
import json
import sqlite3

import pytest

from dangjian.inputs import Record
from dangjian.model.labels import LABELS
from dangjian.review.app import create_app, marked_segments
from dangjian.review.server import load_articles
from dangjian.review.store import ReviewStore, StoreError


@pytest.fixture(scope="module")
def tagger(small_model_dir):
    from dangjian import Tagger

    return Tagger.load(small_model_dir)


@pytest.fixture
def store(tmp_path, tagger, small_corpus):
    store = ReviewStore(tmp_path / "r.sqlite")
    load_articles(store, [Record(r["id"], r["text"]) for r in small_corpus[:8]], tagger, order="input")
    return store


@pytest.fixture
def client(store, tagger):
    app = create_app(store, tagger, coder=None)
    return app.test_client()


def post(client, **body):
    return client.post("/api/decision", data=json.dumps(body, ensure_ascii=False), content_type="application/json")


def test_a_decision_is_in_the_database_file_as_soon_as_it_is_answered(client, store, small_corpus):
    first = store.article_at(0)["id"]
    answer = post(client, id=first, coder="wang", labels=["孵化站"], note="看第二段")
    assert answer.status_code == 200 and answer.get_json()["decided"] == 1
    with sqlite3.connect(store.path) as conn:  # a separate connection, as after a killed server
        row = conn.execute("SELECT incubator, alliance, note FROM decisions WHERE article_id = ? AND coder = ?",
                           (first, "wang")).fetchone()
    assert row == (1, 0, "看第二段")


def test_coders_are_kept_apart_and_every_change_is_logged(client, store):
    first = store.article_at(0)["id"]
    post(client, id=first, coder="wang", labels=["联盟"])
    post(client, id=first, coder="wang", labels=[])
    post(client, id=first, coder="li", labels=["示范岗"])
    assert store.decision(first, "wang")["labels"] == [] and store.decision(first, "li")["labels"] == ["示范岗"]
    assert store.coders() == ["li", "wang"]
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM decision_log").fetchone()[0] == 3


@pytest.mark.parametrize("body", [{"id": "nope", "coder": "wang", "labels": []},
                                  {"id": None, "coder": "", "labels": []},
                                  {"coder": "wang", "labels": ["联盟", "其他"]},
                                  {"coder": "wang", "labels": "联盟"}])
def test_bad_decisions_are_refused_with_a_reason(client, store, body):
    body = {"id": store.article_at(0)["id"], **body}
    answer = post(client, **body)
    assert answer.status_code == 400 and answer.get_json()["error"]
    assert store.decisions() == []


def test_a_form_post_or_a_foreign_host_is_refused(client, store):
    assert client.post("/api/decision", data={"id": store.article_at(0)["id"]}).status_code == 400
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 403
    assert store.decisions() == []


def test_the_page_marks_evidence_and_presets_the_model_guess(client, store):
    answer = client.get("/article/0?coder=wang")
    page = answer.get_data(as_text=True)
    item = store.article_at(0)
    assert answer.status_code == 200 and item["id"] in page
    for lab in LABELS:
        pressed = "true" if lab in item["predicted"] else "false"
        assert f'data-label="{lab}"\n            aria-pressed="{pressed}"' in page
    if item["predicted"]:
        assert "<mark" in page and store.article_at(0)["evidence"]
    assert "1 of 8" in page or "0 of 8 decided" in page


def test_index_goes_to_the_first_undecided_article_and_asks_a_name_without_one(client, store):
    assert "Your name" in client.get("/").get_data(as_text=True)
    post(client, id=store.article_at(0)["id"], coder="wang", labels=[])
    assert client.get("/?coder=wang").headers["Location"].startswith("/article/1")


def test_export_gives_a_review_sheet_of_the_decisions(client, store, tmp_path):
    from dangjian.sheets import read_sheet

    post(client, id=store.article_at(1)["id"], coder="wang", labels=["联盟", "轮值主席"])
    answer = client.get("/export.xlsx")
    (tmp_path / "e.xlsx").write_bytes(answer.data)
    rows = read_sheet(tmp_path / "e.xlsx")
    assert [(r.id, r.labels, r.coder) for r in rows] == [(store.article_at(1)["id"], ["联盟", "轮值主席"], "wang")]


def test_suggested_order_puts_the_highest_priority_first(tmp_path, tagger, small_corpus):
    store = ReviewStore(tmp_path / "s.sqlite")
    load_articles(store, [Record(r["id"], r["text"]) for r in small_corpus[:12]], tagger, order="suggest")
    priorities = [store.article_at(i)["priority"] for i in range(store.count())]
    assert priorities[0] == max(priorities)


def test_reloading_keeps_decisions_and_puts_the_new_input_first(store, tagger, small_corpus):
    first = store.article_at(0)["id"]
    store.decide(first, "wang", ["联盟"])
    extra = small_corpus[20]
    load_articles(store, [Record(extra["id"], extra["text"])], tagger, order="input")
    assert store.article_at(0)["id"] == extra["id"] and store.count() == 9
    assert store.decision(first, "wang")["labels"] == ["联盟"]
    assert sorted(store.article_at(i)["position"] for i in range(9)) == list(range(9))


def test_store_refuses_a_file_that_is_not_a_database(tmp_path):
    bad = tmp_path / "x.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        ReviewStore(bad)
    with pytest.raises(StoreError):
        ReviewStore(tmp_path / "missing.sqlite", create=False)


def test_marked_segments_cover_the_text_exactly():
    text = "第一句。第二句。第三句。"
    segments = marked_segments(text, {"联盟": [[0, 4, 1.0]], "示范岗": [[2, 8, 0.5]], "孵化站": [[50, 60, 0.1]]})
    assert "".join(piece for piece, _ in segments) == text
    assert segments[0] == ("第一", ["联盟"]) and segments[1] == ("句。", ["联盟", "示范岗"])
