"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_classifier
from bot.classify.classifier import Classifier
from bot.config import Config
from bot.playbooks import PlaybookSet, load_playbooks

ROOT = Path(__file__).resolve().parent.parent
PLAYBOOKS = ROOT / "playbooks"
BROKEN = ROOT / "tests" / "fixtures" / "playbooks_broken"
DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shipped_playbooks() -> PlaybookSet:
    return load_playbooks(PLAYBOOKS)


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    """The shipped playbooks' classifier, trained once per session (do not teach it)."""
    return build_classifier(Config(), playbooks_dir=PLAYBOOKS)


@pytest.fixture()
def fresh_classifier() -> Classifier:
    """A classifier of its own, for tests that teach it corrections."""
    return build_classifier(Config(), playbooks_dir=PLAYBOOKS)


def data_file(*parts: str) -> Path:
    path = DATA.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"shared data not found at {path}")
    return path
