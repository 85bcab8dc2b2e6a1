"""The editor's check: was each item of a draft (or each line of a list) covered before?

Every item gets a verdict, in the draft's order:
- `covered` (已报道): an earlier item carries the same arXiv ID, GitHub repo, article link
  (kb.identifiers.normalize_url: both WeChat forms, tracking parameters dropped) or exact title;
- `similar` (可能重复): no shared identifier, but an earlier item scores at least
  SIMILAR_THRESHOLD by kb.similarity (similar title or summary, the same rare names, the same
  concepts: the same story, or the same work under another link);
- `new` (未报道).

Dates: a draft (its date from the H1 or the file name) is compared with the issues published
before it; its own published version, when indexed, is always left out (the report says so);
`compare_all` compares with every other issue. A list of identifiers or titles is compared with
everything. The draft's parser warnings (indexer.lint) come with the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from indexer.build import record_urls
from indexer.parse import parse_issue
from kb.identifiers import (
    arxiv_matches,
    github_repos,
    looks_like_url,
    normalize_arxiv,
    normalize_repo,
    normalize_url,
    title_key,
)
from kb.records import Record
from kb.search.index_view import IndexHandle, IndexView
from kb.similarity import SIMILAR_THRESHOLD, SimilarityIndex

_DRAFT_RE = re.compile(r"^(#{1,2} |\s{0,3}[-*] \[)", re.MULTILINE)
VERDICTS = ("covered", "similar", "new")
VERDICT_LABELS = {"covered": "已报道", "similar": "可能重复", "new": "未报道"}
MAX_SHOWN = 5  # earlier items shown per draft item
MAX_ITEMS = 500  # items (or lines) checked per request; an issue has 20-40
MIN_TITLE_KEY = 8  # shorter titles are not identifiers ("模型压缩")

#: What a coverage answer shows of each earlier item: where it was and how to reach it.
BRIEF_KEYS = ("id", "date", "section", "section_title", "position", "title", "url", "outlet")
BRIEF_KEYS += ("arxiv_ids", "repos", "source_file", "line_start")


@dataclass
class ItemCheck:
    """One draft item (or input line) and what the archive holds of it."""

    line: int  # 1-based line in the input
    title: str
    url: str
    section: str
    identifiers: list[str]  # kind:value looked up exactly
    verdict: str = "new"
    earlier: list[dict[str, Any]] = field(default_factory=list)  # brief + matched + similarity

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "title": self.title,
            "url": self.url,
            "section": self.section,
            "verdict": self.verdict,
            "verdict_label": self.label,
            "identifiers": self.identifiers,
            "earlier": self.earlier,
        }


@dataclass
class CheckReport:
    query_kind: str  # arxiv | repo | url | title | list | draft | empty
    items: list[ItemCheck] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)  # the draft's format warnings
    date: str = ""  # the draft's date ('' for a list)
    compared_with: str = "all"  # "before <date>" or "all"
    left_out: str = ""  # the date of the draft's own published issue, when indexed and left out
    notices: list[str] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(1 for i in self.items if i.verdict == verdict)

    @property
    def found_any(self) -> bool:
        """Something was covered or similar (kb check exits 1)."""
        return any(i.verdict != "new" for i in self.items)

    def to_json(self) -> dict[str, Any]:
        return {
            "query_kind": self.query_kind,
            "date": self.date,
            "compared_with": self.compared_with,
            "left_out": self.left_out,
            "notices": self.notices,
            "counts": {v: self.count(v) for v in VERDICTS},
            "items": [i.to_json() for i in self.items],
            "warnings": self.warnings,
        }


def check_text(handle: IndexHandle, text: str, *, name: str = "draft.md", compare_all: bool = False) -> CheckReport:
    """Check `text`: a whole draft issue (markdown) or one identifier or title per line."""
    view = handle.view()
    text = text.replace("\r\n", "\n").rstrip()  # leading lines kept: line numbers stay the draft's
    if not text.strip():
        return CheckReport("empty")
    if "\n" in text and _DRAFT_RE.search(text) or _DRAFT_RE.match(text):
        return _check_draft(view, handle, text, name, compare_all)
    checker = _Checker(view, handle, set(view.live))
    lines = [(n, line.strip()) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    items = [checker.check(_line_item(n, line)) for n, line in lines[:MAX_ITEMS]]
    kind = items[0].identifiers[0].split(":", 1)[0] if len(items) == 1 and items[0].identifiers else "title"
    return CheckReport(kind if len(items) == 1 else "list", items, notices=_cut_notice(len(lines)))


def _cut_notice(count: int) -> list[str]:
    if count <= MAX_ITEMS:
        return []
    return [f"只查了前 {MAX_ITEMS} 条，共 {count} 条 (checked the first {MAX_ITEMS} of {count} items)"]


def _line_item(line: int, value: str) -> tuple[ItemCheck, Record]:
    """One input line as a pseudo-item: an identifier when it is one, else a title."""
    record = Record("", "", "", "", "", 0, title="", url="", outlet="", summary="")
    ident = normalize_arxiv(value) if len(value) < 80 else None
    repo = normalize_repo(value)
    if ident:
        record.arxiv_ids = [ident]
    elif repo and ("github.com" in value.lower() or " " not in value):
        record.repos = [repo]
    elif looks_like_url(value) and normalize_url(value):
        record.url = value
    else:
        record.title = value
    return ItemCheck(line, value, record.url, "", []), record


def _check_draft(view: IndexView, handle: IndexHandle, text: str, name: str, compare_all: bool) -> CheckReport:
    issue = parse_issue(name, text, handle.companies)
    date = issue.date
    own = {d for d in view.live if date and view.columns["date"][d] == date}
    if compare_all or not date:
        allowed = set(view.live) - own
    else:
        allowed = {d for d in view.live if view.columns["date"][d] < date}
    report = CheckReport(
        "draft",
        date=date,
        compared_with=f"before {date}" if date and not compare_all else "all",
        left_out=date if own else "",
        warnings=[w.to_dict() for w in issue.warnings],
    )
    checker = _Checker(view, handle, allowed)
    report.notices = _cut_notice(len(issue.records))
    for record in issue.records[:MAX_ITEMS]:
        item = ItemCheck(record.line_start, record.title or record.paper_title, record.url, record.section, [])
        report.items.append(checker.check((item, record)))
    return report


class _Checker:
    """Looks items up among the `allowed` docnums of one generation."""

    def __init__(self, view: IndexView, handle: IndexHandle, allowed: set[int]) -> None:
        self.view, self.allowed = view, allowed
        self.similarity: SimilarityIndex = view.cached(
            "similarity", lambda: SimilarityIndex([(d, view.record(d)) for d in view.live], handle.tables)
        )

    def check(self, pair: tuple[ItemCheck, Record]) -> ItemCheck:
        item, record = pair
        matched: dict[int, list[str]] = {}
        subject = subject_identifiers(record.to_dict())
        for kind, value in _identifiers(record):
            item.identifiers.append(f"{kind}:{value}")
            key = (kind, title_key(value) if kind == "title" else value)
            if key not in subject:
                continue
            for docnum in self.view.identifier_docs(kind, value) & self.allowed:
                if key in subject_identifiers(self.view.record(docnum)) or kind == "title":
                    matched.setdefault(docnum, []).append(f"{kind}:{value}")
        if matched:
            item.verdict = "covered"
            ordered = sorted(matched, key=self._order)
            item.earlier = [self._brief(d, matched[d], None) for d in ordered[:MAX_SHOWN]]
            return item
        if not (record.title or record.paper_title or record.summary):
            return item  # an identifier nobody carries: not covered
        alike = self.similarity.similar(record.to_dict(), self.allowed, limit=MAX_SHOWN)
        alike = [s for s in alike if s.score >= SIMILAR_THRESHOLD]
        if alike:
            item.verdict = "similar"
            item.earlier = [self._brief(s.docnum, _reasons(s), round(s.score, 3)) for s in alike]
        return item

    def _order(self, docnum: int) -> tuple[str, int]:
        record = self.view.record(docnum)
        return record["date"], record["position"]

    def _brief(self, docnum: int, matched: list[str], similarity: float | None) -> dict[str, Any]:
        record = self.view.record(docnum)
        out = {k: record[k] for k in BRIEF_KEYS}
        out["matched"] = matched
        out["similarity"] = similarity
        return out


def _identifiers(record: Record) -> list[tuple[str, str]]:
    """What a draft item is looked up by, in this order: arXiv IDs, repos, links, titles."""
    found = [("arxiv", i) for i in record.arxiv_ids] + [("repo", r) for r in record.repos]
    found += [("url", u) for u in record_urls(record)]
    titles = (t for t in (record.title, record.paper_title) if t and len(title_key(t)) >= MIN_TITLE_KEY)
    found += [("title", t) for t in dict.fromkeys(titles)]
    return found


def subject_identifiers(record: dict[str, Any]) -> set[tuple[str, str]]:
    """The identifiers an item is about, not those it mentions in passing: what its first line
    carries (link, title, tags: `owner/repo：…`, `[2011.12289]`), a paper's arXiv IDs, a repo
    whose name its title says, and its titles. Two items are the same item (已报道) only by an
    identifier both are about."""
    first = (record.get("raw") or "").split("\n", 1)[0] + " " + record.get("url", "")
    found: set[tuple[str, str]] = {("arxiv", i) for i, _ in arxiv_matches(first, bare=True)}
    if record.get("section") == "paper" or not record.get("raw"):
        found.update(("arxiv", i) for i in record.get("arxiv_ids", ()))
    found.update(("repo", r) for r in github_repos(first))
    title = record.get("title", "")
    slug = normalize_repo(re.split(r"[\s:：]", title.strip(), maxsplit=1)[0]) if title else None
    if slug:
        found.add(("repo", slug))
    else:  # a repo whose name the title says (Riptide, OpenCV) is what the item presents
        key = title_key(title)
        found.update(
            ("repo", r) for r in record.get("repos", ()) if len(n := title_key(r.split("/")[-1])) >= 3 and n in key
        )
    if not record.get("raw"):  # a line of input: whatever it names
        found.update(("repo", r) for r in record.get("repos", ()))
    url = normalize_url(record.get("url", "")) if record.get("url") else None
    if url:
        found.add(("url", url))
    found.update(("title", title_key(t)) for t in (record.get("title"), record.get("paper_title")) if t)
    return found


def _reasons(s) -> list[str]:
    out = []
    if s.title >= 0.2:
        out.append(f"相似标题 title {s.title:.2f}")
    if s.summary >= 0.2:
        out.append(f"相似摘要 summary {s.summary:.2f}")
    if s.names:
        out.append("同名 names: " + ", ".join(s.names[:5]))
    if s.concepts >= 0.3:
        out.append(f"同主题 concepts {s.concepts:.2f}")
    return out or [f"相似 similarity {s.score:.2f}"]
