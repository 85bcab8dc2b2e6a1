"""What an item is about (kb.about): each rule on a small fixture text, the exclusions, the order
of the tags, and `mentions` keeping every company named."""

from __future__ import annotations

import pytest

from kb.about import RULES, ItemText, tag, warmup_prefix
from kb.companies import load_companies
from kb.config import DATA_DIR

TABLE = load_companies(DATA_DIR / "companies.yaml")


def about(section: str, title: str, **parts) -> list[tuple[str, str]]:
    return tag(ItemText(section, title, **parts), TABLE).about


#: rule → (section, title, other parts, the (company, rule) pairs expected)
CASES = {
    "warmup-prefix": (
        "warmup",
        "高通 & Arm：双方宣布延长架构授权合作",
        {},
        [("Qualcomm", "warmup-prefix"), ("Arm", "warmup-prefix")],
    ),
    "repo-owner": ("code", "tencent/ncnn: 手机端推理框架", {"repos": ["tencent/ncnn"]}, [("Tencent", "repo-owner")]),
    "title-lead": ("news", "骁龙865跑分首秀：一骑绝尘", {}, [("Qualcomm", "title-lead")]),
    "title-actor": ("news", "重磅！英伟达发布新一代 GPU", {}, [("NVIDIA", "title-actor")]),
    "deal-partner": ("news", "重磅！英伟达宣布收购Arm", {}, [("NVIDIA", "title-actor"), ("Arm", "deal-partner")]),
    "title-prefix": ("news", "上海瀚博半导体：发布云端 AI 推理芯片", {}, [("Vastai", "title-prefix")]),
    "own-channel": (
        "blog",
        "如何使用 TensorFlow Lite 的委托代理",
        {"outlet": "TensorFlow"},
        [("Google", "own-channel")],
    ),
    "paper-authors": (
        "paper",
        "SOLO: 实例分割新网络",
        {"summary": "本文作者来自阿德莱德大学和字节跳动，提出了一种新方法。"},
        [("ByteDance", "paper-authors")],
    ),
    "summary-actor": (
        "news",
        "全球首款光子芯片",
        {"summary": "曦智科技发布了光子芯片原型。"},
        [("Lightelligence", "summary-actor")],
    ),
}


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule(rule: str) -> None:
    section, title, parts, expected = CASES[rule]
    assert about(section, title, **parts) == expected


@pytest.mark.parametrize(
    ("title", "kept", "left_out"),
    [
        ("多核性能击败麒麟990和骁龙855！联发科首款5G芯片曝光", ["MediaTek"], ["Huawei", "Qualcomm"]),  # baselines
        ("Achronix 发布 7nm FPGA 加速卡，对标赛灵思、英特尔", ["Achronix"], ["Xilinx", "Intel"]),  # competitors
        ("华为Mate 40曝光 首发台积电5nm工艺的麒麟芯片", ["Huawei"], ["TSMC"]),  # a process node is a spec
        ("三星5nm Exynos SoC 量产，使用Cortex A78和Mali G78", ["Samsung"], ["Arm"]),  # IP cores inside a chip
        ("如何在CUDA中为Transformer编写一个PyTorch自定义层", [], ["NVIDIA", "Facebook"]),  # tools built on
        ("获高通阿里投资后，耐能推出首颗AI芯片", ["Kneron"], ["Qualcomm", "Alibaba"]),  # investors
    ],
)
def test_passing_mentions_are_not_about(title: str, kept: list[str], left_out: list[str]) -> None:
    tags = tag(ItemText("news", title), TABLE)
    assert tags.companies == kept
    assert set(left_out) <= set(tags.mentions)


def test_the_outlet_alone_is_not_about() -> None:
    tags = tag(ItemText("blog", "四种调试深度学习模型的方式", outlet="腾讯技术工程"), TABLE)
    assert tags.companies == [] and tags.mentions == ["Tencent"]


def test_personal_repo_owner_is_not_about() -> None:
    tags = tag(ItemText("code", "Oldpan/Pytorch-Memory-Utils: pytorch memory track code", repos=["oldpan/x"]), TABLE)
    assert tags.companies == [] and tags.mentions == ["Facebook"]


def test_about_companies_in_the_order_the_item_names_them() -> None:
    assert [c for c, _ in about("news", "百度 Intel 联手打造新一代 NNP 芯片")] == ["Baidu", "Intel"]
    assert [c for c, _ in about("paper", "ICCV 2019：华为、北大等首创GAN剪枝算法")] == ["Huawei"]


def test_mentions_keep_every_company_named() -> None:
    item = ItemText("news", "联发科发布Helio P95", summary="集成 PowerVR GPU，台积电 12nm。", outlet="Imagination Tech")
    tags = tag(item, TABLE)
    assert tags.companies == ["MediaTek"]
    assert tags.mentions == ["MediaTek", "Imagination", "TSMC"]


def test_warmup_prefix() -> None:
    assert warmup_prefix("骁龙/三星：新平台将采用 4nm", TABLE) == ("骁龙/三星：", ["Qualcomm", "Samsung"])
    assert warmup_prefix("没有前缀的一句话", TABLE) == ("", [])


def test_every_rule_is_documented() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert [rule for rule in RULES if f"`{rule}`" not in readme] == []
