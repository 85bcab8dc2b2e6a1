"""kb.yaml: works without a file, resolves relative paths, names the bad key."""

from __future__ import annotations

import pytest

from kb.config import DATA_DIR, SETTINGS, load_config
from kb.errors import ConfigError


def test_defaults_without_a_file(tmp_path) -> None:
    config = load_config(cwd=tmp_path)
    assert config.index == (tmp_path / "data" / "index").resolve()
    assert config.companies == DATA_DIR / "companies.yaml"
    assert config.port == 8000 and config.source is None
    assert config.max_body_kb == 512


def test_kb_yaml_in_the_working_folder_is_read_and_paths_are_relative_to_it(tmp_path) -> None:
    (tmp_path / "kb.yaml").write_text("archive: issues\nport: 9001\n", encoding="utf-8")
    config = load_config(cwd=tmp_path)
    assert config.archive == (tmp_path / "issues").resolve() and config.port == 9001


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("archiv: x\n", "unknown key 'archiv'"),
        ("port: eighty\n", "key 'port'"),
        ("port: 70000\n", "key 'port'"),
        ("index: ''\n", "key 'index'"),
        ("- a\n- b\n", "mapping"),
        ("archive: [unclosed\n", "not valid YAML"),
        ("threads: 0\n", "key 'threads'"),
        ("max_body_kb: 0\n", "key 'max_body_kb' must be between 1 and 65536"),
        ("max_body_kb: 512 KB\n", "key 'max_body_kb' must be int"),
    ],
)
def test_bad_files_name_the_key(tmp_path, text: str, needle: str) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=needle.replace("[", r"\[")):
        load_config(path)


def test_missing_config_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_every_setting_has_help() -> None:
    assert all(s.help for s in SETTINGS)


@pytest.mark.parametrize(
    ("key", "text", "needle"),
    [
        ("companies", "companies: [a, b]\n", "'companies' must be a mapping"),
        ("companies", "companies:\n  X: {aliases: [x]}\nproducts: {p: Y}\n", "unknown company 'Y'"),
        ("userdict", "words: nope\n", "'words' must be a list"),
        ("synonyms", "groups: [a, b]\n", "list of lists"),
        ("synonyms", "groups: [unclosed\n", "synonym table"),
    ],
)
def test_bad_tables_are_clear_errors(tmp_path, key, text, needle) -> None:
    from kb.analysis import load_user_dictionary
    from kb.companies import load_companies
    from kb.synonyms import load_synonyms

    path = tmp_path / f"{key}.yaml"
    path.write_text(text, encoding="utf-8")
    loader = {"companies": load_companies, "userdict": load_user_dictionary, "synonyms": load_synonyms}[key]
    with pytest.raises(ConfigError, match=needle):
        loader(path)
