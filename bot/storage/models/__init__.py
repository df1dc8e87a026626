"""The tables of cmbot. Importing this package registers all of them on ``Base.metadata``."""

from bot.storage.base import Base
from bot.storage.models.cases import Case, CaseEvent, Lead
from bot.storage.models.engagement import (
    EngagementAnswer,
    EngagementItem,
    EngagementPoll,
    EngagementRecord,
)
from bot.storage.models.jobs import BotState, ScheduledJob
from bot.storage.models.log import Correction, Event
from bot.storage.models.messages import InboundMessage, OutboundMessage, RawUpdate, Verdict
from bot.storage.models.moderation import MemberJoin, Strike
from bot.storage.models.people import Chat, Contact

__all__ = [
    "Base",
    "BotState",
    "Case",
    "CaseEvent",
    "Chat",
    "Contact",
    "Correction",
    "EngagementAnswer",
    "EngagementItem",
    "EngagementPoll",
    "EngagementRecord",
    "Event",
    "InboundMessage",
    "Lead",
    "MemberJoin",
    "OutboundMessage",
    "RawUpdate",
    "ScheduledJob",
    "Strike",
    "Verdict",
]
