"""Framework adapters (aiogram, python-telegram-bot).

Adapters translate framework updates into :class:`bot.domain.InboundMessage`, call the
core and apply the effects it returns. They hold no business logic.
"""
