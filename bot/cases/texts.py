"""The bot's own short texts to customers in private (menu, prompts, consent, erasure), per
language; a language without a text gets English. Replies to the customer's issue itself come
from the playbooks."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "welcome": {
        "fr": "Bonjour {first_name} ! Comment pouvons-nous vous aider ?",
        "en": "Hello {first_name}! How can we help you?",
        "ru": "Здравствуйте, {first_name}! Чем мы можем помочь?",
    },
    "menu_question": {
        "fr": "❓ Poser une question",
        "en": "❓ Ask a question",
        "ru": "❓ Задать вопрос",
    },
    "menu_problem": {
        "fr": "⚠️ Signaler un problème",
        "en": "⚠️ Report a problem",
        "ru": "⚠️ Сообщить о проблеме",
    },
    "menu_human": {
        "fr": "🙋 Parler à une personne",
        "en": "🙋 Talk to a person",
        "ru": "🙋 Связаться с человеком",
    },
    "ask_question": {
        "fr": "Écrivez votre question ici, nous vous répondons au plus vite.",
        "en": "Write your question here and we will answer as soon as we can.",
        "ru": "Напишите ваш вопрос здесь, и мы скоро ответим.",
    },
    "ask_problem": {
        "fr": "Décrivez le problème avec votre numéro de commande (MS-…) et, si possible, une "
        "photo.",
        "en": "Describe the problem with your order number (MS-…) and, if you can, a photo.",
        "ru": "Опишите проблему, укажите номер заказа (MS-…) и, если можно, приложите фото.",
    },
    "consent": {
        "fr": "Les informations que vous nous envoyez (numéro de commande, photo, coordonnées) "
        "servent uniquement à traiter votre demande. /forget les efface à tout moment.",
        "en": "What you send us (order number, photo, contact details) is used only to handle "
        "your request. /forget erases it at any time.",
        "ru": "Ваши данные (номер заказа, фото, контакты) используются только для решения "
        "вашего вопроса. /forget удаляет их в любой момент.",
    },
    "human_coming": {
        "fr": "C'est noté : une personne de l'équipe vous répond ici très vite.",
        "en": "Noted: someone from the team will answer you here very soon.",
        "ru": "Принято: сотрудник скоро ответит вам здесь.",
    },
    "forgotten": {
        "fr": "Vos données ont été effacées (identité et textes de vos messages). Nous ne les "
        "utiliserons plus.",
        "en": "Your data has been erased (your identity and the texts of your messages). We "
        "will not use it again.",
        "ru": "Ваши данные удалены (имя и тексты сообщений). Мы больше не будем их использовать.",
    },
    "not_your_case": {
        "fr": "Ce bouton ne vous concerne pas.",
        "en": "This button is not for you.",
        "ru": "Эта кнопка не для вас.",
    },
    "rated": {"fr": "Merci !", "en": "Thank you!", "ru": "Спасибо!"},
}


def say(key: str, language: str | None, **values: str) -> str:
    texts = TEXTS[key]
    text = texts.get(language or "", texts["en"])
    if "{first_name}" in text and not values.get("first_name"):
        text = text.replace(" {first_name}", "").replace("{first_name}", "")
    return text.format(**values) if values else text
