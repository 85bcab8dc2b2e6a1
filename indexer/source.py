"""Reading one archive file into text: encodings, BOM, line ends, size limit.

Never raises on file content: problems become ParseWarnings and the text is kept.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from indexer.problems import ParseWarning

MAX_FILE_BYTES = 4 * 1024 * 1024  # an issue is ~20-40 KB; larger files are skipped, loudly


@dataclass
class SourceText:
    name: str  # path relative to the archive root, with '/'
    text: str | None  # None when the file was skipped
    sha1: str
    warnings: list[ParseWarning] = field(default_factory=list)


def content_hash(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def decode(name: str, data: bytes) -> SourceText:
    """Bytes → text with '\\n' line ends; invalid bytes are replaced and reported by line."""
    warnings: list[ParseWarning] = []
    digest = content_hash(data)
    if len(data) > MAX_FILE_BYTES:
        return _too_large(name, len(data), digest)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        text = _decode_legacy(data)
        if text is not None:
            warnings.append(ParseWarning(name, line, "not UTF-8; decoded as GB18030", "legacy-encoding"))
        else:
            text = data.decode("utf-8", errors="replace")
            bad = sum(1 for ch in text if ch == "\ufffd")
            msg = f"invalid UTF-8 bytes ({bad} replaced with U+FFFD), first at this line"
            warnings.append(ParseWarning(name, line, msg, "invalid-utf8"))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
        warnings.append(ParseWarning(name, 0, "NUL characters removed", "nul-removed"))
    return SourceText(name, text, digest, warnings)


def _decode_legacy(data: bytes) -> str | None:
    """GB18030 when the whole file decodes and reads as mostly CJK text, else None."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    high = sum(1 for ch in text if ord(ch) > 0x7F)
    return text if high and cjk / high > 0.8 else None


def read_source(root: Path, path: Path) -> SourceText:
    """Read `path` (inside `root`); what cannot be read as an issue file (too large, not a
    regular file, a broken link, an unreadable file or folder) becomes a warning, not an
    exception, and is never read past the size limit."""
    name = path.relative_to(root).as_posix()

    def skipped(message: str, code: str = "unreadable", digest: str = "") -> SourceText:
        return SourceText(name, None, digest or f"skipped:{code}", [ParseWarning(name, 0, message, code)])

    try:
        info = os.stat(path)  # follows a symbolic link to its target
    except OSError as exc:
        if path.is_symlink():
            what = "a symbolic link loop" if exc.errno == errno.ELOOP else "a broken symbolic link"
            return skipped(f"{what}: skipped")
        return skipped(f"cannot read: {exc.strerror}")
    if stat.S_ISDIR(info.st_mode):
        if path.is_symlink():
            return skipped("a symbolic link to a folder: not followed", "not-a-file")
        return skipped("cannot list this folder: its issues were not read")
    if not stat.S_ISREG(info.st_mode):
        return skipped("not a regular file (a FIFO, socket or device): skipped", "not-a-file")
    if info.st_size > MAX_FILE_BYTES:
        return _too_large(name, info.st_size, f"size:{info.st_size}:{info.st_mtime_ns}")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)  # a file growing while read is still bounded
    except OSError as exc:
        return skipped(f"cannot read: {exc.strerror}")
    return decode(name, data)


def _too_large(name: str, size: int, digest: str) -> SourceText:
    limit = MAX_FILE_BYTES // 1024 // 1024
    msg = f"file is {size / 1024 / 1024:.1f} MB, over the {limit} MB limit for an issue: skipped"
    return SourceText(name, None, digest, [ParseWarning(name, 0, msg, "too-large")])
