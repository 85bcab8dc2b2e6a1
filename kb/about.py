"""What an item is about: the organisations it is about, among every company it names.

`tag(item, table)` gives `mentions` (every company the item's text names, products mapped to
their maker, GitHub owners included) and `about` (the organisations the item is about, each with
the rule that chose it, in the order the item names them). The rules are a registry (`RULES`),
measured against hand labels in bench/companies/ (README, Benchmarks). Core module: imports only
kb.companies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.companies import CompanyTable, Mention

#: The rules, in the order they are tried; each names what makes a company one the item is about.
RULES: dict[str, str] = {
    "warmup-prefix": "a warm-up item's `X：` prefix (every company of `A & B：`)",
    "repo-owner": "the organisation that owns the item's own GitHub repo (table of owners)",
    "title-lead": "the company or product the title starts with (after tags and `owner/repo:`)",
    "title-actor": "a company in the title that acts: followed by 发布, 推出, 开源, 提出, 收购 …",
    "deal-partner": "the other side of a deal: after 收购/并购/买下 …, or joined by 与/和/、/& to an about-company",
    "title-prefix": "a company in a title's `X：` prefix (`上海瀚博半导体：发布…`)",
    "own-channel": "the outlet is the company's own channel and the title names it or its product",
    "paper-authors": "a paper whose summary's first sentence names the organisations (作者来自…, …等机构)",
    "summary-actor": "the company the summary's first sentence starts with, when it acts",
}

#: Words after a company that make it the actor (within `_ACTOR_GAP` characters).
_ACTOR_WORDS = (
    "发布|推出|开源|宣布|提出|推|官宣|首发|研发|自研|打造|开发|出品|上线|升级|启动|收购|并购|买下|"
    "联合|联手|携手|牵手|合作|发力|布局|进军|申请|获|拟|将|或将|计划|曝光|新动作|大动作|"
    "实现|展示|披露|详解|解读|揭秘|冲击|上市|回应|再|又|也|正式|重磅|全新|新一代|第|首款|首颗|首个|"
    "基于|使用|用|的|在|等|团队|研究|出手|造|量产|成立|开放|支持|登陆|加入|成为|公布|提交"
)
_ACTOR_GAP = 4
_ACTOR_RE = re.compile(rf"^[\s\w\-·.]{{0,{_ACTOR_GAP}}}?(?:{_ACTOR_WORDS})")
#: Words that make the next company the other side of a deal.
_DEAL_BEFORE_RE = re.compile(r"(?:收购|并购|买下|入股|拿下|出售|卖给|合作伙伴|牵手|携手|联手|联合)\s*$")
#: A partner named right after 与/和/同 and before 合作 … (a warm-up `X：与Y合作`).
_PARTNER_BEFORE_RE = re.compile(r"(?:^|[，,。；;\s])(?:与|和|同|跟)\s*$")
_PARTNER_AFTER_RE = re.compile(r"^[^，,。；;]{0,12}?(?:合作|联合|联手|携手|签署|达成|共同|一起|结盟)")
#: Joiners between two companies on the same side (A 与 B 合作, A、B 等).
_JOIN_RE = re.compile(r"^\s*(?:&&|&|＆|/|、|,|，|和|与|及|以及|携手|联手|牵手|联合|x|X|×)\s*$")
#: Before a company: it is a baseline or a competitor.
_COMPARED_RE = re.compile(
    r"(?:比|超|超越|超过|优于|对比|相比|对标|击败|碾压|接近|媲美|vs\.?|VS\.?|逼近|不输|胜过|打败|领先|叫板|顶|干翻|追平)\s*$"
)
#: After a foundry: it is named as a process node or a manufacturer (a spec).
_SPEC_AFTER_RE = re.compile(r"^\s*(?:的\s*)?(?:\d+(?:\.\d+)?\s*(?:nm|纳米|NM)|制程|工艺|代工|EUV|FinFET|HBM)")
_FOUNDRIES = frozenset({"TSMC", "Samsung", "SMIC", "GlobalFoundries"})
#: Products that are what someone else's work is built on or runs on: in a code item's
#: description (`pytorch memory track code`) they do not lead. Elsewhere any product counts only
#: where it leads the title.
PLATFORM_PRODUCTS = frozenset(
    {
        "cortex", "mali", "powervr", "adreno", "hexagon", "kryo", "ethos", "cmsis", "arm nn",
        "pytorch", "caffe2", "cuda", "cudnn", "tensorflow", "tensorflow lite", "tflite", "tensorflow.js",
        "tfjs", "jax", "ncnn", "tensorrt", "jetson", "xavier", "geforce", "a100", "v100", "rk3399",
        "rk3399pro", "iphone", "ipad", "macbook", "galaxy", "core ml", "coreml", "onnx runtime",
        "xnnpack", "qnnpack", "openvino", "snpe", "rknn", "esp32", "raspberry pi", "微信", "wechat",
    }
)  # fmt: skip
#: A warm-up prefix `X：` (also `X:` and `X，`) and the joiners of several companies in it.
WARMUP_PREFIX_RE = re.compile(r"^(?P<prefix>[^\s：:，,。\[][^：:，,。\[\]]{0,24}?)\s*(?P<sep>[：:，])\s*")
COMPANY_SPLIT_RE = re.compile(r"\s*(?:&&|&|＆|/|、|\+|和|与)\s*")
_TITLE_PREFIX_RE = re.compile(r"^(?P<prefix>[^：:]{1,16}?)\s*[：:]\s*")
_REPO_TITLE_RE = re.compile(r"^\s*(?P<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]+\s*[:：]?\s*")
_LEAD_SKIP_RE = re.compile(r"^[\s\[\]【】「」『』“”\"'《》(（)）!！#*·]*")
_FIRST_SENTENCE_RE = re.compile(r"^[^。！？!?；;\n]{0,120}")


@dataclass
class ItemText:
    """The parts of an item the rules read."""

    section: str
    title: str
    summary: str = ""
    outlet: str = ""
    url: str = ""
    repos: list[str] = field(default_factory=list)
    paper_title: str = ""


@dataclass
class Tags:
    about: list[tuple[str, str]] = field(default_factory=list)  # (company, rule)
    mentions: list[str] = field(default_factory=list)

    @property
    def companies(self) -> list[str]:
        return [c for c, _ in self.about]


def warmup_prefix(title: str, table: CompanyTable) -> tuple[str, list[str]]:
    """A warm-up title's `X：` prefix and the companies it names ("" and [] when none)."""
    m = WARMUP_PREFIX_RE.match(title)
    if not m:
        return "", []
    parts = [p for p in COMPANY_SPLIT_RE.split(m.group("prefix")) if p]
    resolved = [table.resolve(p) for p in parts]
    return m.group(0), list(dict.fromkeys(c for c in resolved if c))


