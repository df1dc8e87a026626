"""cmbot: a community-management bot for brands.

The core (everything in ``bot`` but the composition root) imports no Telegram library.
"""

__version__ = "0.1.0"
