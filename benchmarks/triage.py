"""Benchmark triage: throughput, per-message latency, and scaling with the keyword count.

Usage: ``.venv/bin/python benchmarks/triage.py [--limit N] [--repeat R]``. Prints one JSON
object. The messages are a real mix from ``../shared/data`` (SMS spam collection, Telegram
spam samples, brand complaints on Twitter, Tatoeba sentences), interleaved. Figures:

* ``batch``: messages/s through ``Classifier.classify_many`` in batches of 512, one process;
* ``single``: p50/p99 of one ``Classifier.classify`` call per message, in microseconds;
* ``keywords``: the same with 10, 100, 1,000 and 10,000 synthetic keywords added to a temporary
  copy of the shipped playbooks (the phrase automaton grows, the work per message should not);
* ``baseline``: ``normalise`` alone over the same texts, from the same run, so that the
  figures read as ratios on any machine.

The text model is trained (or read from the cache) before timing starts, by
``Classifier.ready()``, which also freezes the start-up objects out of the garbage collector's
sight as a long-running bot should (``--no-gc-freeze`` measures without that).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
SOURCES = (
    "sms_spam_collection/data.jsonl",
    "tg_spam_samples/messages.jsonl",
    "complaints_twitter/dev.jsonl",
    "langid_tatoeba/dev.jsonl",
)
KEYWORD_COUNTS = (10, 100, 1_000, 10_000)
BATCH = 512


def load_mix(limit: int) -> list[str]:
    per_source: list[list[str]] = []
    for name in SOURCES:
        path = DATA / name
        if path.is_file():
            with open(path, encoding="utf-8") as handle:
                per_source.append([json.loads(line)["text"] for line in handle if line.strip()])
    if not per_source:
        raise SystemExit(f"no data found under {DATA}")
    mix: list[str] = []
    for i in range(max(len(texts) for texts in per_source)):
        mix.extend(texts[i] for texts in per_source if i < len(texts))
    return mix[:limit]


def synthetic_playbooks(count: int) -> Path:
    """A temporary copy of the shipped playbooks with ``count`` extra keywords."""
    from bot.app import SHIPPED_PLAYBOOKS

    folder = Path(tempfile.mkdtemp(prefix="cmbot-bench-"))
    shutil.copytree(SHIPPED_PLAYBOOKS, folder, dirs_exist_ok=True)
    rng = random.Random(count)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {
        " ".join(
            "".join(rng.choice(letters) for _ in range(rng.randint(4, 9)))
            for _ in range(rng.randint(1, 3))
        )
        for _ in range(count)
    }
    lines = "".join(f"    - {w}\n" for w in sorted(words))
    path = folder / "other.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nkeywords:\n  en:\n" + lines, encoding="utf-8")
    return folder


def measure(playbooks: Path, texts: list[str], repeat: int, freeze: bool) -> dict[str, Any]:
    from bot.app import build_classifier
    from bot.config import Config
    from bot.domain import InboundMessage

    started = time.perf_counter()
    classifier = build_classifier(Config(), playbooks_dir=playbooks)
    messages = [InboundMessage(text=t) for t in texts]
    classifier.ready(freeze_gc=freeze)  # train or load the model, build the indexes
    classifier.classify_many(messages[:8])  # warm the caches
    ready = time.perf_counter() - started
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for i in range(0, len(messages), BATCH):
            classifier.classify_many(messages[i : i + BATCH])
        best = min(best, time.perf_counter() - t0)
    single = []
    for message in messages[:2000]:
        t0 = time.perf_counter_ns()
        classifier.classify(message)
        single.append((time.perf_counter_ns() - t0) / 1000)
    single.sort()
    return {
        "keywords_in_index": classifier.index.size,
        "ready_s": round(ready, 3),
        "batch_messages_per_s": round(len(messages) / best),
        "single_p50_us": round(statistics.median(single)),
        "single_p99_us": round(single[int(len(single) * 0.99) - 1]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-gc-freeze", action="store_true", help="do not call gc.freeze()")
    args = parser.parse_args()
    from bot.app import SHIPPED_PLAYBOOKS
    from bot.text.normalise import normalise

    texts = load_mix(args.limit)
    t0 = time.perf_counter()
    for text in texts:
        normalise(text)
    baseline = len(texts) / (time.perf_counter() - t0)
    freeze = not args.no_gc_freeze
    shipped = measure(SHIPPED_PLAYBOOKS, texts, args.repeat, freeze)
    scaling = {}
    for count in KEYWORD_COUNTS:
        folder = synthetic_playbooks(count)
        try:
            scaling[str(count)] = measure(folder, texts, 1, freeze)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    first, last = scaling[str(KEYWORD_COUNTS[0])], scaling[str(KEYWORD_COUNTS[-1])]
    report = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "gc_freeze": freeze,
        "messages": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
        "baseline_normalise_per_s": round(baseline),
        "shipped": shipped,
        "batch_vs_normalise": round(shipped["batch_messages_per_s"] / baseline, 3),
        "keywords": scaling,
        "slowdown_10_to_10000": round(
            first["batch_messages_per_s"] / max(1, last["batch_messages_per_s"]), 3
        ),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
