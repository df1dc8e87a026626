"""Routers: where the features (cases, engagement, reports, ...) plug into the runtime.

A feature declares what it handles on a :class:`Router`; the runtime's processor dispatches
every parsed update to the routers in order::

    router = Router("cases")

    @router.command("cases", where={"staff", "private"}, staff_only=True, help="open cases")
    async def open_cases(ctx: Context, cmd: Command) -> Reaction | None: ...

    @router.callback("cl", staff_only=True)          # buttons made by ctx.button(..., "cl", ...)
    async def claim(ctx: Context, press: Press) -> Reaction: ...

    @router.job("sla")                               # store.schedule_job("sla", key, due, {...})
    async def sla_due(ctx: Context, job: Job) -> Reaction: ...

    @router.on_outcome                               # every triaged message, after triage
    async def open_case(ctx: Context, triaged: Triaged) -> Reaction: ...

    @router.on_staff_message                         # non-command text in the staff chat
    async def relay(ctx: Context, message: StaffMessage) -> Reaction: ...

    @router.on_update                                # anything else (poll answers, contacts, ...)
    async def poll_answer(ctx: Context, parsed: ParsedUpdate) -> Reaction: ...

Handlers return a :class:`Reaction`: effects to store with the update (sent once the update's
batch is saved), already stored calls to send now, and events for the log. Handlers may write
to the store themselves; an update is processed again after a crash, so such writes must be
idempotent (key them by chat and message id, case id, poll id...).

Buttons are signed: :meth:`Context.button` makes ``callback_data`` of the form
``cmbot:<code>:<arg>...:<tag>`` where ``tag`` is an HMAC of the rest, so data typed by hand or
copied from another button with a changed argument is refused before any handler runs.
Staff-only commands and buttons are refused (and logged) for anyone who is not staff.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from bot.config import Config
from bot.domain import InboundMessage
from bot.pipeline import Outcome, Pipeline
from bot.playbooks.playbook_set import PlaybookSet
from bot.storage import Store
from bot.storage.store_jobs import Job
from bot.telegram.effects import Effect, answer_callback, callback_button, staff_card
from bot.telegram.ports import Clock
from bot.telegram.reactions import Planned
from bot.telegram.signing import sign
from bot.telegram.updates import Callback, ParsedUpdate

log = logging.getLogger("cmbot.telegram")

Where = Literal["private", "staff", "group"]


@dataclass
class Identity:
    bot_id: int | None = None
    username: str = ""


@dataclass
class Reaction:
    """What a handler wants done: new effects (stored with the update), stored calls to send
    now (``(outbound row id, effect)``), and ``(kind, payload)`` events for the log."""

    planned: list[Planned] = field(default_factory=list)
    later: list[tuple[int, Effect]] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def add(self, effect: Effect, status: str = "queued") -> Reaction:
        self.planned.append(Planned(effect, status))
        return self

    def event(self, kind: str, **payload: Any) -> Reaction:
        self.events.append((kind, payload))
        return self

    def extend(self, other: Reaction | None) -> Reaction:
        if other is not None:
            self.planned.extend(other.planned)
            self.later.extend(other.later)
            self.events.extend(other.events)
        return self


@dataclass
class Context:
    """What every handler gets: the store, config, playbooks, clock and the bot's identity."""

    store: Store
    config: Config
    pipeline: Pipeline
    clock: Clock
    identity: Identity
    secret: bytes
    now: float
    # What a feature read once for a whole batch (see :meth:`Router.before_outcomes`).
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def playbooks(self) -> PlaybookSet:
        return self.pipeline.classifier.playbooks

    @property
    def staff_chat_id(self) -> int | None:
        return self.config.telegram.staff_chat_id

    @property
    def now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)

    def is_staff(self, user_id: str | int | None, chat_id: str | int | None = None) -> bool:
        """A configured staff user; with no ``staff_user_ids``, anyone in the staff chat."""
        tg = self.config.telegram
        uid = str(user_id or "")
        if tg.staff_user_ids:
            return uid.lstrip("-").isdigit() and int(uid) in tg.staff_user_ids
        return tg.staff_chat_id is not None and str(chat_id) == str(tg.staff_chat_id)

    def sign(self, code: str, *args: str | int) -> str:
        """Signed ``callback_data`` for button ``code`` with ``args`` (≤ 64 bytes in all)."""
        return sign(self.secret, code, *args)

    def button(self, label: str, code: str, *args: str | int) -> dict[str, str]:
        return callback_button(label, self.sign(code, *args))

    def to_staff(
        self, html_text: str, buttons: list[list[dict[str, str]]] | None = None
    ) -> Effect | None:
        """A message in the staff chat (``html_text`` already escaped), or None without one."""
        if self.staff_chat_id is None:
            return None
        return staff_card(self.staff_chat_id, html_text, buttons)


