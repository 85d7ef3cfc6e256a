"""Check grounded corpus drafts (``corpus/grounded/<batch>/*.txt``) before they are built.

A grounded draft is written for this project from one real page that its
writer read; its header names that page. Format (see ``scripts/drafts.py``)::

    === id: ga-001
    labels: 联盟, 轮值主席
    grounded_on: https://example.gov.cn/art/2023/5/1/art_1.html
    kind: news            (news | summary | notice | speech | paper | wechat | repost)
    family: 联盟/区域化党建联席会议   (the wording family of the practice or look-alike)
    genre: 新闻报道
    note: one line: which wording decides each label (or why none)
    ---
    正文……

Checks, per record: known labels, a URL in ``grounded_on`` that is neither a
realdev page nor reserved for blind evaluation (sha256 of the URL lowercased,
scheme and trailing ``/`` removed), a ``kind`` and ``family``, a length of
300–1,200 characters (excerpt) or 3,000–10,000 (full page), and no run of
25 or more characters shared with any realdev text once the genre's set
political phrases (``GENRE_PHRASES``) are set aside. Prints the composition.

Usage::

    python scripts/check_grounded.py corpus/grounded/a            # one batch
    python scripts/check_grounded.py corpus/grounded              # all batches
    python scripts/check_grounded.py --url https://x.gov.cn/a.html  # may this page be used?
"""
from __future__ import annotations

import collections
import hashlib
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drafts import LABELS, parse_dir, parse_file  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REALDEV = ROOT.parent / "shared" / "realdev"
KINDS = {"news", "summary", "notice", "speech", "paper", "wechat", "repost"}
EXCERPT, FULL = (300, 1200), (3000, 10000)
RUN = 25  # shared characters that count as copying

sys.path.insert(0, str(ROOT / "tests"))
from test_grounded_corpus import GENRE_PHRASES  # noqa: E402  (the list lives in the test that enforces it)


def url_key(url: str) -> str:
    """sha256 of the URL lowercased, without ``http(s)://`` and a trailing ``/`` (realdev README)."""
    u = url.strip().lower()
    u = re.sub(r"^https?://", "", u).rstrip("/")
    return hashlib.sha256(u.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def reserved_keys() -> frozenset[str]:
    path = REALDEV / "reserved-urls.sha256"
    if not path.exists():
        return frozenset()
    return frozenset(line.split()[0] for line in path.read_text().splitlines() if line.strip())


@lru_cache(maxsize=1)
def realdev_records() -> list[dict]:
    path = REALDEV / "realdev.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


from test_grounded_corpus import comparable, runs  # noqa: E402  (one definition of what copying is judged on)


@lru_cache(maxsize=1)
def realdev_runs() -> dict[str, str]:
    """Every 25-character run of every realdev text → that record's id."""
    out = {}
    for rec in realdev_records():
        for run in runs(comparable(rec["text"])):
            out.setdefault(run, rec["id"])
    return out


def shared_run(text: str) -> tuple[str, str] | None:
    """A 25-character run the text shares with a realdev text, and that text's id; else None."""
    index = realdev_runs()
    for run in runs(comparable(text)):
        if run in index:
            return run, index[run]
    return None


def url_problem(url: str) -> str | None:
    if not re.match(r"^https?://\S+$", url or ""):
        return "grounded_on is not an http(s) URL"
    if url_key(url) in reserved_keys():
        return "grounded_on is a page RESERVED for blind evaluation: do not use it"
    if url_key(url) in {url_key(r["url"]) for r in realdev_records()}:
        return "grounded_on is a realdev page: do not use it"
    return None


def length_class(n: int) -> str | None:
    if EXCERPT[0] <= n <= EXCERPT[1]:
        return "excerpt"
    if FULL[0] <= n <= FULL[1]:
        return "full"
    return None


def problems(rec: dict) -> list[str]:
    out = []
    if (p := url_problem(rec.get("grounded_on", ""))):
        out.append(p)
    if rec.get("kind") not in KINDS:
        out.append(f"kind must be one of {sorted(KINDS)}")
    if not rec.get("family"):
        out.append("family is empty")
    if not rec.get("note"):
        out.append("note is empty")
    if length_class(len(rec["text"])) is None:
        out.append(f"length {len(rec['text'])}: must be {EXCERPT[0]}–{EXCERPT[1]} or {FULL[0]}–{FULL[1]} characters")
    if (hit := shared_run(rec["text"])):
        out.append(f"shares {RUN}+ characters with realdev {hit[1]}: {hit[0]}")
    return out


def check(records: list[dict]) -> int:
    bad = 0
    ids = collections.Counter(r["id"] for r in records)
    for rec_id, n in ids.items():
        if n > 1:
            print(f"DUPLICATE ID {rec_id}")
            bad += 1
    for rec in records:
        for p in problems(rec):
            print(f"{rec['id']}: {p}")
            bad += 1
    counts = {lab: sum(lab in r["labels"] for r in records) for lab in LABELS}
    none = sum(not r["labels"] for r in records)
    lengths = collections.Counter(length_class(len(r["text"])) for r in records)
    pages = len({url_key(r.get("grounded_on", "")) for r in records})
    print(f"{len(records)} articles from {pages} pages; no label: {none}; "
          + "; ".join(f"{k}: {v}" for k, v in counts.items()))
    print(f"lengths: excerpt {lengths['excerpt']}, full {lengths['full']}; kinds: "
          + ", ".join(f"{k} {v}" for k, v in collections.Counter(r.get('kind') for r in records).most_common()))
    print("OK" if not bad else f"{bad} problem(s)")
    return 1 if bad else 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--url":
        p = url_problem(argv[1])
        print(p or "ok: this page may be used")
        return 1 if p else 0
    if len(argv) != 1:
        print(__doc__)
        return 2
    path = Path(argv[0])
    records = parse_file(path) if path.is_file() else parse_dir(path)
    return check(records)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
