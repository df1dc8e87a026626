"""Read YAML while remembering where every key and item came from.

PyYAML's composer gives nodes with marks; we build plain Python data from them and, beside
it, a map from each path (tuple of keys and indexes) to its 1-based line. Validation errors
can then say ``file:line: key: message`` for any path, even one that is only a prefix of
where the problem is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]


class StrictBoolLoader(yaml.SafeLoader):
    """SafeLoader where only true/false are booleans (as in YAML 1.2), so that a keyword
    such as ``no``, ``off`` or ``y`` stays the string a playbook author wrote."""


StrictBoolLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictBoolLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass
class SourcedDocument:
    """Plain data loaded from one YAML file plus the line of every path in it."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int:
        """The line of ``path``, or of its longest known prefix (1 for the document)."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)


class DuplicateKeyError(ValueError):
    def __init__(self, key: str, line: int, first_line: int) -> None:
        super().__init__(f"duplicate key {key!r} (first defined on line {first_line})")
        self.key = key
        self.line = line


def _construct(
    node: yaml.Node, path: PathKey, lines: dict[PathKey, int], scalars: StrictBoolLoader
) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, (*path, "<key>"), {}, scalars)
            if isinstance(key, list | dict):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            key_line = key_node.start_mark.line + 1
            if key in seen:
                raise DuplicateKeyError(str(key), key_line, seen[key])
            seen[key] = key_line
            child = (*path, str(key))
            lines[child] = key_line
            result[key] = _construct(value_node, child, lines, scalars)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, (*path, index), lines, scalars)
            for index, item in enumerate(node.value)
        ]
    # Scalars: let the safe constructor resolve ints, floats, bools, null, strings.
    return scalars.construct_object(node, deep=True)


def load_sourced(path: Path, display_name: str | None = None) -> SourcedDocument:
    """Parse one YAML file into a :class:`SourcedDocument`.

    Raises ``yaml.YAMLError`` (with a mark) or :class:`DuplicateKeyError`; callers turn
    them into located problems.
    """
    text = path.read_text(encoding="utf-8")
    node = yaml.compose(text, Loader=StrictBoolLoader)
    doc = SourcedDocument(file=display_name or str(path), data=None)
    if node is None:
        return doc
    doc.data = _construct(node, (), doc.lines, StrictBoolLoader(""))
    return doc
