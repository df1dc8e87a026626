"""The python-telegram-bot adapter: PTB's Application in front of the framework-free runtime."""
