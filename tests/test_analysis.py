"""The Chinese-aware analyzer: segmentation, kept names, ordinal positions, real phrase queries."""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.fields import ID, TEXT, Schema

from kb.analysis import KbAnalyzer, analyze, token_positions


def test_english_is_lowercased_and_stemmed_so_forms_meet() -> None:
    assert analyze("quantization")[0] == analyze("quantized")[0] == analyze("Quantize")[0]


def test_product_and_model_names_stay_whole() -> None:
    tokens = analyze("NanoDet 在 骁龙865 上跑 MobileNetV3，天玑700 支持 RISC-V 和 int8")
    for name in ("nanodet", "骁龙865", "mobilenetv3", "天玑700", "risc-v", "int8"):
        assert name in tokens, (name, tokens)


def test_identifiers_are_exact_tokens() -> None:
    tokens = analyze("见 arXiv 2011.12289v2 与 https://github.com/RangiLyu/NanoDet 以及 Tencent/ncnn")
    assert "2011.12289" in tokens
    assert "rangilyu/nanodet" in tokens
    assert "tencent/ncnn" in tokens


def test_positions_are_word_ordinals_not_character_offsets() -> None:
    tokens = [(t.text, t.pos) for t in KbAnalyzer()("华为发布新芯片", positions=True, mode="query")]
    assert [pos for _, pos in tokens] == list(range(len(tokens)))


def test_index_mode_adds_subwords_at_the_same_position() -> None:
    tokens = [(t.text, t.pos) for t in KbAnalyzer()("骁龙865 MobileNetV3", positions=True, mode="index")]
    assert ("骁龙865", 0) in tokens and ("骁龙", 0) in tokens
    assert ("mobilenetv3", 1) in tokens and ("mobilenet", 1) in tokens


def test_phrase_queries_work_in_a_real_index(tmp_path) -> None:
    schema = Schema(id=ID(stored=True), body=TEXT(analyzer=KbAnalyzer(), phrase=True))
    ix = whoosh_index.create_in(tmp_path, schema)
    with ix.writer() as w:
        w.add_document(id="a", body="华为发布了新的AI芯片昇腾910")
        w.add_document(id="b", body="芯片方面，华为没有消息")
    with ix.searcher() as s:
        hits = [h["id"] for h in s.search(Q.Phrase("body", analyze("华为发布")))]
        assert hits == ["a"]
        hits = [h["id"] for h in s.search(Q.Phrase("body", analyze("AI芯片")))]
        assert hits == ["a"]


def test_character_offsets_point_at_the_word() -> None:
    text = "端侧推理引擎MNN发布"
    for tok in KbAnalyzer()(text, chars=True, mode="index"):
        assert text[tok.startchar : tok.endchar].lower().startswith(tok.text[:1].lower())


def test_jieba_is_loaded_once_per_process(tmp_path) -> None:
    from kbtest import SAMPLE, make_config

    from indexer.build import reindex
    from kb import analysis

    engine = analysis._engine()
    reindex(make_config(tmp_path, SAMPLE))
    assert analysis._engine() is engine  # the dictionary load is not paid per document or per run


def test_the_dictionary_rjieba_loaded_at_import_is_the_first_engine() -> None:
    """Importing rjieba loads jieba's dictionary into its module instance; the first engine is
    that one (no second load). Another user dictionary gets a new instance, without the old words."""
    import subprocess
    import sys

    code = (
        "import rjieba\n"
        "from kb import analysis\n"
        "assert analysis._engine() is rjieba\n"
        "analysis.configure(['甲乙丙丁戊'])\n"
        "assert analysis._engine() is not rjieba and '甲乙丙丁戊' in analysis._engine().cut('甲乙丙丁戊')\n"
        "analysis.configure(['庚辛壬癸'])\n"
        "assert '甲乙丙丁戊' not in analysis._engine().cut('甲乙丙丁戊')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "text",
    [
        "端侧推理引擎MNN发布，深度学习框架 Tencent/ncnn 支持 int8 量化 https://github.com/Tencent/ncnn",
        "TensorFlow/PyTorch 对比：MobileNetV3 与 骁龙865 上的 AI芯片 arXiv 2011.12289v2",
        "quantization quantized quantize 量化 量化",
        "",
    ],
)
def test_token_positions_are_what_the_positions_format_makes_of_the_analyzer(text) -> None:
    from whoosh.formats import Positions

    fmt = Positions()
    expected = {w: fmt.decode_positions(v) for w, _, _, v in fmt.word_values(text, KbAnalyzer(), mode="index")}
    assert token_positions(text) == expected
