"""Signed button data: ``cmbot:<code>:<arg>...:<tag>``, the tag an HMAC of the rest.

Telegram gives a bot back whatever ``callback_data`` it put on a button, but a client can send
any data it likes; the tag lets the runtime refuse data that cmbot did not make (typed by hand,
or copied from another button with a changed argument) before any handler runs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

PREFIX = "cmbot"
TAG_LENGTH = 8


def sign(secret: bytes, code: str, *args: str | int) -> str:
    body = ":".join([PREFIX, code, *(str(a) for a in args)])
    digest = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    tag = base64.urlsafe_b64encode(digest).decode()[:TAG_LENGTH]
    data = f"{body}:{tag}"
    if len(data.encode()) > 64:
        raise ValueError(f"callback data longer than Telegram's 64 bytes: {data!r}")
    return data


def verify(secret: bytes, data: str) -> tuple[str, tuple[str, ...]] | None:
    """``(code, args)`` of signed ``data``, or None when it is not a valid cmbot button."""
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != PREFIX:
        return None
    body, tag = ":".join(parts[:-1]), parts[-1]
    digest = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    expected = base64.urlsafe_b64encode(digest).decode()[:TAG_LENGTH]
    if not hmac.compare_digest(expected, tag):
        return None
    return parts[1], tuple(parts[2:-1])
