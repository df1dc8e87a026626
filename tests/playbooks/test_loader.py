from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import PlaybookError
from bot.playbooks import check_playbooks, load_playbooks
from tests.conftest import BROKEN, PLAYBOOKS

# folder -> (file, line, key, words of the message)
EXPECTED = {
    "bad_yaml": ("complaint.yaml", 9, "<yaml>", "invalid YAML"),
    "unknown_key": ("complaint.yaml", 7, "keywrds", "unknown key"),
    "bad_regex": ("complaint.yaml", 12, "patterns.0.regex", "does not compile"),
    "catastrophic_regex": ("complaint.yaml", 12, "patterns.0.regex", "backtrack catastrophically"),
    "missing_language": ("praise.yaml", 15, "replies.thanks", "missing the default language 'fr'"),
    "unknown_variable": (
        "praise.yaml",
        17,
        "replies.thanks.fr.0",
        "unknown template variable {customer_nmae}",
    ),
    "unknown_reply": ("praise.yaml", 20, "reply", "unknown reply id 'nope'"),
    "duplicate_example": ("praise.yaml", 12, "examples.fr.1", "also an example of 'complaint'"),
    "unreachable": ("praise.yaml", 4, "category", "can never match"),
}


def test_shipped_playbooks_are_valid_without_warnings(shipped_playbooks) -> None:
    assert check_playbooks(PLAYBOOKS) == []
    assert shipped_playbooks.default_language == "fr"
    assert {"fr", "en", "ru"} <= set(shipped_playbooks.languages)
    assert {"complaint", "question", "spam", "lead", "praise"} <= set(shipped_playbooks.categories)
    faq = shipped_playbooks.categories["question"].faq
    assert len(faq) >= 15


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_each_broken_fixture_names_file_line_and_key(folder: str) -> None:
    file, line, key, words = EXPECTED[folder]
    errors = [p for p in check_playbooks(BROKEN / folder) if p.severity == "error"]
    assert len(errors) == 1, errors
    problem = errors[0]
    assert Path(problem.file).name == file
    assert (problem.line, problem.key) == (line, key)
    assert words in problem.message
    assert str(problem).startswith(f"{problem.file}:{line}: {key}: ")
    with pytest.raises(PlaybookError) as raised:
        load_playbooks(BROKEN / folder)
    assert str(problem) in str(raised.value)


def test_folder_without_settings_is_refused() -> None:
    errors = check_playbooks(BROKEN / "no_settings")
    assert [p.key for p in errors] == ["kind"]
    assert "exactly one 'kind: settings'" in errors[0].message


def test_missing_folder_and_empty_folder(tmp_path: Path) -> None:
    assert "not a folder" in str(check_playbooks(tmp_path / "nope")[0])
    assert "no .yaml playbook files" in str(check_playbooks(tmp_path)[0])


def test_yes_and_no_stay_strings(tmp_path: Path) -> None:
    (tmp_path / "settings.yaml").write_text(_base_settings(), encoding="utf-8")
    (tmp_path / "praise.yaml").write_text(
        "version: 1\nkind: category\ncategory: praise\npriority: 1\nkeywords: {en: [yes, on, y]}\n",
        encoding="utf-8",
    )
    (tmp_path / "sentiment.yaml").write_text(
        "version: 1\nkind: sentiment\nlanguages:\n  en:\n    negations: [no, off, n]\n",
        encoding="utf-8",
    )
    playbooks = load_playbooks(tmp_path)
    assert playbooks.sentiment is not None
    assert playbooks.sentiment.languages["en"].negations == ["no", "off", "n"]
    assert playbooks.categories["praise"].keywords["en"] == ["yes", "on", "y"]


def test_wrong_value_names_the_value(tmp_path: Path) -> None:
    shutil.copytree(PLAYBOOKS, tmp_path / "pb")
    path = tmp_path / "pb" / "praise.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("priority:", "priority: high #", 1), encoding="utf-8")
    problems = check_playbooks(tmp_path / "pb")
    assert any(p.key == "priority" and "'high" in p.message for p in problems), problems


def _base_settings() -> str:
    return "version: 1\nkind: settings\nbrand: B\nlanguages: [fr, en]\ndefault_language: fr\n"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_loader_never_crashes_on_arbitrary_text(tmp_path: Path, body: str) -> None:
    folder = tmp_path / "fuzz"
    folder.mkdir(exist_ok=True)
    (folder / "settings.yaml").write_text(_base_settings(), encoding="utf-8")
    (folder / "x.yaml").write_text(body, encoding="utf-8", errors="surrogatepass")
    try:
        load_playbooks(folder)
    except PlaybookError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file and problem.key and problem.line >= 0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "priority",
                "threshold",
                "keywords",
                "examples",
                "replies",
                "reply",
                "patterns",
                "bogus",
            ]
        ),
        st.one_of(
            st.integers(),
            st.text(max_size=20),
            st.lists(st.text(max_size=10), max_size=3),
            st.dictionaries(
                st.sampled_from(["fr", "en", "xx"]), st.lists(st.text(max_size=20), max_size=3)
            ),
        ),
        max_size=6,
    )
)
def test_loader_reports_structured_problems_for_random_categories(
    tmp_path: Path, extra: dict
) -> None:
    import yaml

    folder = tmp_path / "fuzz2"
    folder.mkdir(exist_ok=True)
    (folder / "settings.yaml").write_text(_base_settings(), encoding="utf-8")
    doc = {
        "version": 1,
        "kind": "category",
        "category": "praise",
        "priority": 10,
        "keywords": {"fr": ["merci"]},
        **extra,
    }
    (folder / "praise.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    try:
        load_playbooks(folder)
    except PlaybookError as exc:
        assert all(":" in str(p) for p in exc.problems)
