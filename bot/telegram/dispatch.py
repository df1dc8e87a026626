"""The routers of a runtime, in order: which handler takes a command, a button, a job."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.pipeline import Outcome
from bot.storage.store_jobs import Job
from bot.telegram.effects import answer_callback, send_text
from bot.telegram.reactions import Planned
from bot.telegram.routing import (
    CallbackSpec,
    Command,
    CommandSpec,
    Context,
    JobHandler,
    Press,
    Reaction,
    Router,
    StaffMessage,
    Triaged,
    Where,
)
from bot.telegram.signing import verify
from bot.telegram.updates import Callback, ParsedUpdate

log = logging.getLogger("cmbot.telegram")


class Dispatcher:
    """The routers of a runtime, in order; finds the handler for a command, button or job."""

    def __init__(self, routers: Iterable[Router]) -> None:
        self.routers = list(routers)
        self.commands: dict[str, list[CommandSpec]] = {}
        self.callbacks: dict[str, CallbackSpec] = {}
        self.jobs: dict[str, JobHandler] = {}
        for router in self.routers:
            for name, spec in router.commands.items():
                self.commands.setdefault(name, []).append(spec)
            for table, own in (
                (self.callbacks, router.callbacks),
                (self.jobs, router.jobs),
            ):
                for key, value in own.items():
                    if key in table:
                        raise ValueError(f"{router.name}: {key!r} is registered twice")
                    table[key] = value  # type: ignore[assignment]

    def command_help(self, where: Where, staff: bool) -> list[tuple[str, str]]:
        """``(name, help)`` of the commands usable ``where`` (staff ones only for staff)."""
        out: dict[str, str] = {}
        for name, specs in self.commands.items():
            for spec in specs:
                if where in spec.where and spec.help and (staff or not spec.staff_only):
                    out.setdefault(name, spec.help)
        return list(out.items())

    async def command(self, ctx: Context, cmd: Command) -> Reaction | None:
        """The first reaction of the handlers of ``/name`` (routers in order; a handler that
        returns None leaves the command to the next, e.g. ``/start`` with a payload it does
        not own), a refusal, or None when no router takes the command."""
        for spec in self.commands.get(cmd.name, ()):
            if cmd.where not in spec.where:
                continue
            if spec.staff_only and not ctx.is_staff(cmd.user_id, cmd.chat_id):
                log.warning("/%s refused to non-staff user %s", cmd.name, cmd.user_id)
                reply = send_text(cmd.chat_id, f"/{cmd.name} is for staff only.", reply_to=None)
                return Reaction([Planned(reply)]).event(
                    "refused", what=f"/{cmd.name}", user_id=cmd.user_id, chat_id=cmd.chat_id
                )
            reaction = await spec.handler(ctx, cmd)
            if reaction is not None:
                return reaction
        return None

    async def callback(self, ctx: Context, callback: Callback) -> Reaction:
        verified = verify(ctx.secret, callback.data)
        if verified is None:
            log.warning("invalid button data %r from user %s", callback.data, callback.user_id)
            refusal = Reaction([Planned(answer_callback(callback.id, "This button is not valid."))])
            return refusal.event(
                "refused",
                what="invalid button",
                data=callback.data[:64],
                user_id=callback.user_id,
                chat_id=callback.chat_id,
            )
        code, args = verified
        spec = self.callbacks.get(code)
        if spec is None:
            return Reaction([Planned(answer_callback(callback.id, "This button has expired."))])
        if spec.staff_only and not ctx.is_staff(callback.user_id, callback.chat_id):
            log.warning("button %s refused to non-staff user %s", code, callback.user_id)
            refusal = Reaction([Planned(answer_callback(callback.id, "Only staff can do this."))])
            return refusal.event(
                "refused",
                what=f"button {code}",
                args=list(args),
                user_id=callback.user_id,
                chat_id=callback.chat_id,
            )
        return await spec.handler(ctx, Press(callback, code, args))

    async def job(self, ctx: Context, job: Job) -> Reaction:
        handler = self.jobs.get(job.kind)
        if handler is None:
            raise LookupError(f"no handler for scheduled job kind {job.kind!r}")
        return await handler(ctx, job)

    async def before_outcomes(self, ctx: Context, outcomes: list[Outcome]) -> None:
        for router in self.routers:
            for hook in router.batch_hooks:
                await hook(ctx, outcomes)

    async def outcome(self, ctx: Context, triaged: Triaged) -> Reaction:
        out = Reaction()
        for router in self.routers:
            for hook in router.outcome_hooks:
                out.extend(await hook(ctx, triaged))
        return out

    async def staff_message(self, ctx: Context, message: StaffMessage) -> Reaction:
        out = Reaction()
        for router in self.routers:
            for hook in router.staff_hooks:
                out.extend(await hook(ctx, message))
        return out

    async def start(self, ctx: Context) -> None:
        for router in self.routers:
            for hook in router.start_hooks:
                await hook(ctx)

    async def update(self, ctx: Context, parsed: ParsedUpdate) -> Reaction:
        out = Reaction()
        for router in self.routers:
            for hook in router.update_hooks:
                out.extend(await hook(ctx, parsed))
        return out
