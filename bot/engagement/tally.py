"""Pure counting: poll results per option, quiz leaderboards (ties broken by time)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.storage.store_engagement import AnswerRow

BAR = 20


@dataclass(frozen=True)
class OptionResult:
    text: str
    votes: int
    share: float  # of voters, 0..1


def poll_results(options: Sequence[str], answers: Sequence[AnswerRow]) -> list[OptionResult]:
    """Votes per option of the current (last) answer of each user; retracted votes don't count."""
    voters = [a for a in answers if a.option_ids]
    counts = [0] * len(options)
    for answer in voters:
        for option in answer.option_ids:
            if 0 <= option < len(counts):
                counts[option] += 1
    total = len(voters)
    return [
        OptionResult(t, c, c / total if total else 0.0)
        for t, c in zip(options, counts, strict=True)
    ]


def results_text(title: str, results: Sequence[OptionResult], voters: int) -> str:
    """A results message with a text bar chart, most votes first."""
    lines = [f"📊 Results: {title}", f"{voters} voter{'s' if voters != 1 else ''}", ""]
    for r in sorted(results, key=lambda r: -r.votes):
        bar = "█" * round(r.share * BAR) or ("▏" if r.votes else "")
        lines.append(f"{r.text}: {r.votes} ({r.share:.0%}) {bar}".rstrip())
    return "\n".join(lines)


@dataclass(frozen=True)
class Standing:
    user_id: str
    name: str
    score: int
    seconds: float  # answer time summed over the correct answers
    answered: int


def leaderboard(
    correct: dict[str, int],
    opened: dict[str, datetime],
    answers: Sequence[AnswerRow],
) -> list[Standing]:
    """Rank players: most correct answers first, then the least total time on them.

    ``correct``: poll id -> the right option; ``opened``: poll id -> when it was sent. A player
    who joined late is ranked on the questions they answered.
    """
    score: dict[str, int] = {}
    seconds: dict[str, float] = {}
    answered: dict[str, int] = {}
    names: dict[str, str] = {}
    for a in answers:
        if a.poll_id not in correct or not a.option_ids:
            continue
        names[a.user_id] = a.name or a.user_id
        answered[a.user_id] = answered.get(a.user_id, 0) + 1
        score.setdefault(a.user_id, 0)
        seconds.setdefault(a.user_id, 0.0)
        if list(a.option_ids) == [correct[a.poll_id]]:
            score[a.user_id] += 1
            took = (a.answered_at - opened[a.poll_id]).total_seconds()
            seconds[a.user_id] += max(0.0, took)
    standings = [Standing(u, names[u], score[u], round(seconds[u], 3), answered[u]) for u in score]
    return sorted(standings, key=lambda s: (-s.score, s.seconds, s.user_id))


def leaderboard_text(
    title: str, standings: Sequence[Standing], questions: int, top: int = 10
) -> str:
    if not standings:
        return f"🏆 {title}: no answers yet."
    medals = {0: "🥇", 1: "🥈", 2: "🥉"}
    lines = [f"🏆 Leaderboard: {title}", f"{len(standings)} players, {questions} questions", ""]
    for rank, s in enumerate(standings[:top]):
        mark = medals.get(rank, f"{rank + 1}.")
        lines.append(f"{mark} {s.name}: {s.score}/{questions} ({s.seconds:.1f}s)")
    return "\n".join(lines)
