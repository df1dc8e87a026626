"""``Classifier.ready``: everything built before the first message, start-up objects frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.classify.classifier import Classifier
from bot.domain import InboundMessage


@pytest.fixture()
def unfrozen() -> Iterator[None]:
    """Each test starts and ends with nothing frozen (the freeze is process-wide)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_ready_builds_the_lazy_parts_and_freezes(
    fresh_classifier: Classifier, unfrozen: None
) -> None:
    assert fresh_classifier._model is None and fresh_classifier._stacked is None
    assert fresh_classifier.ready() is fresh_classifier
    assert fresh_classifier._model is not None
    assert fresh_classifier._stacked is not None
    assert gc.get_freeze_count() > 0
    # Frozen objects are in the permanent generation, which collections (and this list) skip.
    assert not any(o is fresh_classifier for o in gc.get_objects())


def test_ready_without_freeze_freezes_nothing(fresh_classifier: Classifier, unfrozen: None) -> None:
    fresh_classifier.ready(freeze_gc=False)
    assert fresh_classifier._model is not None
    assert gc.get_freeze_count() == 0


def test_verdicts_are_the_same_after_ready(
    classifier: Classifier, fresh_classifier: Classifier, unfrozen: None
) -> None:
    messages = [
        InboundMessage(text=t)
        for t in (
            "My parcel never arrived and nobody answers my emails, I want a refund now.",
            "Combien coûte le Sérum Nuit ? Je voudrais en acheter deux.",
            "Заработок от 3000 в день, пишите в лс",
        )
    ]
    before = classifier.classify_many(messages)
    one_by_one = [classifier.classify(m) for m in messages]  # the one-row path, its own sums
    fresh_classifier.ready()
    assert fresh_classifier.classify_many(messages) == before
    assert [fresh_classifier.classify(m) for m in messages] == one_by_one


def test_a_batch_normalises_each_distinct_text_once(
    classifier: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.classify import classifier as module

    seen: list[str] = []
    original = module.normalise

    def counting(text: str):  # type: ignore[no-untyped-def]
        seen.append(text)
        return original(text)

    flood = "Earn $500 a day from home, DM me on whatsapp"
    messages = [InboundMessage(text=t) for t in (flood, "hello", flood, flood, "hello")]
    expected = classifier.classify_many(messages)
    monkeypatch.setattr(module, "normalise", counting)
    assert classifier.classify_many(messages) == expected
    assert sorted(seen) == sorted([flood, "hello"])


def test_ready_builds_the_case_tables_of_non_ascii_texts(
    fresh_classifier: Classifier, unfrozen: None
) -> None:
    """Else the first French or Russian message would wait for them (0.17 s measured)."""
    from bot.text import regex_case

    regex_case._tables.cache_clear()
    regex_case._unlike_lower_re.cache_clear()
    fresh_classifier.ready(freeze_gc=False)
    assert regex_case._tables.cache_info().currsize == 1
