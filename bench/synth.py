"""Generate a synthetic archive N times larger than a source archive, for growth benchmarks.

    python bench/synth.py OUT_DIR [--source data/sample] [--factor 10] [--seed 1]

The output holds factor × (issues in the source) issue files: the source issues themselves
(unless --no-originals) plus generated ones. Each generated issue takes a source issue as a
template and keeps its preamble and footer, but

* gets a new date: going back week by week from the week before the oldest source issue
  (file name and the H1 date both change); when the weeks run out before 2000-01 the walk starts
  again one day earlier, so dates stay unique (and stay in 20xx, which the parser requires);
* has the items of every `##` section shuffled, about a quarter of them swapped for items of the
  same section taken from other source issues;
* has every item made distinct: arXiv IDs renumbered (same yymm, other number), GitHub repos
  renamed (`owner/name` → `owner/name-<tag>`, in URLs and in `owner/name:` title prefixes) and
  the other URLs given a different path id, so each one is a new item to the indexer.

Titles and summaries are left as they are, so word frequencies grow with the archive as they
would with more issues of the same newsletter. Deterministic: the same arguments always give the
same files. The output is generated text: write it to a temp folder or bench/out, never to the
repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT / "data" / "sample"
EARLIEST = dt.date(2000, 1, 3)

_DATE_IN_NAME = re.compile(r"(20\d{2})-(\d{2})-(\d{2})")
_H1_DATE = re.compile(r"([(（]\s*)20\d{2}-\d{1,2}-\d{1,2}(\s*[)）])")
_ITEM_START = re.compile(r"^(?:[-*+]|\d+[.)])\s")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_URL = re.compile(r"https?://[^\s)\]>\"'|（）<]+")
_ARXIV_ID = re.compile(r"(?<![\w.])(\d{2})(\d{2})\.(\d{4,5})(v\d+)?(?![\w]*\d)")
_GITHUB = re.compile(r"github\.com/([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]+)", re.I)
_TITLE_SLUG = re.compile(r"^(?:[-*+]\s*)\[?\s*([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]+)\s*[:：]")
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass
class Section:
    heading: str  # the `## ...` line
    head: list[str]  # lines before the first item (notes, blank lines)
    items: list[list[str]]  # each item: its lines
    tail: list[str] = field(default_factory=list)  # a rule and what follows it


@dataclass
class Template:
    name: str
    date: dt.date
    preamble: list[str]
    sections: list[Section]
    footer: list[str]


def read_templates(source: Path) -> list[Template]:
    files = sorted(p for p in source.rglob("*.md") if not any(x.startswith(".") for x in p.relative_to(source).parts))
    out = []
    for path in files:
        m = _DATE_IN_NAME.search(path.stem)
        if not m:
            continue
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        out.append(split_issue(path.name, dt.date(*map(int, m.groups())), text))
    if not out:
        sys.exit(f"synth: no dated *.md issues under {source}")
    return out


def split_issue(name: str, date: dt.date, text: str) -> Template:
    """Preamble (up to the first `##`), sections (heading, head, items, tail), footer."""
    lines = text.split("\n")
    preamble: list[str] = []
    sections: list[Section] = []
    footer: list[str] = []
    i = 0
    while i < len(lines) and not lines[i].startswith("## "):
        preamble.append(lines[i])
        i += 1
    while i < len(lines):
        line = lines[i]
        if line.startswith("## ") and "往期回顾" in line:
            footer = lines[i:]
            break
        if line.startswith("## "):
            sections.append(Section(line, [], []))
        else:
            sec = sections[-1]
            if sec.tail or _RULE.match(line):
                sec.tail.append(line)
            elif _ITEM_START.match(line):
                sec.items.append([line])
            elif sec.items:
                sec.items[-1].append(line)
            else:
                sec.head.append(line)
        i += 1
    return Template(name, date, preamble, sections, footer)


def _tag(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return "s" + out


def vary_item(lines: list[str], copy: int, rng: random.Random) -> list[str]:
    """The item's lines with its arXiv IDs, repos and URLs made distinct for this copy."""
    text = "\n".join(lines)
    tag = _tag(copy)
    # repos: from github URLs and from an `owner/name:` title prefix
    repos = {(m.group(1), re.sub(r"\.git$", "", m.group(2)).rstrip(".")) for m in _GITHUB.finditer(text)}
    m = _TITLE_SLUG.match(lines[0])
    if m:
        repos.add((m.group(1), m.group(2).rstrip(".")))
    for owner, name in sorted(repos, key=lambda r: -len(r[0] + r[1])):
        if not name:
            continue
        slug = re.escape(f"{owner}/{name}")
        text = re.sub(rf"(?i)(?<![A-Za-z0-9_-]){slug}(?![A-Za-z0-9_-])", f"{owner}/{name}-{tag}", text)

    # arXiv IDs: keep yymm, change the number (same width)
    def new_arxiv(m: re.Match[str]) -> str:
        yy, mm, num, ver = m.group(1), m.group(2), m.group(3), m.group(4) or ""
        if not (1 <= int(mm) <= 12 and int(yy) >= 7):
            return m.group(0)
        width = len(num)
        n = (int(num) + 7919 * copy + rng.randrange(97)) % (10**width)
        return f"{yy}{mm}.{n:0{width}d}{ver}"

    text = _ARXIV_ID.sub(new_arxiv, text)

    # other URLs: a different id in the path (or a query parameter when there is none)
    def new_url(m: re.Match[str]) -> str:
        url = m.group(0)
        low = url.lower()
        if "arxiv.org" in low or "github.com" in low:
            return url
        runs = list(re.finditer(r"[A-Za-z0-9_-]{6,}", url.split("://", 1)[1].partition("/")[2]))
        if runs:
            run = runs[-1]
            start = len(url) - len(url.split("://", 1)[1].partition("/")[2]) + run.start()
            k = min(6, len(run.group(0)))
            fresh = "".join(rng.choice(_ALNUM) for _ in range(k))
            end = start + len(run.group(0))
            return url[: end - k] + fresh + url[end:]
        return url + ("&" if "?" in url else "?") + f"s={tag}"

    text = _URL.sub(new_url, text)
    return text.split("\n")


