"""``cmbot playbooks check DIR``."""

from __future__ import annotations

from pathlib import Path

import click

from bot.playbooks import check_playbooks


@click.group()
def playbooks() -> None:
    """Work with playbook folders."""


@playbooks.command("check")
@click.argument("directory", type=click.Path(path_type=Path), default=Path("playbooks"))
def check(directory: Path) -> None:
    """Validate the playbooks in DIRECTORY; exit 1 with file:line: key: message lines."""
    problems = check_playbooks(directory)
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        click.echo(str(problem), err=problem.severity == "error")
    if errors:
        click.echo(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)", err=True)
        raise SystemExit(1)
    click.echo(f"{directory}: playbooks are valid ({len(problems)} warning(s))")
