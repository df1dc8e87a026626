"""The pattern pre-check never skips a pattern that would have matched."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.app import SHIPPED_PLAYBOOKS
from bot.classify.pattern_filter import may_match, required_literals
from bot.classify.playbook_index import compile_patterns
from bot.playbooks import load_playbooks

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def test_required_literals_of_an_alternation() -> None:
    regex = re.compile(r"\b(?:problems?|issues?|bug)\b", re.IGNORECASE)
    assert required_literals(regex) == frozenset({"problem", "issue", "bug"})


def test_non_ascii_alternatives_cannot_occur_in_ascii_text() -> None:
    regex = re.compile(r"(?:хочу|хотим) (?:купить|заказать)", re.IGNORECASE)
    assert required_literals(regex) == frozenset()
    assert not may_match(frozenset(), "anything")


def test_characters_that_fold_to_ascii_disable_the_filter() -> None:
    assert required_literals(re.compile("\u212aelvin", re.IGNORECASE)) is None  # Kelvin sign
    assert required_literals(re.compile("ı", re.IGNORECASE)) is None  # dotless i matches "I"


def test_optional_parts_give_no_literal() -> None:
    assert required_literals(re.compile(r"(?:abc)?\d+")) is None
    assert may_match(None, "")


def test_case_sensitive_literals_keep_their_case() -> None:
    assert required_literals(re.compile(r"\bFREE\b")) == frozenset({"FREE"})


def test_same_matches_as_unfiltered_search() -> None:
    patterns = compile_patterns(load_playbooks(SHIPPED_PLAYBOOKS))
    texts = ["FREE entry!!! Call 09061701461 now", "my order #123456 is late", "ſtop 2 8007"]
    path = DATA / "sms_spam_collection" / "data.jsonl"
    if not path.is_file():
        pytest.skip("shared data not available")
    with open(path, encoding="utf-8") as handle:
        texts += [json.loads(line)["text"] for line in handle if line.strip()]
    for compiled in patterns:
        for text in texts:
            if not text.isascii():
                continue
            haystack = text.lower() if compiled.ignore_case else text
            if compiled.regex.search(text) is not None:
                assert may_match(compiled.literals, haystack), (compiled.rule.id, text)