def tag(item: ItemText, table: CompanyTable) -> Tags:
    """The companies `item` names (`mentions`) and those it is about (`about`, with rules)."""
    tags = Tags(mentions=_mentions(item, table))
    about: dict[str, str] = {}
    title = item.title
    if item.section == "warmup":
        head, prefix = warmup_prefix(title, table)
        for company in prefix:
            about.setdefault(company, "warmup-prefix")
        if prefix:
            title = title[len(head) :]
    owners = _repo_owners(item, table)
    body = _strip_repo_prefix(title) if item.section == "code" else title
    names = table.mentions(body)
    if item.section != "warmup" or not about:
        _title_rules(body, names, about, platforms_lead=item.section != "code")
    _deal_partners(body, names, about)
    for owner in owners:
        about.setdefault(owner, "repo-owner")
    _own_channel(item, names, table, about)
    if item.section == "paper":
        _paper_authors(item.summary, table, about)
    if not about and item.section != "code":
        _summary_actor(item.summary, table, about)
    tags.about = _in_text_order(about, item, table)
    return tags


def _mentions(item: ItemText, table: CompanyTable) -> list[str]:
    found = table.find(item.title) + table.find(item.paper_title) + table.find(item.summary)
    found += table.find(item.outlet)
    found += [table.owners[r.split("/")[0]] for r in item.repos if r.split("/")[0] in table.owners]
    return list(dict.fromkeys(found))


def _repo_owners(item: ItemText, table: CompanyTable) -> list[str]:
    """The owner companies of the item's repos (organisation accounts in the table)."""
    owners = [table.owners.get(r.split("/")[0], "") for r in item.repos]
    return [o for o in dict.fromkeys(owners) if o]


def _strip_repo_prefix(title: str) -> str:
    m = _REPO_TITLE_RE.match(title)
    return title[m.end() :] if m else title


def _own_channel(item: ItemText, names: list[Mention], table: CompanyTable, about: dict[str, str]) -> None:
    for company in table.find(item.outlet):
        if any(n.company == company for n in names):
            about.setdefault(company, "own-channel")


