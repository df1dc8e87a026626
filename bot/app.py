"""The core's composition root: config + playbooks + language detector → classifier, pipeline.

No Telegram library is imported here; the Telegram runtime builds on these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from bot.classify.classifier import Classifier
from bot.classify.spam_memory import SpamMemory
from bot.classify.text_model import TrainingRow
from bot.config import Config
from bot.evaluation import read_examples
from bot.playbooks import PlaybookSet, load_playbooks
from bot.text.language import make_detector
from bot.text.normalise import normalise

SHIPPED_PLAYBOOKS = Path(__file__).resolve().parent.parent / "playbooks"
# Languages the detector may answer besides the playbooks' own, unless config says otherwise.
COMMON_LANGUAGES = ("ar", "de", "en", "es", "fr", "it", "nl", "pl", "pt", "ru", "tr", "uk")


def resolve_playbooks_dir(configured: Path | str | None) -> Path:
    """The configured folder, else ``./playbooks``, else the playbooks shipped with cmbot."""
    if configured is not None and Path(configured).is_dir():
        return Path(configured)
    if configured is not None and str(configured) not in ("playbooks", "./playbooks"):
        return Path(configured)  # let the loader say it is missing
    local = Path("playbooks")
    return local if local.is_dir() else SHIPPED_PLAYBOOKS


def read_labelled(path: Path | str) -> list[TrainingRow]:
    """Rows ``{"text", "label"}`` of a JSONL file, as training rows (normalised text)."""
    return [TrainingRow(normalise(e.text).folded, e.label) for e in read_examples(path)]


def detector_languages(playbooks: PlaybookSet, extra: Iterable[str]) -> list[str]:
    languages = list(playbooks.languages)
    for code in extra:
        if code not in languages:
            languages.append(code)
    return languages


def build_classifier(
    config: Config,
    *,
    playbooks_dir: Path | str | None = None,
    training: Sequence[TrainingRow] = (),
    extra_languages: Iterable[str] = (),
    memory: SpamMemory | None = None,
) -> Classifier:
    playbooks = load_playbooks(resolve_playbooks_dir(playbooks_dir or config.playbooks))
    detect = config.language.detect or list(COMMON_LANGUAGES)
    languages = detector_languages(playbooks, [*detect, *extra_languages])
    detector = make_detector(config.language.backend, languages, playbooks.default_language)
    return Classifier(playbooks, detector, training=training, memory=memory)
