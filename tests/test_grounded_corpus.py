"""The grounded corpus (``seeds/grounded.jsonl``): written for the project from real pages it names.

Composition as issue 9 asks, and no copying from realdev: no text shares a run of 25 or more
characters with any realdev text, once the genre's set political phrases below are set aside.
"""
from __future__ import annotations

import collections
import hashlib
import re
from functools import lru_cache

import pytest

from conftest import ROOT, SEEDS, read_jsonl

from dangjian.model.labels import LABELS

REALDEV = ROOT.parent / "shared" / "realdev"
RUN = 25

# Set phrases of the genre: slogans, titles and page furniture every party-building text repeats.
# A shared run inside one of these is not copying. (scripts/check_grounded.py uses this list too.)
GENRE_PHRASES = [
    "以习近平新时代中国特色社会主义思想为指导", "习近平新时代中国特色社会主义思想",
    "深入学习贯彻党的二十大精神", "深入学习贯彻党的十九大精神", "全面贯彻落实党的二十大精神",
    "全面贯彻党的二十大和二十届二中、三中全会精神",
    "坚持以人民为中心的发展思想", "不忘初心、牢记使命", "不忘初心牢记使命",
    "把党的政治优势、组织优势转化为发展优势", "把党的政治优势和组织优势转化为发展优势",
    "增强“四个意识”、坚定“四个自信”、做到“两个维护”", "两个确立", "两个维护",
    "党的全面领导", "全面从严治党", "基层党组织战斗堡垒作用", "党员先锋模范作用",
    "充分发挥基层党组织战斗堡垒作用和党员先锋模范作用", "战斗堡垒作用和党员的先锋模范作用", "党建引领基层治理",
    "以高质量党建引领高质量发展", "以高质量党建推动高质量发展", "抓党建促发展",
    "党组织覆盖和党的工作覆盖", "党的组织覆盖和工作覆盖", "两个覆盖",
    "中国特色社会主义", "中华民族伟大复兴", "社会主义核心价值观", "主题教育",
    "党史学习教育", "两学一做", "三会一课", "组织生活会", "民主评议党员",
    "我为群众办实事", "责任编辑", "来源", "发布时间", "扫一扫在手机打开当前页",
    "打印本页", "关闭窗口", "版权所有", "主办单位", "联系我们",
    "中图分类号", "文献标识码", "文章编号",
]


def comparable(text: str) -> str:
    """Normalized (simplified, no injected pinyin), without whitespace, set phrases replaced by a break:
    what copying is judged on."""
    from dangjian.features.normalize import normalize

    text = re.sub(r"\s+", "", normalize(text))
    for phrase in sorted(GENRE_PHRASES, key=len, reverse=True):
        text = text.replace(phrase, "\0")
    return text


def runs(text: str, n: int = RUN) -> set[str]:
    """Every run of ``n`` characters of a comparable text that crosses no set phrase."""
    return {text[i:i + n] for i in range(len(text) - n + 1) if "\0" not in text[i:i + n]}


def url_key(url: str) -> str:
    """sha256 of the URL lowercased, without ``http(s)://`` and a trailing ``/`` (realdev README)."""
    return hashlib.sha256(re.sub(r"^https?://", "", url.strip().lower()).rstrip("/").encode()).hexdigest()


@pytest.fixture(scope="module")
def grounded():
    return read_jsonl(SEEDS / "grounded.jsonl")


def test_composition(grounded):
    assert len(grounded) >= 800
    assert len({r["id"] for r in grounded}) == len(grounded)
    assert len({url_key(r["grounded_on"]) for r in grounded}) >= 300
    positives = collections.Counter(lab for r in grounded for lab in r["labels"])
    assert all(positives[lab] >= 150 for lab in LABELS), positives
    assert sum(not r["labels"] for r in grounded) >= 300
    lengths = [len(r["text"]) for r in grounded]
    assert sum(300 <= n <= 1400 for n in lengths) >= 300  # excerpts (boilerplate may add a little)
    assert sum(3000 <= n <= 12000 for n in lengths) >= 40  # full pages: several stories, one practice sentence
    assert {"news", "summary", "notice", "speech", "paper", "wechat", "repost"} <= {r["kind"] for r in grounded}
    assert all(r["source"] == "grounded-on-real-page" and r["family"] and r["note"] for r in grounded)


def test_every_negative_case_of_the_codebook_appears(grounded):
    """Each look-alike the codebook names occurs in a no-label (for that label) grounded text."""
    look_alikes = {
        "联盟": ["技术创新联盟", "综合党委", "联合党支部", "联合党委", "结对共建", "行业党委"],
        "孵化站": ["创业孵化", "众创空间", "科技企业孵化器", "挂靠"],
        "示范岗": ["示范点", "示范基地", "创新工作室", "优秀共产党员", "亮身份", "巾帼文明岗", "青年文明号", "党员突击队"],
        "轮值主席": ["轮值主席国", "轮值董事长", "商会", "轮岗"],
    }
    for label, words in look_alikes.items():
        from dangjian.features.normalize import normalize

        negatives = [normalize(r["text"]) for r in grounded if label not in r["labels"]]
        for word in words:
            assert any(word in text for text in negatives), f"no {label}-negative text mentions {word}"


@pytest.mark.skipif(not (REALDEV / "realdev.jsonl").exists(), reason="../shared/realdev is not beside the repository")
def test_no_text_shares_25_characters_with_realdev(grounded):
    realdev = read_jsonl(REALDEV / "realdev.jsonl")
    index = {}
    for rec in realdev:
        for run in runs(comparable(rec["text"])):
            index.setdefault(run, rec["id"])
    corpus = grounded + read_jsonl(SEEDS / "corpus.jsonl")
    shared = [(r["id"], index[run], run) for r in corpus for run in runs(comparable(r["text"])) if run in index]
    assert not shared, shared[:5]


@pytest.mark.skipif(not (REALDEV / "reserved-urls.sha256").exists(), reason="../shared/realdev is not beside the repository")
def test_no_text_is_grounded_on_a_reserved_or_realdev_page(grounded):
    reserved = {line.split()[0] for line in (REALDEV / "reserved-urls.sha256").read_text().splitlines() if line.strip()}
    reserved |= {url_key(r["url"]) for r in read_jsonl(REALDEV / "realdev.jsonl")}
    assert not [r["id"] for r in grounded if url_key(r["grounded_on"]) in reserved]
