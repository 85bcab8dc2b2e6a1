"""Parser warnings: what could not be placed or read, with file, line and a stable code.

`WARNING_LABELS` is the registry of codes (code → Chinese label, for the web page); every
warning the indexer makes names one of them. Imports nothing from the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Warning codes, in the order a reader meets them: reading the file, the issue's structure,
#: one item, several items, the issue as a whole. Code → Chinese label.
WARNING_LABELS: dict[str, str] = {
    "unreadable": "文件无法读取",
    "too-large": "文件过大，已跳过",
    "not-a-file": "不是普通文件，已跳过",
    "legacy-encoding": "不是 UTF-8，已按 GB18030 解码",
    "invalid-utf8": "含无效的 UTF-8 字节",
    "nul-removed": "已删除 NUL 字符",
    "not-an-issue": "不是一期简报，已跳过",
    "no-date": "文件名和标题里都没有日期",
    "date-mismatch": "文件名日期与标题日期不一致",
    "unknown-section": "未知的栏目标题",
    "sub-heading": "栏目内的小标题",
    "unplaced": "不属于任何条目的文字",
    "too-much-markup": "标记过多，按纯文本读取",
    "unclosed-bracket": "括号未闭合",
    "no-link": "条目没有链接",
    "no-outlet": "条目没有注明来源",
    "invalid-arxiv": "不是有效的 arXiv 编号",
    "duplicate-link": "同一链接出现了两次",
    "duplicate-item": "同一条目出现了两次",
    "count-mismatch": "导读条数与实际条目数不符",
    "too-many-items": "条目数多得不像一期简报",
}


@dataclass(frozen=True)
class ParseWarning:
    file: str
    line: int  # 1-based; 0 when the warning concerns the whole file
    message: str  # English, for `kb reindex` and logs
    code: str  # a key of WARNING_LABELS
    other_lines: tuple[int, ...] = ()  # further lines the warning names (the first of a duplicate)

    def __post_init__(self) -> None:
        if self.code not in WARNING_LABELS:  # a programming error, never caused by user text
            raise ValueError(f"unknown warning code {self.code!r}")

    @property
    def label(self) -> str:
        return WARNING_LABELS[self.code]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: file, line, code, label, message, other_lines."""
        return {
            "file": self.file,
            "line": self.line,
            "code": self.code,
            "label": self.label,
            "message": self.message,
            "other_lines": list(self.other_lines),
        }

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


def by_line(warnings: list[ParseWarning]) -> list[ParseWarning]:
    """Warnings in line order (whole-file warnings first); stable for one line."""
    return sorted(warnings, key=lambda w: w.line)
