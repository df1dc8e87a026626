"""The pattern pre-check never skips a pattern that would have matched, on any text."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app import SHIPPED_PLAYBOOKS
from bot.classify import pattern_filter
from bot.classify.checks import PATTERN_TEXT_LIMIT, pattern_checks
from bot.classify.pattern_filter import (
    PatternPrefilter,
    Requirement,
    ignores_case,
    required_literals,
    requirement,
    same_on_lowercase_ascii,
)
from bot.classify.playbook_index import compile_patterns
from bot.domain import CheckHit
from bot.playbooks import load_playbooks
from bot.text.normalise import Normalised, normalise
from bot.text.regex_case import canonical

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
PATTERNS = compile_patterns(load_playbooks(SHIPPED_PLAYBOOKS))

# Characters ``re`` treats specially under IGNORECASE, and look-alikes of ASCII letters.
TRICKY = (
    "iIıİsSſkK\u212aßẞSSσςΣµμΜιͅι\u1fbeθϑϐβεϵκϰπϖρϱφϕвᲀтᲃᲄ"
    "ﬅﬆåÅ\u212bΩ\u2126ǅǆǄ"
    "аеорсухАЕОРСХ"
    "!?#@$£€₹₽%&/.,:;'\"«» \t\n0123456789"
)
ALPHABET = st.sampled_from(TRICKY) | st.characters(codec="utf-8", exclude_categories=["Cs"])
TEXTS = st.text(alphabet=ALPHABET, max_size=40)
# Hand-written patterns over the tricky characters, alongside the shipped ones.
EXTRA = [
    re.compile(p, f)
    for p, f in [
        ("\u212aelvin", re.IGNORECASE),
        ("ıi", re.IGNORECASE),
        ("İstanbul", re.IGNORECASE),
        ("ſtop|stopp", re.IGNORECASE),
        ("straße", re.IGNORECASE),
        ("STRASSE", re.IGNORECASE),
        ("ΟΔΟΣ|σας", re.IGNORECASE),
        ("µm|ΜΜ", re.IGNORECASE),
        ("[åä]b", re.IGNORECASE),
        ("ﬅop", re.IGNORECASE),
        ("вот|тот", re.IGNORECASE),
        ("FREE|Win", 0),
        ("(?i)free", 0),
        ("a(?i:bc)", 0),
        ("[!?]{3}", 0),
        ("(?:ab|ſ[kK]){1,2}x?ΣΣ", re.IGNORECASE),
        (r"\bi\b.?[^a]ς|İ{2}", re.IGNORECASE),
        (r"\bk\w+", re.IGNORECASE),
    ]
]


def test_required_literals_of_an_alternation() -> None:
    regex = re.compile(r"\b(?:problems?|issues?|bug)\b", re.IGNORECASE)
    assert required_literals(regex) == frozenset({"problem", "problems", "issue", "issues", "bug"})


def test_non_ascii_literals_are_kept() -> None:
    regex = re.compile(r"(?:хочу|хотим) (?:купить|заказать)", re.IGNORECASE)
    assert required_literals(regex) == frozenset(
        {"хочу купить", "хочу заказать", "хотим купить", "хотим заказать"}
    )


def test_finite_parts_are_expanded() -> None:
    assert required_literals(re.compile("[!?]{2}")) == frozenset({"!!", "!?", "?!", "??"})
    assert required_literals(re.compile(r"\bstd\.? rates?\b", re.IGNORECASE)) == frozenset(
        {"std rate", "std rates", "std. rate", "std. rates"}
    )


def test_sequences_need_all_their_parts_and_branches_one() -> None:
    needed = requirement(re.compile(r"\d+p\s?(?:/|per\s)\s?(?:msg|min)|call\w+now"))
    assert needed is not None
    assert needed.holds({"p", "/", "msg"})
    assert needed.holds({"call", "now"})
    assert not needed.holds({"p", "msg"})
    assert not needed.holds({"call", "/"})


def test_literals_are_in_ignorecase_classes() -> None:
    assert required_literals(re.compile("\u212aelvin", re.IGNORECASE)) == frozenset({"kelvin"})
    assert required_literals(re.compile("ıI", re.IGNORECASE)) == frozenset({"ii"})
    assert required_literals(re.compile("ſ", re.IGNORECASE)) == frozenset({"s"})


def test_optional_parts_give_no_literal() -> None:
    assert required_literals(re.compile(r"(?:abc)?\d+")) is None
    assert required_literals(re.compile(r"a(?=b)|\w+")) is None


def test_case_sensitive_literals_keep_their_case() -> None:
    assert required_literals(re.compile(r"\bFREE\b")) == frozenset({"FREE"})


def test_prefilter_finds_the_candidates() -> None:
    prefilter = PatternPrefilter(
        [re.compile("free|win", re.IGNORECASE), re.compile("URGENT"), re.compile(r"\d+")]
    )
    assert prefilter.always == frozenset({2})
    assert prefilter.candidates("WIN now") == {0, 2}
    assert prefilter.candidates("urgent") == {2}
    assert prefilter.candidates("URGENT") == {1, 2}
    assert prefilter.candidates("\u212aelvin ſtop") == {2}
    assert prefilter.candidates("wın") == {0, 2}  # the dotless "ı" matches "i" too
    assert re.search("win", "wın", re.IGNORECASE)
    assert prefilter.candidates("WİN") == {0, 2}  # "İ" matches "i" under IGNORECASE


def _assert_exact(regexes: list[re.Pattern[str]], texts: list[str]) -> None:
    prefilter = PatternPrefilter(regexes)
    for text in texts:
        candidates = prefilter.candidates(text)
        for index, regex in enumerate(regexes):
            if regex.search(text) is not None:
                assert index in candidates, (regex.pattern, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=5))
def test_prefilter_is_exact_on_random_texts(parts: list[str]) -> None:
    regexes = [c.regex for c in PATTERNS] + EXTRA
    texts = [*parts, " ".join(parts), canonical(" ".join(parts)), " ".join(parts).upper()]
    _assert_exact(regexes, texts + [normalise(t).folded for t in texts])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TRICKY), max_size=12), st.text(alphabet=TRICKY, max_size=12))
def test_prefilter_is_exact_on_tricky_patterns(chars: list[str], text: str) -> None:
    literal = "".join(chars)
    regexes = [
        re.compile(re.escape(literal), re.IGNORECASE),
        re.compile(re.escape(literal)),
        re.compile(f"[{re.escape(literal)}]x", re.IGNORECASE) if literal else re.compile("x"),
    ]
    _assert_exact(regexes, [text, literal, literal.upper(), literal.lower(), text + literal])


def _reference_candidates(regexes: list[re.Pattern[str]], text: str) -> set[int]:
    """The candidates from each requirement evaluated afresh, without any memory."""
    found = set()
    for index, (regex, needed) in enumerate(zip(regexes, _requirements(regexes), strict=True)):
        compared = canonical(text) if ignores_case(regex) else text
        if needed is None or needed.holds({x for x in needed.literals() if x in compared}):
            found.add(index)
    return found


@functools.cache
def _requirements_of(regexes: tuple[re.Pattern[str], ...]) -> list[Requirement | None]:
    return [requirement(regex) for regex in regexes]


def _requirements(regexes: list[re.Pattern[str]]) -> list[Requirement | None]:
    return _requirements_of(tuple(regexes))


@pytest.mark.parametrize("limit", [pattern_filter.MEMO_LIMIT, 2])
def test_remembered_outcomes_are_the_fresh_ones(
    monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """Asked twice (the second time from memory, or after the memory was emptied at the
    limit), the candidates are those of every requirement evaluated afresh."""
    monkeypatch.setattr(pattern_filter, "MEMO_LIMIT", limit)
    texts = [
        "FREE entry!!! Call 09061701461 now, 150p/msg",
        "txt STOP to 87239 to opt out",
        "my order #123456 is late and nobody answers",
        "earn 500$ per day from home",
        "Заработок от 3000 руб в день",
        "check out my new youtube channel",
        "",
    ]
    path = DATA / "sms_spam_collection/data.jsonl"
    if path.is_file():
        with open(path, encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()][:200]
    texts += [normalise(t).folded for t in texts]
    regexes = [c.regex for c in PATTERNS] + EXTRA
    prefilter = PatternPrefilter(regexes)
    for _ in range(2):
        for text in texts:
            assert prefilter.candidates(text) == _reference_candidates(regexes, text), text


@functools.cache
def _prefilter_of(regexes: tuple[re.Pattern[str], ...]) -> PatternPrefilter:
    return PatternPrefilter(list(regexes))


@settings(max_examples=300, deadline=None)
@given(
    TEXTS,
    st.sampled_from(["same", "lower", "folded", "upper"]),
    st.sets(st.integers(0, len(PATTERNS) + len(EXTRA) - 1)),
    st.sets(st.integers(0, len(PATTERNS) + len(EXTRA) - 1)),
)
def test_both_at_once_are_the_two_calls(
    text: str, form: str, among: set[int], among_folded: set[int]
) -> None:
    """Shared or not (same compared text, nested or unrelated position sets), the two
    results are those of two separate calls."""
    other = {
        "same": text,
        "lower": text.lower(),
        "folded": normalise(text).folded,
        "upper": text.upper(),
    }[form]
    prefilter = _prefilter_of(tuple(c.regex for c in PATTERNS) + tuple(EXTRA))
    for first, second in ((among, among_folded), (among | among_folded, among_folded)):
        found, found_folded = prefilter.candidates_of_both(text, first, other, second)
        assert found & first == prefilter.candidates(text, first) & first
        expected = prefilter.candidates(other, second) & second if second else set()
        assert found_folded & second == expected


def test_same_matches_as_unfiltered_search_on_real_messages() -> None:
    texts = ["FREE entry!!! Call 09061701461 now", "my order #123456 is late", "ſtop 2 8007"]
    for name in ("sms_spam_collection/data.jsonl", "tg_spam_samples/messages.jsonl"):
        path = DATA / name
        if not path.is_file():
            pytest.skip("shared data not available")
        with open(path, encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    texts += [normalise(t).folded for t in texts]
    _assert_exact([c.regex for c in PATTERNS], texts)


def test_local_flags_are_noticed() -> None:
    assert same_on_lowercase_ascii(re.compile(r"\bfree\b", re.IGNORECASE))
    assert not same_on_lowercase_ascii(re.compile(r"\bFREE\b"))
    assert not same_on_lowercase_ascii(re.compile(r"(?-i:A)b", re.IGNORECASE))
    assert not same_on_lowercase_ascii(re.compile(r"x(?=(?-i:A))", re.IGNORECASE))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_lowercase_ascii_finds_the_same(text: str) -> None:
    for regex in [c.regex for c in PATTERNS] + EXTRA:
        if same_on_lowercase_ascii(regex):
            for variant in (text, text.upper(), text.title()):
                found = regex.search(variant) is not None
                assert found == (regex.search(variant.lower()) is not None), (regex, variant)


def _unfiltered_pattern_checks(norm: Normalised, language: str) -> tuple[list[CheckHit], dict]:
    """Every applicable pattern searched in the text, then (ignoring case) in the folded text."""
    checks, variables = [], {}
    text, folded = norm.clean[:PATTERN_TEXT_LIMIT], norm.folded[:PATTERN_TEXT_LIMIT]
    for compiled in PATTERNS.patterns:
        rule = compiled.rule
        if rule.languages and language not in rule.languages:
            continue
        match = compiled.regex.search(text)
        if match is None and not rule.case_sensitive and norm.folded != text:
            match = compiled.regex.search(folded)
        if match is None:
            continue
        if rule.extract:
            value = match.groupdict().get(rule.extract) or (
                match.group(1) if match.groups() else match.group(0)
            )
            if value:
                variables.setdefault(rule.extract, value.strip())
        if rule.weight > 0:
            name = f"pattern.{rule.id}"
            checks.append(
                CheckHit(name, compiled.category, rule.weight, {"matched": match.group(0)[:80]})
            )
    return checks, variables


def test_pattern_checks_are_those_of_every_pattern_searched() -> None:
    texts = ["FREE entry!!! Call 09061701461 now", "my order #123456 is late", "ſtop 2 8007"]
    texts += ["Ma commande n° 123456 n'est toujours pas arrivée!!!", "СРОЧНО пиши +", "WIN £500"]
    for name in ("sms_spam_collection/data.jsonl", "tg_spam_samples/messages.jsonl"):
        path = DATA / name
        if path.is_file():
            with open(path, encoding="utf-8") as handle:
                texts += [json.loads(line)["text"] for line in handle if line.strip()][:1500]
    for text in texts:
        norm = normalise(text)
        for language in ("en", "fr", "ru"):
            variables: dict[str, str] = {}
            found = pattern_checks(PATTERNS, norm, language, variables)
            assert (found, variables) == _unfiltered_pattern_checks(norm, language), text
