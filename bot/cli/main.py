"""The ``cmbot`` command line. Library code raises; only this entry point exits."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot import __version__
from bot.cli.contest import contest, engagement
from bot.cli.db import db
from bot.cli.demo import demo
from bot.cli.evaluate import eval_command
from bot.cli.playbooks import playbooks
from bot.cli.report import report
from bot.cli.run import run
from bot.cli.shell import shell
from bot.cli.triage import triage
from bot.config import load_config
from bot.errors import CmbotError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cmbot")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Config file (default: ./config.yaml when present).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """cmbot: triage, answer and report on a brand's community."""
    ctx.obj = load_config(config_path)


for command in (triage, eval_command, playbooks, demo, shell, db, run, contest, engagement, report):
    cli.add_command(command)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CmbotError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
