"""The crude anchor for the index build: jieba + SQLite FTS5 over the same archive.

    python bench/anchor_fts5.py ARCHIVE DB

What a quick hand-rolled search would do: read every issue, split it into items at column-0
`- ` lines, cut each item with jieba (the Python package, search mode), and insert the
space-joined words into one FTS5 table. No markdown parsing, no fields, no identifiers, no
synonyms. `bench_index.py` runs it as a whole process beside `kb reindex --full`, in the same
run, and reports the ratio (target: kb within 1.5x). Needs `pip install jieba` (the bench extra).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path


def main(archive: Path, db: Path) -> int:
    import jieba

    jieba.setLogLevel(60)
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE items USING fts5(file, body)")
    rows = []
    for path in sorted(archive.glob("*.md")):
        item: list[str] = []
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines() + ["- "]:
            if line.startswith("- ") and item:
                text = "\n".join(item)
                rows.append((path.name, " ".join(w for w in jieba.cut_for_search(text) if w.strip())))
                item = []
            item.append(line)
    con.executemany("INSERT INTO items VALUES (?, ?)", rows)
    con.commit()
    con.close()
    print(f"{len(rows)} items")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2])))
