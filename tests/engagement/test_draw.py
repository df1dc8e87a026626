"""The verifiable draw and `cmbot contest verify`: pure and deterministic."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli.main import cli
from bot.engagement.draw import commitment, draw, new_seed, verify

SEED = "ab" * 32
ENTRIES = [str(i) for i in range(1, 201)]


class Fixed:
    def token_bytes(self, n: int) -> bytes:
        return b"\x07" * n


def test_seed_comes_from_the_injected_source_and_commitment_is_sha256_of_it() -> None:
    seed = new_seed(Fixed())
    assert seed == "07" * 32
    assert commitment(seed) == hashlib.sha256(seed.encode()).hexdigest()


def test_draw_is_deterministic_order_independent_and_documented() -> None:
    winners = draw(SEED, ENTRIES, 3)
    assert winners == draw(SEED, [*reversed(ENTRIES), "5"], 3)  # sorted, deduplicated
    assert len(set(winners)) == 3 and set(winners) <= set(ENTRIES)
    # the README's algorithm, written out independently
    remaining = sorted(set(ENTRIES))
    expected = []
    for k in range(3):
        h = int.from_bytes(hashlib.sha256(f"{SEED}:0:{k}".encode()).digest(), "big")
        expected.append(remaining.pop(h % len(remaining)))
    assert winners == expected
    assert draw("cd" * 32, ENTRIES, 3) != winners


def test_rerolls_never_return_a_previous_winner() -> None:
    first = draw(SEED, ENTRIES, 3)
    previous = list(first)
    for round_ in range(1, 30):
        again = draw(SEED, ENTRIES, 3, round=round_, exclude=previous)
        assert not set(again) & set(previous)
        previous += again
    assert len(set(previous)) == len(previous) == 90
    assert draw(SEED, ["1", "2"], 5) and len(draw(SEED, ["1", "2"], 5)) == 2


def test_verify_accepts_the_truth_and_refuses_a_changed_list_or_seed() -> None:
    c = commitment(SEED)
    winners = draw(SEED, ENTRIES, 3)
    assert verify(c, SEED, ENTRIES, winners).ok
    changed = [e for e in ENTRIES if e != winners[0]] + ["999"]
    assert not verify(c, SEED, changed, winners).ok
    other = "cd" * 32
    bad = verify(c, other, ENTRIES, draw(other, ENTRIES, 3))
    assert not bad.ok and "commitment" in bad.reason
    assert not verify(commitment(other), other, ENTRIES, winners).ok


def test_cli_verify_from_arguments_files_and_export(tmp_path: Path) -> None:
    runner = CliRunner()
    winners = draw(SEED, ENTRIES, 3)
    entries = tmp_path / "entries.txt"
    entries.write_text("\n".join(ENTRIES), encoding="utf-8")
    args = ["contest", "verify", "--commitment", commitment(SEED), "--seed", SEED,
            "--entries", str(entries), "--winners", ",".join(winners)]  # fmt: skip
    ok = runner.invoke(cli, args)
    assert ok.exit_code == 0 and "round 0: OK" in ok.output
    entries.write_text("\n".join(ENTRIES[:-1]), encoding="utf-8")
    changed = runner.invoke(cli, args)
    assert changed.exit_code == 1 and "MISMATCH" in changed.output
    reroll = draw(SEED, ENTRIES, 2, round=1, exclude=winners)
    export = tmp_path / "export.json"
    data = {
        "commitment": commitment(SEED),
        "seed": SEED,
        "entries": ENTRIES,
        "rounds": [winners, reroll],
    }
    export.write_text(json.dumps(data), encoding="utf-8")
    both = runner.invoke(cli, ["contest", "verify", "--from", str(export)])
    assert both.exit_code == 0 and "round 1: OK" in both.output
    wrong = runner.invoke(cli, ["contest", "verify", "--from", str(export), "--seed", "cd" * 32])
    assert wrong.exit_code == 1
