"""arXiv IDs, repos, venues and title keys: one normal form, however they are written."""

from __future__ import annotations

import pytest

from kb.identifiers import (
    arxiv_id_problem,
    arxiv_matches,
    github_repos,
    invalid_arxiv,
    normalize_arxiv,
    normalize_repo,
    normalize_venue,
    title_key,
    url_key,
)


@pytest.mark.parametrize(
    "text",
    [
        "2011.12289",
        "2011.12289v1",
        "arXiv:2011.12289",
        "https://arxiv.org/abs/2011.12289v3",
        "https://arxiv.org/pdf/2011.12289.pdf",
        "arxiv.org/pdf/2011.12289v2.pdf",
    ],
)
def test_arxiv_forms(text: str) -> None:
    assert normalize_arxiv(text) == "2011.12289"


def test_arxiv_keeps_version_separately_and_rejects_non_ids() -> None:
    assert arxiv_matches("[2003.03488v2]", bare=True) == [("2003.03488", "2003.03488v2")]
    assert normalize_arxiv("version 1.2") is None
    assert normalize_arxiv("2099.99999") is None  # month 99
    assert arxiv_matches("price 2011.12289 yuan") == []  # bare only where allowed
    assert arxiv_matches("arxiv.org/abs/2011.123456") == []  # not cut to 2011.12345


@pytest.mark.parametrize(
    "ident",
    ["0704.0001", "1412.9999", "1501.00001", "2011.12289v2", "cs/0112017", "math.GT/0309136v1", "hep-th/9901001"],
)
def test_valid_arxiv_ids_new_and_old_style(ident: str) -> None:
    assert arxiv_id_problem(ident) is None


@pytest.mark.parametrize(
    ("ident", "why"),
    [
        ("2099.00001", "month 99"),
        ("1234.5", "month 34"),
        ("0703.1234", "begin in 2007-04"),
        ("9912.12345", "in the future"),
        ("1412.12345", "4 digits"),
        ("1501.1234", "5 digits"),
        ("2011.123456", "5 digits"),
        ("cs/9001001", "1991-08 to 2007-03"),
        ("abc", "not of the form"),
    ],
)
def test_invalid_arxiv_ids_say_why(ident: str, why: str) -> None:
    assert why in (arxiv_id_problem(ident) or "")


def test_invalid_arxiv_finds_what_looks_like_an_id() -> None:
    text = "见 arxiv.org/abs/1234.5 与 arXiv:1501.1234，https://arxiv.org/pdf/2011.12289v1.pdf 没问题"
    assert [like for like, _ in invalid_arxiv(text)] == ["1234.5", "1501.1234"]
    assert invalid_arxiv("2099.00001") == []  # a bare number only where bare IDs are allowed
    assert [like for like, _ in invalid_arxiv("2099.00001v2", bare=True)] == ["2099.00001v2"]
    assert invalid_arxiv("version 2020.12 and 3.14159", bare=True) == []
    assert invalid_arxiv("arxiv.org/abs/cs/0112017 arxiv.org/abs/2011.12289中文", bare=True) == []


def test_url_key_ignores_scheme_host_case_trailing_slash_and_fragment() -> None:
    key = url_key("https://mp.weixin.qq.com/s/AbC")
    assert url_key("http://MP.weixin.qq.com/s/AbC/") == key
    assert url_key("https://mp.weixin.qq.com/s/AbC#top") == key
    assert url_key("https://mp.weixin.qq.com/s/abc") != key  # the path keeps its case
    assert url_key("https://example.com/a?x=1") != url_key("https://example.com/a?x=2")


@pytest.mark.parametrize(
    "text",
    [
        "tencent/ncnn",
        "Tencent/ncnn",
        "https://github.com/Tencent/ncnn",
        "https://github.com/Tencent/ncnn/",
        "github.com/Tencent/ncnn.git",
        "http://github.com/TENCENT/NCNN",
    ],
)
def test_repo_forms(text: str) -> None:
    assert normalize_repo(text) == "tencent/ncnn"


def test_repos_in_text_skip_github_pages_that_are_not_repos() -> None:
    text = "代码 https://github.com/alexa/bort 见 https://github.com/orgs/foo 和 https://github.com/topics/ai"
    assert github_repos(text) == ["alexa/bort"]


def test_venues() -> None:
    assert normalize_venue("[NIPS 2020]") == "NeurIPS2020"
    assert normalize_venue("CVPR2020") == "CVPR2020"
    assert normalize_venue("AAAI 2020") == "AAAI2020"
    assert normalize_venue("2011.12289") is None


def test_title_key_ignores_case_punctuation_and_width() -> None:
    assert title_key("MicroNet: Towards Image Recognition") == title_key("micronet towards image recognition!")
    assert title_key("ＢＥＲＴ") == title_key("bert")
