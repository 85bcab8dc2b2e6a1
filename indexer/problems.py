"""Parser warnings: what could not be placed or read, with file and line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParseWarning:
    file: str
    line: int  # 1-based; 0 when the warning concerns the whole file
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"
