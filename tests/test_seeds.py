"""The five seed articles: kept byte for byte, labelled as the codebook's hard cases say."""
import pytest

from conftest import SEEDS, SHARED_SEEDS


def test_seed_files_are_byte_identical_to_the_originals():
    if not SHARED_SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    originals = sorted(SHARED_SEEDS.glob("*.txt"))
    assert [p.name for p in originals] == sorted(p.name for p in SEEDS.glob("*.txt"))
    for original in originals:
        assert (SEEDS / original.name).read_bytes() == original.read_bytes()


def test_seed_labels_match_the_codebook_hard_cases(seed_records):
    labels = {r["id"][:3]: r["labels"] for r in seed_records}
    assert labels == {
        "000": ["联盟", "孵化站", "示范岗", "轮值主席"],
        "001": ["孵化站", "示范岗"],
        "002": ["示范岗"],
        "003": [],
        "004": ["联盟", "示范岗", "轮值主席"],
    }


def test_seed_jsonl_texts_are_the_files_texts(seed_records):
    for record in seed_records:
        assert record["text"] == (SEEDS / f"{record['id']}.txt").read_bytes().decode("utf-8")
