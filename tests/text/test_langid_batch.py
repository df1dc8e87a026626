"""The batched py3langid rankings are py3langid's own, bit for bit, alone or in a batch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.text.language import make_detector
from bot.text.language_backends import Py3LangidBackend

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "langid_tatoeba" / "dev.jsonl"
EDGE_CASES = ["", " ", "123 456", "HELLO WORLD", "Прuвет мир", "日本語", "çà et là", "x" * 300]


def _texts() -> list[str]:
    texts = [*EDGE_CASES, "Bonjour à tous", "where is my order??", "Где мой заказ?"]
    if DATA.is_file():
        with DATA.open(encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()][:2000]
    return texts


@pytest.mark.parametrize("languages", [["fr", "en", "ru", "de", "uk", "tr"], ["ru", "uk"]])
def test_batch_rankings_are_py3langid_own(languages: list[str]) -> None:
    from py3langid import langid

    backend = Py3LangidBackend(languages)
    candidates = frozenset(languages)
    plain = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    plain.set_languages(sorted(languages))
    texts = _texts()
    expected = [[(str(lang), float(p)) for lang, p in plain.rank(text)] for text in texts]
    assert backend._scorer(candidates) is not None  # the batch path, not the fallback
    assert backend.rank_many(texts, candidates) == expected
    assert [backend.rank(text, candidates) for text in texts] == expected


def test_one_candidate_needs_no_model() -> None:
    backend = Py3LangidBackend(["fr", "en"])
    assert backend.rank_many(["bonjour", "hello"], frozenset({"fr"})) == [[("fr", 1.0)]] * 2


@pytest.mark.parametrize("backend", ["py3langid", "langdetect"])
def test_detect_many_is_detect_of_each(backend: str) -> None:
    detector = make_detector(backend, ["fr", "en", "ru", "uk", "de"], default="fr")
    texts = ["ok", "Top", "Bonjour, ma commande n'est pas arrivée", "Да", "👍", "", "Привіт"]
    texts += ["Hello there, where is my parcel?", "ok merci", "Guten Tag, wie geht's?"]
    hints = [None, "en-GB", "de", "en", "de-DE", None, "ru", "xx", "en-GB", None]
    priors = ["en", None, None, None, "ru", "fr", None, "fr", None, "de"]
    expected = [
        detector.detect(text, hint=hint, prior=prior)
        for text, hint, prior in zip(texts, hints, priors, strict=True)
    ]
    assert detector.detect_many(texts, hints, priors) == expected
    assert detector.detect_many(texts) == [detector.detect(text) for text in texts]
    assert detector.detect_many([]) == []


def test_visits_are_each_walks_counter_in_visit_order() -> None:
    from collections import Counter

    from bot.text.langid_batch import _visits

    walks = [[5, 3, 5, 9, 3, 5], [], [7], [2, 2, 2], [], [9, 1, 9, 0], [0]]
    features, counts, starts = _visits(walks)
    assert starts.tolist() == [0, 3, 3, 4, 5, 5, 8, 9]
    for row, walk in enumerate(walks):
        start, end = starts[row], starts[row + 1]
        visits = Counter(walk)
        assert features[start:end].tolist() == list(visits)  # first visit first
        assert counts[start:end].tolist() == [float(n) for n in visits.values()]
    assert counts.dtype == np.float32
    empty = _visits([[], []])
    assert [len(a) for a in empty] == [0, 0, 3]
    alone = _visits([[5, 3, 5, 9]])  # one text: the Counter way, the same arrays
    assert [a.tolist() for a in alone] == [[5, 3, 9], [2.0, 1.0, 1.0], [0, 3]]
    assert [a.tolist() for a in _visits([[]])] == [[], [], [0, 0]]
