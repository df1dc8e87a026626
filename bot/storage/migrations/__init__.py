"""Alembic migration environment of cmbot (``env.py``, ``script.py.mako``, ``versions/``).

Nothing here is imported by the application; :mod:`bot.storage.migrate` points alembic at this
folder. See that module for how to run and write migrations.
"""
