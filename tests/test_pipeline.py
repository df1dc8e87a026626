"""The pipeline stores every message and verdict, on SQLite and on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.classify.classifier import Classifier
from bot.decide import Action
from bot.domain import InboundMessage, MessageKind
from bot.pipeline import Pipeline
from bot.storage import Database, Store
from bot.storage.models import InboundMessage as InboundMessageRow
from bot.storage.models import OutboundMessage as OutboundMessageRow
from bot.storage.models import Verdict as VerdictRow
from tests.storage.conftest import backend, database, database_url  # noqa: F401  fixtures


async def _count(db: Database, model: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_every_message_and_verdict_is_stored(
    database: Database, classifier: Classifier
) -> None:
    pipeline = Pipeline(classifier, Store(database))
    messages = [
        InboundMessage(
            text="Colis MS-123456 jamais reçu, c'est honteux",
            chat_id="-100",
            user_id="1",
            first_name="Léa",
            message_id="10",
        ),
        InboundMessage(text="", chat_id="-100", user_id="2", message_id="11"),
        InboundMessage(text="\x00" + "é" * 100_000, kind=MessageKind.DM, chat_id="2", user_id="2"),
        InboundMessage(
            text="Earn 500$ daily with crypto, write me in private t.me/xx",
            chat_id="-100",
            user_id="3",
            message_id="12",
        ),
    ]
    outcomes = await pipeline.handle_many(messages)
    assert [o.inbound_id is not None for o in outcomes] == [True] * 4
    assert await _count(database, InboundMessageRow) == 4
    assert await _count(database, VerdictRow) == 4
    complaint, _, _, spam = outcomes
    assert complaint.verdict.category == "complaint"
    assert complaint.decision.action == Action.REPLY and complaint.decision.escalate
    assert complaint.decision.draft is not None and complaint.decision.draft.language == "fr"
    assert spam.decision.action == Action.MODERATE
    assert await _count(database, OutboundMessageRow) >= 1


async def test_corrections_survive_a_restart(
    database: Database, fresh_classifier: Classifier
) -> None:
    text = "Le flacon bleu est arrivé un peu tiède hier soir"
    await Pipeline(fresh_classifier, Store(database)).correct(text, "complaint", "fr")
    from bot.app import build_classifier
    from bot.config import Config
    from tests.conftest import PLAYBOOKS

    restarted = Pipeline(build_classifier(Config(), playbooks_dir=PLAYBOOKS), Store(database))
    assert await restarted.restore_corrections() == 1
    outcome = await restarted.handle(InboundMessage(text=text))
    assert outcome.verdict.category == "complaint"


async def test_shadow_mode_sends_nothing(classifier: Classifier) -> None:
    pipeline = Pipeline(classifier, None, shadow_mode=True)
    spam = await pipeline.handle(
        InboundMessage(text="Earn 500$ daily with crypto, dm me http://bit.ly/x")
    )
    assert spam.decision.action in (Action.NONE, Action.APPROVE)
    assert any("shadow" in r for r in spam.decision.reasons)
