"""The query language, read leniently: words, "phrases", -exclusions, field:value filters and
identifiers (arXiv IDs, GitHub repos) anywhere in the text.

Never raises: an unbalanced quote closes at the end, a bare `*` or stray bracket is dropped,
an unknown field is read as plain words, and each such repair is reported as a notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.identifiers import looks_like_url, normalize_arxiv, normalize_repo, normalize_url
from kb.search.model import MAX_QUERY_CHARS

#: field name in a query → facet/filter it sets (Chinese aliases too).
FIELD_ALIASES = {
    "company": "company",
    "公司": "company",
    "section": "section",
    "栏目": "section",
    "year": "year",
    "年份": "year",
    "date": "date",
    "日期": "date",
    "outlet": "outlet",
    "来源": "outlet",
    "venue": "venue",
    "会议": "venue",
    "has": "has",
    "arxiv": "arxiv",
    "repo": "repo",
    "github": "repo",
    "title": "title",
    "标题": "title",
    "url": "url",
    "链接": "url",
}
_TOKEN_RE = re.compile(
    r'(?P<neg>[-－])?(?P<plus>[+＋])?(?:(?P<field>[A-Za-z\u4e00-\u9fff]+)[:：])?(?:"(?P<phrase>[^"]*)"?|“(?P<cphrase>[^”]*)”?|(?P<word>[^\s"“”]+))'
)
_IDENTIFIER_FIELDS = {
    "arxiv": (normalize_arxiv, "不是 arXiv 编号 (not an arXiv ID)"),
    "repo": (normalize_repo, "不是 GitHub 仓库 (not a GitHub repo)"),
    "url": (normalize_url, "不是网页链接 (not a web link)"),
}
_IDENTIFIER_LISTS = {"arxiv": "arxiv", "repo": "repos", "url": "urls"}
_JUNK_RE = re.compile(r"^[\s*?()\[\]{}^~!+\-|&:：,，;；。.、]+$")


@dataclass
class ParsedQuery:
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)  # +word: must match
    filters: dict[str, list[str]] = field(default_factory=dict)
    arxiv: list[str] = field(default_factory=list)
    repos: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)  # normalised article links (kb.identifiers.normalize_url)
    titles: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def has_identifiers(self) -> bool:
        return bool(self.arxiv or self.repos or self.urls)

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.required or self.phrases or self.arxiv or self.repos or self.urls or self.titles)


def parse_query(text: str) -> ParsedQuery:
    """Split a user's query into its parts; see the module docstring."""
    parsed = ParsedQuery()
    if len(text) > MAX_QUERY_CHARS:
        limit = MAX_QUERY_CHARS
        parsed.notices.append(f"查询过长，只用了前 {limit} 个字符 (query cut to {limit} characters)")
        text = text[:MAX_QUERY_CHARS]
    text = text.replace("\x00", " ").strip()
    parsed.text = text
    if text.count('"') % 2:
        parsed.notices.append("引号不成对：短语一直算到查询末尾 (unbalanced quote: the phrase runs to the end)")
    for m in _TOKEN_RE.finditer(text):
        _take(parsed, m)
    return parsed


def _take(parsed: ParsedQuery, m: re.Match[str]) -> None:
    neg = bool(m.group("neg"))
    name = m.group("field")
    phrase = m.group("phrase") if m.group("phrase") is not None else m.group("cphrase")
    value = (phrase if phrase is not None else m.group("word") or "").strip()
    if name:
        target = FIELD_ALIASES.get(name.lower()) or FIELD_ALIASES.get(name)
        if target is None and name.lower() in ("http", "https"):
            value, name = f"{name}:{value}", None
        elif target is None:
            parsed.notices.append(f"未知字段 {name!r}，按普通词搜索 (unknown field {name!r}: searched as words)")
            value = f"{name} {value}".strip()
            name = None
        elif value:
            _field(parsed, target, value, neg)
            return
        else:
            return
    if not value or _JUNK_RE.match(value):
        if value:
            parsed.notices.append(f"已忽略 {value!r} (ignored {value!r})")
        return
    if not neg and phrase is None and _identifier(parsed, value):
        return
    if phrase is not None:
        (parsed.excluded if neg else parsed.phrases).append(value)
    else:
        value = value.strip("()[]{}*?^~!")
        if value:
            (parsed.excluded if neg else parsed.required if m.group("plus") else parsed.words).append(value)


def _field(parsed: ParsedQuery, target: str, value: str, neg: bool) -> None:
    if neg:
        parsed.notices.append(f"不支持 -{target}:，该筛选已忽略 (-{target}: is not supported; ignored)")
        return
    if target in _IDENTIFIER_FIELDS:
        normalize, what = _IDENTIFIER_FIELDS[target]
        ident = normalize(value)
        if ident:
            getattr(parsed, _IDENTIFIER_LISTS[target]).append(ident)
        else:
            parsed.notices.append(f"{what}: {value!r}")
    elif target == "title":
        parsed.titles.append(value)
    else:
        parsed.filters.setdefault(target, []).append(value)


def _identifier(parsed: ParsedQuery, value: str) -> bool:
    ident = normalize_arxiv(value)
    if ident and (re.fullmatch(r"(?i)(arxiv[:：])?\d{4}\.\d{4,5}(v\d+)?", value) or "arxiv.org" in value.lower()):
        parsed.arxiv.append(ident)
        return True
    repo = normalize_repo(value)
    if repo and ("github.com" in value.lower() or _looks_like_repo(value)):
        parsed.repos.append(repo)
        return True
    url = normalize_url(value) if looks_like_url(value) else None
    if url:
        parsed.urls.append(url)
        return True
    return False


def _looks_like_repo(value: str) -> bool:
    """`owner/name` typed as a query: not a fraction, a date or a Chinese word pair."""
    owner, _, name = value.strip("/").partition("/")
    return bool(owner and name) and value.isascii() and not (owner.isdigit() and name.isdigit())
