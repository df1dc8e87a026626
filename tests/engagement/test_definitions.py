"""Definitions are refused with file:line: key: message errors, like playbooks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.engagement.loader import check_definitions, load_definition, parse_definition
from bot.errors import PlaybookError

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str, name: str = "item.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    definition, found = parse_definition(write(tmp_path, text), NOW, "item.yaml")
    assert definition is None
    return [str(p) for p in found]


def test_shipped_definitions_are_valid_and_ignored_by_the_playbook_loader() -> None:
    assert check_definitions(ROOT / "playbooks" / "engagement", NOW) == []
    from bot.playbooks import check_playbooks

    assert [p for p in check_playbooks(ROOT / "playbooks") if p.severity == "error"] == []


def test_too_many_poll_options_names_file_line_and_key(tmp_path: Path) -> None:
    options = "\n".join(f"  - option {i}" for i in range(13))
    found = problems(
        tmp_path, f"kind: poll\nchat: -100\nquestion: Which?\nduration: 1d\noptions:\n{options}\n"
    )
    assert len(found) == 1
    assert found[0].startswith("item.yaml:5: options: ") and "at most 12" in found[0]


def test_one_option_is_refused(tmp_path: Path) -> None:
    found = problems(
        tmp_path, "kind: poll\nchat: -100\nquestion: Which?\nduration: 1d\noptions: [A]\n"
    )
    assert found[0].startswith("item.yaml:5: options:")


def test_quiz_without_correct_answer(tmp_path: Path) -> None:
    text = (
        "kind: quiz\ntitle: Trivia\nchat: -100\nquestions:\n"
        "  - question: Where?\n    options: [Grasse, Lyon]\n"
        "  - question: What?\n    options: [A, B]\n    correct: C\n"
    )
    found = problems(tmp_path, text)
    assert any(p.startswith("item.yaml:5: questions.0:") and "needs `correct`" in p for p in found)
    assert any(
        p.startswith("item.yaml:7: questions.1:") and "'C' is not one of" in p for p in found
    )


def test_too_long_question_and_explanation(tmp_path: Path) -> None:
    long_q, long_e = "Q" * 301, "E" * 201
    text = (
        f"kind: quiz\ntitle: T\nchat: -100\nquestions:\n  - question: {long_q}\n"
        f"    options: [A, B]\n    correct: 0\n    explanation: {long_e}\n"
    )
    found = problems(tmp_path, text)
    assert any(p.startswith("item.yaml:5: questions.0.question:") and "300" in p for p in found)
    assert any(p.startswith("item.yaml:8: questions.0.explanation:") and "200" in p for p in found)


def test_deadline_in_the_past(tmp_path: Path) -> None:
    text = "kind: contest\ntitle: Win\nchat: -100\ncloses_at: 2026-11-01T00:00:00Z\n"
    found = problems(tmp_path, text)
    assert found == [
        "item.yaml:4: closes_at: deadline 2026-11-01T00:00:00+00:00 is in the past"
        " (now 2026-11-22T12:00:00+00:00); set a later closes_at or use duration"
    ]


def test_unknown_key_kind_and_yaml_errors(tmp_path: Path) -> None:
    assert any(
        "item.yaml:2: colour: unknown key 'colour'" in p
        for p in problems(tmp_path, "kind: poll\ncolour: red\n")
    )
    assert problems(tmp_path, "kind: survey\n") == [
        "item.yaml:1: kind: got 'survey'; use contest, poll, quiz"
    ]
    assert "invalid YAML" in problems(tmp_path, "kind: poll\n  bad: [\n")[0]
    entry = problems(
        tmp_path, "kind: contest\ntitle: W\nchat: 1\nduration: 1d\nentry:\n  action: comment\n"
    )
    assert entry[0].startswith("item.yaml:5: entry:") and "keyword" in entry[0]


def test_load_raises_playbook_error_and_duplicate_ids(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError, match="closes_at"):
        load_definition(write(tmp_path, "kind: poll\nchat: 1\nquestion: Q\noptions: [A, B]\n"), NOW)
    good = "kind: poll\nid: same\nchat: 1\nquestion: Q\noptions: [A, B]\nduration: 1h\n"
    write(tmp_path, good, "a.yaml")
    write(tmp_path, good, "b.yaml")
    (tmp_path / "item.yaml").unlink()
    found = [str(p) for p in check_definitions(tmp_path, NOW)]
    assert len(found) == 1 and "id 'same' is also used by" in found[0]


def test_cli_engagement_check(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli.main import cli

    runner = CliRunner()
    ok = runner.invoke(cli, ["engagement", "check", str(ROOT / "playbooks" / "engagement")])
    assert ok.exit_code == 0 and "definitions are valid" in ok.output
    write(
        tmp_path,
        "kind: quiz\ntitle: T\nchat: 1\nquestions:\n  - question: Q\n    options: [A, B]\n",
    )
    bad = runner.invoke(cli, ["engagement", "check", str(tmp_path)])
    assert bad.exit_code == 1 and "item.yaml:5: questions.0:" in bad.output
