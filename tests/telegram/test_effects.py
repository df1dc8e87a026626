"""Effects are plain Bot API calls; user text is escaped where a parse mode is used."""

from __future__ import annotations

from bot.domain import InboundMessage, MessageKind
from bot.storage.store_outbound import OutboundRow
from bot.telegram import effects as e
from bot.telegram.reactions import reply_effect


def test_reply_in_thread_with_deep_link_button_for_public_comments() -> None:
    msg = InboundMessage(
        text="colis jamais reçu", chat_id="-1001234", message_id="120", thread_id="100"
    )
    effect = reply_effect(msg, "Écrivez-nous ici : {deep_link}", "fr", "solene_bot")
    url = "https://t.me/solene_bot?start=c-1001234_120"
    assert effect.method == "sendMessage" and effect.is_send
    assert effect.params["chat_id"] == -1001234
    assert effect.params["text"] == f"Écrivez-nous ici : {url}"
    assert effect.params["reply_parameters"] == {"message_id": 120}
    assert "message_thread_id" not in effect.params  # a reply stays in the comment's thread
    assert effect.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "✉️ Écrire en privé", "url": url}]]
    }
    assert "parse_mode" not in effect.params  # customer text: no parse mode, nothing to escape


def test_forum_topic_reply_names_the_thread_and_dm_reply_has_no_button() -> None:
    topic = InboundMessage(
        text="?", chat_id="-100", message_id="9", thread_id="3", extra={"is_topic_message": True}
    )
    assert reply_effect(topic, "ok", "en", "b").params["message_thread_id"] == 3
    dm = InboundMessage(text="?", kind=MessageKind.DM, chat_id="7", user_id="7", message_id="2")
    effect = reply_effect(dm, "see {deep_link}", "en", "b")
    assert "reply_markup" not in effect.params and effect.user_id == "7"


def test_business_reply_carries_the_connection() -> None:
    msg = InboundMessage(
        text="?",
        kind=MessageKind.DM,
        chat_id="7",
        user_id="7",
        message_id="2",
        extra={"business_connection_id": "bc-1"},
    )
    assert reply_effect(msg, "hi", "en", "b").params["business_connection_id"] == "bc-1"


def test_moderation_calls() -> None:
    assert e.delete_message("-100", "5").params == {"chat_id": -100, "message_id": 5}
    muted = e.mute("-100", "7", until=123)
    assert muted.method == "restrictChatMember" and muted.params["until_date"] == 123
    assert not any(muted.params["permissions"].values())
    assert e.ban("-100", "7", revoke_messages=True).params == {
        "chat_id": -100,
        "user_id": 7,
        "revoke_messages": True,
    }
    assert not e.delete_message("-100", "5").is_send
    answer = e.answer_callback("cb1", "ok")
    assert answer.chat_id is None and answer.params == {"callback_query_id": "cb1", "text": "ok"}


def test_html_escaping_and_clipping() -> None:
    assert e.escape_html("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    card = e.staff_card(-5, "x" * 5000)
    assert card.params["parse_mode"] == "HTML" and len(card.params["text"]) == 4096


def test_payload_round_trip_and_limits() -> None:
    payload = e.payload_for("-1001234567890", "123456")
    assert len(payload) <= 64 and e.parse_payload(payload) == ("-1001234567890", "123456")
    assert e.parse_payload("hello") is None and e.parse_payload("c1_2; drop") is None


def test_effect_survives_the_database_round_trip() -> None:
    effect = e.send_text("42", "hi", user_id="42")
    record = effect.record()
    row = OutboundRow(1, record.chat_id, record.kind, record.text, "queued", 0, record.detail)
    assert e.Effect.from_row(row) == effect


def test_message_link_only_for_supergroups() -> None:
    assert e.message_link("-1001234", "5") == "https://t.me/c/1234/5"
    assert e.message_link("42", "5") is None
