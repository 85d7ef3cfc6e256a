import json
import shutil

import pytest

from dangjian import ModelError, Tagger
from dangjian.model.store import load, read_card

from conftest import SEEDS


def copy_model(model_dir, tmp_path, edit_card=None):
    """A copy of a model directory, its card changed by ``edit_card(card)`` when given."""
    copy = tmp_path / "m"
    shutil.copytree(model_dir, copy)
    if edit_card:
        card = json.loads((copy / "card.json").read_text(encoding="utf-8"))
        edit_card(card)
        (copy / "card.json").write_text(json.dumps(card), encoding="utf-8")
    return copy


def test_card_describes_the_model(small_model_dir):
    card = read_card(small_model_dir)
    assert card["labels"] == ["联盟", "孵化站", "示范岗", "轮值主席"]
    assert set(card["thresholds"]) == set(card["labels"])
    assert card["tokenizer"]["backend"] == card["config"]["tokenizer_backend"] in ("jieba", "rjieba")
    assert {"scikit-learn", "jieba", "numpy", "opencc"} <= set(card["versions"])
    assert len(card["artifact"]["sha256"]) == 64
    assert card["metrics"]["cv"]["folds"] == 3


def test_a_tampered_artifact_is_refused(small_model_dir, tmp_path):
    copy = copy_model(small_model_dir, tmp_path)
    with (copy / "model.joblib").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="refusing to load"):
        Tagger.load(copy)


def test_a_missing_card_is_refused(small_model_dir, tmp_path):
    copy = copy_model(small_model_dir, tmp_path)
    (copy / "card.json").unlink()
    with pytest.raises(ModelError, match="no model card"):
        load(copy)


def test_a_card_pointing_outside_its_directory_is_refused(small_model_dir, tmp_path):
    copy = copy_model(small_model_dir, tmp_path, lambda card: card["artifact"].update(file="../elsewhere.joblib"))
    with pytest.raises(ModelError, match="outside"):
        load(copy)


def test_another_scikit_learn_version_is_reported_in_one_line(small_model_dir, tmp_path):
    copy = copy_model(small_model_dir, tmp_path, lambda card: card["versions"].update({"scikit-learn": "0.0.1"}))
    with pytest.warns(UserWarning, match=r"saved with scikit-learn 0\.0\.1") as record:
        Tagger.load(copy)
    assert all("\n" not in str(w.message) for w in record)


def test_another_minor_version_rebuilds_from_the_bundled_data_once(tmp_path, monkeypatch):
    from dangjian.model.store import DEFAULT_MODEL_DIR

    monkeypatch.setenv("DANGJIAN_CACHE", str(tmp_path / "cache"))
    copy = copy_model(DEFAULT_MODEL_DIR, tmp_path, lambda card: card["versions"].update({"scikit-learn": "1.0.0"}))
    with pytest.warns(UserWarning, match=r"building it once for"):
        rebuilt = Tagger.load(copy)
    shipped = Tagger.load()
    text = (SEEDS / "004_ddaa4c428c78c2ff.txt").read_text(encoding="utf-8")
    assert rebuilt.tag(text) == shipped.tag(text)  # deterministic training: the same model
    assert rebuilt.card["training_data"]["rebuilt_from"] == read_card(copy)["artifact"]["sha256"]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the second load uses the cache: no rebuild, no warning
        Tagger.load(copy)


def test_a_tampered_training_bundle_is_refused(tmp_path, monkeypatch):
    from dangjian.model.store import DEFAULT_MODEL_DIR

    monkeypatch.setenv("DANGJIAN_CACHE", str(tmp_path / "cache"))
    copy = copy_model(DEFAULT_MODEL_DIR, tmp_path, lambda card: card["versions"].update({"scikit-learn": "1.0.0"}))
    with (copy / "training-data.jsonl.gz").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="training-data.jsonl.gz"):
        Tagger.load(copy)
