"""The four practice labels, in the codebook's order (../shared/codebook.md)."""

LABELS: tuple[str, ...] = ("联盟", "孵化站", "示范岗", "轮值主席")

SLUGS: dict[str, str] = {
    "联盟": "alliance",
    "孵化站": "incubator",
    "示范岗": "model_post",
    "轮值主席": "rotating_chair",
}
