"""SLA timers of a case: when the first response and the resolution are due, and when to
remind (a warning before the due time, then the breach). Data only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.playbooks.model import CasePolicy

FIRST_RESPONSE, RESOLUTION = "first_response", "resolution"


@dataclass(frozen=True)
class Reminder:
    timer: str  # first_response or resolution
    stage: str  # warning or breach
    at: datetime
    due_at: datetime

    def job_key(self, case_id: int) -> str:
        return f"case:{case_id}:sla:{self.timer}:{self.stage}"


def due_times(policy: CasePolicy, opened_at: datetime) -> dict[str, datetime]:
    return {
        FIRST_RESPONSE: opened_at + timedelta(minutes=policy.first_response_minutes),
        RESOLUTION: opened_at + timedelta(hours=policy.resolution_hours),
    }


def reminders(
    due: dict[str, datetime], opened_at: datetime, warning_minutes: float
) -> list[Reminder]:
    """A warning ``warning_minutes`` before each due time (when that is after opening) and a
    breach reminder at the due time."""
    out = []
    for timer, due_at in due.items():
        warn_at = due_at - timedelta(minutes=warning_minutes)
        if warning_minutes > 0 and warn_at > opened_at:
            out.append(Reminder(timer, "warning", warn_at, due_at))
        out.append(Reminder(timer, "breach", due_at, due_at))
    return out
