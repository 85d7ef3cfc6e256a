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
    assert set(card["files"]) == {"weights.npz", "vocabulary.json"}
    assert all(len(sha) == 64 for sha in card["files"].values())
    assert card["features"]["rules"] and card["features"]["blocks"][0]["name"] == "words"
    assert card["metrics"]["cv"]["folds"] == 3


@pytest.mark.parametrize("name", ["weights.npz", "vocabulary.json"])
def test_a_tampered_file_is_refused(small_model_dir, tmp_path, name):
    copy = copy_model(small_model_dir, tmp_path)
    with (copy / name).open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="refusing to load"):
        Tagger.load(copy)


def test_a_missing_card_is_refused(small_model_dir, tmp_path):
    copy = copy_model(small_model_dir, tmp_path)
    (copy / "card.json").unlink()
    with pytest.raises(ModelError, match="no model card"):
        load(copy)


def test_a_card_that_does_not_vouch_for_a_file_is_refused(small_model_dir, tmp_path):
    copy = copy_model(small_model_dir, tmp_path, lambda card: card["files"].pop("weights.npz"))
    with pytest.raises(ModelError, match="does not vouch"):
        load(copy)


def test_an_old_pickle_model_directory_is_refused_in_one_line(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "card.json").write_text(json.dumps({"format": 1, "labels": ["联盟", "孵化站", "示范岗", "轮值主席"],
                                               "artifact": {"file": "model.joblib"}}), encoding="utf-8")
    with pytest.raises(ModelError, match="another format"):
        load(old)


def test_a_pickle_in_the_weights_is_never_loaded(small_model_dir, tmp_path):
    """weights.npz holding an object array (which needs pickle) is refused even when the card vouches for it."""
    import hashlib

    import numpy as np

    copy = copy_model(small_model_dir, tmp_path)
    with np.load(copy / "weights.npz") as weights:
        arrays = {k: weights[k] for k in weights.files}
    arrays["coef"] = np.array([object()] * 3, dtype=object)
    with (copy / "weights.npz").open("wb") as handle:
        np.savez(handle, **arrays)
    sha = hashlib.sha256((copy / "weights.npz").read_bytes()).hexdigest()
    card = json.loads((copy / "card.json").read_text(encoding="utf-8"))
    card["files"]["weights.npz"] = sha
    (copy / "card.json").write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="cannot be read"):
        load(copy)
