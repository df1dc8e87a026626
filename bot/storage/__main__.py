"""``python -m bot.storage <alembic command>``: alembic with cmbot's configuration."""

from bot.storage.migrate import main

main()