def _paper_authors(summary: str, table: CompanyTable, about: dict[str, str]) -> None:
    m = _FIRST_SENTENCE_RE.match(summary)
    for name in table.mentions(m.group(0) if m else ""):
        if not name.product:
            about.setdefault(name.company, "paper-authors")


def _title_rules(title: str, names: list[Mention], about: dict[str, str], platforms_lead: bool = True) -> None:
    """title-prefix, title-lead, title-actor. A code item's description leads with what it is
    built on (`pytorch memory track code`): there a platform product does not lead."""
    lead = _LEAD_SKIP_RE.match(title).end()  # type: ignore[union-attr]
    prefix = _TITLE_PREFIX_RE.match(title)
    for n, name in enumerate(names):
        leads = name.start <= lead or bool(prefix and name.start == prefix.end())
        if leads and not platforms_lead and name.product and name.surface.lower() in PLATFORM_PRODUCTS:
            leads = False
        if _excluded(title, name, spec=not leads):
            continue
        if prefix and name.end <= prefix.end("prefix") and not name.product:
            about.setdefault(name.company, "title-prefix")
        elif leads:
            about.setdefault(name.company, "title-lead")
        elif not name.product and _acts(title, name, names[n + 1 :]):
            about.setdefault(name.company, "title-actor")
        if name.company in about:
            lead = _after_joiner(title, name.end, lead)


def _after_joiner(title: str, end: int, lead: int) -> int:
    """Where the next name must start to count as leading too (`华为、北大等`, `百度 Intel 联手`)."""
    m = re.match(r"\s*(?:&&|&|＆|/|、|和|与|及|\s)\s*", title[end:])
    return end + m.end() if m and m.end() else lead


def _acts(title: str, name: Mention, later: list[Mention]) -> bool:
    tail = title[name.end :]
    nxt = later[0] if later else None
    if nxt and nxt.start - name.end <= 1 and nxt.company == name.company:
        tail = title[nxt.end :]  # 高通骁龙865发布: the product's maker acts
    return bool(_ACTOR_RE.match(tail))


def _excluded(text: str, name: Mention, spec: bool = True) -> bool:
    """A baseline or competitor (after 比, 对标 …); a foundry named as a spec (`台积电5nm`) unless
    it leads the title."""
    before = text[max(0, name.start - 6) : name.start]
    if _COMPARED_RE.search(before):
        return True
    return spec and name.company in _FOUNDRIES and bool(_SPEC_AFTER_RE.match(text[name.end : name.end + 12]))


def _deal_partners(title: str, names: list[Mention], about: dict[str, str]) -> None:
    for name in names:
        if name.company in about or name.product:
            continue
        partner = _PARTNER_BEFORE_RE.search(title[max(0, name.start - 3) : name.start]) or name.start == 0
        if partner and about and _PARTNER_AFTER_RE.match(title[name.end :]):
            about[name.company] = "deal-partner"
            continue
        if _DEAL_BEFORE_RE.search(title[max(0, name.start - 6) : name.start]):
            about[name.company] = "deal-partner"
            continue
        for other in names:
            if other.company in about and other is not name:
                lo, hi = sorted((other.end, name.start)) if other.end <= name.start else (name.end, other.start)
                if 0 <= hi - lo <= 4 and _JOIN_RE.match(title[lo:hi]):
                    about[name.company] = "deal-partner"
                    break


def _summary_actor(summary: str, table: CompanyTable, about: dict[str, str]) -> None:
    m = _FIRST_SENTENCE_RE.match(summary)
    if not m:
        return
    sentence = m.group(0)
    names = table.mentions(sentence)
    lead = _LEAD_SKIP_RE.match(sentence).end()  # type: ignore[union-attr]
    for n, name in enumerate(names):
        if name.start <= lead and not name.product and _acts(sentence, name, names[n + 1 :]):
            about.setdefault(name.company, "summary-actor")
        if name.company in about:
            lead = _after_joiner(sentence, name.end, lead)


def _in_text_order(about: dict[str, str], item: ItemText, table: CompanyTable) -> list[tuple[str, str]]:
    """About-companies in the order the item names them (prefix, title, then the rest)."""
    order = {c: n for n, c in enumerate(dict.fromkeys(table.find(item.title) + table.find(item.summary)))}
    first = [c for c, r in about.items() if r == "warmup-prefix"]
    rest = sorted((c for c in about if c not in first), key=lambda c: order.get(c, len(order)))
    return [(c, about[c]) for c in first + rest]
