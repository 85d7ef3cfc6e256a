"""README.md and .ci/run agree: CI runs exactly the test command the README gives."""
import re

from conftest import ROOT


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(python3 -m venv .*?)\n```", readme)
    assert len(commands) == 2, "README gives exactly two set-up commands"
    install_and_score, install_and_test = commands
    assert install_and_score.endswith("dangjian score seeds/")
    assert "[test]" in install_and_test and "pytest" in install_and_test
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install_and_test in ci_lines
