"""Format checks over a parsed issue: what an editor should fix before publishing.

Reads the parsed records (raw lines, section, link, outlet) and the 导读, and returns
ParseWarnings naming the offending line: brackets left open in an item's text, an item without
link or outlet, an arXiv-looking ID that is not valid, two items with the same link, a 导读 count
that differs from the items. The structural warnings (unknown section heading, unplaced text,
the first line's unclosed '[' or link) come from parse.py and items.py while parsing.
Imports indexer.items, indexer.problems and kb only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from indexer.items import leading_tags, strip_bullet
from indexer.problems import ParseWarning
from kb.identifiers import arxiv_matches, invalid_arxiv, title_key, url_key
from kb.records import Record

if TYPE_CHECKING:
    from indexer.parse import Issue

#: Sections whose items name their outlet (`[TITLE | OUTLET](URL)`). Measured on the 39 archive
#: issues: 业界新闻 197 of 198 items, 博文 196 of 199; 论文 only 98 of 133 (an arXiv link names
#: no outlet) and 开源项目 77 of 161 (a GitHub link neither); warm-up bullets never.
OUTLET_SECTIONS = frozenset({"news", "blog"})

#: The 导读's item count: 本次19条, 本期19条, 本次内容20条, 本期内容23条 (all in the archive), 本期共N条.
COUNT_RE = re.compile(r"本[次期]\s*(?:内容)?\s*共?\s*(\d+)\s*条")

_CODE_SPAN_RE = re.compile(r"`[^`]*`")
_BRACKET_RE = re.compile(r"[\[\]()]")


def format_warnings(issue: Issue) -> list[ParseWarning]:
    """Every format warning of a parsed issue (in no particular order)."""
    head_unclosed = {w.line for w in issue.warnings if w.code == "unclosed-bracket"}
    found: list[ParseWarning] = []
    for record in issue.records:
        if record.placed:
            found += _item_warnings(issue.source_file, record, record.line_start in head_unclosed)
    found += duplicate_links(issue.source_file, issue.records)
    found += count_mismatch(issue)
    return found


def _item_warnings(file: str, record: Record, head_unclosed: bool) -> list[ParseWarning]:
    rows = record.raw.split("\n")
    found = [
        ParseWarning(file, record.line_start + offset, message, "unclosed-bracket")
        for offset, message in unclosed_brackets(rows)
        if not (offset == 0 and head_unclosed)  # the parser has said it for the first line
    ]
    found += [
        ParseWarning(file, record.line_start + offset, message, "invalid-arxiv")
        for offset, message in bad_arxiv_ids(rows, tags=record.section != "warmup")
    ]
    if record.section != "warmup" and not head_unclosed:
        found += _link_and_outlet(file, record)
    return found


def _link_and_outlet(file: str, record: Record) -> list[ParseWarning]:
    found = []
    if not record.url:
        found.append(ParseWarning(file, record.line_start, "item has no link on its first line", "no-link"))
    if record.section in OUTLET_SECTIONS and not record.outlet:
        message = "item names no outlet ('[TITLE | OUTLET](URL)') on its first line"
        found.append(ParseWarning(file, record.line_start, message, "no-outlet"))
    return found


def unclosed_brackets(rows: list[str]) -> list[tuple[int, str]]:
    """(row offset, message) for each '[' or link '](' still open at the end of its paragraph.

    A link whose ')' comes on the next line of the same paragraph is closed (markdown reads it
    so); a stray ']' or ')' is not reported; code spans are skipped.
    """
    found: list[tuple[int, str]] = []
    stack: list[tuple[str, int]] = []  # ('[' or '(', row offset)
    for offset, row in enumerate([*rows, ""]):
        if not row.strip():
            found += [(at, _UNCLOSED[kind]) for kind, at in stack]
            stack = []
            continue
        if not stack and "[" not in row:
            continue  # nothing open, nothing opens
        text = _CODE_SPAN_RE.sub("", row.replace("\\[", "").replace("\\]", ""))
        for m in _BRACKET_RE.finditer(text):
            ch, i = m.group(), m.start()
            if ch == "[":
                stack.append(("[", offset))
            elif ch == "]" and stack and stack[-1][0] == "[":
                stack.pop()
                if text[i + 1 : i + 2] == "(":
                    stack.append(("(", offset))
            elif ch == ")" and stack and stack[-1][0] == "(":
                stack.pop()
    return sorted(found)


_UNCLOSED = {"[": "unclosed '[' in the item's text", "(": "unclosed link: '](' without ')' in the item's text"}


def bad_arxiv_ids(rows: list[str], *, tags: bool) -> list[tuple[int, str]]:
    """(row offset, message) for each arXiv-looking ID that is not valid: in an arxiv.org URL or
    after `arXiv:` on any line, and as a `[tag]` on the first line when `tags` is set."""
    found: list[tuple[int, str]] = []
    for offset, row in enumerate(rows):
        seen = invalid_arxiv(row)
        if offset == 0 and tags:
            first_tags = leading_tags(strip_bullet(row))[0]
            seen += [pair for tag in first_tags for pair in invalid_arxiv(tag, bare=True) if pair not in seen]
        found += [(offset, f"'{like}' looks like an arXiv ID but is not one: {why}") for like, why in seen]
    return found


def duplicate_links(file: str, records: list[Record]) -> list[ParseWarning]:
    """A warning on each item whose link (scheme, host case, trailing slash and fragment aside)
    an earlier item of the issue already has, naming that item's line too.

    Two items that name different papers (their first-line arXiv IDs or their 标题 differ) may
    share a link: one article about several papers, as the editors do (2020-03-02, 2021-07-01).
    """
    earlier: dict[str, list[Record]] = {}
    found = []
    for record in records:
        if not record.url or not record.placed:
            continue
        same = earlier.setdefault(url_key(record.url), [])
        twin = next((r for r in same if not _different_papers(r, record)), None)
        if twin is not None:
            line = twin.line_start
            message = f"same link as line {line} ({record.url}); both kept"
            found.append(ParseWarning(file, record.line_start, message, "duplicate-link", (line,)))
        same.append(record)
    return found


def _different_papers(a: Record, b: Record) -> bool:
    pa, pb = _paper(a), _paper(b)
    return bool(pa and pb and pa != pb)


def _paper(record: Record) -> str:
    """Which paper an item is about: its first-line arXiv ID, else its 标题, else ''."""
    on_first_line = arxiv_matches(record.raw.split("\n", 1)[0], bare=True)
    if on_first_line:
        return "arxiv:" + on_first_line[0][0]
    return "title:" + title_key(record.paper_title) if record.paper_title else ""


def count_mismatch(issue: Issue) -> list[ParseWarning]:
    """The 导读's count (本次19条) against the items in the sections; warm-up bullets do not count."""
    m = COUNT_RE.search(issue.intro)
    if not m:
        return []
    stated = int(m.group(1))
    items = sum(1 for r in issue.records if r.placed and r.section != "warmup")
    if stated == items:
        return []
    line = issue.intro_line + issue.intro[: m.start()].count("\n") if issue.intro_line else 0
    message = f"导读 says {stated} items ({m.group(0)}), the sections hold {items} (warm-up bullets not counted)"
    return [ParseWarning(issue.source_file, line, message, "count-mismatch")]
