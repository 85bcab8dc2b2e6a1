"""The record model: one item of one issue, and the section registry.

A record is plain data shared by every layer; `EXPORT_KEYS` fixes the key order of `kb export`,
`kb search --json` and the JSON API.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    code: str
    label_zh: str
    headings: tuple[str, ...]


#: Section registry: code, Chinese label, heading texts that map to it.
SECTIONS: tuple[Section, ...] = (
    Section("warmup", "热身小新闻", ()),
    Section("news", "业界新闻", ("业界新闻", "新闻", "业界动态")),
    Section("paper", "论文", ("论文", "学术论文", "论文推荐")),
    Section("code", "开源项目", ("开源项目", "开源", "项目", "开源代码")),
    Section("blog", "博文", ("博文", "博客", "文章", "技术博文")),
    Section("other", "其他", ()),
)
SECTION_CODES: tuple[str, ...] = tuple(s.code for s in SECTIONS)
SECTION_LABELS: dict[str, str] = {s.code: s.label_zh for s in SECTIONS}
_HEADING_TO_CODE = {h: s.code for s in SECTIONS for h in s.headings}


def section_code(heading: str) -> str:
    """Map an original section heading to a section code (`other` when unknown)."""
    return _HEADING_TO_CODE.get(heading.strip(), "other")


def is_section_heading(heading: str) -> bool:
    """Whether the registry knows this heading text (else its items go to `other`)."""
    return heading.strip() in _HEADING_TO_CODE


def section_from_user(value: str) -> str | None:
    """Resolve a user's section value (code, Chinese label or heading) to a code."""
    value = value.strip()
    if value.lower() in SECTION_CODES:
        return value.lower()
    for s in SECTIONS:
        if value == s.label_zh or value in s.headings:
            return s.code
    return None


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Record:
    id: str
    date: str
    issue_title: str
    section: str
    section_title: str
    position: int
    title: str
    url: str
    outlet: str
    summary: str
    links: list[Link] = field(default_factory=list)
    arxiv_ids: list[str] = field(default_factory=list)
    repos: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)  # the organisations the item is about
    mentions: list[str] = field(default_factory=list)  # every company the item's text names
    venue: str = ""
    source_file: str = ""
    line_start: int = 0
    line_end: int = 0
    issue_subtitle: str = ""
    paper_title: str = ""
    arxiv_versions: list[str] = field(default_factory=list)
    placed: bool = True
    raw: str = ""
    #: what the id hashes when the item has no identifier (a warm-up title without its prefix);
    #: not exported
    id_title: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain data in `EXPORT_KEYS` order (what `dataclasses.asdict` gives, without its
        deep copy of every string: a tenth of the cost)."""
        data = {key: getattr(self, key) for key in EXPORT_KEYS}
        for key, value in data.items():
            if isinstance(value, list):
                data[key] = [asdict(v) if is_dataclass(v) else v for v in value]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        values = {key: data[key] for key in EXPORT_KEYS if key in data}
        values["links"] = [Link(**link) for link in values.get("links", [])]
        return cls(**values)


#: Public key order: the documented keys first, then the extra fields.
EXPORT_KEYS: tuple[str, ...] = (
    "id",
    "date",
    "issue_title",
    "section",
    "section_title",
    "position",
    "title",
    "url",
    "outlet",
    "summary",
    "links",
    "arxiv_ids",
    "repos",
    "companies",
    "mentions",
    "venue",
    "source_file",
    "line_start",
    "line_end",
    "issue_subtitle",
    "paper_title",
    "arxiv_versions",
    "placed",
    "raw",
)
