"""Identifiers an item can carry: arXiv IDs, GitHub repos, venue tags, normalised titles.

Used on both sides: the indexer extracts them from item text, the search core recognises them in
queries, so that an identifier is looked up exactly the way it was stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit

_ARXIV_CORE = r"(?P<id>(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5}))(?P<ver>v\d+)?(?!\d)"
#: arXiv abs/pdf/html URLs anywhere (arxiv.org, export.arxiv.org, www.arxiv.org).
ARXIV_URL_RE = re.compile(r"arxiv\.org/(?:abs|pdf|html|format)/" + _ARXIV_CORE + r"(?:\.pdf)?", re.IGNORECASE)
#: `arXiv:2011.12289v1` and `arXiv 2011.12289`.
ARXIV_PREFIXED_RE = re.compile(r"\barxiv[:：\s]\s*" + _ARXIV_CORE, re.IGNORECASE)
#: A bare ID standing alone (not inside a longer number or a version string).
ARXIV_BARE_RE = re.compile(r"(?<![\w.])" + _ARXIV_CORE + r"(?![\w.]*\d)")

_GITHUB_RESERVED = frozenset(
    [
        "about",
        "apps",
        "blog",
        "collections",
        "contact",
        "customer-stories",
        "enterprise",
        "events",
        "explore",
        "features",
        "issues",
        "login",
        "marketplace",
        "new",
        "notifications",
        "orgs",
        "pricing",
        "pulls",
        "search",
        "security",
        "settings",
        "site",
        "sponsors",
        "topics",
        "trending",
        "users",
    ]
)
GITHUB_URL_RE = re.compile(
    r"github\.com/(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?P<name>[A-Za-z0-9._-]+)",
    re.IGNORECASE,
)
#: `owner/name` as a whole token (a 开源项目 title prefix or a query).
REPO_SLUG_RE = re.compile(r"^(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?P<name>[A-Za-z0-9._-]+)$")

_VENUE_RE = re.compile(r"^(?P<name>[A-Za-z][A-Za-z&-]{1,15})\s*'?(?P<year>(?:19|20)\d{2}|\d{2})$")
_VENUE_ALIASES = {"NIPS": "NeurIPS", "NEURIPS": "NeurIPS", "SYSML": "MLSys", "MLSYS": "MLSys"}


#: What looks like an arXiv ID, valid or not: any path after arxiv.org/abs/ (pdf, html, format),
#: `arXiv:` or a bare number of the new form (only where bare IDs are allowed).
_ARXIV_LIKE_URL_RE = re.compile(r"arxiv\.org/(?:abs|pdf|html|format)/(?P<like>[\w./-]+)", re.ASCII | re.I)
_ARXIV_LIKE_PREFIXED_RE = re.compile(r"\barxiv[:：\s]\s*(?P<like>\d{4}\.\d+(?:v\d+)?)", re.IGNORECASE)
_ARXIV_LIKE_BARE_RE = re.compile(r"(?<![\w.])(?P<like>\d{4}\.\d{4,6}(?:v\d+)?)(?![\w.]*\d)")
_NEW_ID_RE = re.compile(r"(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d+)(?:v\d+)?")
_OLD_ID_RE = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]{2})?/(?P<yy>\d{2})(?P<mm>\d{2})\d{3}(?:v\d+)?")


def arxiv_id_problem(ident: str) -> str | None:
    """Why `ident` (as written, maybe with a version) is not a valid arXiv ID, or None.

    New-style `YYMM.NNNN` from 2007-04 to 2014-12 and `YYMM.NNNNN` from 2015-01, not after the
    current month; old-style `archive[.XX]/YYMMNNN` from 1991-08 to 2007-03.
    """
    if m := _NEW_ID_RE.fullmatch(ident):
        return _new_id_problem(int(m.group("yy")), int(m.group("mm")), len(m.group("num")))
    if m := _OLD_ID_RE.fullmatch(ident):
        yy, mm = int(m.group("yy")), int(m.group("mm"))
        year = 1900 + yy if yy >= 91 else 2000 + yy
        if not 1 <= mm <= 12:
            return f"month {mm:02d} is not 01-12"
        if not (1991, 8) <= (year, mm) <= (2007, 3):
            return "old-style IDs (archive/YYMMNNN) run from 1991-08 to 2007-03"
        return None
    return "not of the form YYMM.NNNNN or archive/YYMMNNN"


def _new_id_problem(yy: int, mm: int, digits: int) -> str | None:
    if not 1 <= mm <= 12:
        return f"month {mm:02d} is not 01-12"
    if (yy, mm) < (7, 4):
        return "new-style IDs begin in 2007-04"
    today = date.today()
    if (2000 + yy, mm) > (today.year, today.month):
        return f"20{yy:02d}-{mm:02d} is in the future"
    want = 4 if yy <= 14 else 5
    if digits != want:
        return f"IDs from 20{yy:02d}-{mm:02d} have {want} digits after the dot"
    return None


def _valid_arxiv(match: re.Match[str]) -> bool:
    return _new_id_problem(int(match.group("yy")), int(match.group("mm")), len(match.group("num"))) is None


def invalid_arxiv(text: str, *, bare: bool = False) -> list[tuple[str, str]]:
    """(what is written, why it is not valid) for each arXiv-looking ID in `text` that is not a
    valid one: in an arxiv.org URL, after `arXiv:`, and bare where `bare` is set (a tag)."""
    patterns = [_ARXIV_LIKE_URL_RE, _ARXIV_LIKE_PREFIXED_RE] + ([_ARXIV_LIKE_BARE_RE] if bare else [])
    found: dict[str, str] = {}
    for pattern in patterns:
        for m in pattern.finditer(text):
            like = re.split(r"[?#]", m.group("like"), maxsplit=1)[0].rstrip("/.,:;!")
            like = re.sub(r"\.pdf$", "", like, flags=re.IGNORECASE)
            if like and like not in found and (problem := arxiv_id_problem(like)):
                found[like] = problem
    return list(found.items())


def arxiv_matches(text: str, *, bare: bool = False) -> list[tuple[str, str]]:
    """(id, id-with-version) pairs found in `text`, in order, without duplicates.

    URL and `arXiv:` forms are always accepted; bare IDs only when `bare` is set (a tag, a
    labelled paper line or a query), since a bare number elsewhere may be something else.
    """
    patterns = [ARXIV_URL_RE, ARXIV_PREFIXED_RE] + ([ARXIV_BARE_RE] if bare else [])
    hits = [m for pattern in patterns for m in pattern.finditer(text) if _valid_arxiv(m)]
    hits.sort(key=lambda m: m.start())
    return merge_arxiv((m.group("id"), m.group("id") + (m.group("ver") or "")) for m in hits)


def merge_arxiv(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(id, id-with-version) pairs without duplicate IDs, first seen first; a versioned form
    replaces a bare one."""
    found: dict[str, str] = {}
    for ident, versioned in pairs:
        if ident not in found or found[ident] == ident:
            found[ident] = versioned
    return list(found.items())


