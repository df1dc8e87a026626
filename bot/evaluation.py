"""Measure the classifier on a labelled JSONL file: precision, recall, F1, confusion matrix.

The task is read from the labels: ``spam``/``ham`` → spam detection, ``complaint``/
``not_complaint`` → complaint detection, two-letter codes → language identification,
category names → the primary category. Binary tasks count a message as positive when the
category is among its labels. With ``folds`` > 1 the file is split (stratified, by ``seed``)
and each fold is classified by a classifier trained on the other folds.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.classify.classifier import Classifier
from bot.classify.text_model import TrainingRow
from bot.domain import InboundMessage, MessageKind, Verdict
from bot.errors import InputError
from bot.text.normalise import normalise

BINARY_TASKS = {
    frozenset({"spam", "ham"}): ("spam", "ham"),
    frozenset({"complaint", "not_complaint"}): ("complaint", "not_complaint"),
}


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    lang_hint: str | None = None
    kind: MessageKind = MessageKind.COMMENT


@dataclass
class Mistake:
    text: str
    expected: str
    predicted: str
    confidence: float
    checks: list[str]


@dataclass
class Report:
    task: str
    classes: list[str]
    total: int
    accuracy: float
    per_class: dict[str, dict[str, float]]
    confusion: dict[str, dict[str, int]]
    extra: dict[str, float] = field(default_factory=dict)
    mistakes: list[Mistake] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "classes": self.classes,
            "total": self.total,
            "accuracy": round(self.accuracy, 4),
            "per_class": self.per_class,
            "confusion": self.confusion,
            **{k: round(v, 4) for k, v in self.extra.items()},
            "mistakes": [m.__dict__ for m in self.mistakes],
        }


def read_examples(path: Path | str, limit: int | None = None) -> list[Example]:
    examples = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text, label = item["text"], item["label"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(
                    f"{path}:{number}: expected a JSON object with text and label ({exc})"
                ) from None
            kind = MessageKind.DM if item.get("kind") == "dm" else MessageKind.COMMENT
            examples.append(Example(str(text), str(label), item.get("lang_hint"), kind))
            if limit and len(examples) >= limit:
                break
    return examples


def task_of(labels: set[str], categories: Sequence[str]) -> str:
    for names, (positive, _) in BINARY_TASKS.items():
        if labels <= names:
            return positive
    if all(len(label) == 2 and label.isalpha() and label.islower() for label in labels):
        return "language"
    if labels <= set(categories):
        return "category"
    raise InputError(
        f"cannot tell the task from labels {sorted(labels)[:8]}: use spam/ham, "
        f"complaint/not_complaint, language codes or categories {list(categories)}"
    )


def predicted_label(task: str, verdict: Verdict) -> str:
    if task == "language":
        return verdict.language
    if task == "category":
        return verdict.category
    negative = dict(BINARY_TASKS.values())[task]
    return task if task in verdict.labels else negative


def folds_of(examples: Sequence[Example], k: int, seed: int = 0) -> list[list[int]]:
    """Stratified folds of example indexes, deterministic for a seed."""
    by_label: dict[str, list[int]] = {}
    for index, example in enumerate(examples):
        by_label.setdefault(example.label, []).append(index)
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    position = 0
    for label in sorted(by_label):
        indexes = by_label[label]
        rng.shuffle(indexes)
        for index in indexes:
            folds[position % k].append(index)
            position += 1
    return folds


def _messages(examples: Sequence[Example]) -> list[InboundMessage]:
    return [InboundMessage(text=e.text, kind=e.kind, lang_hint=e.lang_hint) for e in examples]


def evaluate(
    examples: Sequence[Example],
    make_classifier: Callable[[Sequence[TrainingRow]], Classifier],
    *,
    folds: int = 1,
    seed: int = 0,
    batch: int = 512,
    worst: int = 10,
    progress: Callable[[int], None] | None = None,
) -> Report:
    if not examples:
        raise InputError("no examples to evaluate")
    probe = make_classifier(())
    task = task_of({e.label for e in examples}, probe.categories)
    predictions: list[Verdict | None] = [None] * len(examples)
    groups = folds_of(examples, folds, seed) if folds > 1 else [list(range(len(examples)))]
    for group in groups:
        held = set(group)
        if folds > 1:
            rows = [
                TrainingRow(normalise(examples[i].text).folded, examples[i].label)
                for i in range(len(examples))
                if i not in held
            ]
            classifier = make_classifier(rows)
        else:
            classifier = probe
        for start in range(0, len(group), batch):
            chunk = group[start : start + batch]
            verdicts = classifier.classify_many(_messages([examples[i] for i in chunk]))
            for index, verdict in zip(chunk, verdicts, strict=True):
                predictions[index] = verdict
            if progress:
                progress(len(chunk))
    return _report(task, examples, [p for p in predictions if p is not None], worst)


def _report(
    task: str, examples: Sequence[Example], verdicts: Sequence[Verdict], worst: int
) -> Report:
    expected = [e.label for e in examples]
    predicted = [predicted_label(task, v) for v in verdicts]
    classes = sorted(set(expected) | set(predicted))
    confusion = {a: {b: 0 for b in classes} for a in classes}
    for e, p in zip(expected, predicted, strict=True):
        confusion[e][p] += 1
    per_class = {}
    for c in classes:
        tp = confusion[c][c]
        fp = sum(confusion[o][c] for o in classes if o != c)
        fn = sum(confusion[c][o] for o in classes if o != c)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[c] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": tp + fn,
        }
    correct = sum(e == p for e, p in zip(expected, predicted, strict=True))
    extra: dict[str, float] = {}
    if task in ("spam", "complaint"):
        negative = dict(BINARY_TASKS.values())[task]
        negatives = sum(1 for e in expected if e == negative)
        false_pos = sum(
            1 for e, p in zip(expected, predicted, strict=True) if e == negative and p == task
        )
        extra[f"{negative}_false_positive_rate"] = false_pos / negatives if negatives else 0.0
        extra[f"{task}_f1"] = per_class.get(task, {}).get("f1", 0.0)
    if task == "language":
        short = [
            (e, p)
            for ex, e, p in zip(examples, expected, predicted, strict=True)
            if len(ex.text) < 20
        ]
        extra["accuracy_under_20_chars"] = (
            sum(e == p for e, p in short) / len(short) if short else 0.0
        )
        extra["texts_under_20_chars"] = float(len(short))
    mistakes = [
        Mistake(
            ex.text[:200],
            e,
            p,
            round(v.confidence, 3),
            [f"{c.name}:{c.category}:{c.score:.2f}" for c in v.checks if c.category][:8],
        )
        for ex, e, p, v in zip(examples, expected, predicted, verdicts, strict=True)
        if e != p
    ]
    mistakes.sort(key=lambda m: -m.confidence)
    return Report(
        task,
        classes,
        len(examples),
        correct / len(examples),
        per_class,
        confusion,
        extra,
        mistakes[:worst],
    )


def label_counts(examples: Sequence[Example]) -> Counter[str]:
    return Counter(e.label for e in examples)
