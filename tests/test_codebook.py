"""The codebook ships with the package, in step with the project's shared codebook."""
import os
import subprocess
from importlib import resources

import pytest

from conftest import ROOT
from test_cli import DANGJIAN

SHARED = ROOT.parent / "shared" / "codebook.md"
OURS = ROOT / "dangjian" / "codebook.md"


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/codebook.md is not on this machine")
def test_every_line_of_the_shared_codebook_is_in_ours():
    ours = set(OURS.read_text(encoding="utf-8").splitlines())
    shared = SHARED.read_text(encoding="utf-8").splitlines()
    missing = [line for line in shared[1:] if line.strip() and line not in ours]
    assert not missing, f"dangjian/codebook.md lacks {len(missing)} line(s) of ../shared/codebook.md: {missing[:3]}"


def test_the_codebook_is_installed_with_the_package():
    installed = (resources.files("dangjian") / "codebook.md").read_bytes()
    assert installed == OURS.read_bytes()
    for label in ("联盟", "孵化站", "示范岗", "轮值主席"):
        assert f"## {label}" in installed.decode("utf-8")


@pytest.mark.parametrize("encoding", ["utf-8", "ascii", "gbk"])
def test_codebook_command_prints_it_in_utf8_whatever_the_console(encoding):
    env = {**os.environ, "PYTHONIOENCODING": encoding, "LC_ALL": "C"}
    out = subprocess.run([DANGJIAN, "codebook"], capture_output=True, env=env, timeout=60)
    assert out.returncode == 0 and out.stderr == b""
    assert out.stdout == OURS.read_bytes()
