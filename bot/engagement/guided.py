"""The guided flow of ``/poll`` with no arguments: question, options, chat, schedule, then the
same preview and *Launch* button as the one-line syntax.

The flow's state is kept per staff user (``store.set_state``), so it survives a restart; a
message processed twice (after a crash) is recognised by its id and not applied again.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from bot.engagement import limits
from bot.engagement.common import EngagementError
from bot.engagement.definitions import PollDef
from bot.engagement.oneline import chat_of, explain, split_flags, timing_of
from bot.telegram.routing import Context, StaffMessage

STEPS = ("question", "options", "chat", "timing")
PROMPTS = {
    "question": "New poll (1/4): send the question (up to 300 characters), or “cancel”.",
    "options": "2/4: send the options, one per line (2 to 12).",
    "chat": "3/4: where should it be posted? Send the chat id (e.g. -100…) or “default”.",
    "timing": "4/4: when and for how long? E.g. “--for 2d”, or “--in 1h --for 3d”; add"
    " --multiple, --anonymous or --chart if needed.",
}


def _key(user_id: str) -> str:
    return f"engagement_flow:{user_id}"


async def start(ctx: Context, user_id: str) -> str:
    await ctx.store.set_state(_key(user_id), json.dumps({"step": "question", "data": {}}))
    return PROMPTS["question"]


async def advance(ctx: Context, message: StaffMessage) -> tuple[str, PollDef | None] | None:
    """``(text to reply, definition or None)`` when ``message`` belongs to a flow."""
    user_id = message.message.user_id or ""
    raw = await ctx.store.get_state(_key(user_id))
    if not raw:
        return None
    flow = json.loads(raw)
    if not flow.get("step"):
        return None
    message_id = int(message.message.message_id or 0)
    if message_id and message_id <= int(flow.get("last", 0)):
        return None  # processed already
    flow["last"] = message_id
    text = message.message.text.strip()
    if text.casefold() == "cancel":
        await ctx.store.set_state(_key(user_id), json.dumps({"last": message_id}))
        return "Poll cancelled.", None
    step, data = flow["step"], flow["data"]
    try:
        definition = _apply(ctx, step, data, text)
    except EngagementError as exc:
        await ctx.store.set_state(_key(user_id), json.dumps(flow))
        return f"⚠️ {exc}\n{PROMPTS[step]}", None
    if definition is not None:
        await ctx.store.set_state(_key(user_id), json.dumps({"last": message_id}))
        return "", definition
    flow["step"] = STEPS[STEPS.index(step) + 1]
    await ctx.store.set_state(_key(user_id), json.dumps(flow))
    return PROMPTS[flow["step"]], None


def _apply(ctx: Context, step: str, data: dict[str, Any], text: str) -> PollDef | None:
    if step == "question":
        if not 1 <= len(text) <= limits.MAX_QUESTION:
            raise EngagementError(
                f"the question has {len(text)} characters; at most {limits.MAX_QUESTION}"
            )
        data["question"] = text
    elif step == "options":
        options = [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]
        if not limits.MIN_OPTIONS <= len(options) <= limits.MAX_OPTIONS:
            raise EngagementError(
                f"{len(options)} option(s); a poll has {limits.MIN_OPTIONS} to {limits.MAX_OPTIONS}"
            )
        data["options"] = options
    elif step == "chat":
        given: dict[str, str | bool] = {} if text.casefold() == "default" else {"chat": text}
        data["chat"] = chat_of(given, ctx.config.engagement.default_chat)
    else:
        _, flags = split_flags(text if text.startswith("--") else f"--for {text}")
        values = {
            **data,
            **timing_of(flags, ctx.now_dt),
            "multiple": bool(flags.get("multiple")),
            "anonymous": bool(flags.get("anonymous")),
            "chart": bool(flags.get("chart")),
        }
        try:
            return PollDef.model_validate(values)
        except ValidationError as exc:
            raise EngagementError(explain(exc)) from None
    return None
