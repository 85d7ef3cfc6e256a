"""Assemble ``seeds/corpus.jsonl`` from the hand-written drafts.

Deterministic (fixed seed). Steps, per article:
1. parse the draft (``scripts/drafts.py``);
2. assign ``split`` (20 % dev, stratified by label set);
3. convert about 30 % to traditional script with OpenCC (``s2t`` / ``s2hk``);
4. add the noise real pages carry to about 22 %: site boilerplate, a
   duplicated headline, and on traditional texts injected pinyin and GBK
   misalignment debris, each made by the same mechanism as in the seeds.

Usage: python scripts/build_corpus.py [--drafts corpus/drafts] [--out seeds/corpus.jsonl]
       python scripts/build_corpus.py --grounded --drafts corpus/grounded --out seeds/grounded.jsonl
Needs ``pypinyin`` (``pip install -e .[corpus]``) for the injected pinyin.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

import opencc
from pypinyin import Style, pinyin

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drafts import parse_dir  # noqa: E402

SEED = 20261122
DEV_SHARE, TRADITIONAL_SHARE = 0.2, 0.30
NOISE_SHARE_TRADITIONAL, NOISE_SHARE_SIMPLIFIED = 0.45, 0.12

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武洪"
GIVEN = "晓明丽华建国芳敏静强伟娟涛军磊洋勇艳杰娜超平刚桂英玲红霞波辉鹏宇琳雪梅飞斌浩然凯欣悦嘉怡思远志海"
MEDIA = ["日报", "晚报", "新闻网", "融媒体中心", "党建网", "组工网", "发布", "广播电视台"]
PLACES = ["江北", "南湖", "清河", "临江", "东城", "西山", "长川", "青峰", "白沙", "云溪", "石桥", "金水"]
# Neutral headlines for link lists: none names a practice the corpus labels.
HEADLINES = [
    "全市安全生产大检查进入第二阶段", "第四届农民丰收节系列活动启幕", "秋冬季大气污染防治攻坚行动部署会召开",
    "多部门联合开展食品安全专项抽检", "城区三条主干道改造工程完工通车", "我市启动新一轮义务教育学位扩容",
    "退役军人服务中心开展政策宣讲进社区", "冬季供暖准备工作全面就绪", "高标准农田建设完成年度任务八成",
    "市场监管部门发布节前消费提示", "全市政务服务“一网通办”事项再扩容", "暑期防溺水安全教育走进校园",
    "县医院新门诊楼正式投入使用", "非遗展演周在文化广场开幕", "首批乡村工匠名单公示",
    "汛期地质灾害隐患排查全面展开", "全民健身运动会落下帷幕", "老旧小区加装电梯工作推进会召开",
    "春耕备耕物资储备充足", "跨境电商综合试验区年度数据发布", "消防救援支队开展高层建筑灭火演练",
    "市图书馆新增二十处城市书房", "稳就业专场招聘会提供岗位三千余个", "县域商业体系建设现场会召开",
    "河湖长制工作年度考核结果出炉", "法治宣传月活动走进工业园区", "重点项目集中开工仪式举行",
    "全市统计工作会议召开", "中小学课后服务实现全覆盖", "文明交通劝导志愿活动持续开展",
]
BOILERPLATE_HEAD = [
    "当前位置：首页 > 党建工作 > 基层动态",
    "首页 | 新闻中心 | 党建园地 | 图片新闻 | 专题专栏",
    "【字体：大 中 小】　【打印本页】　【关闭窗口】",
    "来源：{media}　　发布时间：{date}　　浏览次数：{views}",
    "{date} 来源：{media} 作者：{name}",
]
BOILERPLATE_TAIL = [
    "责任编辑：{name}",
    "（编辑：{name}　审核：{name2}）",
    "相关新闻：\n· {h1}\n· {h2}\n· {h3}",
    "相关阅读\n{h1}\n{h2}",
    "分享到：微信　朋友圈　微博　QQ空间",
    "扫一扫在手机上查看当前页面",
    "声明：本页部分内容转自其他媒体，仅供读者参阅，所述观点由原作者负责；如有版权疑问，请致信本站编辑部处理。",
    "上一篇：{h1}\n下一篇：{h2}",
    "【纠错】　【打印本页】　【关闭窗口】",
    "网站地图 | 联系我们 | 版权所有 ©{year} {media} | 备案号：{icp}",
    "点击阅读原文　　在看　　分享　　点赞",
]
GBK_QUOTES = "“”"
# Batches written as hard negatives (codebook look-alikes); elsewhere a no-label article with a note is one too.
HARD_NEGATIVE_BATCHES = {"b7", "b8"}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))


def add_boilerplate(text: str, rng: random.Random) -> str:
    """Site furniture above and below the article, filled with invented details."""
    fill = {
        "media": rng.choice(PLACES) + rng.choice(MEDIA), "name": _name(rng), "name2": _name(rng),
        "date": f"20{rng.randint(17, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "views": rng.randint(37, 9000), "year": 2000 + rng.randint(17, 26),
        "icp": f"{rng.choice('京沪苏浙粤鲁豫川鄂湘')}ICP备{rng.randint(10**7, 10**8 - 1)}号",
        **{f"h{i}": h for i, h in enumerate(rng.sample(HEADLINES, 3), 1)},
    }
    head = [t.format(**fill) for t in rng.sample(BOILERPLATE_HEAD, rng.randint(0, 2))]
    tail = [t.format(**fill) for t in rng.sample(BOILERPLATE_TAIL, rng.randint(1, 4))]
    return "\n".join([*head, text, *tail])


def duplicate_headline(text: str, rng: random.Random) -> str:
    """Repeat the title line, as pages assembled from a CMS template often do."""
    title, _, rest = text.partition("\n")
    return f"{title}\n{'' if rng.random() < 0.5 else chr(10)}{title}\n{rest}"


def inject_pinyin(traditional: str, simplified_of, rng: random.Random, rate: float) -> str:
    """Append ``(pīnyīn)`` after characters that differ from their simplified form."""
    out = []
    for ch in traditional:
        out.append(ch)
        simple = simplified_of(ch)
        if simple != ch and rng.random() < rate:
            reading = pinyin(simple, style=Style.TONE)[0][0]
            if reading.isalpha() and reading.islower():
                out.append(f"({reading})")
    return "".join(out)


def gbk_debris(text: str, rng: random.Random, rate: float) -> str:
    """Misalign GBK bytes at some quote marks: ``專”黨`` → ``?!秉h``.

    The character before the quote is lost (``?``), the quote's lead byte 0xA1
    loses its high bit (``!``) and the following bytes are read one byte off
    until an ASCII byte re-syncs the decoder, as in the seed articles.
    """
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if (i + 1 < len(text) and text[i + 1] in GBK_QUOTES and "\u4e00" <= ch <= "\u9fff"
                and rng.random() < rate):
            end = i + 2
            while end < len(text) and not text[end].isascii() and end - i < 40:
                end += 1
            segment = text[i + 1:end + 1]  # the quote … up to and including the ASCII byte
            tail = segment.encode("gb18030", errors="replace")[1:]
            out.append("?!" + tail.decode("gb18030", errors="replace"))
            i = end + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def stratified_pick(records: list[dict], share: float, rng: random.Random) -> set[str]:
    """Ids of about ``share`` of the records, the same share within each label set."""
    groups = defaultdict(list)
    for r in records:
        groups[tuple(r["labels"])].append(r["id"])
    picked = set()
    for key in sorted(groups):
        ids = sorted(groups[key])
        rng.shuffle(ids)
        picked.update(ids[:round(len(ids) * share)])
    return picked


GROUNDED_FIELDS = ("grounded_on", "kind", "family")


def build(drafts: Path, dev_share: float = DEV_SHARE, source: str = "written-for-project") -> list[dict]:
    rng = random.Random(SEED)
    records = sorted(parse_dir(drafts), key=lambda r: r["id"])
    dev = stratified_pick(records, dev_share, rng)
    traditional = stratified_pick(records, TRADITIONAL_SHARE, rng)
    converters = {name: opencc.OpenCC(name) for name in ("s2t", "s2hk", "t2s")}
    out = []
    for r in records:
        text, noise = r["text"], []
        is_trad = r["id"] in traditional
        if rng.random() < (NOISE_SHARE_TRADITIONAL if is_trad else NOISE_SHARE_SIMPLIFIED):
            if rng.random() < 0.35:
                text = duplicate_headline(text, rng)
                noise.append("duplicated_headline")
            if rng.random() < 0.8:
                text = add_boilerplate(text, rng)
                noise.append("boilerplate")
        if is_trad:
            text = converters["s2hk" if rng.random() < 0.2 else "s2t"].convert(text)
            if noise:
                if rng.random() < 0.7:
                    text = inject_pinyin(text, converters["t2s"].convert, rng, rate=rng.uniform(0.1, 0.5))
                    noise.append("pinyin")
                if rng.random() < 0.5 and any(q in text for q in GBK_QUOTES):
                    text = gbk_debris(text, rng, rate=rng.uniform(0.2, 0.6))
                    noise.append("gbk_debris")
        out.append({
            "id": r["id"], "text": text, "labels": r["labels"],
            "script": "traditional" if is_trad else "simplified",
            "source": source, "split": "dev" if r["id"] in dev else "train",
            "genre": r["genre"], "noise": noise, "note": r["note"],
            **{k: r[k] for k in GROUNDED_FIELDS if k in r},
            "hard_negative": not r["labels"] and (r["id"][:2] in HARD_NEGATIVE_BATCHES or bool(r["note"])),
        })
    return out


def apply_relabels(records: list[dict], path: Path) -> int:
    """Apply ``corpus/relabel.jsonl`` (labels changed by the codebook's decisions on real pages); return the count.

    Each line: ``{"id", "labels_before", "labels_after", "reason"}``; a record keeps the reason in ``relabelled``.
    """
    if not path.exists():
        return 0
    by_id = {r["id"]: r for r in records}
    changes = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for change in changes:
        record = by_id[change["id"]]
        if sorted(record["labels"]) != sorted(change["labels_before"]):
            raise SystemExit(f"relabel {change['id']}: labels are {record['labels']}, not {change['labels_before']}")
        record["labels"] = [lab for lab in ("联盟", "孵化站", "示范岗", "轮值主席") if lab in change["labels_after"]]
        record["relabelled"] = change["reason"]
    return len(changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drafts", type=Path, default=Path("corpus/drafts"))
    parser.add_argument("--out", type=Path, default=Path("seeds/corpus.jsonl"))
    parser.add_argument("--grounded", action="store_true",
                        help="drafts grounded on real pages (corpus/grounded): no dev split, source 'grounded-on-real-page'")
    args = parser.parse_args()
    if args.grounded:
        records = build(args.drafts, dev_share=0.0, source="grounded-on-real-page")
    else:
        records = build(args.drafts)
        print(f"relabelled {apply_relabels(records, Path('corpus/relabel.jsonl'))} articles (corpus/relabel.jsonl)")
    with args.out.open("w", encoding="utf-8") as handle:
        for r in records:
            handle.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} articles to {args.out}")


if __name__ == "__main__":
    main()