def normalize_arxiv(text: str) -> str | None:
    """`2011.12289`, `2011.12289v1`, `arXiv:2011.12289`, abs or pdf URL → `2011.12289`."""
    pairs = arxiv_matches(text.strip(), bare=True)
    return pairs[0][0] if len(pairs) == 1 else None


def repo_key(owner: str, name: str) -> str | None:
    """`owner/name` lower-cased, or None for GitHub pages that are not repositories."""
    name = re.sub(r"\.git$", "", name).rstrip(".")
    if not name or owner.lower() in _GITHUB_RESERVED:
        return None
    return f"{owner}/{name}".lower()


def github_repos(text: str) -> list[str]:
    """Repos named by github.com URLs in `text`, in order, unique."""
    repos: dict[str, None] = {}
    for m in GITHUB_URL_RE.finditer(text):
        key = repo_key(m.group("owner"), m.group("name"))
        if key:
            repos[key] = None
    return list(repos)


def normalize_repo(text: str) -> str | None:
    """`owner/name`, `https://github.com/Owner/Name/`, `github.com/o/n.git` → `owner/name`."""
    text = text.strip().rstrip("/")
    if "github.com" in text.lower():
        m = GITHUB_URL_RE.search(text)
        rest = text[m.end() :] if m else ""
        if m and (not rest or rest[0] in "/?#"):
            return repo_key(m.group("owner"), m.group("name"))
        return None
    m = REPO_SLUG_RE.match(text)
    if m and not m.group("name").replace(".", "").isdigit():
        return repo_key(m.group("owner"), m.group("name"))
    return None


