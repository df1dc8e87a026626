"""``cmbot run``: the bot on Telegram."""

from __future__ import annotations

import asyncio
import logging

import click

from bot.config import Config


@click.command("run")
@click.option(
    "--framework",
    type=click.Choice(["aiogram", "ptb"]),
    default=None,
    help="Telegram framework to run on (default: telegram.framework from the config).",
)
@click.pass_obj
def run(config: Config, framework: str | None) -> None:
    """Run the bot on Telegram until SIGTERM or Ctrl-C.

    \b
    The config comes from --config (or ./config.yaml) and the environment; the token from
    CMBOT_TELEGRAM__TOKEN (or telegram.token). telegram.framework picks aiogram or ptb
    (--framework overrides it), telegram.api_url the Bot API server (Telegram's, a self-hosted
    one, or a test fake), telegram.mode long polling (pending updates are kept, never dropped)
    or webhook (an endpoint on telegram.webhook.listen_host:listen_port + path that refuses
    requests without telegram.webhook.secret_token; setWebhook is called on start).

    \b
    On start it checks the token (getMe), warns when privacy mode is on, when the bot is not an
    administrator with 'Delete messages' and 'Ban users' in a chat of telegram.watched_chats,
    or cannot reach the staff chat, and sets the command menus. On SIGTERM/SIGINT it stops
    receiving, lets the runtime finish or persist what is in flight, and exits.

    \b
    Example:
      export CMBOT_TELEGRAM__TOKEN=123456789:AA...
      cmbot --config config.yaml run --framework ptb
    """
    if framework is not None:
        config.telegram.framework = framework  # type: ignore[assignment]
    logging.basicConfig(
        level=config.logging.level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Imported here: the core (bot.*) imports no Telegram library.
    from handlers.runner import BotRunner

    asyncio.run(BotRunner(config).run())
