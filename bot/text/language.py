"""Pluggable language detection with priors.

``make_detector("py3langid", ["fr", "en", "ru"], default="fr").detect(text, hint=..., prior=...)``
returns a :class:`LanguageGuess`. How a guess is made, in order:

1. The letters of the text (URLs, @mentions, #tags, digits and emoji left out) decide the
   script. No letters (emoji only, numbers) → fallback. A script that only one allowed
   language uses (Arabic → ar, Cyrillic → ru when ru is the only Cyrillic language...) decides
   alone (source ``"script"``).
2. Otherwise the backend model ranks the allowed languages of that script. With at least
   ``min_letters`` letters and a top probability of at least ``min_confidence`` it wins,
   even over the hint (source ``"model"``).
3. Short or unsure texts fall back to the sender's ``hint`` (Telegram ``language_code``,
   primary subtag: "pt-br" → "pt"), then the chat's ``prior``, when they are allowed and fit
   the script; tiny Latin texts (under ``tiny_letters`` letters, e.g. "ok", typed by
   everyone) take any allowed hint or prior. Without either, the model's guess is still the
   best one (source ``"model"`` with ``details["low_confidence"]``), except for tiny texts,
   which take ``default``.

Every guess says why in ``details``. Detection is deterministic (langdetect is seeded).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, cast

from bot.errors import LanguageBackendError
from bot.text.language_backends import BACKENDS, Backend, make_backend
from bot.text.normalise import clean_text
from bot.text.scripts import script_counts

__all__ = [
    "BACKENDS",
    "LanguageDetector",
    "LanguageGuess",
    "ScriptAwareDetector",
    "make_detector",
    "primary_subtag",
]

Source = Literal["model", "hint", "prior", "script", "default"]

# Languages written in a script other than Latin (the rest of the allowed list is Latin).
SCRIPT_LANGUAGES: dict[str, frozenset[str]] = {
    "cyrillic": frozenset(["ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "tg", "mn"]),
    "arabic": frozenset(["ar", "fa", "ur", "ps", "ug"]),
    "greek": frozenset({"el"}),
    "hebrew": frozenset({"he", "yi"}),
    "cjk": frozenset({"zh", "ja"}),
    "kana": frozenset({"ja"}),
    "hangul": frozenset({"ko"}),
    "thai": frozenset({"th"}),
    "georgian": frozenset({"ka"}),
    "armenian": frozenset({"hy"}),
    "indic": frozenset(
        ["hi", "mr", "ne", "bn", "ta", "te", "kn", "ml", "gu", "pa", "si", "or", "as"]
    ),
}
_NON_LATIN = frozenset().union(*SCRIPT_LANGUAGES.values())
# What the model reads: letters, marks, apostrophes, spaces, sentence punctuation.
_URLISH_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+|[@#]\w+|\S+\.(?:com|net|org|ru)\S*")
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_NOISE_RE = re.compile(r"[^\w\s'’.,!?¿¡-]|[\d_]")
# Every _URLISH_RE branch needs one of these (case-sensitive, like the pattern).
_URLISH_MARKERS = ("://", "www.", "@", "#", ".com", ".net", ".org", ".ru")
#: The language of a message is read from its first characters: plenty for the model, and a
#: long message costs no more than that (measured on the triage benchmark's mix: 80 -> 52 µs
#: per message on average; one language of 10,000 changed, a spam starting in Russian and
#: ending in English, now read as Russian).
TEXT_LIMIT = 400
# The same replacement as a byte table, for ASCII texts (each match is one character).
_ASCII_NOISE = bytes(
    ord(" ") if _NOISE_RE.fullmatch(chr(code)) else code for code in range(128)
) + bytes(range(128, 256))


def _main_script(text: str) -> tuple[int, str]:
    """(letters, the script of most of them; "kana" for Japanese with kanji)."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw) - len(raw.translate(None, _ASCII_LETTERS)), "latin"
    scripts = script_counts(text)
    letters = sum(scripts.values())
    if not letters:
        return 0, "latin"
    script = scripts.most_common(1)[0][0]
    if script == "kana" or (script == "cjk" and "kana" in scripts):
        script = "kana"
    return letters, script


def _model_text(clean: str) -> str:
    """What the model reads: URL-ish tokens and noise characters replaced by spaces."""
    if any(marker in clean for marker in _URLISH_MARKERS):
        clean = _URLISH_RE.sub(" ", clean)
    if clean.isascii():
        return clean.encode("ascii").translate(_ASCII_NOISE).decode("ascii")
    return _NOISE_RE.sub(" ", clean)


