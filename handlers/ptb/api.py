"""BotApi on python-telegram-bot: a Bot API call by name through PTB's real client.

``Bot.do_api_request`` sends Bot API JSON parameters and returns the raw JSON answer; PTB's
errors come back as :mod:`bot.errors` ones. Method names go out lower-cased: the Bot API
treats them case-insensitively, and PTB only warns ("use Bot.send_message instead") when the
name matches one of its own attributes, which a lower-cased name never does.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping
from typing import Any

from telegram import Bot, InputFile
from telegram import error as ptb
from telegram.warnings import PTBDeprecationWarning

from bot.errors import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    ServerError,
    TransportError,
)
from bot.telegram.effects import uploads
from handlers.ptb.request import ServerErrorAnswer
from handlers.startup import token_refused


def _retry_after(exc: ptb.RetryAfter) -> float:
    """Seconds to wait, whether PTB gives an int or (PTB_TIMEDELTA=true) a timedelta."""
    with warnings.catch_warnings():  # PTB 22 warns that the type will change; both handled
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def _refused_token(exc: ptb.TelegramError) -> bool:
    """PTB raises InvalidToken (or EndPointNotFound) for 401 and 404 alike, sometimes
    re-raised from the first one; 401 (Unauthorized) is the token, 404 an unknown method."""
    return any(
        isinstance(e, ptb.InvalidToken) and "unauthorized" in str(e).lower()
        for e in (exc, exc.__cause__)
    )


def translate(exc: ptb.TelegramError, method: str, api_url: str) -> TransportError:
    """PTB's error as one of cmbot's (the order matters: BadRequest is a NetworkError)."""
    text = f"{method}: {exc.message}"
    if isinstance(exc, ptb.RetryAfter):
        return RetryAfter(text, _retry_after(exc), method=method)
    if isinstance(exc, ptb.Forbidden):
        return Forbidden(text, method=method)
    if _refused_token(exc):
        return TransportError(f"{method}: {token_refused(api_url)}", method=method)
    if isinstance(exc, ptb.BadRequest | ptb.ChatMigrated | ptb.EndPointNotFound | ptb.InvalidToken):
        return BadRequest(text, method=method)
    if isinstance(exc, ServerErrorAnswer):
        return ServerError(text, method=method)
    if isinstance(exc, ptb.TimedOut | ptb.NetworkError):
        return NetworkError(text, method=method)
    return TransportError(text, method=method)


class PtbBotApi:
    """:class:`~bot.telegram.ports.BotApi` over a PTB :class:`~telegram.Bot`."""

    def __init__(self, bot: Bot, api_url: str) -> None:
        self.bot = bot
        self.api_url = api_url

    async def call(self, method: str, params: Mapping[str, Any]) -> Any:
        values: dict[str, Any] = dict(params)
        for key, (filename, data) in uploads(values).items():
            values[key] = InputFile(data, filename=filename)
        try:
            return await self.bot.do_api_request(method.lower(), api_kwargs=values)
        except ptb.TelegramError as exc:
            raise translate(exc, method, self.api_url) from exc
