"""``evaluate``: the ``--folds`` split follows its seed, and only its seed."""

from __future__ import annotations

from collections.abc import Sequence

from bot.classify.classifier import Classifier
from bot.classify.text_model import TrainingRow
from bot.evaluation import Example, evaluate, folds_of

EXAMPLES = [
    Example(f"my order {i} never arrived" if i % 3 else f"thanks for the parcel {i}", label)
    for i, label in enumerate(["complaint" if i % 3 else "not_complaint" for i in range(60)])
]


def test_folds_are_stratified_and_follow_the_seed() -> None:
    for seed in (0, 1, 7):
        folds = folds_of(EXAMPLES, 3, seed)
        assert sorted(i for fold in folds for i in fold) == list(range(len(EXAMPLES)))
        for fold in folds:  # every fold keeps the file's share of each label
            assert sum(EXAMPLES[i].label == "complaint" for i in fold) in (13, 14)
    assert folds_of(EXAMPLES, 3, 0) == folds_of(EXAMPLES, 3, 0)
    assert folds_of(EXAMPLES, 3, 0) != folds_of(EXAMPLES, 3, 1)


def test_evaluate_trains_each_fold_on_the_seeds_split(classifier: Classifier) -> None:
    def trained_on(seed: int) -> list[frozenset[str]]:
        seen: list[frozenset[str]] = []

        def make(rows: Sequence[TrainingRow]) -> Classifier:
            seen.append(frozenset(r.text for r in rows))
            return classifier  # the rows are what this test looks at

        report = evaluate(EXAMPLES, make, folds=3, seed=seed)
        assert sum(sum(row.values()) for row in report.confusion.values()) == len(EXAMPLES)
        return seen[1:]  # the first one is the probe, trained on nothing

    assert trained_on(0) == trained_on(0)
    assert trained_on(0) != trained_on(1)