@dataclass(frozen=True)
class Command:
    """``/name args`` sent by ``message.user_id`` in ``where`` (``reply_to``: the message id the
    command answers, when it was sent as a reply)."""

    name: str
    args: str
    where: Where
    message: InboundMessage
    reply_to: str | None = None

    @property
    def user_id(self) -> str:
        return self.message.user_id or ""

    @property
    def chat_id(self) -> str:
        return self.message.chat_id or ""


@dataclass(frozen=True)
class Press:
    """A verified button press: ``code`` and ``args`` as given to :meth:`Context.button`."""

    callback: Callback
    code: str
    args: tuple[str, ...]

    @property
    def user_id(self) -> str:
        return self.callback.user_id

    def answer(self, text: str = "") -> Effect:
        return answer_callback(self.callback.id, text)


@dataclass
class Triaged:
    """A triaged message: hooks may change ``planned`` (the reply, the staff card...)."""

    outcome: Outcome
    parsed: ParsedUpdate
    planned: list[Planned]


@dataclass(frozen=True)
class StaffMessage:
    """A message in the staff chat that is not a command (``reply_to``: the replied message)."""

    message: InboundMessage
    reply_to: str | None
    parsed: ParsedUpdate


# A command handler may return None to decline (e.g. /start with a payload it doesn't own).
CommandHandler = Callable[[Context, Command], Awaitable[Reaction | None]]
CallbackHandler = Callable[[Context, Press], Awaitable[Reaction]]
JobHandler = Callable[[Context, Job], Awaitable[Reaction]]
OutcomeHook = Callable[[Context, Triaged], Awaitable[Reaction | None]]
StaffHook = Callable[[Context, StaffMessage], Awaitable[Reaction | None]]
UpdateHook = Callable[[Context, ParsedUpdate], Awaitable[Reaction | None]]
StartHook = Callable[[Context], Awaitable[None]]
BatchHook = Callable[[Context, list[Outcome]], Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    handler: CommandHandler
    where: frozenset[str]
    staff_only: bool
    help: str


@dataclass(frozen=True)
class CallbackSpec:
    code: str
    handler: CallbackHandler
    staff_only: bool


class Router:
    """The commands, buttons, jobs and hooks of one feature."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.commands: dict[str, CommandSpec] = {}
        self.callbacks: dict[str, CallbackSpec] = {}
        self.jobs: dict[str, JobHandler] = {}
        self.outcome_hooks: list[OutcomeHook] = []
        self.batch_hooks: list[BatchHook] = []
        self.staff_hooks: list[StaffHook] = []
        self.update_hooks: list[UpdateHook] = []
        self.start_hooks: list[StartHook] = []

    def command(
        self,
        name: str,
        *,
        where: Iterable[Where] = ("private",),
        staff_only: bool = False,
        help: str = "",
    ) -> Callable[[CommandHandler], CommandHandler]:
        def register(fn: CommandHandler) -> CommandHandler:
            self.commands[name] = CommandSpec(name, fn, frozenset(where), staff_only, help)
            return fn

        return register

    def callback(
        self, code: str, *, staff_only: bool = False
    ) -> Callable[[CallbackHandler], CallbackHandler]:
        if ":" in code or not code:
            raise ValueError(f"a callback code has no ':' ({code!r})")

        def register(fn: CallbackHandler) -> CallbackHandler:
            self.callbacks[code] = CallbackSpec(code, fn, staff_only)
            return fn

        return register

    def job(self, kind: str) -> Callable[[JobHandler], JobHandler]:
        def register(fn: JobHandler) -> JobHandler:
            self.jobs[kind] = fn
            return fn

        return register

    def on_outcome(self, fn: OutcomeHook) -> OutcomeHook:
        self.outcome_hooks.append(fn)
        return fn

    def before_outcomes(self, fn: BatchHook) -> BatchHook:
        """``fn(ctx, outcomes)`` runs once per batch before the outcome hooks, e.g. to read in
        one query what they need for every message (kept in ``ctx.memo``)."""
        self.batch_hooks.append(fn)
        return fn

    def on_staff_message(self, fn: StaffHook) -> StaffHook:
        self.staff_hooks.append(fn)
        return fn

    def on_update(self, fn: UpdateHook) -> UpdateHook:
        self.update_hooks.append(fn)
        return fn

    def on_start(self, fn: StartHook) -> StartHook:
        """Run once when the runtime starts (e.g. to arm a recurring job)."""
        self.start_hooks.append(fn)
        return fn