def render(template: Template, date: dt.date, sections: list[Section]) -> str:
    iso = date.isoformat()
    preamble = list(template.preamble)
    for n, line in enumerate(preamble):
        if line.startswith("# "):
            preamble[n] = _H1_DATE.sub(lambda m: m.group(1) + iso + m.group(2), line, count=1)
            break
    out = preamble
    for sec in sections:
        out += [sec.heading] + sec.head + [line for item in sec.items for line in item] + sec.tail
    out += template.footer
    return "\n".join(out)


def make_issue(templates: list[Template], number: int, date: dt.date, seed: int = 1) -> str:
    """Generated issue number `number` (≥ 1), dated `date`, as markdown text."""
    rng = random.Random(f"{seed}:{number}")
    template = templates[(number - 1) % len(templates)]
    pool: dict[str, list[list[str]]] = {}
    for t in templates:
        for sec in t.sections:
            pool.setdefault(sec.heading.strip(), []).extend(sec.items)
    sections = []
    for sec in template.sections:
        items = list(sec.items)
        rng.shuffle(items)
        others = pool.get(sec.heading.strip(), [])
        if len(others) > len(items):
            used = {id(item) for item in items}
            for k in range(len(items)):
                if rng.random() < 0.25:
                    pick = rng.choice(others)
                    if id(pick) not in used:
                        used.add(id(pick))
                        items[k] = pick
        items = [_trim(vary_item(item, number, rng)) for item in items]
        if items:  # a blank line after the list, so a following `---` is not read as a heading
            items[-1] = items[-1] + [""]
        sections.append(Section(sec.heading, sec.head, items, sec.tail))
    return render(template, date, sections)


def _trim(lines: list[str]) -> list[str]:
    while len(lines) > 1 and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def dates_back(start: dt.date, count: int) -> list[tuple[dt.date, str]]:
    """`count` (date, file suffix) pairs going back week by week from `start`; when they would
    fall before 2000-01 the walk restarts from `start` shifted one more day back."""
    weeks = max(1, (start - EARLIEST).days // 7 + 1)
    out = []
    for j in range(count):
        cycle, week = divmod(j, weeks)
        date = start - dt.timedelta(days=7 * week + cycle % 7)
        suffix = f"-{cycle // 7}" if cycle >= 7 else ""
        out.append((date, suffix))
    return out


def generate(source: Path, out: Path, factor: float, seed: int = 1, originals: bool = True) -> dict:
    templates = read_templates(source)
    total = max(1, round(factor * len(templates)))
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        sys.exit(f"synth: {out} is not empty")
    written = 0
    nbytes = 0
    if originals:
        for path in sorted(source.glob("*.md")):
            if _DATE_IN_NAME.search(path.stem) and written < total:
                shutil.copyfile(path, out / path.name)
                nbytes += path.stat().st_size
                written += 1
    start = min(t.date for t in templates) - dt.timedelta(days=7)
    for number, (date, suffix) in enumerate(dates_back(start, total - written), 1):
        text = make_issue(templates, number, date, seed)
        (out / f"{date.isoformat()}{suffix}.md").write_text(text, encoding="utf-8")
        nbytes += len(text.encode("utf-8"))
        written += 1
    return {
        "source": str(source),
        "out": str(out),
        "factor": factor,
        "seed": seed,
        "source_issues": len(templates),
        "issues": written,
        "bytes": nbytes,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="output folder (created; must be empty)")
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="source archive (default: data/sample)")
    ap.add_argument("--factor", type=float, default=10, help="size relative to the source (default: 10)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-originals", action="store_true", help="only generated issues, no copies of the source")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    info = generate(args.source.resolve(), args.out.resolve(), args.factor, args.seed, not args.no_originals)
    print(
        f"synth: {info['issues']} issues ({info['bytes'] / 1e6:.1f} MB) from {info['source_issues']} "
        f"in {info['source']} → {info['out']} ({time.perf_counter() - t0:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
