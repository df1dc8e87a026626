"""The routers every runtime runs, in order (see :mod:`bot.telegram.routing`)."""

from __future__ import annotations

from bot.telegram.routing import Router


def feature_routers() -> list[Router]:
    from bot.cases.routes import router as cases
    from bot.engagement.routes import router as engagement
    from bot.reports.routes import router as reports
    from bot.telegram.staff import router as drafts

    # Order matters where several routers take the same command: /start payloads that a
    # feature owns (contest winners) come before the cases feature's catch-all /start menu.
    # Hooks run in this order too: the cases hook replaces the staff card with the case card,
    # then the reports hook adds the lead's line and status buttons to it.
    return [drafts, engagement, cases, reports]