def normalize_venue(tag: str) -> str | None:
    """`[NIPS 2020]` → `NeurIPS2020`, `CVPR2020` → `CVPR2020`; None if not a venue tag."""
    m = _VENUE_RE.match(tag.strip().strip("[]").strip())
    if not m:
        return None
    name = m.group("name")
    name = _VENUE_ALIASES.get(name.upper(), name)
    year = m.group("year")
    year = year if len(year) == 4 else "20" + year
    return f"{name}{year}"


def url_key(url: str) -> str:
    """A link for comparing two links: its normal form (normalize_url), else the text itself
    without fragment and trailing slash (a home page, a relative link)."""
    return normalize_url(url) or url.strip().split("#", 1)[0].rstrip("/")


def title_key(title: str) -> str:
    """A title folded for exact comparison: NFKC, case-folded, punctuation and spaces removed."""
    text = unicodedata.normalize("NFKC", title).casefold()
    return "".join(ch for ch in text if ch.isalnum())


#: Query parameters that track a click, not name a page (dropped from every URL).
_TRACKING_PARAMS = frozenset(
    [
        "spm",
        "from",
        "source",
        "scene",
        "srcid",
        "subscene",
        "ascene",
        "clicktime",
        "enterid",
        "isappinstalled",
        "chksm",
        "mpshare",
        "sharer_shareid",
        "sharer_sharetime",
        "sharer_shareinfo",
        "sharer_shareinfo_first",
        "share_token",
        "sessionid",
        "nsukey",
        "exportkey",
        "pass_ticket",
        "wx_header",
        "devicetype",
        "version",
        "lang",
        "key",
        "uin",
        "fbclid",
        "gclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "s_r",
        "utm_source",
        "share_source",
        "share_medium",
        "share_plat",
        "share_tag",
        "bbid",
        "ts",
        "timestamp",
        "xtrack",
    ]
)
#: A WeChat article under its long form is these four parameters; the rest are volatile.
_WEIXIN_KEYS = ("__biz", "mid", "idx", "sn")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_URL_START_RE = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)


def looks_like_url(text: str) -> bool:
    """`https://…`, `http://…` or `www.…`, one token."""
    text = text.strip()
    return bool(_URL_START_RE.match(text)) and not any(ch.isspace() for ch in text)


def normalize_url(url: str) -> str | None:
    """A link folded to the page it names, for exact look-up: scheme, `www.`, default port,
    trailing slash, fragment and tracking parameters dropped, host lower-cased, the remaining
    parameters sorted. WeChat articles: `mp.weixin.qq.com/s/<id>`, or `mp.weixin.qq.com/s?` with
    `__biz`, `mid`, `idx` and `sn` only. None for what is not a web page's address, and for a bare
    home page (it names a site, not an article)."""
    from urllib.parse import parse_qsl, quote, unquote, urlencode

    text = url.strip().strip("<>")
    if not _URL_START_RE.match(text):
        return None
    if not re.match(r"(?i)https?://", text):
        text = "http://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:  # a malformed port or IPv6 literal
        return None
    if not host or any(ch.isspace() for ch in host):
        return None
    try:
        host = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    host = host.lower().removeprefix("www.")
    if port and str(port) != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+;=-._~").rstrip("/").replace(",", "%2C")
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    if host == "mp.weixin.qq.com" and path == "/s" and any(k == "__biz" for k, _ in params):
        found = dict(params)
        params = [(k, found.get(k, "")) for k in _WEIXIN_KEYS]
    else:
        params = sorted((k, v) for k, v in params if k.lower() not in _TRACKING_PARAMS and not k.startswith("utm_"))
    if not path and not params:
        return None
    query = urlencode(params, quote_via=quote, safe="_-.~").replace(",", "%2C")
    return host + path + ("?" + query if query else "")
