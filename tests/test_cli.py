"""The `kb` command as a user runs it: real subprocesses, real index on disk."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from kbtest import SAMPLE

from kb.cli import COMMANDS
from kb.records import EXPORT_KEYS

KB = [sys.executable, "-m", "kb.cli"]


def kb(*args: str, cwd=None, stdin: str | None = None):
    return subprocess.run(KB + list(args), capture_output=True, text=True, cwd=cwd, input=stdin, timeout=120)


@pytest.fixture(scope="module")
def idx(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    out = kb("reindex", "--archive", str(SAMPLE), "--index", str(tmp / "index"), cwd=tmp)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("full rebuild: 4 added") and "records" in out.stdout
    return tmp / "index"


def test_help_lists_every_command_and_loads_no_heavy_module() -> None:
    heavy = "('flask', 'whoosh', 'rjieba', 'markdown_it', 'indexer', 'web')"
    code = f"import sys, kb.cli; kb.cli.main(['--help']); print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip().endswith("[]")
    for command in COMMANDS:
        assert command.name in out.stdout


def test_reindex_does_not_load_flask(idx) -> None:
    argv = ["reindex", "--quiet", "--archive", str(SAMPLE), "--index", str(idx)]
    code = f"import sys, kb.cli; kb.cli.main({argv!r}); print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip().endswith("False"), out.stderr


def test_search_json_has_total_results_facets_and_export_keys(idx) -> None:
    out = kb("search", "量化", "--json", "--limit", "3", "--index", str(idx))
    data = json.loads(out.stdout)
    assert {"total", "results", "facets"} <= set(data) and len(data["results"]) == 3
    assert list(data["results"][0])[: len(EXPORT_KEYS)] == list(EXPORT_KEYS)


def test_search_filters_and_readable_output(idx) -> None:
    out = kb("search", "--section", "论文", "--sort", "date", "--limit", "2", "--index", str(idx))
    assert out.returncode == 0 and "results" in out.stdout and "论文" in out.stdout
    data = json.loads(kb("search", "--company", "华为", "--json", "--index", str(idx)).stdout)
    assert data["total"] > 0 and all("Huawei" in r["companies"] for r in data["results"])


def test_search_marks_matches_in_bold_on_a_terminal_only(idx) -> None:
    args = ("search", "quantization", "--limit", "3", "--index", str(idx))
    bold = kb(*args, "--color", "always").stdout
    assert "\x1b[1m量化\x1b[0m" in bold  # the synonym, where it stands
    plain = kb(*args).stdout  # piped: auto is plain
    assert "\x1b[" not in plain and "<mark>" not in plain and "量化" in plain
    assert plain == kb(*args, "--color", "never").stdout
    assert plain == bold.replace("\x1b[1m", "").replace("\x1b[0m", "")
    data = json.loads(kb(*args, "--json").stdout)["results"][0]
    assert "snippet_html" not in data and {"title_spans", "snippet", "snippet_spans"} <= set(data)


def test_check_identifier_and_draft(idx, tmp_path) -> None:
    out = kb("check", "arXiv:2201.05432", "--json", "--index", str(idx))
    data = json.loads(out.stdout)
    assert out.returncode == 1  # something was covered: like a linter that found something
    assert data["query_kind"] == "arxiv" and data["items"][0]["verdict"] == "covered"
    assert len(data["items"][0]["earlier"]) == 2
    draft = tmp_path / "draft.md"
    draft.write_text(
        "# 嵌入式AI简报 (2022-05-01)\n\n## 开源项目\n\n- [Tencent/ncnn: 又更新了](https://github.com/Tencent/ncnn)\n"
        "摘要：新版本。\n- [nobody/new-thing: 全新项目](https://github.com/nobody/new-thing)\n摘要：没报道过。\n",
        encoding="utf-8",
    )
    out = kb("check", str(draft), "--json", "--index", str(idx))
    data = json.loads(out.stdout)
    verdicts = {i["title"].split(":")[0]: i["verdict"] for i in data["items"]}
    assert data["query_kind"] == "draft" and data["date"] == "2022-05-01" and out.returncode == 1
    assert verdicts == {"Tencent/ncnn": "covered", "nobody/new-thing": "new"}
    new = kb("check", "https://github.com/nobody/new-thing", "--index", str(idx))
    assert new.returncode == 0 and "[未报道 new]" in new.stdout


def test_check_exit_codes_and_usage_errors(idx, tmp_path) -> None:
    missing = kb("check", str(tmp_path / "no-such-draft.md"), "--index", str(idx))
    assert missing.returncode == 2 and "no such file" in missing.stderr and not missing.stdout
    assert kb("check", "./drafts/next.md", "--index", str(idx)).returncode == 2
    assert kb("check", "   ", "--index", str(idx)).returncode == 2
    title = kb("check", "一个从来没有人写过的标题", "--index", str(idx))
    assert title.returncode == 0 and "[未报道 new]" in title.stdout
    draft = tmp_path / "2022-02-01.md"  # the date comes from the file name
    draft.write_text("## 开源项目\n\n- [Tencent/ncnn: 新版](https://github.com/Tencent/ncnn)\n", encoding="utf-8")
    data = json.loads(kb("check", str(draft), "--json", "--index", str(idx)).stdout)
    assert data["date"] == "2022-02-01" and all(e["date"] < "2022-02-01" for e in data["items"][0]["earlier"])
    every = json.loads(kb("check", str(draft), "--all", "--json", "--index", str(idx)).stdout)
    assert every["compared_with"] == "all" and len(every["items"][0]["earlier"]) > len(data["items"][0]["earlier"])


def test_export_jsonl_and_csv(idx) -> None:
    lines = kb("export", "--index", str(idx)).stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert list(records[0]) == list(EXPORT_KEYS)
    keys = [(r["date"], r["source_file"], r["line_start"]) for r in records]
    assert keys == sorted(keys)
    text = kb("export", "--format", "csv", "--index", str(idx)).stdout
    assert text.startswith("\ufeffid,date,")  # the BOM Excel on Chinese Windows needs to read UTF-8
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == len(records) and set(rows[0]) == set(EXPORT_KEYS)


def test_export_csv_file_opens_as_utf8_in_excel_and_without_bom_on_request(idx, tmp_path) -> None:
    path = tmp_path / "out.csv"
    assert kb("export", "--format", "csv", "-o", str(path), "--index", str(idx)).returncode == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,") and "量化".encode() in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0]["id"] and list(rows[0]) == list(EXPORT_KEYS)
    plain = kb("export", "--format", "csv", "--no-bom", "--index", str(idx)).stdout
    assert plain.startswith("id,date,")
    assert not kb("export", "--index", str(idx)).stdout.startswith("\ufeff")  # JSON lines: never


def test_stats(idx) -> None:
    data = json.loads(kb("stats", "--json", "--index", str(idx)).stdout)
    assert data["issues"] == 4 and sum(data["sections"].values()) == data["records"]
    assert "论文" in kb("stats", "--index", str(idx)).stdout


def test_missing_index_and_bad_config_are_clear_errors(tmp_path) -> None:
    out = kb("search", "x", "--index", str(tmp_path / "none"))
    assert out.returncode == 3 and "kb reindex" in out.stderr and "Traceback" not in out.stderr
    (tmp_path / "kb.yaml").write_text("prot: 1\n", encoding="utf-8")
    out = kb("stats", cwd=tmp_path)
    assert out.returncode == 2 and "unknown key 'prot'" in out.stderr
    out = kb("frobnicate")
    assert out.returncode == 2 and "unknown command" in out.stderr


def test_missing_archive_is_a_clear_error(tmp_path) -> None:
    out = kb("reindex", "--archive", str(tmp_path / "nope"), "--index", str(tmp_path / "i"))
    assert out.returncode == 1 and "archive folder not found" in out.stderr
