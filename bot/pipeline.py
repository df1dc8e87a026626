"""The triage pipeline: store → classify → draft → decide → store.

Every message that enters is stored before it is classified, and every verdict and draft is
stored after; the outcome is returned as data for an effects layer (or a terminal) to act on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.classify.classifier import Classifier
from bot.decide import Decision, decide
from bot.domain import InboundMessage, MessageKind, Verdict
from bot.drafts import draft_reply
from bot.storage import Store


@dataclass(frozen=True)
class Outcome:
    message: InboundMessage
    verdict: Verdict
    decision: Decision
    inbound_id: int | None = None


class Pipeline:
    def __init__(
        self,
        classifier: Classifier,
        store: Store | None = None,
        *,
        shadow_mode: bool = False,
        variables: Mapping[str, str] | None = None,
    ) -> None:
        self.classifier = classifier
        self.store = store
        self.shadow_mode = shadow_mode
        self.variables = dict(variables or {})

    async def handle(self, message: InboundMessage) -> Outcome:
        return (await self.handle_many([message]))[0]

    async def handle_many(self, messages: Sequence[InboundMessage]) -> list[Outcome]:
        ids: list[int | None] = [None] * len(messages)
        if self.store is not None:
            ids = [await self.store.record_inbound(m) for m in messages]
        verdicts = self.classifier.classify_many(messages)
        outcomes = []
        for message, verdict, inbound_id in zip(messages, verdicts, ids, strict=True):
            draft = draft_reply(self.classifier.playbooks, message, verdict, extra=self.variables)
            playbook = self.classifier.playbooks.categories.get(verdict.category)
            decision = decide(
                verdict,
                draft,
                shadow_mode=self.shadow_mode,
                private=message.kind == MessageKind.DM,
                send=playbook.case.send if playbook and playbook.case else None,
            )
            if self.store is not None and inbound_id is not None:
                await self.store.record_verdict(inbound_id, verdict)
                if decision.draft is not None:
                    await self.store.record_outbound(
                        message.chat_id,
                        decision.draft.text,
                        "reply",
                        inbound_id=inbound_id,
                        status="drafted",
                        detail={
                            "action": decision.action.value,
                            "reply_id": decision.draft.reply_id,
                            "language": decision.draft.language,
                            "fallback_language": decision.draft.fallback_language,
                        },
                    )
            outcomes.append(Outcome(message, verdict, decision, inbound_id))
        return outcomes

    async def restore_corrections(self) -> int:
        """Teach the classifier every correction stored so far (call once at start)."""
        if self.store is None:
            return 0
        corrections = await self.store.corrections()
        for text, label in corrections:
            self.classifier.learn(text, label)
        return len(corrections)

    async def correct(self, text: str, label: str, language: str | None = None) -> None:
        """Record a staff correction: stored, and used by the next verdict."""
        self.classifier.learn(text, label)
        if self.store is not None:
            await self.store.record_correction(text, label, language, source="staff")
