"""The command line, run as a user runs it: the installed ``cmbot`` in a subprocess."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BROKEN, PLAYBOOKS, ROOT, data_file

CMBOT = [sys.executable, "-m", "bot.cli.main"]


def run(
    *args: str,
    stdin: str | None = None,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [*CMBOT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=600,
    )


def test_playbooks_check_exit_codes() -> None:
    ok = run("playbooks", "check", str(PLAYBOOKS))
    assert ok.returncode == 0, ok.stderr
    assert "valid" in ok.stdout
    bad = run("playbooks", "check", str(BROKEN / "catastrophic_regex"))
    assert bad.returncode == 1
    assert "complaint.yaml:12: patterns.0.regex: can backtrack catastrophically" in bad.stderr


def test_triage_contract_on_real_data(tmp_path: Path) -> None:
    lines = []
    for name in (
        "sms_spam_collection/data.jsonl",
        "tg_spam_samples/messages.jsonl",
        "complaints_twitter/dev.jsonl",
        "langid_tatoeba/dev.jsonl",
    ):
        with data_file(*name.split("/")).open(encoding="utf-8") as handle:
            lines += [next(handle) for _ in range(15)]
    lines.append(
        json.dumps({"text": "Où est mon colis ?", "lang_hint": "fr", "kind": "dm", "ticket": 7})
    )
    result = run("triage", "--playbooks", str(PLAYBOOKS), stdin="".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines)
    for source, verdict in zip(lines, out, strict=True):
        original = json.loads(source)
        for key, value in original.items():
            if key not in ("category", "language", "labels", "sentiment", "confidence", "checks"):
                assert verdict[key] == value  # copied through
        assert verdict["category"] in ("complaint", "question", "spam", "lead", "praise", "other")
        assert verdict["category"] in verdict["labels"]
        assert len(verdict["language"]) == 2
        assert verdict["sentiment"] in ("negative", "neutral", "positive")
        assert 0 <= verdict["confidence"] <= 1
        assert all({"name", "category", "score", "details"} <= set(c) for c in verdict["checks"])
    assert out[-1]["ticket"] == 7 and out[-1]["language"] == "fr"


def test_triage_with_training_file_and_reply(tmp_path: Path) -> None:
    train = tmp_path / "train.jsonl"
    rows = [
        {"text": f"zorglub offer number {i} buy zorglub tokens", "label": "spam"} for i in range(6)
    ]
    rows += [{"text": f"thanks for the lovely cream number {i}", "label": "ham"} for i in range(6)]
    train.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = run(
        "triage",
        "--train",
        str(train),
        "--reply",
        stdin=json.dumps({"text": "Merci pour la livraison rapide, la crème est parfaite"}) + "\n",
    )
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout)
    assert line["category"] == "praise"
    assert line["reply"]


def test_triage_bad_input_is_a_clear_error() -> None:
    result = run("triage", stdin='{"text": "ok"}\nnot json\n')
    assert result.returncode == 2
    assert "<stdin>:2: not JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_eval_prints_metrics_and_confusion() -> None:
    path = data_file("tg_spam_samples", "messages.jsonl")
    result = run("eval", str(path), "--json", "--limit", "120")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["task"] == "spam"
    assert set(report["per_class"]) == {"spam", "ham"}
    assert sum(sum(row.values()) for row in report["confusion"].values()) == 120
    assert "ham_false_positive_rate" in report


def test_eval_cross_validation_runs() -> None:
    path = data_file("complaints_twitter", "dev.jsonl")
    result = run("eval", str(path), "--folds", "2", "--seed", "3", "--limit", "200", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["folds"], report["seed"]) == (2, 3)


def test_demo_writes_the_database_and_explains(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = run("demo", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "messages" in result.stdout and str(db.name) in result.stdout
    with sqlite3.connect(db) as connection:
        inbound = connection.execute("select count(*) from inbound_messages").fetchone()[0]
        verdicts = connection.execute("select count(*) from verdicts").fetchone()[0]
    assert inbound >= 40 and verdicts == inbound


def test_shell_answers_in_the_customer_language(tmp_path: Path) -> None:
    script = "/lang en\nWhere is my order? It has been two weeks\n/correct complaint\n/quit\n"
    result = run("shell", "--no-store", stdin=script, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "bot" in result.stdout
    assert "learned" in result.stdout


def test_config_errors_name_key_value_and_allowed(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("telegram:\n  framework: pyrogram\n", encoding="utf-8")
    result = run("--config", str(config), "playbooks", "check", str(PLAYBOOKS))
    assert result.returncode == 2
    assert f"{config}:2: telegram.framework" in result.stderr
    assert "'aiogram' or 'ptb'" in result.stderr and "pyrogram" in result.stderr


def test_db_upgrade_on_sqlite(tmp_path: Path) -> None:
    result = run(
        "db", "upgrade", cwd=tmp_path, env={"CMBOT_DATABASE__URL": f"sqlite:///{tmp_path}/x.db"}
    )
    assert result.returncode == 0, result.stderr
    assert "schema at revision" in result.stdout


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["triage", "--help"]])
def test_help_and_version(args: list[str]) -> None:
    assert run(*args).returncode == 0
