"""Load a playbook folder: parse, structural pass, cross-file pass.

:func:`load_playbooks` raises :class:`~bot.errors.PlaybookError` listing every error as
``file:line: key: message``; :func:`check_playbooks` returns errors and warnings for the
``cmbot playbooks check`` command.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.errors import PlaybookError, Problem
from bot.playbooks.model import KINDS, CategoryPlaybook, Strict
from bot.playbooks.playbook_set import PlaybookSet
from bot.playbooks.validate import cross_check
from bot.playbooks.yaml_source import DuplicateKeyError, SourcedDocument, load_sourced

MAX_FILE_BYTES = 2_000_000


def _playbook_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _describe_input(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _pydantic_problems(
    doc: SourcedDocument, error: ValidationError, model: type[Strict]
) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = tuple(part for part in item["loc"] if not str(part).startswith("function-"))
        key = ".".join(str(part) for part in loc) or "<document>"
        if item["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}; check the spelling (see the playbook format)"
        else:
            message = f"{item['msg']} (got {_describe_input(item.get('input'))})"
        problems.append(Problem(doc.file, doc.line_of(loc), key, message))
    return problems


def _regex_problems(doc: SourcedDocument, playbook: CategoryPlaybook) -> list[Problem]:
    problems = []
    for index, rule in enumerate(playbook.patterns):
        try:
            re.compile(rule.regex)
        except re.error as exc:
            line = doc.line_of(("patterns", index, "regex"))
            problems.append(
                Problem(doc.file, line, f"patterns.{index}.regex", f"does not compile: {exc}")
            )
    return problems


def _parse_file(
    path: Path, name: str
) -> tuple[SourcedDocument | None, Strict | None, list[Problem]]:
    if path.stat().st_size > MAX_FILE_BYTES:
        return None, None, [Problem(name, 1, "<file>", f"larger than {MAX_FILE_BYTES} bytes")]
    try:
        doc = load_sourced(path, name)
    except DuplicateKeyError as exc:
        return None, None, [Problem(name, exc.line, exc.key, str(exc))]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc)
        return None, None, [Problem(name, line, "<yaml>", f"invalid YAML: {reason}")]
    except UnicodeDecodeError as exc:
        return None, None, [Problem(name, 1, "<file>", f"not UTF-8 text: {exc.reason}")]
    if not isinstance(doc.data, dict):
        return doc, None, [Problem(name, 1, "<document>", "a playbook must be a YAML mapping")]
    kind = doc.data.get("kind")
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        allowed = ", ".join(sorted(KINDS))
        return (
            doc,
            None,
            [Problem(name, doc.line_of(("kind",)), "kind", f"got {kind!r}; allowed: {allowed}")],
        )
    try:
        parsed = model.model_validate(doc.data)
    except ValidationError as exc:
        return doc, None, _pydantic_problems(doc, exc, model)
    problems = _regex_problems(doc, parsed) if isinstance(parsed, CategoryPlaybook) else []
    return doc, parsed, problems


def _assemble(directory: Path) -> tuple[PlaybookSet | None, list[Problem]]:
    folder = str(directory)
    if not directory.is_dir():
        return None, [Problem(folder, 0, "<folder>", "not a folder of playbooks")]
    files = _playbook_files(directory)
    if not files:
        return None, [Problem(folder, 0, "<folder>", "no .yaml playbook files found")]
    problems: list[Problem] = []
    parsed: list[tuple[SourcedDocument, Strict]] = []
    digest = hashlib.sha256()
    for path in files:
        name = str(path)
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        doc, model, found = _parse_file(path, name)
        problems.extend(found)
        if doc is not None and model is not None and not found:
            parsed.append((doc, model))
    playbooks, cross = cross_check(directory, parsed)
    problems.extend(cross)
    if playbooks is not None:
        playbooks.fingerprint = digest.hexdigest()
    return playbooks, problems


def check_playbooks(directory: Path) -> list[Problem]:
    """Every error and warning for a folder, without raising."""
    _, problems = _assemble(directory)
    return problems


def load_playbooks(directory: Path | str) -> PlaybookSet:
    """Load and validate a folder; raises :class:`PlaybookError` on any error."""
    playbooks, problems = _assemble(Path(directory))
    errors = [p for p in problems if p.severity == "error"]
    if errors or playbooks is None:
        raise PlaybookError(errors or problems)
    playbooks.warnings = [p for p in problems if p.severity == "warning"]
    return playbooks
