"""The framework-free case core: lifecycle, priority, SLA timers, the auto-send policy and the
playbook keys that drive them."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cases.lifecycle import STATUSES, can_move, check_move
from bot.cases.priority import case_priority
from bot.cases.sla import due_times, reminders
from bot.decide import Action, decide
from bot.domain import Draft, Sentiment, Verdict
from bot.errors import CaseError
from bot.playbooks import check_playbooks
from bot.playbooks.model import CasePolicy
from tests.conftest import PLAYBOOKS

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def verdict(category: str = "complaint", sentiment: Sentiment = Sentiment.NEUTRAL) -> Verdict:
    return Verdict(category, (category,), "fr", sentiment, 0.9, ())


def test_lifecycle_allows_the_ladder_and_refuses_the_rest() -> None:
    for a, b in [
        ("new", "waiting_customer"),
        ("waiting_customer", "waiting_staff"),
        ("waiting_staff", "resolved"),
        ("resolved", "waiting_staff"),
        ("resolved", "closed"),
    ]:
        assert can_move(a, b)
    assert not any(can_move("closed", s) for s in STATUSES)
    with pytest.raises(CaseError, match=r"case #7 is closed: it cannot become resolved"):
        check_move(7, "closed", "resolved")
    with pytest.raises(CaseError, match="unknown status 'done'"):
        check_move(7, "new", "done")


def test_priority_from_category_sentiment_and_keywords() -> None:
    policy = CasePolicy(
        priority="normal",
        keywords={"urgent": {"fr": ["avocat", "réaction allergique"], "en": ["lawyer"]}},
    )
    assert case_priority(policy, verdict(), "Colis en retard")[0] == "normal"
    assert case_priority(policy, verdict(sentiment=Sentiment.NEGATIVE), "Nul")[0] == "high"
    level, why = case_priority(policy, verdict(), "J'ai fait une REACTION ALLERGIQUE !")
    assert level == "urgent" and "réaction allergique" in why[-1]
    assert (
        case_priority(policy, verdict(), "Mon avocate est d'accord")[0] == "normal"
    )  # whole words
    calm = CasePolicy(priority="low", negative_raises=False)
    assert case_priority(calm, verdict(sentiment=Sentiment.NEGATIVE), "Nul")[0] == "low"


def test_sla_due_times_and_reminders() -> None:
    policy = CasePolicy(first_response_minutes=30, resolution_hours=48)
    due = due_times(policy, T0)
    assert due == {
        "first_response": T0 + timedelta(minutes=30),
        "resolution": T0 + timedelta(hours=48),
    }
    made = {(r.timer, r.stage): r.at for r in reminders(due, T0, 10)}
    assert made[("first_response", "warning")] == T0 + timedelta(minutes=20)
    assert made[("resolution", "breach")] == T0 + timedelta(hours=48)
    short = reminders(due_times(CasePolicy(first_response_minutes=5), T0), T0, 10)
    assert ("first_response", "warning") not in {(r.timer, r.stage) for r in short}


@pytest.mark.parametrize(
    ("category", "faq", "send", "action"),
    [
        ("complaint", None, None, Action.REPLY),
        ("complaint", None, "approve", Action.APPROVE),
        ("complaint", None, "never", Action.ESCALATE),
        ("question", None, "auto", Action.REPLY),
        ("question", "delivery", "approve", Action.APPROVE),
        ("spam", None, "auto", Action.MODERATE),
    ],
)
def test_auto_send_policy_overrides_the_defaults(
    category: str, faq: str | None, send: str | None, action: Action
) -> None:
    v = Verdict(category, (category,), "fr", Sentiment.NEUTRAL, 0.9, (), faq_id=faq)
    draft = Draft("Bonjour", "reply", "fr") if category != "spam" else None
    decision = decide(v, draft, send=send)
    assert decision.action == action
    if action in (Action.APPROVE, Action.ESCALATE):
        assert decision.escalate
    shadow = decide(v, draft, send=send, shadow_mode=True)
    assert shadow.action not in (Action.REPLY, Action.MODERATE)


def test_a_case_key_naming_an_unknown_reply_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "playbooks"
    shutil.copytree(PLAYBOOKS, folder)
    path = folder / "complaint.yaml"
    path.write_text(path.read_text().replace("csat_reply: follow_up_csat", "csat_reply: nope"))
    problems = check_playbooks(folder)
    assert [(p.key, "unknown reply id 'nope'" in p.message) for p in problems] == [
        ("case.csat_reply", True)
    ]
    path.write_text(path.read_text().replace("send: auto", "send: sometimes"))
    assert any(p.key == "case.send" for p in check_playbooks(folder))


def test_a_template_missing_the_language_falls_back_and_the_card_says_so(
    shipped_playbooks: object,
) -> None:
    from bot.cases.cards import card_text
    from bot.cases.service import draft_for
    from bot.storage.case_rows import CaseRow

    case = CaseRow(
        id=3,
        status="waiting_staff",
        priority="high",
        category="complaint",
        assignee=None,
        key="telegram:1:2",
        platform="telegram",
        platform_chat_id="1",
        platform_message_id="2",
        platform_user_id="9",
        private_chat_id="9",
        language="de",
        topic="complaint",
        text="Paket kaputt <b>",
        draft=None,
        details={"first_name": "Jonas", "variables": {"order_number": "482913"}},
        taken_over=False,
        csat=None,
        created_at=T0,
    )

    class Ctx:  # what draft_for reads from a handler context
        playbooks = shipped_playbooks

    draft = draft_for(Ctx(), case, "resolution_offer")  # type: ignore[arg-type]
    assert draft is not None and draft.fallback_language and draft.language == "fr"
    assert "Jonas" in draft.text
    shown = card_text(
        CaseRow(**{**vars(case), "draft": draft.text, "details": {"draft_fallback": True}})
    )
    assert "fell back to the default language" in shown
    assert "Paket kaputt &lt;b&gt;" in shown  # customer text escaped
