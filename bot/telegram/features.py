"""The routers every runtime runs, in order (see :mod:`bot.telegram.routing`)."""

from __future__ import annotations

from bot.telegram.routing import Router


def feature_routers() -> list[Router]:
    from bot.cases.routes import router as cases
    from bot.engagement.routes import router as engagement
    from bot.reports.routes import router as reports
    from bot.telegram.staff import router as drafts

    return [drafts, cases, engagement, reports]
