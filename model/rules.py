"""Keyword rules: the codebook's wording as small named labeling functions.

Each rule looks at normalized (simplified) text and votes for one label:
``POSITIVE`` when its wording family appears, ``NEGATIVE`` when a wording the
codebook names as a look-alike appears. A rule that does not fire abstains.
The keyword baseline predicts a label when its positive votes outnumber its
negative votes. The same rules give weak labels for unlabelled corpora.

>>> baseline_labels("园区成立产业链党建联盟，推行轮值主席制度")
['联盟', '轮值主席']
>>> baseline_labels("上合组织轮值主席国")
[]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from ..features.normalize import normalize

from .labels import LABELS
from .literals import LiteralScanner

__all__ = ["Rule", "RULES", "RuleSet", "rule", "POSITIVE", "NEGATIVE", "ABSTAIN",
           "rule_votes", "baseline_labels", "baseline_matrix", "rule_analysis"]

POSITIVE, NEGATIVE, ABSTAIN = 1, -1, 0


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    polarity: int
    find: Callable[[str], "re.Match | None"]
    doc: str
    gate: tuple[str, ...] = ()
    exact: bool = False

    def fires(self, text: str) -> bool:
        """Does the rule's wording occur in the (normalized) text?

        A text holding none of the rule's ``gate`` strings (each match contains one of them)
        is answered without running the rule: the scoring hot path. ``tests/test_rules.py``
        proves ``fires(t) == (find(t) is not None)`` on the corpus and on generated text.
        """
        if self.gate and not any(g in text for g in self.gate):
            return False
        return self.find(text) is not None


RULES: list[Rule] = []


def rule(label: str, polarity: int, gate: tuple[str, ...] = (), exact: bool = False):
    """Register the decorated ``text -> match or None`` function as a rule voting ``polarity`` for ``label``.

    ``gate``: literal strings of which every match contains at least one (a fast pre-check);
    ``exact``: the rule matches exactly when one of them occurs (its wording is those literals),
    so :class:`RuleSet` need not run its regular expression.
    """
    if label not in LABELS or polarity not in (POSITIVE, NEGATIVE):
        raise ValueError(f"bad rule target {label!r}/{polarity!r}")

    def register(func: Callable[[str], bool]) -> Callable[[str], bool]:
        RULES.append(Rule(func.__name__, label, polarity, func, (func.__doc__ or "").strip(), tuple(gate), exact))
        return func

    return register


@lru_cache(maxsize=None)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(patterns))


def _has(text: str, *patterns: str) -> re.Match | None:
    """The first match of any of the regular expressions in the text, or None."""
    return _compiled(patterns).search(text)


# ---- 联盟 · alliance ------------------------------------------------------------

@rule("联盟", POSITIVE, gate=('联盟',))
def alliance_named(text: str) -> re.Match | None:
    """Named party-building alliance: 党建联盟, 产业链/区域化党建联盟, 联盟党委."""
    return _has(text, r"党建[^，。；\n]{0,6}联盟", r"联盟党委", r"党建联盟")


@rule("联盟", POSITIVE, gate=('党建共同体', '党建联合体', '党建共建联合体'), exact=True)
def alliance_community(text: str) -> re.Match | None:
    """党建共同体 / 党建联合体 as the body of joint party building."""
    return _has(text, r"党建共同体", r"党建联合体", r"党建共建联合体")


@rule("联盟", POSITIVE, gate=('成员单位',))
def alliance_member_units(text: str) -> re.Match | None:
    """成员单位 together with 联建共建 / 组织共建 / 活动共办 / 资源共享."""
    return _has(text, r"联建共建", r"组织共建", r"活动共办", r"资源共享") if "成员单位" in text else None


@rule("联盟", POSITIVE, gate=('联席会',))
def alliance_joint_conference(text: str) -> re.Match | None:
    """A standing joint conference of units (codebook, decisions on real pages): 区域化党建联席会议,
    共驻共建联席会议, 商圈党建联席会, 党建联席会 with 成员单位 / 辖区单位 / 联席单位."""
    if not _has(text, r"成员单位", r"辖区单位", r"联席单位", r"会员单位", r"共建单位"):
        return None
    return _has(text, r"(党建|共建|联建|共驻)[^，。；\n]{0,10}联席会")


@rule("联盟", POSITIVE, gate=('协调委员会', '促进会', '联合会', '聚联体', '共建带', '联盟', '联合体', '共同体', '片区组'))
def alliance_standing_body(text: str) -> re.Match | None:
    """Joint bodies named otherwise (codebook, decisions on real pages): 党建协调委员会, 党建促进会,
    党建联合会, 聚联体, 共建带, 支部联盟, 片区联合体, 党支部共同体, 共建共治联盟."""
    return _has(text, r"党建(工作)?协调委员会", r"党建(工作)?促进会", r"党建(工作)?联合会", r"聚联体",
                r"共建带", r"支部联盟", r"片区联合体", r"党支部共同体", r"党建[^，。；\n]{0,4}片区组",
                r"共建共治联盟", r"共建联盟", r"联建联盟")


@rule("联盟", POSITIVE, gate=('毗邻', '跨'))
def alliance_adjacent_regions(text: str) -> re.Match | None:
    """Cross-border standing joint party building: 毗邻党建, 跨省(区)党建共同体/联建."""
    return _has(text, r"毗邻党建", r"跨(省|区|市|县)[^，。；\n]{0,6}党建(共同体|联建|联盟)")


@rule("联盟", POSITIVE, gate=('联建协议', '联创协议', '党建共建协议', '共建共享协议'), exact=True)
def alliance_standing_agreement(text: str) -> re.Match | None:
    """Units signing a standing joint-building agreement: 联建协议, 联创协议, 党建共建协议."""
    return _has(text, r"联建协议", r"联创协议", r"党建共建协议", r"共建共享协议")


@rule("联盟", NEGATIVE, gate=('技术创新联盟', '电商联盟', '直播电商联盟', '旅游联盟', '品牌联盟', '产业联盟'), exact=True)
def business_alliance(text: str) -> re.Match | None:
    """A business or technology alliance: 产业技术创新联盟, 电商联盟 and kin."""
    return _has(text, r"技术创新联盟", r"电商联盟", r"直播电商联盟", r"旅游联盟", r"品牌联盟", r"产业联盟")


@rule("联盟", NEGATIVE, gate=('综合党委', '联合党支部', '联合党委', '联合党组织', '行业党委', '联盟党支部'), exact=True)
def single_joint_committee(text: str) -> re.Match | None:
    """One organization formed jointly: 综合党委, 联合党支部, 联合党委, 行业党委, a "联盟党支部"."""
    return _has(text, r"综合党委", r"联合党支部", r"联合党委", r"联合党组织", r"行业党委", r"联盟党支部")


@rule("联盟", NEGATIVE, gate=('结对共建',), exact=True)
def pairing_only(text: str) -> re.Match | None:
    """A one-off pairing of two units: 结对共建."""
    return _has(text, r"结对共建")


# ---- 孵化站 · incubator -----------------------------------------------------------

@rule("孵化站", POSITIVE, gate=('孵化',))
def incubator_named(text: str) -> re.Match | None:
    """党建孵化站 / 孵化中心 / 孵化基地, or a "孵化器"党支部."""
    return _has(text, r"党建孵化", r"孵化器.?党支部", r"党组织孵化")


@rule("孵化站", POSITIVE, gate=('孵化',))
def incubates_party_organizations(text: str) -> re.Match | None:
    """孵化 + 党组织/党支部 nearby, or 入壳孵化."""
    return _has(text, r"孵化[^，。；\n]{0,8}党(组织|支部)", r"入壳孵化", r"孵化党")


@rule("孵化站", POSITIVE, gate=('培育', '孵化'))
def incubator_dual_cultivation(text: str) -> re.Match | None:
    """Party organizations grown beside the firms or groups a base incubates (codebook, decisions on
    real pages): 双培育, 双孵化, 同步培育 ... 党组织, 党员孵化, 孵化出壳 of branches."""
    return _has(text, r"双培育", r"双孵化", r"(同步|同时)(培育|孵化)[^。；\n]{0,12}党(组织|支部)",
                r"党员孵化", r"红色孵化")


@rule("孵化站", NEGATIVE, gate=('孵化', '挂靠'))
def incubator_own_branch(text: str) -> re.Match | None:
    """A business incubator's own joint branch or members attached to one (codebook, decisions on
    real pages): 孵化(器)联合党支部, 挂靠."""
    return _has(text, r"孵化器?联合党支部", r"挂靠")


@rule("孵化站", NEGATIVE, gate=('创业孵化', '众创空间', '科技企业孵化器', '入孵企业', '双创孵化'), exact=True)
def startup_incubator(text: str) -> re.Match | None:
    """A business incubator: 创业孵化器, 众创空间, 科技企业孵化器, 入孵企业."""
    return _has(text, r"创业孵化", r"众创空间", r"科技企业孵化器", r"入孵企业", r"双创孵化")


@rule("孵化站", NEGATIVE, gate=('孵化',))
def incubates_other_things(text: str) -> re.Match | None:
    """孵化 of projects, brands or talent."""
    return _has(text, r"(项目|品牌|人才)孵化", r"孵化(项目|品牌|人才)")



# ---- 示范岗 · model post ------------------------------------------------------------

@rule("示范岗", POSITIVE, gate=('示范岗', '先锋岗'), exact=True)
def model_post_named(text: str) -> re.Match | None:
    """党员示范岗, 共产党员示范岗, 党员先锋岗, 党建示范岗, 先锋示范岗."""
    return _has(text, r"示范岗", r"先锋岗")


@rule("示范岗", POSITIVE, gate=('党员责任区', '党员示范区'), exact=True)
def party_member_zone(text: str) -> re.Match | None:
    """党员责任区 / 党员示范区."""
    return _has(text, r"党员责任区", r"党员示范区")


@rule("示范岗", POSITIVE, gate=('设岗定责',), exact=True)
def post_with_duties(text: str) -> re.Match | None:
    """设岗定责 wording."""
    return _has(text, r"设岗定责")


@rule("示范岗", POSITIVE, gate=('设岗明职', '责任田', '无职党员'))
def posts_for_members_without_office(text: str) -> re.Match | None:
    """Posts set for party members without office (codebook, decisions on real pages): 无职党员 ...
    设岗/岗位, 设岗明职, 党员责任田, 党员联户 duties made public."""
    if (m := _has(text, r"设岗明职", r"党员责任田", r"责任田")):
        return m
    return _has(text, r"(设|定|认)岗") if "无职党员" in text else None


@rule("示范岗", POSITIVE, gate=('示范', '先锋'))
def model_line_or_vehicle(text: str) -> re.Match | None:
    """Routes, vehicles and rooms staffed or held by selected party members (codebook, decisions on
    real pages): 党员示范线, 党员先锋车, 党建示范专线, 学生党员示范宿舍, 党员示范窗口/班组."""
    return _has(text, r"党员(示范|先锋)(线|车|号|专线|宿舍|窗口|班组|寝室)", r"党建示范(专)?线",
                r"先锋(车|号|线)(?!路)")


@rule("示范岗", POSITIVE, gate=('服务岗', '认岗', '亮岗'))
def volunteer_post_claimed(text: str) -> re.Match | None:
    """Service posts party members claim (codebook, decisions on real pages): 党员志愿服务岗, 认岗, 党员服务岗."""
    return _has(text, r"党员[^，。；\n]{0,4}服务岗", r"党员认岗", r"认岗定责", r"亮岗")


@rule("示范岗", NEGATIVE, gate=('巾帼文明岗', '青年文明号', '示范岗', '工人先锋号'))
def civic_post_without_members(text: str) -> re.Match | None:
    """Posts of the union or youth league, not party members (codebook): 巾帼文明岗, 青年文明号, 女职工...示范岗."""
    return _has(text, r"巾帼文明岗", r"青年文明号", r"女职工[^，。；\n]{0,6}示范岗", r"工人先锋号")


@rule("示范岗", NEGATIVE, gate=('亮身份', '党员突击队', '戴党徽'), exact=True)
def identity_only(text: str) -> re.Match | None:
    """Showing party identity with no designated post (codebook): 亮身份, 党员突击队, 佩戴党徽."""
    return _has(text, r"亮身份", r"党员突击队", r"佩戴党徽", r"戴党徽")


@rule("示范岗", NEGATIVE, gate=('示范点', '示范基地', '示范企业', '示范村', '示范性党组织'), exact=True)
def demonstration_unit(text: str) -> re.Match | None:
    """A demonstration site or unit: 党建示范点, 示范基地, 示范企业, 示范村, 示范性党组织."""
    return _has(text, r"示范点", r"示范基地", r"示范企业", r"示范村", r"示范性党组织")


@rule("示范岗", NEGATIVE, gate=('创新工作室',), exact=True)
def innovation_studio(text: str) -> re.Match | None:
    """党员创新工作室 and other studios."""
    return _has(text, r"创新工作室")


# ---- 轮值主席 · rotating chair ---------------------------------------------------------

@rule("轮值主席", POSITIVE, gate=('轮值主席',))
def rotating_chair_named(text: str) -> re.Match | None:
    """轮值主席 / 轮值主席单位, but not 轮值主席国."""
    return _has(text, r"轮值主席(?!国)")


@rule("轮值主席", POSITIVE, gate=('轮值书记', '轮值主持', '轮值召集', '轮值单位', '轮值秘书长', '轮值盟主', '轮值组长', '轮值主任', '轮值队长'), exact=True)
def rotating_secretary_or_host(text: str) -> re.Match | None:
    """轮值书记 / 轮值主持 / 轮值召集(人) / 轮值秘书长 / 轮值盟主 (codebook, decisions on real pages)."""
    return _has(text, r"轮值书记", r"轮值主持", r"轮值召集", r"轮值单位", r"轮值秘书长", r"轮值盟主",
                r"轮值组长", r"轮值主任", r"轮值队长")


@rule("轮值主席", POSITIVE, gate=('轮流',))
def takes_turns_leading(text: str) -> re.Match | None:
    """轮流担任 / 轮流牵头 / 轮流召集 (牵头单位, 召集人)."""
    return _has(text, r"轮流(担任|牵头|召集|主持)")


@rule("轮值主席", POSITIVE, gate=('交替', '依次', '轮换', '轮流', '一换'))
def rotation_in_other_words(text: str) -> re.Match | None:
    """The lead passes in turn without the word 轮值: 交替牵头, 依次接任, 按年度轮换召集单位."""
    return _has(text, r"(交替|依次|轮换)(牵头|召集|主持|担任|承担|接任|接手)",
                r"(牵头|召集|主席|主持)(单位|工作|职责|权|人)?[^，。；\n]{0,8}(轮换|交替|轮流|依次|一换)")


@rule("轮值主席", POSITIVE, gate=('交接', '轮换', '轮值', '接任'))
def lead_unit_handover(text: str) -> re.Match | None:
    """A yearly hand-over of the lead unit among members (codebook, decisions on real pages):
    组长单位/牵头单位 交接, 轮值制度 of a party-building body."""
    return _has(text, r"(组长|牵头|主席|召集)单位[^。；\n]{0,12}(交接|轮换|轮值|接任)",
                r"(交接|轮换|轮值)[^。；\n]{0,6}(组长|牵头|主席|召集)单位", r"党[^，。；\n]{0,8}轮值制",
                r"轮值制[^。；\n]{0,12}(党建|党日|联盟|联席)")


@rule("轮值主席", NEGATIVE, gate=('轮流', '轮值'))
def venue_or_duty_rotation(text: str) -> re.Match | None:
    """Only the venue rotates, or a duty roster (codebook, decisions on real pages): 轮流到...召开,
    轮流(值班/巡查/值守), 轮值 patrols."""
    return _has(text, r"轮流(到|在)[^，。；\n]{0,12}(召开|举办|开展)", r"轮流(值班|值守|巡查|巡逻|站岗)",
                r"轮值(值班|巡查|巡逻)")


@rule("轮值主席", NEGATIVE, gate=('轮值主席国', '上合组织', '东盟', '欧盟', 'G20', '二十国集团', '安理会', '金砖', '澜湄', '联合国'), exact=True)
def diplomatic_presidency(text: str) -> re.Match | None:
    """Diplomacy: 轮值主席国, 上合组织, 东盟, 欧盟, G20."""
    return _has(text, r"轮值主席国", r"上合组织", r"东盟", r"欧盟", r"G20", r"二十国集团", r"安理会", r"金砖",
                r"澜湄", r"联合国")


@rule("轮值主席", NEGATIVE, gate=('轮值',))
def company_rotating_chairman(text: str) -> re.Match | None:
    """Company or chamber rotation: 轮值董事长 / 轮值CEO / 轮值总裁 / a 商会's 轮值(副)会长."""
    return _has(text, r"轮值董事长", r"轮值(ceo|CEO)", r"轮值总裁", r"轮值会长", r"轮值理事长",
                r"商会[^。；\n]{0,12}轮值", r"轮值[^，。；\n]{0,4}副会长")


