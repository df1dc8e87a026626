"""BotApi on aiogram: a Bot API call by name through aiogram's real client.

The method object comes from :mod:`aiogram.methods` (``sendMessage`` -> ``SendMessage``),
is validated by aiogram and sent by its aiohttp session; the answer comes back as plain Bot
API JSON, and aiogram's errors as :mod:`bot.errors` ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, ClassVar

from aiogram import Bot, methods
from aiogram.exceptions import (
    AiogramError,
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods.base import TelegramMethod
from aiogram.types import BufferedInputFile
from pydantic import BaseModel, ValidationError

from bot.errors import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    ServerError,
    TransportError,
)
from bot.telegram.effects import uploads
from handlers.startup import token_refused


class _AnyMethod(TelegramMethod[Any]):
    """A Bot API method aiogram does not know yet: sent as is, answered as raw JSON."""

    __returning__: ClassVar[Any] = Any
    __api_method__: ClassVar[str] = ""


@lru_cache(maxsize=256)
def method_class(name: str) -> type[TelegramMethod[Any]]:
    known = getattr(methods, name[:1].upper() + name[1:], None)
    if isinstance(known, type) and issubclass(known, TelegramMethod):
        return known
    return type(name, (_AnyMethod,), {"__api_method__": name})


def to_json(value: Any) -> Any:
    """aiogram's answer as plain Bot API JSON (what the runtime and the store expect)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True, by_alias=True)
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return value


def translate(exc: AiogramError, method: str, api_url: str) -> TransportError:
    """aiogram's error as one of cmbot's (the order matters: some subclass others)."""
    text = f"{method}: {getattr(exc, 'message', exc)}"
    if isinstance(exc, TelegramRetryAfter):
        return RetryAfter(text, float(exc.retry_after), method=method)
    if isinstance(exc, TelegramForbiddenError):
        return Forbidden(text, method=method)
    if isinstance(exc, TelegramUnauthorizedError):
        return TransportError(f"{method}: {token_refused(api_url)}", method=method)
    if isinstance(exc, TelegramBadRequest | TelegramNotFound | TelegramMigrateToChat):
        return BadRequest(text, method=method)
    if isinstance(exc, TelegramEntityTooLarge):
        return BadRequest(text, method=method)
    if isinstance(exc, TelegramServerError | ClientDecodeError):
        return ServerError(text, method=method)
    if isinstance(exc, TelegramNetworkError):
        return NetworkError(text, method=method)
    if isinstance(exc, TelegramAPIError):
        return TransportError(text, method=method)
    return TransportError(f"{method}: {type(exc).__name__}: {exc}", method=method)


class AiogramBotApi:
    """:class:`~bot.telegram.ports.BotApi` over an aiogram :class:`~aiogram.Bot`."""

    def __init__(self, bot: Bot, api_url: str) -> None:
        self.bot = bot
        self.api_url = api_url

    async def call(self, method: str, params: Mapping[str, Any]) -> Any:
        values = dict(params)
        for key, (filename, data) in uploads(values).items():
            values[key] = BufferedInputFile(data, filename)
        try:
            request = method_class(method).model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise BadRequest(f"{method}: invalid parameters: {problems}", method=method) from None
        try:
            result = await self.bot(request)
        except AiogramError as exc:
            raise translate(exc, method, self.api_url) from exc
        return to_json(result)
