"""Trained text models, cached in the process and on disk.

Training takes seconds; a CLI run or a restart should not pay it again for the same data.
A model is keyed by a fingerprint of its training rows (the playbook examples, ``--train``
files and corrections, in order), the categories, :data:`MODEL_VERSION` and the features'
``FEATURES_VERSION`` and ``CHAR_FEATURES_VERSION``, and stored as a
pickle under ``$CMBOT_CACHE_DIR`` (default ``~/.cache/cmbot``). A cache file that cannot be
read (corrupt, truncated, from another scikit-learn) is ignored and rebuilt; a cache folder
that cannot be written only costs the next run the training time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import sklearn

from bot.classify.char_features import CHAR_FEATURES_VERSION
from bot.classify.features import FEATURES_VERSION
from bot.classify.text_model import TextModel, TrainingRow, rows_fingerprint

MODEL_VERSION = "text-model-7"
MEMORY_SLOTS = 8
_memory: OrderedDict[str, TextModel] = OrderedDict()


def cache_dir() -> Path:
    configured = os.environ.get("CMBOT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cmbot"


def model_key(rows: Sequence[TrainingRow], categories: Sequence[str]) -> str:
    digest = hashlib.sha256()
    versions = (MODEL_VERSION, FEATURES_VERSION, CHAR_FEATURES_VERSION, sklearn.__version__)
    header = "\0".join([*versions, ",".join(categories), ""])
    digest.update(header.encode())
    digest.update(rows_fingerprint(rows).encode())
    return digest.hexdigest()[:32]


def _load(path: Path) -> TextModel | None:
    try:
        with open(path, "rb") as handle:
            model = pickle.load(handle)
    except Exception:  # any unreadable cache file (corrupt, old library) is only a miss
        return None
    return model if isinstance(model, TextModel) else None


def _store(path: Path, model: TextModel) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".model-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        return


def trained_model(rows: Sequence[TrainingRow], categories: Sequence[str]) -> TextModel:
    """The model for these rows: from memory, else from disk, else trained (and stored)."""
    key = model_key(rows, categories)
    model = _memory.get(key)
    if model is None:
        path = cache_dir() / f"model-{key}.pickle"
        model = _load(path)
        if model is None:
            model = TextModel.train(rows, categories)
            _store(path, model)
    _memory[key] = model
    _memory.move_to_end(key)
    while len(_memory) > MEMORY_SLOTS:
        _memory.popitem(last=False)
    return model
