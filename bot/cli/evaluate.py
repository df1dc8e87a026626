"""``cmbot eval``: precision, recall, F1 and a confusion matrix for a labelled file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from bot.app import build_classifier
from bot.classify.classifier import Classifier
from bot.classify.text_model import TrainingRow
from bot.cli.common import playbooks_option, train_option, training_rows
from bot.config import Config
from bot.evaluation import Report, evaluate, read_examples


@click.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@playbooks_option
@train_option
@click.option(
    "--folds",
    type=click.IntRange(1, 20),
    default=1,
    show_default=True,
    help="K-fold cross-validation: train on K-1 folds of FILE, test on the rest.",
)
@click.option(
    "--seed",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Seed of the --folds split: run a few to see how much a figure moves with the split.",
)
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N rows.")
@click.option(
    "--worst",
    type=click.IntRange(0),
    default=10,
    show_default=True,
    help="How many of the most confident mistakes to show.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def eval_command(
    config: Config,
    file: Path,
    playbooks_dir: Path | None,
    train_files: tuple[Path, ...],
    folds: int,
    seed: int,
    limit: int | None,
    worst: int,
    as_json: bool,
) -> None:
    """Measure the classifier on FILE (JSONL {text, label})."""
    examples = read_examples(file, limit)
    extra_rows = training_rows(train_files)
    labels = {e.label for e in examples}
    languages = sorted(labels) if all(len(x) == 2 and x.isalpha() for x in labels) else []

    def make(rows: Sequence[TrainingRow]) -> Classifier:
        return build_classifier(
            config,
            playbooks_dir=playbooks_dir,
            training=[*extra_rows, *rows],
            extra_languages=languages,
        )

    console = Console(stderr=True, emoji=False)
    with Progress(console=console, transient=True, disable=as_json) as progress:
        job = progress.add_task(f"evaluating {file.name}", total=len(examples))
        report = evaluate(
            examples,
            make,
            folds=folds,
            seed=seed,
            worst=worst,
            progress=lambda n: progress.advance(job, n),
        )
    if as_json:
        head = {"file": str(file), "folds": folds, "seed": seed}
        click.echo(json.dumps({**head, **report.as_dict()}, ensure_ascii=False))
        return
    _print(Console(emoji=False, highlight=False), report, file, folds)


def _print(console: Console, report: Report, file: Path, folds: int) -> None:
    how = f"{folds}-fold cross-validation" if folds > 1 else "out of the box"
    console.print(
        f"[bold]{file}[/bold]: task [bold]{report.task}[/bold], {report.total} rows, {how}"
    )
    table = Table("class", "precision", "recall", "F1", "support")
    for name, row in report.per_class.items():
        table.add_row(
            name,
            f"{row['precision']:.3f}",
            f"{row['recall']:.3f}",
            f"{row['f1']:.3f}",
            str(int(row["support"])),
        )
    console.print(table)
    console.print(f"accuracy: {report.accuracy:.4f}")
    for key, value in report.extra.items():
        console.print(
            f"{key.replace('_', ' ')}: {value:.4f}"
            if value < 1 or (key.endswith(("rate", "f1", "chars")) and "texts" not in key)
            else f"{key.replace('_', ' ')}: {value:.0f}"
        )
    if len(report.classes) <= 12:
        matrix = Table("expected \\ predicted", *report.classes, title="confusion matrix")
        for name in report.classes:
            matrix.add_row(name, *(str(report.confusion[name][c]) for c in report.classes))
        console.print(matrix)
    if report.mistakes:
        console.print(
            "[bold]most confident mistakes[/bold] (expected → predicted, confidence, checks):"
        )
        for m in report.mistakes:
            console.print(
                f"  {m.expected} → {m.predicted} ({m.confidence:.2f}) {m.text[:90]!r}", markup=False
            )
            console.print(
                f"      {', '.join(m.checks) or 'no category checks fired'}", markup=False
            )
