"""Process stored updates in batches: parse, triage, moderate, plan effects, save — one
transaction per batch, updates marked ``done`` together with what they produced."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import Config
from bot.decide import Action
from bot.domain import MessageKind
from bot.errors import CmbotError
from bot.pipeline import Outcome, Pipeline
from bot.storage import Store
from bot.storage.store_jobs import JobResult
from bot.storage.store_runtime import ProcessedUpdate, StrikeRecord
from bot.telegram.dispatch import Dispatcher
from bot.telegram.effects import Effect, staff_card
from bot.telegram.members import MemberTracker
from bot.telegram.moderation import Moderator
from bot.telegram.outbox import Claim
from bot.telegram.ports import Clock
from bot.telegram.reactions import Planned, plan_outcome
from bot.telegram.routing import (
    Command,
    Context,
    Identity,
    Reaction,
    StaffMessage,
    Triaged,
    Where,
)
from bot.telegram.updates import PLATFORM, ParseContext, ParsedUpdate, parse_update

log = logging.getLogger("cmbot.telegram")


#: A stored call to make: its row id, the call, and the outbox's claim when it starts at once.
Call = tuple[int, Effect, Claim | None]
JOB_ATTEMPTS = 5
JOBS_PER_RUN = 200


@dataclass
class Work:
    """One update being processed: its result row and the effects it plans."""

    result: ProcessedUpdate
    parsed: ParsedUpdate | None = None
    planned: list[Planned] = field(default_factory=list)
    later: list[tuple[int, Effect]] = field(default_factory=list)  # already stored calls

    def react(self, reaction: Reaction) -> None:
        self.planned.extend(reaction.planned)
        self.later.extend(reaction.later)
        self.result.events.extend(reaction.events)


class Processor:
    def __init__(
        self,
        store: Store,
        pipeline: Pipeline,
        moderator: Moderator,
        members: MemberTracker,
        config: Config,
        clock: Clock,
        identity: Identity,
        dispatcher: Dispatcher,
    ) -> None:
        self.store, self.pipeline, self.moderator = store, pipeline, moderator
        self.members, self.config, self.clock, self.identity = members, config, clock, identity
        self.dispatcher = dispatcher
        self.secret = b""  # signs button data; set by the runtime at start
        self.on_private_message: Callable[[str], None] = lambda _user_id: None
        # The outbox's claim (:meth:`~bot.telegram.outbox.Outbox.claim`): a call it can make at
        # once is stored as ``sending`` and made right after the batch is saved.
        self.claim: Callable[[Effect], Claim | None] = lambda _effect: None
        self.release: Callable[[Claim], None] = lambda _claim: None

    def handler_context(self, now: float | None = None) -> Context:
        return Context(
            self.store,
            self.config,
            self.pipeline,
            self.clock,
            self.identity,
            self.secret,
            self.clock.time() if now is None else now,
        )

    async def process_safely(
        self, batch: list[tuple[int, dict[str, Any]]], marked: Collection[int] = ()
    ) -> list[Call]:
        """:meth:`process`, retried while the database is unreachable; an update whose
        processing raises is isolated and marked ``failed`` (the others go on)."""
        delay = 0.5
        for attempt in range(1, 6):
            try:
                return await self.process(batch, marked)
            except CmbotError as exc:
                log.error("processing %d updates failed (try %d): %s", len(batch), attempt, exc)
            except Exception:
                log.exception("processing %d updates failed", len(batch))
                if len(batch) > 1:
                    return [out for item in batch for out in await self.process_safely([item])]
                failed = ProcessedUpdate(batch[0][0], "failed", "processing raised; see the log")
                with contextlib.suppress(CmbotError):
                    await self.store.save_processed(PLATFORM, [failed])
                return []
            await self.clock.sleep(delay)
            delay *= 2
            marked = ()  # a new try counts a new attempt
        log.error("gave up on %d updates for now; they resume at the next start", len(batch))
        return []

    def context(self) -> ParseContext:
        tg = self.config.telegram
        return ParseContext(
            bot_id=self.identity.bot_id,
            staff_user_ids=frozenset(tg.staff_user_ids),
            staff_chat_id=tg.staff_chat_id,
            bot_username=self.identity.username,
            watched_chats=frozenset(tg.watched_chats),
            is_new_member=self.members.is_new,
        )

    async def process(
        self, batch: list[tuple[int, dict[str, Any]]], marked: Collection[int] = ()
    ) -> list[Call]:
        """Process and save ``batch``; return the stored calls ``(row id, effect, claim)`` to
        send, in order (``claim``: the outbox makes it at once, see :attr:`claim`).
        ``marked``: rows stored as ``processing`` already (their attempt is counted)."""
        await self.store.mark_updates_processing([row for row, _ in batch if row not in marked])
        ctx, now = self.context(), self.clock.time()
        works: list[Work] = []
        for row_id, payload in batch:
            work = Work(ProcessedUpdate(row_id))
            works.append(work)
            try:
                work.parsed = parse_update(payload, ctx)
            except Exception as exc:  # never expected: the parser is total
                log.exception("update row %d could not be parsed", row_id)
                work.result.status, work.result.error = "failed", f"parse: {exc}"
                continue
            for chat_id, user_id in work.parsed.joins:
                self.members.joined(chat_id, user_id, now)
                work.result.joins.append((chat_id, user_id, datetime.fromtimestamp(now, UTC)))
        hctx = self.handler_context(now)
        await self._triage(works, now, hctx)
        for work in works:
            parsed = work.parsed
            if parsed is None:
                continue
            if parsed.callback is not None:
                work.react(await self.dispatcher.callback(hctx, parsed.callback))
            elif parsed.command is not None and parsed.message is not None:
                await self._command(work, parsed, hctx)
            elif parsed.message is not None and parsed.ignore == "staff chat":
                reply_to = parsed.details.get("reply_to_message_id")
                staff = StaffMessage(parsed.message, _str(reply_to), parsed)
                work.react(await self.dispatcher.staff_message(hctx, staff))
            elif parsed.message is None or parsed.ignore is not None:
                if parsed.details.get("business_connection_id") and parsed.message is None:
                    work.result.events.append(("business_connection", dict(parsed.details)))
                elif parsed.kind.value == "poll_answer":
                    work.result.events.append(("poll_answer", dict(parsed.details)))
                work.react(await self.dispatcher.update(hctx, parsed))
        claims = self._claim(works)
        try:
            ids = await self.store.save_processed(PLATFORM, [w.result for w in works])
        except BaseException:
            for claim in filter(None, claims.values()):
                self.release(claim)
            raise
        out: list[Call] = []
        for work, row_ids in zip(works, ids, strict=True):
            out.extend((row, effect, None) for row, effect in work.later)
            for planned, row_id in zip(work.planned, row_ids, strict=True):
                if planned.status == "queued":
                    out.append((row_id, planned.effect, claims.get(id(planned))))
        return out

    def _claim(self, works: list[Work]) -> dict[int, Claim | None]:
        """Record every planned call of ``works``; those the outbox can make at once are
        claimed and recorded as ``sending``. A chat that an already stored call (``later``)
        goes to is not claimed: that call goes first."""
        busy = {effect.chat_id for work in works for _, effect in work.later}
        claims: dict[int, Claim | None] = {}
        for work in works:
            records = []
            for planned in work.planned:
                record = planned.effect.record(planned.status)
                if planned.status == "queued" and planned.effect.chat_id not in busy:
                    claim = claims[id(planned)] = self.claim(planned.effect)
                    if claim is not None:
                        record = dataclasses.replace(record, status="sending", attempts=1)
                records.append(record)
            work.result.outbound = records
        return claims

    async def _triage(self, works: list[Work], now: float, hctx: Context) -> None:
        todo = [w for w in works if w.parsed and w.parsed.message and w.parsed.ignore is None]
        messages = [w.parsed.message for w in todo if w.parsed and w.parsed.message]
        if not messages:
            return
        outcomes = await self.pipeline.handle_many(messages)
        await self.dispatcher.before_outcomes(hctx, outcomes)
        tally: dict[tuple[str, str], int] = {}
        for work, outcome in zip(todo, outcomes, strict=True):
            assert work.parsed is not None
            if outcome.message.kind == MessageKind.DM and outcome.message.user_id:
                self.on_private_message(outcome.message.user_id)
            work.result.message, work.result.verdict = outcome.message, outcome.verdict
            previous = None
            if work.parsed.edited and outcome.message.message_id is not None:
                previous = await self.store.last_category(
                    PLATFORM, outcome.message.chat_id or "", outcome.message.message_id
                )
            repeat = previous is not None and previous == outcome.verdict.category
            if outcome.decision.action == Action.MODERATE and not repeat:
                await self._moderate(work, outcome, work.parsed, previous, tally, now)
            else:
                work.planned = plan_outcome(
                    outcome,
                    bot_username=self.identity.username,
                    staff_chat_id=self.config.telegram.staff_chat_id,
                    sign=hctx.sign,
                    repeat=repeat,
                )
            triaged = Triaged(outcome, work.parsed, work.planned)
            reaction = await self.dispatcher.outcome(hctx, triaged)
            work.planned = triaged.planned
            work.react(reaction)

    async def _moderate(
        self,
        work: Work,
        outcome: Outcome,
        parsed: ParsedUpdate,
        previous: str | None,
        tally: dict[tuple[str, str], int],
        now: float,
    ) -> None:
        message, verdict = outcome.message, outcome.verdict
        skip = self.moderator.skip_reason(message, verdict, parsed.protected)
        if previous == "complaint":
            skip = "complaints are never deleted (it was one before the edit)"
        if skip is not None:
            log.info("spam not moderated in chat %s: %s", message.chat_id, skip)
            return
        assert message.chat_id is not None and message.user_id is not None
        key = (message.chat_id, message.user_id)
        if key not in tally:
            since = datetime.fromtimestamp(now - self.moderator.window_seconds, UTC)
            tally[key] = await self.store.count_strikes(PLATFORM, key[0], key[1], since)
        tally[key] += 1
        plan = self.moderator.plan(message, verdict, tally[key], now)
        work.result.strikes.append(StrikeRecord(key[0], key[1], plan.label, plan.dry_run))
        work.planned = [Planned(e) for e in plan.effects]
        staff = self.config.telegram.staff_chat_id
        if staff is not None and self.moderator.policy.notify_staff and plan.actions:
            card = self.moderator.notice(message, verdict, plan)
            work.planned.append(Planned(staff_card(staff, card)))

    async def _command(self, work: Work, parsed: ParsedUpdate, hctx: Context) -> None:
        """A command for a router (``/start <payload>`` from a deep link is the cases
        feature's: :mod:`bot.cases.customer`)."""
        assert parsed.command is not None and parsed.message is not None
        name, payload = parsed.command
        message = parsed.message
        where: Where = "group"
        staff_chat = self.config.telegram.staff_chat_id
        if staff_chat is not None and message.chat_id == str(staff_chat):
            where = "staff"
        elif message.kind == MessageKind.DM:
            where = "private"
        reply_to = _str(parsed.details.get("reply_to_message_id"))
        command = Command(name, payload, where, message, reply_to)
        reaction = await self.dispatcher.command(hctx, command)
        if reaction is not None:
            work.react(reaction)

    # -- scheduled jobs -----------------------------------------------------------------

    async def run_jobs(self, now: float | None = None) -> list[tuple[int, Effect]]:
        """Run the jobs due by ``now`` (default: the clock); return the calls to send."""
        now = self.clock.time() if now is None else now
        hctx = self.handler_context(now)
        jobs = await self.store.due_jobs(hctx.now_dt, JOBS_PER_RUN)
        results: list[JobResult] = []
        later: list[tuple[int, Effect]] = []
        planned_per_job: list[list[Planned]] = []
        for job in jobs:
            try:
                reaction = await self.dispatcher.job(hctx, job)
            except Exception as exc:
                log.exception("scheduled job %s (%s) failed", job.key, job.kind)
                tries = job.attempts + 1
                retry = tries < JOB_ATTEMPTS
                results.append(
                    JobResult(
                        job.id,
                        "pending" if retry else "failed",
                        f"{type(exc).__name__}: {exc}"[:500],
                        due_at=hctx.now_dt + timedelta(seconds=30 * 2**tries) if retry else None,
                    )
                )
                planned_per_job.append([])
                continue
            results.append(
                JobResult(
                    job.id,
                    outbound=[p.effect.record(p.status) for p in reaction.planned],
                    events=list(reaction.events),
                )
            )
            planned_per_job.append(reaction.planned)
            later.extend(reaction.later)
        ids = await self.store.save_job_results(results)
        out = list(later)
        for planned, row_ids in zip(planned_per_job, ids, strict=True):
            out.extend(
                (row_id, p.effect)
                for p, row_id in zip(planned, row_ids, strict=True)
                if p.status == "queued"
            )
        return out


def _str(value: Any) -> str | None:
    return None if value is None else str(value)
