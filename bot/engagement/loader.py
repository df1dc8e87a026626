"""Load engagement definitions from YAML with ``file:line: key: message`` errors.

They live in ``<playbooks>/engagement/*.yaml`` (the playbook loader reads only the files at the
top of ``<playbooks>``, so it never sees them). :func:`check_definitions` lists the problems of
a folder; :func:`load_definition` raises :class:`~bot.errors.PlaybookError` with all of them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.engagement.definitions import KINDS, Definition, deadline_problem
from bot.errors import PlaybookError, Problem
from bot.playbooks.loader import _pydantic_problems
from bot.playbooks.yaml_source import DuplicateKeyError, load_sourced

MAX_FILE_BYTES = 256 * 1024
FOLDER = "engagement"


def definition_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def parse_definition(
    path: Path, now: datetime, name: str | None = None
) -> tuple[Definition | None, list[Problem]]:
    """The definition in ``path`` and its problems (no definition when there are any)."""
    name = name or str(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        return None, [Problem(name, 1, "<file>", f"larger than {MAX_FILE_BYTES} bytes")]
    try:
        doc = load_sourced(path, name)
    except DuplicateKeyError as exc:
        return None, [Problem(name, exc.line, exc.key, str(exc))]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(name, line, "<yaml>", f"invalid YAML: {reason}")]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, 1, "<file>", f"not UTF-8 text: {exc.reason}")]
    if not isinstance(doc.data, dict):
        return None, [Problem(name, 1, "<document>", "a definition must be a YAML mapping")]
    kind = doc.data.get("kind")
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        allowed = ", ".join(sorted(KINDS))
        return None, [Problem(name, doc.line_of(("kind",)), "kind", f"got {kind!r}; use {allowed}")]
    try:
        definition = model.model_validate(doc.data)
    except ValidationError as exc:
        return None, _pydantic_problems(doc, exc, model)  # type: ignore[arg-type]
    late = deadline_problem(definition, now)
    if late is not None:
        return None, [Problem(name, doc.line_of((late[0],)), late[0], late[1])]
    return definition, []


def check_definitions(directory: Path, now: datetime) -> list[Problem]:
    """Every problem in the definitions of ``directory``, plus duplicate ids."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in definition_files(directory):
        definition, found = parse_definition(path, now)
        problems.extend(found)
        if definition is not None and definition.id is not None:
            if definition.id in seen:
                message = f"id {definition.id!r} is also used by {seen[definition.id]}"
                problems.append(Problem(str(path), 1, "id", message))
            seen.setdefault(definition.id, str(path))
    return problems


def load_definition(path: Path, now: datetime) -> Definition:
    definition, problems = parse_definition(path, now)
    if definition is None:
        raise PlaybookError(problems)
    return definition


def find_definition(playbooks: Path, key: str, now: datetime) -> Definition:
    """The definition with id (or file stem) ``key`` in ``<playbooks>/engagement``."""
    folder = playbooks / FOLDER
    for path in definition_files(folder):
        definition, problems = parse_definition(path, now)
        if path.stem == key or (definition is not None and definition.id == key):
            if definition is None:
                raise PlaybookError(problems)
            return definition
    known = ", ".join(p.stem for p in definition_files(folder)) or "none"
    raise PlaybookError([Problem(str(folder), 0, key, f"no definition {key!r} (known: {known})")])