@rule("轮值主席", NEGATIVE, gate=('轮岗', '轮班'), exact=True)
def job_rotation(text: str) -> re.Match | None:
    """Staff or job rotation: 轮岗, 轮班."""
    return _has(text, r"轮岗", r"轮班")



# ---- applying the rules ------------------------------------------------------------------

class RuleSet:
    """Rules applied together, fast: one scan finds which gate strings a text holds
    (:class:`~dangjian.model.literals.LiteralScanner`), and only the rules with a gate present
    (or without a gate) run their regular expressions; exact rules need not run theirs.

    >>> RuleSet(RULES).fired("园区成立党建联盟")[:1]
    [0]
    """

    def __init__(self, rules: list[Rule]):
        self.rules = list(rules)
        self.gates = sorted({g for r in self.rules for g in r.gate})
        self._scanner = LiteralScanner(self.gates)
        self._ungated = tuple(i for i, r in enumerate(self.rules) if not r.gate)
        by_gate: dict[str, list[int]] = {g: [] for g in self.gates}
        for i, r in enumerate(self.rules):
            for g in r.gate:
                by_gate[g].append(i)
        self._rules_by_gate = {g: tuple(ids) for g, ids in by_gate.items()}

    def fired(self, text: str) -> list[int]:
        """Positions (in ``rules``) of the rules that fire on a normalized text, ascending."""
        candidates = set(self._ungated)
        for g in self._scanner.present(text):
            candidates.update(self._rules_by_gate[g])
        rules = self.rules
        return [i for i in sorted(candidates) if rules[i].exact or rules[i].find(text) is not None]


