"""The Telegram side of the core, framework-free: Bot API JSON in, Bot API calls out.

Adapters (``handlers/aiogram``, ``handlers/ptb``) feed raw updates (Bot API JSON dicts) to the
runtime and implement :class:`~bot.telegram.ports.BotApi` with their framework's client; all
parsing, deciding, rate limiting and retrying happens here, once, for both frameworks.
"""
