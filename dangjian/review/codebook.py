"""The label definitions shown beside each toggle of the review page.

Condensed from the project's codebook (``../shared/codebook.md``, the label law,
with its "Decisions on real pages"); when the two differ, the codebook decides.
"""
from __future__ import annotations

from ..model.labels import LABELS

__all__ = ["DEFINITIONS"]

DEFINITIONS: dict[str, dict[str, str]] = {
    "联盟": {
        "name": "alliance",
        "short": "党组织 of several units that are NOT subordinate to one another form a standing alliance "
                 "for joint party building.",
        "positive": "党建联盟, 产业链/区域化党建联盟, 联盟党委, 党建共同体/联合体, 联席会议 with member units, "
                    "党建协调委员会, 党建促进会; three or more units with a standing joint-building agreement.",
        "negative": "business or technology alliance with no party-building role (产业技术创新联盟, 电商联盟); "
                    "one organization formed jointly (综合党委, 联合党支部, 联合党委, 行业党委, a '联盟党支部'); "
                    "a pairing of two units (结对共建).",
    },
    "孵化站": {
        "name": "incubator",
        "short": "A station, centre or base whose job is to incubate PARTY ORGANIZATIONS in small firms or "
                 "new organizations until they can form their own branch.",
        "positive": "党建孵化站/中心/基地, '孵化器'党支部, 入壳孵化, 孵化党组织; a 指导站 only where the text says "
                    "it incubates party organizations; 双培育/双孵化 of social organizations and their branches.",
        "negative": "business incubators for companies (创业孵化器, 众创空间, 科技企业孵化器, 入孵企业); "
                    "孵化 of projects, brands or talent; an incubator's own joint party branch.",
    },
    "示范岗": {
        "name": "model_post",
        "short": "Posts, windows, teams or zones DESIGNATED for party members to take exemplary duties "
                 "openly (设岗定责).",
        "positive": "党员示范岗, 共产党员示范岗, 党员先锋岗, 党员责任区/示范区, 设岗定责 for 无职党员, "
                    "党员责任田 with public duties, 党员先锋车/示范线, 党员志愿服务岗 that members claim.",
        "negative": "demonstration sites or units (党建示范点, 示范基地, 示范企业, 示范村, 示范性党组织); "
                    "党员创新工作室; awards to individuals; 亮身份 or armbands with no designated post; "
                    "rhetoric (示范带动, 示范引领).",
    },
    "轮值主席": {
        "name": "rotating_chair",
        "short": "The chair, convener or lead role of a party-building body ROTATES among member units "
                 "or people.",
        "positive": "轮值主席(单位), 季度轮值主席制度, 轮值书记, 轮值主持, 轮值秘书长/召集人/盟主, "
                    "轮流担任 牵头单位/召集人, a yearly hand-over of the lead unit.",
        "negative": "diplomatic rotating presidencies (轮值主席国), company 轮值董事长, rotation in business "
                    "or academic bodies with no party-building role, job rotation (轮岗), duty rosters, "
                    "only the venue or host rotating, an elected or fixed chair.",
    },
}

assert tuple(DEFINITIONS) == LABELS
