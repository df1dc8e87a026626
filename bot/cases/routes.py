"""The cases feature's commands, buttons, jobs and hooks in the Telegram runtime."""

from __future__ import annotations

from bot.cases import cards, commands, customer, desk, jobs, opening, relay, spike
from bot.telegram.routing import Router

router = Router("cases")

router.before_outcomes(opening.before_outcomes)
router.on_outcome(opening.on_outcome)
router.on_staff_message(relay.on_staff_message)

for code, handler in (
    (cards.SEND, desk.send),
    (cards.EDIT, desk.edit),
    (cards.REJECT, desk.reject),
    (cards.RECLASSIFY, desk.reclassify),
    (cards.RECLASS_TO, desk.reclassify_to),
    (cards.CLAIM, desk.claim),
    (cards.RESOLVE, desk.resolve),
    (cards.SPAM, desk.mark_spam),
    (cards.TAKE_OVER, desk.take_over),
    (cards.HAND_BACK, desk.hand_back),
):
    router.callback(code, staff_only=True)(handler)
router.callback(customer.MENU)(customer.menu)
router.callback(customer.CSAT)(customer.csat)

router.command("cases", where={"staff", "private"}, staff_only=True, help="open cases")(
    commands.open_cases
)
router.command("mycases", where={"staff", "private"}, staff_only=True, help="my open cases")(
    commands.my_cases
)
router.command("case", where={"staff", "private"}, staff_only=True, help="a case: /case N")(
    commands.show_case
)
router.command(
    "handback", where={"staff", "private"}, staff_only=True, help="hand back: /handback N"
)(commands.hand_back)
router.command("start", where={"private"}, help="start")(customer.start)
router.command("forget", where={"private"}, help="erase my data")(customer.forget)

router.job("case_sla")(jobs.sla)
router.job("case_csat")(jobs.csat)
router.job("case_close")(jobs.close)
router.job(spike.JOB)(spike.alert)
