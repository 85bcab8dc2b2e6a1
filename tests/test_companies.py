"""The company alias table: canonical names, word boundaries, longest alias first, products."""

from __future__ import annotations

from kb.companies import load_companies
from kb.config import DATA_DIR

TABLE = load_companies(DATA_DIR / "companies.yaml")


def test_spellings_meet_in_one_canonical_name() -> None:
    for text in ("华为", "Huawei", "HUAWEI"):
        assert TABLE.find(text) == ["Huawei"]
    for text in ("英伟达", "NVIDIA", "Nvidia", "nVIDIA"):
        assert TABLE.find(text) == ["NVIDIA"]


def test_latin_names_match_on_word_boundaries() -> None:
    assert TABLE.find("基于ARMv8指令集和arm64") == []
    assert TABLE.find("Meta-DNN 搜索预测模型") == []
    assert "Arm" in TABLE.find("Arm 发布新 CPU")


def test_longest_alias_first_and_products_map_to_makers() -> None:
    assert TABLE.find("华为海思发布") == ["Huawei"]
    assert TABLE.find("骁龙888") == ["Qualcomm"]
    assert TABLE.find("天玑1000") == ["MediaTek"]


def test_resolve_and_labels() -> None:
    assert TABLE.resolve("英伟达") == "NVIDIA" and TABLE.resolve("nvidia") == "NVIDIA"
    assert TABLE.resolve("手机市场") is None
    assert TABLE.label("Huawei") == "华为 Huawei"
    assert TABLE.owners["tencent"] == "Tencent"


def test_a_name_inside_a_longer_one_is_not_found() -> None:
    assert TABLE.find("全志科技与Arm中国强势联合") == ["Allwinner", "Arm China"]
    assert [(m.surface, m.product) for m in TABLE.mentions("高通骁龙865")] == [("高通", False), ("骁龙", True)]
