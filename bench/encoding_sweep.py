"""Encoding detection sweep: dangjian's rules (features/decoding.py) against charset-normalizer.

Every corpus text (seeds/corpus.jsonl), its title (first line, at most 20 characters) and a short
prefix (the first 6 characters) is encoded as UTF-8, UTF-8 with BOM, UTF-16 (BOM), UTF-32 (BOM),
GB18030, GBK, Big5, cp950 and Big5-HKSCS (traditional script, via OpenCC ``s2tw``/``s2hk``, for the
Big5 family; characters an encoding lacks are dropped). A detection is right when the decoded text
equals the text that was encoded. Bytes that are not Chinese text (random bytes, Latin-1 and
Shift-JIS prose) must be refused: right means "no text" for the rules and, as charset-normalizer
always names some encoding for them, is counted as a wrong acceptance when it returns text.

Systems: ``rules`` = :func:`dangjian.features.decoding.decode_text`; ``cn`` = charset-normalizer's
``from_bytes(...).best()``; ``cn-isolated`` = the same, restricted to the policy's encodings.

Usage: python bench/encoding_sweep.py [--limit N] [--realdev]    (needs charset-normalizer: pip install charset-normalizer)
"""
from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from pathlib import Path

import opencc

from dangjian.features.decoding import DecodeError, decode_text

ROOT = Path(__file__).resolve().parents[1]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-32", "gb18030", "gbk", "big5", "cp950", "big5hkscs"]
ISOLATED = ["utf_8", "utf_16", "utf_32", "gb18030", "big5", "cp950", "big5hkscs"]
LATIN = ("Le comité du parti a tenu sa réunion à Genève; les délégués ont présenté leurs rapports "
         "sur la coopération régionale et l'économie.")
JAPANESE = "地域の企業が連携して、党の活動について話し合いました。ご協力をお願いいたします。"


def samples(limit: int | None, source: Path = ROOT / "seeds" / "corpus.jsonl") -> list[tuple[str, str]]:
    """``(kind, simplified text)``: whole articles, titles and 6-character prefixes."""
    records = [json.loads(line) for line in source.open(encoding="utf-8")]
    records = records[:limit] if limit else records
    out = []
    for r in records:
        text = r["text"]
        out += [("article", text), ("title", text.splitlines()[0][:20]), ("prefix6", text[:6])]
    return out


def encoded_cases(limit: int | None, source: Path = ROOT / "seeds" / "corpus.jsonl"):
    """``(kind, encoding, bytes, expected text or None)`` for the whole sweep."""
    to_tw, to_hk = opencc.OpenCC("s2tw"), opencc.OpenCC("s2hk")
    for kind, text in samples(limit, source):
        for enc in ENCODINGS:
            source = to_hk.convert(text) if enc == "big5hkscs" else to_tw.convert(text) if enc in ("big5", "cp950") else text
            data = source.encode(enc, errors="ignore")
            expected = data.decode(enc)
            if not expected.strip():
                continue
            yield kind, enc, data, expected
    rng = random.Random(0)
    for i in range(200):
        yield "not text", "random", bytes(rng.randrange(256) for _ in range(rng.choice([8, 40, 400]))), None
    for i in range(50):
        yield "not text", "latin-1", LATIN[: 20 + i * 2].encode("latin-1"), None
        yield "not text", "shift_jis", JAPANESE[: 10 + i % 30].encode("shift_jis"), None


def by_rules(data: bytes) -> str | None:
    try:
        text, enc = decode_text(data)
    except DecodeError:
        return None
    return text


def by_charset_normalizer(data: bytes, isolated: bool = False) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=ISOLATED if isolated else None).best()
    if best is None:
        return None
    return str(best).lstrip("\ufeff")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N corpus records")
    parser.add_argument("--realdev", action="store_true",
                        help="texts of ../shared/realdev/realdev.jsonl (real pages; measured only) instead of the corpus")
    args = parser.parse_args()
    source = ROOT.parent / "shared" / "realdev" / "realdev.jsonl" if args.realdev else ROOT / "seeds" / "corpus.jsonl"
    systems = {"rules": by_rules, "cn": by_charset_normalizer,
               "cn-isolated": lambda d: by_charset_normalizer(d, True)}
    right = defaultdict(int)
    total = defaultdict(int)
    seconds = defaultdict(float)
    for kind, enc, data, expected in encoded_cases(args.limit, source):
        key = ("not text" if expected is None else kind, enc)
        total[key] += 1
        for name, detect in systems.items():
            started = time.perf_counter()
            got = detect(data)
            seconds[name] += time.perf_counter() - started
            if expected is None:
                right[(name, *key)] += got is None
            else:
                right[(name, *key)] += got is not None and got.replace("\r\n", "\n") == expected.replace("\r\n", "\n")
    names = list(systems)
    print(f"{'kind':9} {'encoding':10} {'n':>5}  " + "  ".join(f"{n:>11}" for n in names))
    for key in sorted(total, key=lambda k: (k[0] == "not text", k[0], ENCODINGS.index(k[1]) if k[1] in ENCODINGS else 99)):
        cells = "  ".join(f"{right[(n, *key)] / total[key]:11.3f}" for n in names)
        print(f"{key[0]:9} {key[1]:10} {total[key]:5d}  {cells}")
    for kind in sorted({k[0] for k in total}):
        n = sum(v for k, v in total.items() if k[0] == kind)
        cells = "  ".join(f"{sum(right[(name, *k)] for k in total if k[0] == kind) / n:11.3f}" for name in names)
        print(f"{'all ' + kind:20} {n:5d}  {cells}")
    n = sum(total.values())
    print(f"{'all':20} {n:5d}  " + "  ".join(f"{sum(right[(name, *k)] for k in total) / n:11.3f}" for name in names))
    print(f"{'ms per decision':20} {'':5}  " + "  ".join(f"{1000 * seconds[name] / n:11.2f}" for name in names))


if __name__ == "__main__":
    main()
