"""`dangjian review` in a real headless browser: Debian's chromium driven by Playwright.

The server runs as the user runs it (the installed script, a free port, printed);
the browser labels an article with the keyboard, and the decision is looked up in
the SQLite file, also after the server has been killed.
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import SEEDS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
DANGJIAN = shutil.which("dangjian", path=str(Path(sys.executable).parent)) or shutil.which("dangjian")

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"no chromium at {CHROMIUM}: .ci/run installs it with apt-get (root and Debian's archive needed)",
                allow_module_level=True)


@pytest.fixture
def server(tmp_path):
    """A running `dangjian review` over the seed articles; yields (url, db path); killed at the end."""
    articles = tmp_path / "articles.jsonl"
    with articles.open("w", encoding="utf-8") as handle:
        for path in sorted(SEEDS.glob("*.txt")):
            handle.write(json.dumps({"id": path.name, "text": path.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n")
    db = tmp_path / "review.sqlite"
    process = subprocess.Popen([DANGJIAN, "review", str(articles), "--db", str(db), "--coder", "tester",
                                "--order", "input"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = []
    reader = threading.Thread(target=lambda: url.append(process.stdout.readline().strip()), daemon=True)
    reader.start()
    reader.join(timeout=120)
    try:
        if not url or not url[0].startswith("http://127.0.0.1:"):
            process.kill()
            pytest.fail(f"no URL from dangjian review: {process.stderr.read()}")
        yield url[0], db, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def decisions(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT article_id, coder, alliance, incubator, model_post, rotating_chair, note "
                            "FROM decisions").fetchall()
    return {(r[0], r[1]): (r[2:6], r[6]) for r in rows}


def test_a_coder_labels_an_article_in_the_browser_and_the_decision_is_in_the_database(server):
    url, db, process = server
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            page.goto(url)
            assert "/article/0" in page.url
            first = page.inner_text("#article-id")
            toggle = page.locator("#toggle-2")  # 孵化站
            before = toggle.get_attribute("aria-pressed")
            assert before in ("true", "false")
            # seed 000 is predicted to carry labels: their evidence sentences are marked in the text
            assert page.locator(".toggle[aria-pressed=true]").count() > 0 and page.locator("#text mark").count() > 0
            page.keyboard.press("2")
            page.wait_for_function("document.getElementById('status').textContent.startsWith('saved')")
            assert toggle.get_attribute("aria-pressed") != before
            assert "1 of 5 decided" in page.inner_text("#progress")

            page.keyboard.press("n")
            page.keyboard.type("二级标题有孵化")
            page.keyboard.press("Escape")  # leaving the note saves it
            page.wait_for_function("document.getElementById('status').textContent.startsWith('saved')")
            page.keyboard.press("Enter")  # save and go on
            page.wait_for_url("**/article/1*")
            assert page.inner_text("#article-id") != first
            page.close()  # a closed tab loses nothing
        finally:
            browser.close()
    got = decisions(db)
    labels, note = got[(first, "tester")]
    assert labels[1] == (0 if before == "true" else 1)
    assert note == "二级标题有孵化"
    process.send_signal(signal.SIGKILL)  # a killed server loses nothing either
    process.wait(timeout=30)
    assert decisions(db)[(first, "tester")] == (labels, note)
