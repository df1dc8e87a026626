"""Language-identification backends: py3langid and langdetect, restricted to given languages.

Each backend loads its model once per process and shares it (py3langid takes about a second
to load; langdetect's profiles are parsed once per language set). Restricting to the
languages the playbooks declare is what makes short texts reliable. Third-party errors are
translated into :class:`bot.errors.LanguageBackendError` here, at the edge.
"""

from __future__ import annotations

import copy
import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from bot.errors import LanguageBackendError
from bot.text.langid_batch import BatchScorer

_LOCK = threading.Lock()
_PY3LANGID_BASE: Any = None
_PY3LANGID_VIEWS: dict[frozenset[str], Any] = {}
_PY3LANGID_SCORERS: dict[frozenset[str], BatchScorer | None] = {}
#: What :class:`BatchScorer` reads of a py3langid identifier besides the remembered walk.
_SCORER_NEEDS = ("features", "_walks", "_encode", "nb_ptc", "nb_pc", "nb_classes", "_alias_pairs")
_LANGDETECT_FACTORIES: dict[frozenset[str], Any] = {}
#: Most walks remembered: (DFA state, a word's bytes with the space before it) -> (state
#: after it, features seen on the way); see :func:`_remembering_identifier`.
_WALK_LIMIT = 200_000
# ISO 639-1 -> langdetect profile name where they differ.
_LANGDETECT_NAMES = {"zh": "zh-cn"}


class Backend(Protocol):
    name: str
    languages: tuple[str, ...]

    def rank(self, text: str, candidates: frozenset[str]) -> list[tuple[str, float]]:
        """Probabilities over ``candidates`` (a subset of ``languages``), best first."""
        ...

    def rank_many(
        self, texts: Sequence[str], candidates: frozenset[str]
    ) -> list[list[tuple[str, float]]]:
        """:meth:`rank` of each text (a backend may score them together)."""
        ...


def _py3langid_base() -> Any:
    global _PY3LANGID_BASE
    with _LOCK:
        if _PY3LANGID_BASE is None:
            try:
                from py3langid import langid
            except ImportError as exc:
                raise LanguageBackendError(
                    "language backend 'py3langid' is not installed: pip install py3langid"
                ) from exc
            identifier = _remembering_identifier(langid.LanguageIdentifier)
            _PY3LANGID_BASE = identifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
        return _PY3LANGID_BASE


def _remembering_identifier(base: Any) -> Any:
    """py3langid's identifier, with the walk of its n-gram automaton remembered per word.

    py3langid finds the byte n-gram features of a text by walking a DFA over its UTF-8
    bytes in Python, one step per byte: most of its time. The walk is deterministic, so the
    walk over one word from one state always ends in the same state with the same features:
    that is remembered, and a text costs a dictionary look-up per word. The features come
    out in the same order, so the scores (computed by py3langid itself) are the same, bit for
    bit. If a py3langid release no longer walks this way, the class falls back to its own.
    """
    if not all(
        hasattr(base, name) for name in ("_raw_score", "_sparse_score", "__slots__")
    ) or not {"tk_nextmove", "tk_output", "_rowbase"} <= set(base.__slots__):
        return base

    class RememberingIdentifier(base):
        __slots__ = ("_walks",)

        def features(self, text: bytes) -> list[int]:
            """The feature ids met by the walk over ``text``, in walk order, repeats kept."""
            walks = self._walks
            if len(walks) >= _WALK_LIMIT:
                walks.clear()
            nextmove, rowbase, output = self.tk_nextmove, self._rowbase, self.tk_output
            state = 0
            features: list[int] = []
            for i, word in enumerate(text.split(b" ")):
                chunk = b" " + word if i else word
                key = (state, chunk)
                known = walks.get(key)
                if known is None:
                    end, seen = state, []
                    for byte in chunk:
                        end = nextmove[rowbase[end] + byte]
                        feature = output[end]
                        if feature >= 0:
                            seen.append(feature)
                    known = walks[key] = (end, tuple(seen))
                state = known[0]
                features += known[1]
            return features

        def _raw_score(self, text: Any) -> Any:
            if getattr(self, "_walks", None) is None or not isinstance(text, bytes):
                return super()._raw_score(text)
            features = self.features(text)
            if not features:
                return super()._raw_score(text)  # py3langid's own score of a featureless text
            return self._sparse_score(Counter(features), self.nb_ptc)

        @classmethod
        def from_model_file(cls, *args: Any, **kwargs: Any) -> Any:
            identifier = super().from_model_file(*args, **kwargs)
            identifier._walks = {}  # shared by the shallow copies (the language views)
            return identifier

    return RememberingIdentifier


