"""Options and helpers shared by the commands."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from bot.app import read_labelled
from bot.classify.text_model import TrainingRow

F = TypeVar("F", bound=Callable[..., Any])

# Outside Telegram there is no bot to link to: the demo and the shell show where the
# deep link to the private chat goes.
DEMO_VARIABLES = {"deep_link": "https://t.me/your_bot?start=case"}


def playbooks_option(func: F) -> F:
    return click.option(
        "--playbooks",
        "playbooks_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Playbook folder (default: from the config, else ./playbooks).",
    )(func)


def train_option(func: F) -> F:
    return click.option(
        "--train",
        "train_files",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Labelled JSONL ({text, label}) added to the playbook examples; repeatable.",
    )(func)


def training_rows(files: Sequence[Path]) -> list[TrainingRow]:
    rows: list[TrainingRow] = []
    for path in files:
        rows.extend(read_labelled(path))
    return rows
