"""An issue's text → Issue metadata and Records, following markdown-it's block structure.

Regions: preamble (H1, tagline, 导读, warm-up bullets) → `##` sections → footer (往期回顾,
editor lines, licence). Each column-0 list item in a section starts an item; paragraphs, code
blocks and tables that follow belong to it until the next item, heading, `>` note or rule.
Text that fits nowhere becomes an unplaced record plus a ParseWarning: nothing is dropped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from markdown_it import MarkdownIt
from markdown_it.token import Token

from indexer.inline import parse_inline
from indexer.items import PLAIN_TEXT, PLAIN_TEXT_CODE, ItemFields, parse_item, parse_warmup, warmup_prefix_company
from indexer.lint import format_warnings
from indexer.problems import ParseWarning, by_line
from kb.companies import CompanyTable
from kb.identifiers import arxiv_matches, title_key
from kb.records import Link, Record, is_section_heading, section_code

_DATE_RE = re.compile(r"(20\d{2})[-_.]?(\d{2})[-_.]?(\d{2})")
# The H1 `NAME (2020-01-10)：SUBTITLE`, read in linear time (see _h1_date); possessive `*+`.
_H1_DATE_RE = re.compile(r"[(（]\s*+(?P<date>20\d{2}-\d{1,2}-\d{1,2})\s*+[)）]")
_H1_TAIL_RE = re.compile(r"\s*+[：:]?+\s*+")
# A line starting with an editor line's word, 往期回顾, a licence. `^[^\S\n]*+` (not `^\s*`, which
# can run across lines and made a long run of spaces quadratic) finds the same lines.
_FOOTER_RE = re.compile(
    r"往期回顾|^[^\S\n]*+(?:[-*]\s*+)?+(?:Editor|Project|WeChat|Wechat|微信|公众号|知乎)|licen[sc]e|知识共享|creativecommons",
    re.IGNORECASE | re.MULTILINE,
)
_WARMUP_INTRO_RE = re.compile(r"热身|小新闻|先是一些")
_BOLD_LINE_RE = re.compile(r"^\s*\*\*[^*].*\*\*\s*$", re.DOTALL)

# Block structure only: inline text is read line by line, in bounded work, by indexer.inline.
MAX_PLAUSIBLE_ITEMS = 500  # an issue has 20-40 items; far more is likely not an issue, or a paste gone wrong

_md = MarkdownIt("commonmark", {"html": True}).enable("table").disable(["inline", "text_join"])


@dataclass
class Issue:
    source_file: str
    date: str = ""
    title: str = ""
    subtitle: str = ""
    intro: str = ""  # 导读
    intro_line: int = 0  # 1-based line where the 导读 starts
    notes: list[str] = field(default_factory=list)  # tagline, > 注, preamble text
    footer: str = ""
    records: list[Record] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    is_issue: bool = True


@dataclass
class _Block:
    kind: str  # heading, paragraph, bullet_list, ordered_list, blockquote, hr, html_block, ...
    start: int  # 0-based first line
    end: int  # 0-based line after the block
    tokens: list[Token]

    def heading_level(self) -> int:
        return int(self.tokens[0].tag[1]) if self.kind == "heading" else 0

    def items(self) -> list[tuple[int, int]]:
        return [(t.map[0], t.map[1]) for t in self.tokens if t.type == "list_item_open" and t.level == 1 and t.map]


@dataclass
class _Draft:
    start: int
    end: int
    section: str
    section_title: str
    warmup: bool = False
    unplaced: str = ""  # why the parser could not place this text ('' for an item)
    code: str = "unplaced"  # the warning code of unplaced text


def parse_issue(name: str, text: str, companies: CompanyTable) -> Issue:
    """Parse one issue file's text (already decoded, '\\n' line ends).

    `issue.warnings` holds every warning about the text, sorted by line, each with a code:
    the parser's own (unplaced text, unknown section headings, unclosed brackets on a first
    line, dates, duplicate item keys) and the format checks of indexer.lint. This is what the
    editor's pre-publish check lists for a draft.
    """
    lines = text.split("\n")
    issue = Issue(source_file=name)
    body = blank_front_matter(lines)
    walker = _Walker(issue, lines, companies)
    for block in _blocks(_md.parse("\n".join(body))):
        walker.feed(block)
    walker.close()
    _finish_metadata(issue, name)
    if len(issue.records) > MAX_PLAUSIBLE_ITEMS:
        message = f"{len(issue.records)} items, more than an issue ever has ({MAX_PLAUSIBLE_ITEMS}): indexed anyway"
        issue.warnings.append(ParseWarning(name, 0, message, "too-many-items"))
    issue.warnings = _merge_warnings(issue.warnings, format_warnings(issue))
    return issue


def _merge_warnings(parsed: list[ParseWarning], checked: list[ParseWarning]) -> list[ParseWarning]:
    """All warnings by line; a duplicate item key is not repeated where the link already is."""
    linked = {w.line for w in checked if w.code == "duplicate-link"}
    kept = [w for w in parsed if not (w.code == "duplicate-item" and w.line in linked)]
    return by_line(kept + checked)


def blank_front_matter(lines: list[str]) -> list[str]:
    """Replace a Jekyll `---` front-matter block with blank lines (line numbers unchanged)."""
    if lines and lines[0].strip() == "---":
        for i in range(1, min(len(lines), 40)):
            if lines[i].strip() in ("---", "..."):
                return [""] * (i + 1) + lines[i + 1 :]
    return lines


def _blocks(tokens: list[Token]):
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.level != 0 or tok.map is None:
            i += 1
            continue
        if tok.nesting == 1:
            depth, j = 0, i
            while j < len(tokens):
                depth += tokens[j].nesting
                if depth == 0:
                    break
                j += 1
            yield _Block(tok.type.removesuffix("_open"), tok.map[0], tok.map[1], tokens[i : j + 1])
            i = j + 1
        else:
            yield _Block(tok.type, tok.map[0], tok.map[1], [tok])
            i += 1


class _Walker:
    """Assigns blocks to regions, items and metadata, in document order."""

    def __init__(self, issue: Issue, lines: list[str], companies: CompanyTable) -> None:
        self.issue, self.lines, self.companies = issue, lines, companies
        self.region = "preamble"  # preamble | section | footer
        self.section, self.section_title = "warmup", ""
        self.warmup_started = False
        self.after_rule = False
        self.current: _Draft | None = None
        self.drafts: list[_Draft] = []
        self.preamble_text: list[_Block] = []  # kept as raw records if no section ever comes
        self.plain_text_lines: set[int] = set()  # 0-based lines already warned about

    # -- dispatch ---------------------------------------------------------------
    def feed(self, block: _Block) -> None:
        if block.kind == "heading":
            self._heading(block)
        elif self.region == "footer":
            self._to_footer(block)
        elif block.kind == "hr":
            self._close()
            self.after_rule = True
        elif block.kind == "blockquote":
            self._close()
            self._note(block)
        elif self.after_rule and _FOOTER_RE.search(self._text(block)):
            self._to_footer(block)
        elif block.kind == "bullet_list" or (block.kind == "ordered_list" and self.current is None):
            self._list(block)
        elif self.region == "preamble":
            self._preamble(block)
        elif self.current is not None and not self.after_rule:
            self.current.end = block.end
        else:
            self._unplaced(block, "text outside any item")

    def close(self) -> None:
        self._close()
        if self.region == "preamble" and self.issue.title:
            for block in self.preamble_text:
                self._unplaced(block, "issue has no sections")
        for draft in self.drafts:
            self._emit(draft)

    # -- regions ----------------------------------------------------------------
    def _heading(self, block: _Block) -> None:
        self._close()
        self.after_rule = False
        text = self._plain(block.tokens[1].content, block.start).strip() if len(block.tokens) > 1 else ""
        level = block.heading_level()
        if level == 1 and not self.issue.title:
            self.issue.title = text
        elif "往期回顾" in text or (self.region == "footer" and level <= 2):
            self.region = "footer"
            self.issue.footer += self._text(block) + "\n"
        elif level <= 2:
            self.region = "section"
            self.section, self.section_title = section_code(text), text
            if not is_section_heading(text):
                message = f"unknown section heading {text!r}: its items go to section 'other'"
                warning = ParseWarning(self.issue.source_file, block.start + 1, message, "unknown-section")
                self.issue.warnings.append(warning)
        else:
            code = "sub-heading" if is_section_heading(text) else "unknown-section"
            self._unplaced(block, f"sub-heading {text!r} inside a section", code)

    def _to_footer(self, block: _Block) -> None:
        self._close()
        self.region = "footer"
        self.issue.footer += self._text(block) + "\n"

    def _note(self, block: _Block) -> None:
        rows = self._raw(block).split("\n")
        text = "\n".join(self._plain(row.lstrip("> ").strip(), block.start + i) for i, row in enumerate(rows)).strip()
        if text.startswith("导读") and not self.issue.intro:
            self.issue.intro = re.sub(r"^导读\s*[：:]\s*", "", text)
            self.issue.intro_line = block.start + 1
        else:
            self.issue.notes.append(text)

    def _preamble(self, block: _Block) -> None:
        text = self._text(block)
        if block.kind == "paragraph" and _BOLD_LINE_RE.match(text):
            self.issue.notes.append(self._plain(text, block.start))
        elif block.kind == "paragraph" and _WARMUP_INTRO_RE.search(text) and len(text) < 80:
            self.warmup_started = True
        elif block.kind == "paragraph" and (self.warmup_started or self._all_warmup_lines(block)):
            self.warmup_started = True
            self._split_warmup_item(block.start, block.end)
        else:
            self.issue.notes.append(self._plain(text, block.start) if block.kind != "html_block" else text.strip())
            if block.kind != "html_block":
                self.preamble_text.append(block)

    def _all_warmup_lines(self, block: _Block) -> bool:
        rows = [row for row in self.lines[block.start : block.end] if row.strip()]
        return bool(rows) and all(warmup_prefix_company(r, self.companies) for r in rows)

    # -- items ------------------------------------------------------------------
    def _list(self, block: _Block) -> None:
        self._close()
        if self.region == "preamble":
            self.warmup_started = True
        for start, end in block.items():
            if self.region == "preamble":
                self._split_warmup_item(start, end)
                continue
            self._split_section_item(start, end)

    def _split_warmup_item(self, start: int, end: int) -> None:
        """Warm-up bullets are one line each; a following line without `- ` that starts with a
        company prefix is a bullet that lost its dash (markdown-it reads it as a continuation)."""
        current = _Draft(start, start + 1, "warmup", "", warmup=True)
        for line_no in range(start + 1, end):
            line = self.lines[line_no]
            if line.strip() and warmup_prefix_company(line, self.companies):
                self.drafts.append(current)
                current = _Draft(line_no, line_no + 1, "warmup", "", warmup=True)
            elif line.strip():
                current.end = line_no + 1
        self.drafts.append(current)

    def _split_section_item(self, start: int, end: int) -> None:
        self.current = _Draft(start, end, self.section, self.section_title)
        self.drafts.append(self.current)

    def _close(self) -> None:
        self.current = None

    def _unplaced(self, block: _Block, why: str, code: str = "unplaced") -> None:
        self._close()
        self.drafts.append(_Draft(block.start, block.end, self.section, self.section_title, unplaced=why, code=code))

    def _raw(self, block: _Block) -> str:
        return "\n".join(self.lines[block.start : block.end])

    _text = _raw

    def _plain(self, source: str, line: int) -> str:
        """Plain text of `source` (from 0-based `line`), warning once if read as written."""
        inline = parse_inline(source)
        if inline.plain_text and line not in self.plain_text_lines:
            self.plain_text_lines.add(line)
            self.issue.warnings.append(ParseWarning(self.issue.source_file, line + 1, PLAIN_TEXT, PLAIN_TEXT_CODE))
        return inline.text

    # -- records ----------------------------------------------------------------
    def _emit(self, draft: _Draft) -> None:
        end = draft.end
        while end > draft.start + 1 and not self.lines[end - 1].strip():
            end -= 1
        rows = self.lines[draft.start : end]
        if draft.unplaced:
            title = self._plain(rows[0], draft.start).strip()[:120]
            fields = ItemFields(title=title, summary=self._plain("\n".join(rows), draft.start).strip())
            message = f"{draft.unplaced}: kept as a raw record"
            self.issue.warnings.append(ParseWarning(self.issue.source_file, draft.start + 1, message, draft.code))
        elif draft.warmup:
            fields = parse_warmup(" ".join(r.strip() for r in rows), self.companies)
        else:
            fields = parse_item(rows, self.companies, draft.section)
        for offset, code, message in fields.problems:
            line = draft.start + 1 + offset
            self.issue.warnings.append(ParseWarning(self.issue.source_file, line, message, code))
        self.issue.records.append(_record(draft, end, rows, fields, placed=not draft.unplaced))


def _record(draft: _Draft, end: int, rows: list[str], fields: ItemFields, placed: bool) -> Record:
    return Record(
        id="",
        date="",
        issue_title="",
        section=draft.section,
        section_title=draft.section_title,
        position=0,
        title=fields.title,
        url=fields.url,
        outlet=fields.outlet,
        summary=fields.summary,
        links=[Link(label, url) for label, url in fields.links if url],
        arxiv_ids=[i for i, _ in fields.arxiv],
        arxiv_versions=[v for _, v in fields.arxiv],
        repos=fields.repos,
        companies=fields.companies,
        mentions=fields.mentions,
        id_title=fields.id_title,
        venue=fields.venue,
        line_start=draft.start + 1,
        line_end=end,
        paper_title=fields.paper_title,
        placed=placed,
        raw="\n".join(rows),
    )


def _finish_metadata(issue: Issue, name: str) -> None:
    """Date, title, ids and positions once every record is known."""
    h1 = _h1_date(issue.title)
    h1_date = _iso(h1[0]) if h1 else ""
    if h1:
        issue.subtitle = h1[1].strip()
    stem_date = _date_from_name(name)
    issue.date = stem_date or h1_date
    if stem_date and h1_date and stem_date != h1_date:
        issue.warnings.append(
            ParseWarning(
                name,
                0,
                f"file name date {stem_date} differs from the title's {h1_date}; using the file name",
                "date-mismatch",
            )
        )
    if not issue.date:
        issue.warnings.append(ParseWarning(name, 0, "no date in the file name or the title", "no-date"))
    has_sections = any(r.section != "warmup" and r.placed for r in issue.records)
    if not issue.title.startswith("嵌入式AI简报") and not (stem_date and has_sections):
        issue.is_issue = False
    _assign_ids(issue)


def _h1_date(title: str) -> tuple[str, str] | None:
    """(date, subtitle) of `NAME (2020-01-10)：SUBTITLE`, or None.

    What `^(?P<name>.*?)\\s*[(（]\\s*DATE\\s*[)）]\\s*[：:]?\\s*(?P<sub>.*)$` matches (the name and
    the subtitle hold no line break; whitespace between may), without its quadratic time on a
    long run of spaces: the first `(date)` whose name is on one line and whose subtitle is too.
    """
    body = title[:-1] if title.endswith("\n") else title  # `$` also matches before a final \n
    first_nl, last_nl = body.find("\n"), body.rfind("\n")
    name_ends = len(title) if first_nl < 0 else len(title) - len(title[first_nl:].lstrip())
    for m in _H1_DATE_RE.finditer(title):
        if 0 <= first_nl < m.start() and m.start() != name_ends:
            break  # the name would hold a line break, and so would every later one
        sub_start = _H1_TAIL_RE.match(title, m.end()).end()  # type: ignore[union-attr]
        if sub_start > last_nl:
            return m.group("date"), title[sub_start:].removesuffix("\n")
    return None


def _assign_ids(issue: Issue) -> None:
    positions: dict[str, int] = {}
    seen: dict[str, Record] = {}
    next_suffix: dict[str, int] = {}  # per repeated key, the first #n not yet tried
    for record in issue.records:
        positions[record.section] = positions.get(record.section, 0) + 1
        record.position = positions[record.section]
        record.date, record.issue_title, record.issue_subtitle = (
            issue.date,
            issue.title,
            issue.subtitle,
        )
        record.source_file = issue.source_file
        key = item_key(record)
        if key in seen:
            first = seen[key]
            if not key.startswith("url:"):  # the same link is indexer.lint's to report
                issue.warnings.append(
                    ParseWarning(
                        issue.source_file,
                        record.line_start,
                        f"same item key as line {first.line_start} ({key}); both kept",
                        "duplicate-item",
                        (first.line_start,),
                    )
                )
            n = next_suffix.get(key, 2)
            while f"{key}#{n}" in seen:
                n += 1
            next_suffix[key] = n + 1
            key = f"{key}#{n}"
        seen[key] = record
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
        record.id = f"{issue.date or 'undated'}-{digest}"


def item_key(record: Record) -> str:
    """What identifies an item across edits of its issue: arXiv ID, repo, URL, else title."""
    if record.arxiv_ids and record.section in ("paper", "news", "blog", "other"):
        on_first_line = [i for i, _ in arxiv_matches(record.raw.split("\n", 1)[0], bare=True)]
        primary = next((i for i in on_first_line if i in record.arxiv_ids), record.arxiv_ids[0])
        return "arxiv:" + primary
    if record.repos and record.section == "code":
        return "repo:" + record.repos[0]
    if record.url:
        return "url:" + record.url.split("#")[0]
    if record.placed and (record.id_title or record.title):
        return "title:" + title_key(record.id_title or record.title)
    return "raw:" + hashlib.sha1(record.raw.encode("utf-8")).hexdigest()


def _date_from_name(name: str) -> str:
    m = _DATE_RE.search(PurePosixPath(name).stem)
    return _iso("-".join(m.groups())) if m else ""


def _iso(text: str) -> str:
    y, mo, d = (int(x) for x in text.split("-"))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return ""
    return f"{y:04d}-{mo:02d}-{d:02d}"
