"""arXiv IDs, repos, venues and title keys: one normal form, however they are written."""

from __future__ import annotations

import pytest

from kb.identifiers import (
    arxiv_matches,
    github_repos,
    normalize_arxiv,
    normalize_repo,
    normalize_venue,
    title_key,
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
