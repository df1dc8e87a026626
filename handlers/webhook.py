"""Webhook mode: an aiohttp endpoint Telegram posts updates to, for either framework.

A request without the configured ``X-Telegram-Bot-Api-Secret-Token`` gets 403. A valid one is
parsed by the adapter's framework and stored by the runtime *before* the 200 goes back; a
storage failure answers 500 so that Telegram delivers the update again later.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from handlers.updates import Feed, UpdateDict

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
log = logging.getLogger("cmbot.telegram")


def webhook_app(
    path: str,
    secret: str,
    feed: Feed,
    to_update_dict: Callable[[Mapping[str, Any]], UpdateDict],
) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook: refused a request without the secret token header")
            return web.Response(status=403, text="Forbidden")
        try:
            body = await request.json()
            update = to_update_dict(body)
        except Exception as exc:  # malformed JSON or not an Update: Telegram never sends it
            log.warning("webhook: refused a malformed update (%s)", exc)
            return web.Response(status=400, text="Bad Request")
        try:
            await feed(update)
        except Exception as exc:
            log.error("webhook: update %s not stored (%s); Telegram will retry",
                      update.get("update_id"), exc)  # fmt: skip
            return web.Response(status=500, text="Not stored")
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post(path, receive)
    return app


class WebhookServer:
    """Serves :func:`webhook_app` on ``host:port`` until :meth:`stop`."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self.runner = web.AppRunner(app, access_log=None)
        self.host = host
        self.port = port

    async def start(self) -> None:
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port)
        await site.start()
        if self.port == 0:  # picked by the system (tests)
            self.port = int(self.runner.addresses[0][1])

    async def stop(self) -> None:
        await self.runner.cleanup()
