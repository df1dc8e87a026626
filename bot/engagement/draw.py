"""The verifiable draw: commit to a secret seed at launch, reveal it at the draw.

Pure and deterministic; anyone can recompute it (``cmbot contest verify``, or 10 lines of any
language):

* ``seed``: 32 random bytes written as 64 lowercase hex characters (from an injected source).
* ``commitment = SHA-256(seed as ASCII)`` in hex, published in the announcement before any
  entry (``printf %s SEED | sha256sum``).
* ``entries``: the published entry ids, deduplicated and sorted as strings (byte order).
* Round ``r`` (0 for the draw, 1, 2... for rerolls) drops every earlier winner from the list,
  then picks ``n`` winners one at a time: for pick ``k`` = 0, 1, ...
  ``h = SHA-256("<seed>:<r>:<k>")`` read as a big-endian integer, the winner is
  ``remaining[h mod len(remaining)]``, which is then removed from ``remaining``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

SEED_BYTES = 32


class RandomSource(Protocol):
    def token_bytes(self, n: int) -> bytes: ...


class SystemRandom:
    def token_bytes(self, n: int) -> bytes:
        return secrets.token_bytes(n)


def new_seed(source: RandomSource | None = None) -> str:
    return (source or SystemRandom()).token_bytes(SEED_BYTES).hex()


def commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode("ascii")).hexdigest()


def ordered(entries: Iterable[str]) -> list[str]:
    return sorted({str(e).strip() for e in entries if str(e).strip()})


def draw(
    seed: str, entries: Iterable[str], n: int, *, round: int = 0, exclude: Iterable[str] = ()
) -> list[str]:
    """``n`` winners (fewer if there are fewer entries) of round ``round``."""
    excluded = {str(e) for e in exclude}
    remaining = [e for e in ordered(entries) if e not in excluded]
    winners: list[str] = []
    for k in range(min(n, len(remaining))):
        digest = hashlib.sha256(f"{seed}:{round}:{k}".encode("ascii")).digest()
        winners.append(remaining.pop(int.from_bytes(digest, "big") % len(remaining)))
    return winners


@dataclass(frozen=True)
class Verification:
    ok: bool
    reason: str
    expected: tuple[str, ...] = ()


def verify(
    commitment_hex: str,
    seed: str,
    entries: Sequence[str],
    winners: Sequence[str],
    *,
    round: int = 0,
    exclude: Iterable[str] = (),
) -> Verification:
    """Whether ``winners`` follow from ``seed`` and ``entries``, and ``seed`` from
    ``commitment_hex``."""
    if commitment(seed.strip().lower()) != commitment_hex.strip().lower():
        return Verification(False, "the seed does not match the published commitment")
    expected = tuple(
        draw(seed.strip().lower(), entries, len(winners), round=round, exclude=exclude)
    )
    if list(expected) != [str(w) for w in winners]:
        return Verification(
            False, "the winners do not follow from this seed and entry list", expected
        )
    return Verification(True, "the seed matches the commitment and the winners follow", expected)
