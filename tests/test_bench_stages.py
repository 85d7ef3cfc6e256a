"""The per-stage benchmark runs and prints a figure for every stage (the figures themselves are not tested)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_stages_prints_every_stage():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_stages.py"), "--n", "40"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    figures = dict(re.findall(r"^(\S.*?|  \S.*?)\s+([\d.]+) µs$", out.stdout, flags=re.M))
    for stage in ("normalize", "tokenize (cut, lower-case, content words)", "TF-IDF words, batched",
                  "rule votes (RuleSet.fired)", "whole tag_many (normalize → labels)"):
        assert float(figures[stage]) > 0, stage
    assert out.stdout.startswith("start-up: import")
