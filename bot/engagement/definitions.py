"""Poll, quiz and contest definitions: the YAML files in ``playbooks/engagement/`` and the same
models built by the staff-chat commands.

Each file is one mapping with ``kind: poll | quiz | contest``. Validation is structural
(pydantic, with ``file:line: key: message`` errors from :mod:`bot.playbooks.yaml_source`) and
then temporal: a deadline in the past is refused against the injected ``now``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.engagement import limits

DURATION_RE = re.compile(r"^\s*(\d+)\s*(s|m|h|d|w)\s*$")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
Option = Annotated[str, Field(min_length=1, max_length=limits.MAX_OPTION)]
Question = Annotated[str, Field(min_length=1, max_length=limits.MAX_QUESTION)]


def parse_duration(value: str | int | float) -> timedelta:
    """``90s``, ``15m``, ``2h``, ``3d``, ``1w`` or a number of seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=float(value))
    match = DURATION_RE.match(str(value))
    if match is None:
        raise ValueError(f"{value!r} is not a duration; write e.g. 90s, 15m, 2h, 3d or 1w")
    return timedelta(seconds=int(match.group(1)) * UNITS[match.group(2)])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Timing(Strict):
    """When it starts (``starts_at``; default: at launch) and ends (``closes_at`` or
    ``duration`` after the start)."""

    starts_at: datetime | None = None
    closes_at: datetime | None = None
    duration: str | int | None = None

    @field_validator("starts_at", "closes_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str | int | None) -> str | int | None:
        if value is not None and parse_duration(value).total_seconds() < limits.MIN_OPEN_PERIOD:
            raise ValueError(f"at least {limits.MIN_OPEN_PERIOD} seconds")
        return value

    def start(self, now: datetime) -> datetime:
        return max(self.starts_at or now, now)

    def deadline(self, now: datetime) -> datetime | None:
        if self.closes_at is not None:
            return self.closes_at
        if self.duration is not None:
            return self.start(now) + parse_duration(self.duration)
        return None


class PollDef(Timing):
    kind: Literal["poll"] = "poll"
    id: Slug | None = None
    chat: int | str
    question: Question
    options: list[Option] = Field(min_length=limits.MIN_OPTIONS, max_length=limits.MAX_OPTIONS)
    multiple: bool = False
    # Per-user answers need a non-anonymous poll; participants are told their vote is seen.
    anonymous: bool = False
    results: bool = True  # post a results message when the poll closes
    chart: bool = False  # ... with a bar chart image

    @model_validator(mode="after")
    def _needs_deadline(self) -> PollDef:
        if self.closes_at is None and self.duration is None:
            raise ValueError("a poll needs closes_at or duration (when cmbot stops it)")
        return self

    @property
    def title(self) -> str:
        return self.question


class QuizQuestion(Strict):
    question: Question
    options: list[Option] = Field(min_length=limits.MIN_OPTIONS, max_length=limits.MAX_OPTIONS)
    correct: int | str | None = None  # 0-based index or the option's text
    explanation: str | None = Field(default=None, max_length=limits.MAX_EXPLANATION)

    @field_validator("explanation")
    @classmethod
    def _line_feeds(cls, value: str | None) -> str | None:
        if value is not None and value.count("\n") > limits.MAX_EXPLANATION_LINE_FEEDS:
            raise ValueError(f"at most {limits.MAX_EXPLANATION_LINE_FEEDS} line feeds")
        return value

    @model_validator(mode="after")
    def _correct(self) -> QuizQuestion:
        if self.correct is None:
            raise ValueError("a quiz question needs `correct`: the right option (index or text)")
        self.correct_index()
        return self

    def correct_index(self) -> int:
        if isinstance(self.correct, int) and not isinstance(self.correct, bool):
            if not 0 <= self.correct < len(self.options):
                raise ValueError(
                    f"correct: {self.correct} is not an option index (0..{len(self.options) - 1})"
                )
            return self.correct
        if self.correct in self.options:
            return self.options.index(str(self.correct))
        raise ValueError(f"correct: {self.correct!r} is not one of the options {self.options}")


class QuizDef(Strict):
    kind: Literal["quiz"] = "quiz"
    id: Slug | None = None
    title: Question
    chat: int | str
    starts_at: datetime | None = None
    seconds_per_question: int = Field(default=30, ge=limits.MIN_OPEN_PERIOD, le=600)
    pause_seconds: int = Field(default=5, ge=0, le=3600)  # between two questions
    questions: list[QuizQuestion] = Field(min_length=1, max_length=50)

    @field_validator("starts_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def start(self, now: datetime) -> datetime:
        return max(self.starts_at or now, now)

    def deadline(self, now: datetime) -> datetime:
        step = self.seconds_per_question + self.pause_seconds
        return self.start(now) + timedelta(seconds=step * len(self.questions))


class Entry(Strict):
    """How people enter: a comment with ``keyword`` (under post ``post`` of the discussion
    group when given), a photo (with ``keyword`` in its caption when given), pressing the join
    button, or answering the contest's poll."""

    action: Literal["comment", "photo", "button", "poll"] = "button"
    keyword: str | None = Field(default=None, min_length=2, max_length=64)
    post: int | None = None  # the forwarded post's message id in the discussion group
    chat: int | str | None = None  # where comments count (default: any watched chat)
    question: Question | None = None  # for action: poll
    options: list[Option] | None = None

    @model_validator(mode="after")
    def _complete(self) -> Entry:
        if self.action == "comment" and not self.keyword:
            raise ValueError("entry by comment needs a keyword or hashtag (keyword: '#win')")
        if self.action == "poll":
            if not self.question or not self.options:
                raise ValueError("entry by poll needs question and options")
            if not limits.MIN_OPTIONS <= len(self.options) <= limits.MAX_OPTIONS:
                raise ValueError(
                    f"a poll has {limits.MIN_OPTIONS}-{limits.MAX_OPTIONS} options "
                    f"(got {len(self.options)})"
                )
        return self


class ContestDef(Timing):
    kind: Literal["contest"] = "contest"
    id: Slug | None = None
    title: Question
    chat: int | str  # where the announcement is posted
    member_of: int | str | None = None  # eligibility: a member of this chat (default: chat)
    prize: str | None = Field(default=None, max_length=300)
    rules: str | None = Field(default=None, max_length=1500)
    entry: Entry = Entry()
    winners: int = Field(default=1, ge=1, le=100)
    # Minimum account activity: comments written in the community before the contest began.
    min_messages: int = Field(default=0, ge=0, le=1000)

    @model_validator(mode="after")
    def _needs_deadline(self) -> ContestDef:
        if self.closes_at is None and self.duration is None:
            raise ValueError("a contest needs closes_at or duration (when the draw happens)")
        return self

    @property
    def eligibility_chat(self) -> int | str:
        return self.member_of if self.member_of is not None else self.chat


Definition = PollDef | QuizDef | ContestDef
KINDS: dict[str, type[PollDef] | type[QuizDef] | type[ContestDef]] = {
    "poll": PollDef,
    "quiz": QuizDef,
    "contest": ContestDef,
}


def deadline_problem(definition: Definition, now: datetime) -> tuple[str, str] | None:
    """``(key, message)`` when the definition starts or ends in the past, else None."""
    starts = definition.starts_at
    if starts is not None and starts < now - timedelta(minutes=1):
        return "starts_at", f"{starts.isoformat()} is in the past (now {now.isoformat()})"
    if isinstance(definition, PollDef | ContestDef) and definition.closes_at is not None:
        if definition.closes_at <= now:
            return (
                "closes_at",
                f"deadline {definition.closes_at.isoformat()} is in the past"
                f" (now {now.isoformat()}); set a later closes_at or use duration",
            )
        if definition.closes_at <= definition.start(now):
            return "closes_at", "closes_at must be after starts_at"
    return None


def as_data(definition: Definition) -> dict[str, Any]:
    """JSON-ready data (stored with the item, reloaded with :func:`from_data`)."""
    return definition.model_dump(mode="json", exclude_none=True)


def from_data(data: dict[str, Any]) -> Definition:
    return KINDS[str(data.get("kind"))].model_validate(data)