# Defaults tuned on langid_tatoeba dev (see benchmarks/language.py); per backend, because
# the two models' probabilities are calibrated differently.
THRESHOLDS: dict[str, tuple[int, float]] = {
    "py3langid": (8, 0.80),
    "langdetect": (12, 0.99),
}


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    language: str  # ISO 639-1
    confidence: float  # 0..1
    source: Source
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class _Pending:
    """A text the model must rank, with what the guess will need once it has."""

    model_text: str
    candidates: frozenset[str]
    letters: int
    script: str
    hint_lang: str | None
    prior_lang: str | None
    details: dict[str, Any]


class LanguageDetector(Protocol):
    def detect(
        self, text: str, *, hint: str | None = None, prior: str | None = None
    ) -> LanguageGuess: ...

    def detect_many(
        self,
        texts: Sequence[str],
        hints: Sequence[str | None] | None = None,
        priors: Sequence[str | None] | None = None,
    ) -> list[LanguageGuess]: ...


def primary_subtag(tag: str | None) -> str | None:
    """ "fr-FR" → "fr", "pt_br" → "pt", "" or None → None."""
    if not tag:
        return None
    primary = re.split(r"[-_]", tag.strip(), maxsplit=1)[0].lower()
    return primary or None


class ScriptAwareDetector:
    """A backend model restricted to ``languages``, with script, hint, prior and default."""

    def __init__(
        self,
        backend: Backend,
        languages: Sequence[str],
        default: str,
        *,
        min_letters: int,
        min_confidence: float,
        tiny_letters: int = 4,
    ) -> None:
        self.backend = backend
        self.languages = tuple(dict.fromkeys(languages))
        self.default = default
        self.min_letters = min_letters
        self.min_confidence = min_confidence
        self.tiny_letters = tiny_letters
        allowed = frozenset(self.languages)
        self._by_script = {sc: langs & allowed for sc, langs in SCRIPT_LANGUAGES.items()}
        self._latin = allowed - _NON_LATIN

    def _candidates(self, script: str) -> frozenset[str]:
        if script == "latin":
            return self._latin
        return self._by_script.get(script, frozenset())

    def _allowed(self, tag: str | None) -> str | None:
        lang = primary_subtag(tag)
        return lang if lang in self.languages else None

    def detect(
        self, text: str, *, hint: str | None = None, prior: str | None = None
    ) -> LanguageGuess:
        return self.detect_many([text], [hint], [prior])[0]

    def detect_many(
        self,
        texts: Sequence[str],
        hints: Sequence[str | None] | None = None,
        priors: Sequence[str | None] | None = None,
    ) -> list[LanguageGuess]:
        """:meth:`detect` of each text, with its hint and prior (None when not given).

        The texts the model must read are ranked together, one backend call per candidate
        set: a batch costs the backend's arithmetic, not its per-call overhead.
        """
        hints = hints if hints is not None else [None] * len(texts)
        priors = priors if priors is not None else [None] * len(texts)
        steps = [
            self._prepare(text, hint, prior)
            for text, hint, prior in zip(texts, hints, priors, strict=True)
        ]
        waiting: dict[frozenset[str], list[int]] = {}
        for i, step in enumerate(steps):
            if isinstance(step, _Pending):
                waiting.setdefault(step.candidates, []).append(i)
        guesses: list[LanguageGuess | None] = [
            step if isinstance(step, LanguageGuess) else None for step in steps
        ]
        for candidates, indexes in waiting.items():
            pending = [cast(_Pending, steps[i]) for i in indexes]
            ranked = self.backend.rank_many([p.model_text for p in pending], candidates)
            for i, step, ranking in zip(indexes, pending, ranked, strict=True):
                guesses[i] = self._conclude(step, ranking)
        return [cast(LanguageGuess, guess) for guess in guesses]

    def _prepare(self, text: str, hint: str | None, prior: str | None) -> LanguageGuess | _Pending:
        """The guess when the script or a fallback decides; else what the model must rank."""
        hint_lang, prior_lang = self._allowed(hint), self._allowed(prior)
        details: dict[str, Any] = {"backend": self.backend.name}
        if hint and not hint_lang:
            details["hint_ignored"] = f"{hint!r} is not among {list(self.languages)}"
        model_text = _model_text(clean_text(text[:TEXT_LIMIT]))
        letters, script = _main_script(model_text)
        details["letters"] = letters
        if not letters:
            return self._fallback(hint_lang, prior_lang, None, "no letters", details)
        details["script"] = script
        candidates = self._candidates(script)
        tiny = letters < self.tiny_letters
        if not candidates:
            reason = f"no allowed language is written in the {script} script"
            return self._fallback(hint_lang, prior_lang, None, reason, details)
        if len(candidates) == 1:
            (only,) = candidates
            if tiny and script == "latin" and (hint_lang or prior_lang) not in (None, only):
                return self._fallback(hint_lang, prior_lang, None, "tiny text", details)
            confidence = 0.95 if letters >= self.tiny_letters else 0.75
            details["reason"] = f"{script} script: only {only} is allowed"
            return LanguageGuess(only, confidence, "script", details)
        return _Pending(model_text, candidates, letters, script, hint_lang, prior_lang, details)

    def _conclude(self, step: _Pending, ranked: list[tuple[str, float]]) -> LanguageGuess:
        """The guess from the model's ranking of a text, its hint and its prior."""
        hint_lang, prior_lang, details = step.hint_lang, step.prior_lang, step.details
        letters, candidates = step.letters, step.candidates
        tiny = letters < self.tiny_letters
        if not ranked:
            return self._fallback(hint_lang, prior_lang, candidates, "model abstained", details)
        details["scores"] = {lang: round(p, 4) for lang, p in ranked[:3]}
        top, p = ranked[0]
        if letters >= self.min_letters and p >= self.min_confidence:
            if hint_lang and hint_lang != top:
                details["hint_overruled"] = hint_lang
            return LanguageGuess(top, p, "model", details)
        reason = "short text" if letters < self.min_letters else "low model confidence"
        # Latin letters are typed by everyone ("ok", "top"): tiny Latin texts may take any
        # allowed hint; otherwise the hint must fit the script.
        fits = frozenset(self.languages) if tiny and step.script == "latin" else candidates
        if (hint_lang in fits) or (prior_lang in fits):
            details["model_top"] = top
            guess = self._fallback(hint_lang, prior_lang, fits, reason, details)
            if guess.language == top:  # the model agrees: more confident than either alone
                return LanguageGuess(top, max(p, guess.confidence), guess.source, details)
            return guess
        if tiny:
            return self._fallback(None, None, None, "tiny text", details)
        details["low_confidence"] = reason
        return LanguageGuess(top, p, "model", details)

    def _fallback(
        self,
        hint: str | None,
        prior: str | None,
        fits: frozenset[str] | None,
        reason: str,
        details: dict[str, Any],
    ) -> LanguageGuess:
        details["fallback"] = reason
        if hint and (fits is None or hint in fits):
            return LanguageGuess(hint, 0.6, "hint", details)
        if prior and (fits is None or prior in fits):
            return LanguageGuess(prior, 0.5, "prior", details)
        return LanguageGuess(self.default, 0.3, "default", details)


def make_detector(
    backend: str,
    languages: Sequence[str],
    default: str,
    *,
    min_letters: int | None = None,
    min_confidence: float | None = None,
) -> LanguageDetector:
    """A detector over ``languages`` (ISO 639-1) using ``backend`` ("py3langid", "langdetect").

    Raises :class:`LanguageBackendError` for an unknown backend, an empty list, a language
    the backend does not know, or a ``default`` outside ``languages``.
    """
    if backend not in BACKENDS:
        raise LanguageBackendError(
            f"unknown language backend {backend!r}: use one of {sorted(BACKENDS)}"
        )
    langs = [primary_subtag(lang) or "" for lang in languages]
    if not langs:
        raise LanguageBackendError(
            f"language backend {backend!r} needs at least one language: "
            "list the playbooks' languages, e.g. ['fr', 'en']"
        )
    if default not in langs:
        raise LanguageBackendError(
            f"default language {default!r} is not among the languages {langs}: "
            "add it to the list or pick one of them"
        )
    letters, confidence = THRESHOLDS[backend]
    return ScriptAwareDetector(
        make_backend(backend, langs),
        langs,
        default,
        min_letters=letters if min_letters is None else min_letters,
        min_confidence=confidence if min_confidence is None else min_confidence,
    )
