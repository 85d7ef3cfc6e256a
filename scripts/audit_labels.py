"""Label audit: every corpus article whose labels disagree with the keyword baseline.

The baseline is the codebook's wording as rules (model/rules.py). Each
disagreement (article, label) was re-read by hand and either fixed in the
drafts or kept; the decisions live in corpus/label_audit.jsonl as
``{"id", "label", "gold", "baseline", "decision", "why"}``.

Usage:
  python scripts/audit_labels.py list            # disagreements as JSON lines (for re-reading)
  python scripts/audit_labels.py report          # counts + kept disagreements -> seeds/LABEL_AUDIT.md
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dangjian.model.labels import LABELS  # noqa: E402
from dangjian.model.rules import baseline_labels  # noqa: E402

CORPUS = ROOT / "seeds" / "corpus.jsonl"
DECISIONS = ROOT / "corpus" / "label_audit.jsonl"
REPORT = ROOT / "seeds" / "LABEL_AUDIT.md"


def disagreements() -> list[dict]:
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        predicted = baseline_labels(rec["text"])
        for label in LABELS:
            gold, base = label in rec["labels"], label in predicted
            if gold != base:
                out.append({"id": rec["id"], "label": label, "gold": gold, "baseline": base})
    return out


def report() -> str:
    current = {(d["id"], d["label"]): d for d in disagreements()}
    decisions = {}
    if DECISIONS.exists():
        for line in DECISIONS.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            decisions[(d["id"], d["label"])] = d
    kept = [decisions[k] | current[k] for k in sorted(current) if k in decisions and decisions[k]["decision"] == "keep"]
    fixed = [d for d in decisions.values() if d["decision"] == "fix"]
    unreviewed = [k for k in current if k not in decisions]
    by_label = Counter((d["label"], "model-word-missing" if d["gold"] else "word-without-practice")
                       for d in current.values())
    lines = [
        "# Label audit", "",
        "Every corpus article whose labels disagree with the keyword baseline (`model/rules.py`,",
        "the codebook's wording) was re-read and either fixed or kept. Regenerate with",
        "`python scripts/audit_labels.py report`.", "",
        f"- disagreements now: {len(current)} (article, label) pairs in {len({k[0] for k in current})} articles",
        f"- fixed after re-reading: {len(fixed)}",
        f"- kept after re-reading: {len(kept)}",
        f"- not yet reviewed: {len(unreviewed)}", "",
        "| label | gold yes, baseline no | gold no, baseline yes |", "|---|---|---|",
        *(f"| {lab} | {by_label[(lab, 'model-word-missing')]} | {by_label[(lab, 'word-without-practice')]} |"
          for lab in LABELS),
        "", "## Fixed", "",
        *(f"- `{d['id']}` {d['label']}: {d['why']}" for d in sorted(fixed, key=lambda d: (d["id"], d["label"]))),
        "", "## Kept disagreements", "",
        *(f"- `{d['id']}` {d['label']} (gold {'yes' if d['gold'] else 'no'}): {d['why']}" for d in kept),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "list":
        for d in disagreements():
            print(json.dumps(d, ensure_ascii=False))
    elif command == "report":
        REPORT.write_text(report(), encoding="utf-8")
        print(f"wrote {REPORT}")
    else:
        sys.exit(__doc__)
