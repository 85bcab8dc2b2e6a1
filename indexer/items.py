"""One item's source lines → its fields: title, link, outlet, tags, labelled links, summary,
arXiv IDs, repos, venue, companies.

Works on the lines markdown-it's block structure assigned to the item; inline markdown is read
with markdown-it's inline parser (indexer.inline). Never raises on item text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.inline import BARE_URL_RE, Inline, clean_url, parse_inline
from kb.about import COMPANY_SPLIT_RE, WARMUP_PREFIX_RE, ItemText
from kb.about import tag as tag_companies
from kb.companies import CompanyTable
from kb.identifiers import (
    REPO_SLUG_RE,
    arxiv_matches,
    github_repos,
    merge_arxiv,
    normalize_venue,
    repo_key,
)

_BULLET_RE = re.compile(r"^\s{0,3}[-*+]\s+")
_TAG_RE = re.compile(r"\s*\[([^\[\]()]{1,40})\](?!\()")
_OUTLET_SEP_RE = re.compile(r"\s*(?:\||｜|丨)\s*")
_LABEL_RE = re.compile(r"^\s*(?P<label>[^\s：:\[\]()（）*#>`]{1,8})\s*[：:]\s*(?P<rest>.*)$")
_SUMMARY_LABELS = ("摘要", "简介", "介绍", "概要", "Abstract", "abstract")
_PAPER_LABELS = ("标题", "论文", "论文链接", "论文地址", "arXiv", "arxiv", "Paper", "paper")
_REPO_PREFIX_RE = re.compile(r"^\s*(?P<slug>[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]+)\s*[:：]")
_TITLE_SEPARATORS = ("|", "｜", "丨")
_MAX_OUTLET = 30
_SHORT_PREFIX = 6
_MAX_LABELLED_LINKS = 64  # a line with more links is summary text (keeps _without_links linear)
PLAIN_TEXT = "too much markup on this line to parse in bounded time: read as plain text"
PLAIN_TEXT_CODE = "too-much-markup"


@dataclass
class ItemFields:
    title: str = ""
    url: str = ""
    outlet: str = ""
    summary: str = ""
    paper_title: str = ""
    venue: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)
    arxiv: list[tuple[str, str]] = field(default_factory=list)  # (id, id with version)
    repos: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)  # what the item is about (kb.about)
    mentions: list[str] = field(default_factory=list)  # every company the item names
    id_title: str = ""  # a warm-up title without its `公司：` prefix: what the record id hashes
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line offset, code, message)
    plain_text_lines: set[int] = field(default_factory=set)  # line offsets read as plain text

    def inline(self, source: str, offset: int) -> Inline:
        """`parse_inline(source)`, noting line `offset` when it had to be read as plain text."""
        inline = parse_inline(source)
        if inline.plain_text:
            self.plain_text_lines.add(offset)
        return inline

    def report_plain_text(self) -> None:
        self.problems += [(offset, PLAIN_TEXT_CODE, PLAIN_TEXT) for offset in sorted(self.plain_text_lines)]


def strip_bullet(line: str) -> str:
    return _BULLET_RE.sub("", line, count=1)


def split_title_outlet(text: str) -> tuple[str, str]:
    """Split `TITLE | OUTLET` on the last separator; no outlet when the tail is not one."""
    parts = list(_OUTLET_SEP_RE.finditer(text))
    if not parts:
        return text.strip(), ""
    last = parts[-1]
    title, outlet = text[: last.start()].strip(), text[last.end() :].strip()
    if not title or not outlet or len(outlet) > _MAX_OUTLET:
        return text.strip(), ""
    return title, outlet


def leading_tags(line: str) -> tuple[list[str], str]:
    """The `[tag]` prefixes of a first line (arXiv IDs, venues), and the rest of the line."""
    tags: list[str] = []
    pos = 0
    while m := _TAG_RE.match(line, pos):  # by position: no copy of the rest per tag
        tags.append(m.group(1).strip())
        pos = m.end()
    return tags, line[pos:].lstrip()


def _head(line: str, fields: ItemFields) -> None:
    """First line: tags, main link (title | outlet), further links on the line."""
    tags, rest = leading_tags(strip_bullet(line))
    kept: list[str] = []  # tags that are neither IDs nor venues stay in the title, last first
    for tag in tags:
        pairs = arxiv_matches(tag, bare=True)
        if pairs:
            fields.arxiv.extend(pairs)
        elif venue := normalize_venue(tag):
            fields.venue = fields.venue or venue
        else:
            kept.append(f"[{tag}] ")
    rest = "".join(reversed(kept)) + rest
    inline = fields.inline(rest, 0)
    link_text, url, extra = _main_link(rest, inline, fields)
    if url is None:  # no link: the whole line is the title
        title_text, url = inline.text, ""
        if rest.lstrip().startswith("[") and "](" not in rest:
            fields.problems.append((0, "unclosed-bracket", "unclosed '[' on the item's first line; read as title"))
            title_text = title_text.strip().lstrip("[")
            if title_text.endswith(_TITLE_SEPARATORS):  # a trailing `|` with no outlet after it
                title_text = title_text[:-1].rstrip()
    else:
        title_text = link_text or url
        if not url and BARE_URL_RE.fullmatch(link_text.strip()):
            url = link_text.strip()  # [https://github.com/x/y]() : the text is the link
    fields.title, fields.outlet = split_title_outlet(" ".join(title_text.split()))
    fields.url = clean_url(url)
    fields.links.extend(extra)


def _main_link(rest: str, inline, fields: ItemFields):
    """(link text, url, other links) of the first line; url None when it has no main link."""
    others = [(_label(lab), u) for lab, u in inline.links]
    stripped = rest.lstrip()
    leading = stripped.startswith("[") and not stripped.startswith("[[") and inline.links
    if leading and (inline.links[0][0] or inline.text.startswith(inline.links[0][1])):
        return inline.links[0][0], inline.links[0][1], others[1:]
    m = re.match(r"^\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)\)?", stripped)
    if m and not stripped.startswith("[["):
        if not m.group(0).endswith(")"):
            message = "unclosed link on the item's first line; read as title and URL"
            fields.problems.append((0, "unclosed-bracket", message))
        return m.group("text"), m.group("url"), others
    if inline.links and not BARE_URL_RE.sub("", inline.text).strip():
        return inline.links[0][1], inline.links[0][1], others[1:]
    return None, None, others


def _label(label: str) -> str:
    return label.strip().strip("[]【】").strip()


def _body(lines: list[str], fields: ItemFields) -> None:
    summary: list[tuple[int, str]] = []  # (line offset in the item, text)
    for offset, line in enumerate(lines, start=1):
        m = _LABEL_RE.match(strip_bullet(line)) if line.strip() else None
        label, rest = (m.group("label"), m.group("rest")) if m else ("", line)
        if label in _SUMMARY_LABELS:
            summary.append((offset, rest))
            continue
        inline = fields.inline(rest, offset)
        if label and inline.links and len(_without_links(rest, inline).strip(" ：:，,()（）")) < 6:
            if label in _PAPER_LABELS:
                fields.arxiv.extend(arxiv_matches(rest, bare=True))
                if label == "标题" and inline.links and inline.links[0][0]:
                    fields.paper_title = fields.paper_title or inline.links[0][0]
            for _, url in inline.links:
                fields.links.append((label, clean_url(url)))
            continue
        if label == "标题" and rest.strip():
            fields.paper_title = fields.paper_title or inline.text.strip()
            continue
        summary.append((offset, line))
    read = [(fields.inline(s.strip(), offset)) for offset, s in summary]
    text = "\n".join(inline.text.strip() for inline in read)
    fields.summary = re.sub(r"\n{2,}", "\n", text).strip()
    for inline in read:
        for label, url in inline.links:
            fields.links.append((_label(label), clean_url(url)))


def _without_links(text: str, inline: Inline) -> str:
    if len(inline.links) > _MAX_LABELLED_LINKS:
        return inline.text
    out = inline.text
    for label, url in inline.links:
        out = out.replace(label, "").replace(url, "")
    return BARE_URL_RE.sub("", out)


def parse_item(lines: list[str], companies: CompanyTable, section: str = "") -> ItemFields:
    """Fields of a regular item (news, paper, code, blog, other sections)."""
    fields = ItemFields()
    _head(lines[0], fields)
    _body(lines[1:], fields)
    _identifiers("\n".join(lines), fields)
    _companies(fields, companies, section)
    fields.report_plain_text()
    return fields


def parse_warmup(line: str, companies: CompanyTable) -> ItemFields:
    """A warm-up bullet `公司：text` (also `公司:`/`公司，`, several joined by & or /)."""
    fields = ItemFields()
    text = strip_bullet(line).strip()
    inline = fields.inline(text, 0)
    plain_text = " ".join(inline.text.split())
    fields.title = fields.id_title = plain_text  # the title keeps who the news is about
    m = WARMUP_PREFIX_RE.match(plain_text)
    if m:
        prefix = m.group("prefix")
        parts = [p for p in COMPANY_SPLIT_RE.split(prefix) if p]
        known = all(companies.resolve(p) for p in parts) or prefix in companies.not_companies
        # the id hashes the title without a company/topic label, as it always has; a longer
        # prefix is a sentence ("寒武纪7月20日科创板上市：…")
        if known or (m.group("sep") != "，" and len(prefix) <= _SHORT_PREFIX):
            fields.id_title = plain_text[m.end() :]
    fields.links = [(_label(lab), clean_url(u)) for lab, u in inline.links]
    fields.url = fields.links[0][1] if fields.links else ""
    _identifiers(text, fields)
    _companies(fields, companies, "warmup")
    fields.report_plain_text()
    return fields


def warmup_prefix_company(line: str, companies: CompanyTable) -> bool:
    """True when a line starts like a warm-up bullet naming a known company or product."""
    m = WARMUP_PREFIX_RE.match(strip_bullet(line).strip())
    if not m:
        return False
    prefix = m.group("prefix")
    if prefix in companies.not_companies:
        return True
    return any(companies.resolve(p) for p in COMPANY_SPLIT_RE.split(prefix) if p)


def _identifiers(text: str, fields: ItemFields) -> None:
    urls = [fields.url] + [u for _, u in fields.links]
    fields.arxiv = sorted(merge_arxiv(fields.arxiv + arxiv_matches(text)))
    repos = github_repos(" ".join(urls) + "\n" + text)
    m = _REPO_PREFIX_RE.match(fields.title)
    if m and REPO_SLUG_RE.match(m.group("slug")):
        owner, name = m.group("slug").split("/", 1)
        key = repo_key(owner, name)
        if key:
            repos.insert(0, key)
    fields.repos = sorted(set(repos))


def _companies(fields: ItemFields, companies: CompanyTable, section: str) -> None:
    """`companies`: what the item is about; `mentions`: every company it names (kb.about)."""
    item = ItemText(section, fields.title, fields.summary, fields.outlet, fields.url, fields.repos, fields.paper_title)
    tags = tag_companies(item, companies)
    fields.companies, fields.mentions = tags.companies, tags.mentions
