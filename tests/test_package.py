"""The distribution installs one package, ``dangjian``, importable from any folder."""
from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
from importlib import metadata

import pytest

import dangjian


def _modules():
    yield "dangjian"
    for info in pkgutil.walk_packages(dangjian.__path__, "dangjian."):
        if info.name.endswith("__main__"):
            continue
        yield info.name


@pytest.mark.parametrize("name", sorted(_modules()))
def test_docstring_examples(name):
    """Every module's doctest examples run (they were collected by --doctest-modules before the move)."""
    if name.endswith("dask_engine"):
        pytest.importorskip("distributed")
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_installs_no_top_level_model_or_features(tmp_path):
    """Outside the source tree, nothing called ``model`` or ``features`` is importable: only ``dangjian``."""
    code = ("import importlib.util as u; "
            "print(u.find_spec('model') is None, u.find_spec('features') is None, u.find_spec('dangjian') is not None)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["True", "True", "True"], out.stderr
    assert {mod.split(".")[0] for mod in _modules()} == {"dangjian"}


def test_imports_from_a_folder_with_its_own_model_and_features(tmp_path):
    """A research folder holding model.py and features/ does not shadow dangjian's modules."""
    (tmp_path / "model.py").write_text("raise ImportError('the user model.py was imported')\n")
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "__init__.py").write_text("raise ImportError('the user features/ was imported')\n")
    code = ("from dangjian import Tagger; r = Tagger.load().tag('园区成立党建联盟，成员单位轮流担任轮值主席'); "
            "print(','.join(r.labels))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "联盟" in out.stdout


def test_version_matches_the_distribution():
    assert dangjian.__version__ == metadata.version("dangjian")


def test_evaluate_codebook_and_version_work_from_any_directory(tmp_path):
    """The labelled data, the model and the codebook ship with the package: no repository needed."""
    import shutil
    from pathlib import Path

    exe = shutil.which("dangjian", path=str(Path(sys.executable).parent)) or "dangjian"

    def run(*args):
        return subprocess.run([exe, *args], cwd=tmp_path, capture_output=True, text=True, encoding="utf-8",
                              timeout=300)

    evaluated = run("evaluate")
    assert evaluated.returncode == 0, evaluated.stderr
    assert "macro F1" in evaluated.stdout and "baseline" in evaluated.stdout
    codebook = run("codebook")
    assert codebook.returncode == 0 and "Decisions on real pages" in codebook.stdout
    version = run("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"dangjian {dangjian.__version__}"
