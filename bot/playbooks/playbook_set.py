"""A validated set of playbooks: what the classifier and the drafts read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import Problem
from bot.playbooks.model import CategoryPlaybook, SentimentPlaybook, Settings
from bot.playbooks.yaml_source import SourcedDocument


@dataclass
class PlaybookSet:
    """Every playbook of a folder, validated."""

    directory: Path
    settings: Settings
    categories: dict[str, CategoryPlaybook]
    sentiment: SentimentPlaybook | None
    files: dict[str, str] = field(default_factory=dict)  # category name -> file
    sources: dict[str, SourcedDocument] = field(default_factory=dict)
    fingerprint: str = ""
    warnings: list[Problem] = field(default_factory=list)

    @property
    def languages(self) -> list[str]:
        return list(self.settings.languages)

    @property
    def default_language(self) -> str:
        return self.settings.default_language

    def by_priority(self) -> list[CategoryPlaybook]:
        return sorted(self.categories.values(), key=lambda c: (-c.priority, c.category))
