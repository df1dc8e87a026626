"""The cases feature's commands, buttons, jobs and hooks in the Telegram runtime."""

from __future__ import annotations

from bot.telegram.routing import Router

router = Router("cases")
