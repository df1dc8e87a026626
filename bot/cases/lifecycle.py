"""A case's lifecycle: the statuses and the transitions between them.

::

    new ──► waiting_customer ◄──► waiting_staff
     │             │                   │
     └─────────────┴──► resolved ◄─────┘
                          │  ▲ (the customer writes again: back to waiting_staff)
                          ▼
                        closed

Every status may go to ``closed`` (spam, erased data, a CSAT answer); a closed case stays
closed (a new message opens a new case).
"""

from __future__ import annotations

from bot.errors import CaseError

NEW, WAITING_CUSTOMER, WAITING_STAFF = "new", "waiting_customer", "waiting_staff"
RESOLVED, CLOSED = "resolved", "closed"
STATUSES = (NEW, WAITING_CUSTOMER, WAITING_STAFF, RESOLVED, CLOSED)
OPEN = frozenset({NEW, WAITING_CUSTOMER, WAITING_STAFF})

TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({WAITING_CUSTOMER, WAITING_STAFF, RESOLVED, CLOSED}),
    WAITING_CUSTOMER: frozenset({WAITING_STAFF, RESOLVED, CLOSED}),
    WAITING_STAFF: frozenset({WAITING_CUSTOMER, RESOLVED, CLOSED}),
    RESOLVED: frozenset({WAITING_STAFF, CLOSED}),
    CLOSED: frozenset(),
}


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def check_move(case_id: int, current: str, target: str) -> None:
    """Raise :class:`CaseError` unless ``current`` → ``target`` is allowed."""
    if target not in TRANSITIONS:
        raise CaseError(f"case #{case_id}: unknown status {target!r}; use one of {STATUSES}")
    if not can_move(current, target):
        allowed = ", ".join(sorted(TRANSITIONS.get(current, frozenset()))) or "none"
        raise CaseError(
            f"case #{case_id} is {current}: it cannot become {target} (allowed: {allowed})"
        )