class Py3LangidBackend:
    """py3langid's naive Bayes model, probabilities normalised over the candidate set."""

    name = "py3langid"

    def __init__(self, languages: Sequence[str]) -> None:
        base = _py3langid_base()
        known = set(base.labels)
        _check_supported(self.name, languages, known)
        self.languages = tuple(languages)

    @staticmethod
    def _view(candidates: frozenset[str]) -> Any:
        view = _PY3LANGID_VIEWS.get(candidates)  # built once per candidate set
        if view is not None:
            return view
        with _LOCK:
            view = _PY3LANGID_VIEWS.get(candidates)
            if view is None:
                # A shallow copy shares the big arrays; set_languages slices its own copy.
                view = copy.copy(_PY3LANGID_BASE)
                view.set_languages(sorted(candidates))
                _PY3LANGID_VIEWS[candidates] = view
            return view

    @classmethod
    def _scorer(cls, candidates: frozenset[str]) -> BatchScorer | None:
        """The batch scorer of a candidate set; None when py3langid's internals are not the
        ones it reads (then each text is ranked by py3langid itself)."""
        if candidates not in _PY3LANGID_SCORERS:
            view = cls._view(candidates)
            usable = getattr(view, "_norm_probs", False) and all(
                hasattr(view, name) for name in _SCORER_NEEDS
            )
            _PY3LANGID_SCORERS[candidates] = BatchScorer(view, view.features) if usable else None
        return _PY3LANGID_SCORERS[candidates]

    def rank(self, text: str, candidates: frozenset[str]) -> list[tuple[str, float]]:
        return self.rank_many([text], candidates)[0]

    def rank_many(
        self, texts: Sequence[str], candidates: frozenset[str]
    ) -> list[list[tuple[str, float]]]:
        """Each text's ranking; the texts are scored together (one sparse product)."""
        if len(candidates) == 1:
            return [[(next(iter(candidates)), 1.0)] for _ in texts]
        scorer = self._scorer(candidates)
        if scorer is not None:
            return scorer.rank_many(texts)
        view = self._view(candidates)
        return [[(str(lang), float(p)) for lang, p in view.rank(text)] for text in texts]


def _langdetect_factory(languages: frozenset[str]) -> Any:
    with _LOCK:
        factory = _LANGDETECT_FACTORIES.get(languages)
        if factory is not None:
            return factory
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        factory = DetectorFactory()
        factory.set_seed(0)  # langdetect samples n-grams at random: seed for determinism
        profiles = []
        for lang in sorted(languages):
            name = _LANGDETECT_NAMES.get(lang, lang)
            profiles.append((Path(PROFILES_DIRECTORY) / name).read_text(encoding="utf-8"))
        factory.load_json_profile(profiles)
        _LANGDETECT_FACTORIES[languages] = factory
        return factory


class LangdetectBackend:
    """langdetect (a port of Google's language-detection), seeded, restricted profiles."""

    name = "langdetect"

    def __init__(self, languages: Sequence[str]) -> None:
        try:
            from langdetect.detector_factory import PROFILES_DIRECTORY
        except ImportError as exc:
            raise LanguageBackendError(
                "language backend 'langdetect' is not installed: pip install langdetect"
            ) from exc
        names = {p.name for p in Path(PROFILES_DIRECTORY).iterdir()}
        reverse = {v: k for k, v in _LANGDETECT_NAMES.items()}
        known = {reverse.get(n, n) for n in names}
        _check_supported(self.name, languages, known)
        self.languages = tuple(languages)

    def rank(self, text: str, candidates: frozenset[str]) -> list[tuple[str, float]]:
        if len(candidates) == 1:
            return [(next(iter(candidates)), 1.0)]
        from langdetect.lang_detect_exception import LangDetectException

        factory = _langdetect_factory(candidates)
        detector = factory.create()
        detector.append(text)
        try:
            found = detector.get_probabilities()
        except LangDetectException:
            return []  # no usable n-gram in the text
        reverse = {v: k for k, v in _LANGDETECT_NAMES.items()}
        return [(reverse.get(g.lang, g.lang), float(g.prob)) for g in found]

    def rank_many(
        self, texts: Sequence[str], candidates: frozenset[str]
    ) -> list[list[tuple[str, float]]]:
        return [self.rank(text, candidates) for text in texts]


def _check_supported(backend: str, languages: Sequence[str], known: set[str]) -> None:
    unknown = sorted(set(languages) - known)
    if unknown:
        raise LanguageBackendError(
            f"language backend {backend!r} does not support language(s) {unknown}: "
            f"use ISO 639-1 codes among {sorted(known)}, or another backend"
        )


BACKENDS: dict[str, type[Py3LangidBackend] | type[LangdetectBackend]] = {
    "py3langid": Py3LangidBackend,
    "langdetect": LangdetectBackend,
}


def make_backend(name: str, languages: Sequence[str]) -> Backend:
    cls = BACKENDS.get(name)
    if cls is None:
        raise LanguageBackendError(
            f"unknown language backend {name!r}: use one of {sorted(BACKENDS)}"
        )
    return cls(languages)
