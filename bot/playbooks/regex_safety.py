"""Refuse regular expressions that can backtrack catastrophically (ReDoS).

Python's ``re`` has no time limit, so one bad playbook pattern could stall triage on a crafted
message. regexploit analyses the pattern's structure and finds the repeated parts that make
backtracking super-linear; like its own command line, we refuse a "starriness" above 2.
"""

from __future__ import annotations

from regexploit.ast.sre import SreOpParser
from regexploit.redos import find

MAX_STARRINESS = 2


def catastrophic_backtracking(regex: str) -> str | None:
    """A short explanation when ``regex`` can backtrack catastrophically, else ``None``."""
    try:
        parsed = SreOpParser().parse_sre(regex)
        findings = list(find(parsed))
    except Exception:  # regexploit does not model every construct; the compile check ran
        return None
    worst = max(findings, key=lambda r: r.starriness, default=None)
    if worst is None or worst.starriness <= MAX_STARRINESS:
        return None
    return (
        f"can backtrack catastrophically (nested repetition around {worst.repeated_character}); "
        "remove the nested quantifier, e.g. write (a+)+ as a+"
    )
