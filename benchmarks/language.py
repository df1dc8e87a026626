"""Benchmark language detection: accuracy (overall, < 20 chars), throughput, load time.

Usage: ``.venv/bin/python benchmarks/language.py [--data PATH] [--limit N]``. Prints one JSON
object. Reads a JSONL file of ``{"text", "label"}`` (default:
``../shared/data/langid_tatoeba/dev.jsonl`` relative to the repository root). No hint or
prior is given, so the figures are the model's own. Baselines from the same run, to read the
throughput figures as ratios: ``str.lower`` over the texts, ``normalise`` over the texts, and
langdetect's stock ``detect`` with all 55 profiles (unrestricted).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core: keep numpy's BLAS single-threaded
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "langid_tatoeba" / "dev.jsonl"
SHORT = 20


def load(path: Path, limit: int | None) -> list[tuple[str, str]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                rows.append((row["text"], row["label"]))
    return rows[:limit] if limit else rows


def accuracy(pairs: list[tuple[str, str, str]]) -> dict[str, Any]:
    short = [p for p in pairs if len(p[0]) < SHORT]

    def acc(items: list[tuple[str, str, str]]) -> float:
        return round(sum(g == y for _, y, g in items) / len(items), 4) if items else 0.0

    return {"accuracy": acc(pairs), "accuracy_short": acc(short), "n": len(pairs),
            "n_short": len(short)}  # fmt: skip


def bench_backend(name: str, rows: list[tuple[str, str]], languages: list[str]) -> dict[str, Any]:
    from bot.text import language_backends
    from bot.text.language import make_detector

    language_backends._PY3LANGID_BASE = None  # measure a cold load
    language_backends._PY3LANGID_VIEWS.clear()
    language_backends._LANGDETECT_FACTORIES.clear()
    start = time.perf_counter()
    detector = make_detector(name, languages, default=languages[0])
    detector.detect("warm up the model")
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    guesses = [detector.detect(text).language for text, _ in rows]
    elapsed = time.perf_counter() - start
    result = accuracy([(t, y, g) for (t, y), g in zip(rows, guesses, strict=True)])
    result.update(texts_per_s=round(len(rows) / elapsed, 1), load_s=round(load_s, 3))
    return result


def bench_baselines(rows: list[tuple[str, str]]) -> dict[str, Any]:
    from bot.text.normalise import normalise

    texts = [t for t, _ in rows]
    out: dict[str, Any] = {}
    for label, fn in (("str_lower", str.lower), ("normalise", normalise)):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        out[f"{label}_texts_per_s"] = round(len(texts) / (time.perf_counter() - start), 1)
    try:
        import langdetect
        from langdetect import DetectorFactory
        from langdetect.lang_detect_exception import LangDetectException
    except ImportError:
        return out
    DetectorFactory.seed = 0
    start = time.perf_counter()
    langdetect.detect("warm up")
    load_s = time.perf_counter() - start
    guesses = []
    start = time.perf_counter()
    for text in texts:
        try:
            guesses.append(langdetect.detect(text).split("-")[0])
        except LangDetectException:
            guesses.append("und")
    elapsed = time.perf_counter() - start
    stock = accuracy([(t, y, g) for (t, y), g in zip(rows, guesses, strict=True)])
    stock.update(texts_per_s=round(len(texts) / elapsed, 1), load_s=round(load_s, 3))
    out["langdetect_all_profiles"] = stock
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N rows")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"benchmarks/language.py: data file {args.data} not found; pass --data PATH "
              "to a JSONL file with 'text' and 'label'", file=sys.stderr)  # fmt: skip
        return 2
    rows = load(args.data, args.limit)
    languages = sorted({label for _, label in rows})
    report: dict[str, Any] = {
        "data": str(args.data),
        "languages": languages,
        "python": platform.python_version(),
        "one_core": True,
        "backends": {
            name: bench_backend(name, rows, languages) for name in ("py3langid", "langdetect")
        },
        "baselines": bench_baselines(rows),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