def rule_votes(text: str, normalized: bool = False) -> dict[str, int]:
    """Every rule's vote on one text: rule name → POSITIVE, NEGATIVE or ABSTAIN."""
    clean = text if normalized else normalize(text)
    return {r.name: (r.polarity if r.fires(clean) else ABSTAIN) for r in RULES}


def baseline_labels(text: str, normalized: bool = False) -> list[str]:
    """Labels whose positive votes outnumber their negative votes."""
    votes = rule_votes(text, normalized)
    tally = {lab: 0 for lab in LABELS}
    for r in RULES:
        tally[r.label] += votes[r.name]
    return [lab for lab in LABELS if tally[lab] > 0]


def baseline_matrix(texts, normalized: bool = False):
    """0/1 matrix (n × 4) of the keyword baseline's labels."""
    rows = [[lab in baseline_labels(t, normalized) for lab in LABELS] for t in texts]
    return np.array(rows, dtype=np.int8).reshape(-1, len(LABELS))


def rule_analysis(texts, y_true=None, normalized: bool = False) -> list[dict]:
    """One row per rule: coverage, overlaps, conflicts and (with labels) precision.

    - coverage: share of texts where the rule fires;
    - overlaps: share where it fires together with another rule of its label;
    - conflicts: share where a rule of its label with the opposite polarity fires too;
    - precision: among texts where it fires, share whose true label agrees with its vote;
    - recall: among texts whose true label agrees with its vote (positives for a + rule, negatives
      for a - rule), share where it fires. Precision and recall are None where undefined.
    """
    clean = [t if normalized else normalize(t) for t in texts]
    fired = np.array([[r.fires(t) for r in RULES] for t in clean], dtype=bool).reshape(len(clean), len(RULES))
    rows = []
    for i, r in enumerate(RULES):
        same = [j for j, other in enumerate(RULES) if other.label == r.label and j != i]
        opposite = [j for j in same if RULES[j].polarity != r.polarity]
        hits = fired[:, i]
        row = {
            "rule": r.name, "label": r.label, "polarity": "+" if r.polarity > 0 else "-",
            "coverage": float(hits.mean()) if len(clean) else 0.0,
            "overlaps": float((hits & fired[:, same].any(axis=1)).mean()) if same and len(clean) else 0.0,
            "conflicts": float((hits & fired[:, opposite].any(axis=1)).mean()) if opposite and len(clean) else 0.0,
        }
        if y_true is not None:
            truth = np.asarray(y_true)[:, LABELS.index(r.label)] == (1 if r.polarity > 0 else 0)
            row["precision"] = float(truth[hits].mean()) if hits.any() else None
            row["recall"] = float(hits[truth].mean()) if truth.any() else None
        rows.append(row)
    return rows
