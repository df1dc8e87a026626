"""Staff buttons: approve or reject a drafted reply. Staff roles are checked on every press."""

from __future__ import annotations

from bot.config import Config
from bot.storage import Store
from bot.storage.store_outbound import OutboundChange
from bot.telegram.effects import Effect, answer_callback
from bot.telegram.reactions import APPROVE, REJECT, Planned
from bot.telegram.updates import PLATFORM, Callback


async def handle_callback(
    store: Store, config: Config, callback: Callback
) -> tuple[list[Planned], list[tuple[int, Effect]]]:
    """Planned effects (the answer to the press) and already stored calls to send now."""
    parts = callback.data.split(":")
    if len(parts) != 4 or f"{parts[0]}:{parts[1]}" not in (APPROVE, REJECT):
        return [Planned(answer_callback(callback.id))], []
    action, chat_id, message_id = f"{parts[0]}:{parts[1]}", parts[2], parts[3]
    if (
        not callback.user_id.isdigit()
        or int(callback.user_id) not in config.telegram.staff_user_ids
    ):
        return [Planned(answer_callback(callback.id, "Only staff can do this."))], []
    inbound_id = await store.find_inbound(PLATFORM, chat_id, message_id)
    drafts = await store.outbound_rows(("drafted",), inbound_id=inbound_id) if inbound_id else []
    if not drafts:
        return [Planned(answer_callback(callback.id, "Already handled."))], []
    status = "queued" if action == APPROVE else "cancelled"
    await store.set_outbound([OutboundChange(row.id, status) for row in drafts])
    text = "Sent ✓" if action == APPROVE else "Rejected ✓"
    later = [(row.id, Effect.from_row(row)) for row in drafts] if action == APPROVE else []
    return [Planned(answer_callback(callback.id, text))], later


def is_staff(config: Config, callback: Callback) -> bool:
    """A listed staff user; with no list, anyone pressing in the staff chat."""
    tg = config.telegram
    if tg.staff_user_ids:
        return callback.user_id.isdigit() and int(callback.user_id) in tg.staff_user_ids
    return tg.staff_chat_id is not None and callback.chat_id == str(tg.staff_chat_id)
