from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_config
from bot.errors import ConfigError
from tests.conftest import ROOT


def test_example_config_is_valid_and_documents_every_key() -> None:
    config = load_config(ROOT / "config.example.yaml")
    assert config.telegram.framework == "aiogram"
    text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
    for section in type(config).model_fields:
        assert f"{section}:" in text
        value = getattr(config, section)
        for key in getattr(type(value), "model_fields", {}):
            assert f"  {key}:" in text, f"{section}.{key} is not documented"


def test_environment_wins_and_hides_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("database:\n  url: postgresql://bot@db:5432/cm\n", encoding="utf-8")
    monkeypatch.setenv("CMBOT_TELEGRAM__TOKEN", "123:hunter2")
    monkeypatch.setenv("CMBOT_DATABASE__PASSWORD", "pw")
    config = load_config(path)
    assert config.telegram.token is not None
    assert config.telegram.token.get_secret_value() == "123:hunter2"
    assert "hunter2" not in repr(config)
    assert config.database_url() == "postgresql://bot:pw@db:5432/cm"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            "telegram:\n  framwork: ptb\n",
            ["c.yaml:2", "telegram.framwork", "unknown key", "framework"],
        ),
        ("language:\n  backend: cld3\n", ["c.yaml:2", "language.backend", "'cld3'", "py3langid"]),
        ("language:\n  detect: [french]\n", ["language.detect", "ISO 639-1"]),
        ("telegram: [1, 2\n", ["invalid YAML"]),
        ("- a\n- b\n", ["YAML mapping"]),
        ("a: 1\na: 2\n", ["duplicate key"]),
    ],
)
def test_wrong_keys_and_values_are_refused_clearly(
    tmp_path: Path, body: str, words: list[str]
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    for word in words:
        assert word in str(raised.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_calls_in_flight_default_to_what_suits_each_framework() -> None:
    from bot.config import Config

    assert Config(telegram={"framework": "aiogram"}).max_in_flight() == 16
    assert Config(telegram={"framework": "ptb"}).max_in_flight() == 4
    chosen = Config(telegram={"framework": "ptb"}, outbox={"max_in_flight": 12})
    assert chosen.max_in_flight() == 12
