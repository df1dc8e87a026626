"""The customer-facing texts of the lead flow, per language (config can replace the consent)."""

from __future__ import annotations

from collections.abc import Mapping

CONSENT = {
    "fr": (
        "Souhaitez-vous qu'une conseillère vous rappelle ? En partageant votre numéro avec le "
        "bouton ci-dessous, vous acceptez que {brand} le conserve pour vous recontacter au sujet "
        "de votre demande, et seulement pour cela. Vous pouvez nous demander de l'effacer à tout "
        "moment avec /forget."
    ),
    "en": (
        "Would you like an adviser to call you back? By sharing your number with the button "
        "below, you agree that {brand} keeps it to contact you about your request, and for "
        "nothing else. You can ask us to erase it at any time with /forget."
    ),
    "ru": (
        "Хотите, чтобы консультант вам перезвонил? Нажимая кнопку ниже, вы соглашаетесь, что "
        "{brand} сохранит ваш номер, чтобы связаться с вами по этому вопросу, и только для "
        "этого. Вы можете попросить удалить его в любой момент командой /forget."
    ),
}
SHARE_BUTTON = {
    "fr": "📱 Partager mon numéro",
    "en": "📱 Share my phone number",
    "ru": "📱 Поделиться номером",
}
THANKS = {
    "fr": "Merci ! Une conseillère vous contacte très vite.",
    "en": "Thank you! An adviser will contact you shortly.",
    "ru": "Спасибо! Консультант скоро свяжется с вами.",
}
OWN_NUMBER = {
    "fr": "Merci de partager votre propre numéro avec le bouton.",
    "en": "Please share your own number with the button.",
    "ru": "Пожалуйста, поделитесь своим номером с помощью кнопки.",
}


def pick(texts: Mapping[str, str], language: str | None, default: str = "en") -> str:
    return texts.get(language or "", texts.get(default, next(iter(texts.values()))))
