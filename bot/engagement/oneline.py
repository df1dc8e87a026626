"""The one-line syntax of /poll and /contest in the staff chat.

::

    /poll Which scent should we bring back? | Rose | Amber | Vetiver --for 2d --in 1h
    /contest Win a Éclat serum --winners 3 --for 3d --keyword #eclat --post 100 --prize "1 serum"

Flags: ``--chat ID`` (default ``engagement.default_chat``), ``--in`` (start later),
``--for`` (duration), ``--multiple``, ``--anonymous`` and ``--chart`` (polls), ``--winners``,
``--keyword``/``--photo``/``--post``/``--entry-chat``/``--prize``/``--rules`` (contests).
"""

from __future__ import annotations

import shlex
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from bot.engagement.common import EngagementError
from bot.engagement.definitions import ContestDef, Definition, PollDef, parse_duration

BOOLEAN = {"multiple", "anonymous", "button", "photo", "chart", "no-results"}
VALUED = {"chat", "in", "for", "winners", "keyword", "post", "prize", "rules", "entry-chat"}


def split_flags(args: str) -> tuple[str, dict[str, str | bool]]:
    """``("head text", {"flag": value})`` from ``head --flag value --switch``."""
    head, sep, rest = args.partition(" --")
    if args.startswith("--"):
        head, sep, rest = "", " --", args[2:]
    flags: dict[str, str | bool] = {}
    if not sep:
        return head.strip(), flags
    try:
        tokens = shlex.split("--" + rest)
    except ValueError as exc:
        raise EngagementError(f"cannot read the flags: {exc} (close your quotes)") from None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.startswith("--"):
            raise EngagementError(f"unexpected {token!r}: flags look like --for 2d")
        name = token[2:]
        if name in BOOLEAN:
            flags[name] = True
            i += 1
        elif name in VALUED:
            if i + 1 >= len(tokens):
                raise EngagementError(f"--{name} needs a value")
            flags[name] = tokens[i + 1]
            i += 2
        else:
            known = ", ".join(f"--{f}" for f in sorted(BOOLEAN | VALUED))
            raise EngagementError(f"unknown flag --{name} (known: {known})")
    return head.strip(), flags


def chat_of(flags: dict[str, str | bool], default: int | str | None) -> int | str:
    chat = flags.get("chat", default)
    if chat is None or chat is True:
        raise EngagementError("say where to post: --chat -100… (or set engagement.default_chat)")
    text = str(chat)
    return int(text) if text.lstrip("-").isdigit() else text


def timing_of(flags: dict[str, str | bool], now: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        if "in" in flags:
            out["starts_at"] = now + parse_duration(str(flags["in"]))
        out["duration"] = str(flags.get("for", "1d"))
        parse_duration(out["duration"])
    except ValueError as exc:
        raise EngagementError(str(exc)) from None
    return out


def explain(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'definition'}: {e['msg']}" for e in exc.errors()
    )


def parse_poll(args: str, now: datetime, default_chat: int | str | None) -> Definition:
    head, flags = split_flags(args)
    parts = [p.strip() for p in head.split("|")]
    if len(parts) < 3:
        raise EngagementError("write /poll Question? | option 1 | option 2 [--for 2d] [--in 1h]")
    data: dict[str, Any] = {
        "question": parts[0],
        "options": parts[1:],
        "chat": chat_of(flags, default_chat),
        "multiple": bool(flags.get("multiple")),
        "anonymous": bool(flags.get("anonymous")),
        "results": not flags.get("no-results"),
        "chart": bool(flags.get("chart")),
        **timing_of(flags, now),
    }
    try:
        return PollDef.model_validate(data)
    except ValidationError as exc:
        raise EngagementError(explain(exc)) from None


def parse_contest(args: str, now: datetime, default_chat: int | str | None) -> Definition:
    head, flags = split_flags(args)
    if not head:
        raise EngagementError("write /contest Title --winners 3 --for 3d [--keyword #win]")
    entry: dict[str, Any] = {"action": "button"}
    if "keyword" in flags or "photo" in flags:
        entry = {"action": "photo" if flags.get("photo") else "comment"}
        for flag, key in (("keyword", "keyword"), ("post", "post"), ("entry-chat", "chat")):
            if flag in flags:
                entry[key] = flags[flag]
    data: dict[str, Any] = {
        "title": head,
        "chat": chat_of(flags, default_chat),
        "winners": flags.get("winners", 1),
        "entry": entry,
        **timing_of(flags, now),
    }
    for key in ("prize", "rules"):
        if key in flags:
            data[key] = flags[key]
    try:
        return ContestDef.model_validate(data)
    except ValidationError as exc:
        raise EngagementError(explain(exc)) from None
