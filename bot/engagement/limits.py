"""Telegram's limits on polls (Bot API 9.6+, checked against aiogram 3.31 and PTB 22.8).

The Bot API accepts 1–12 answer options since Bot API 10.0 (12 since 9.1); cmbot asks for at
least 2, since a one-option poll asks nothing. Quizzes name their correct answers with
``correct_option_ids`` (Bot API 9.6; ``correct_option_id`` is deprecated).
"""

from __future__ import annotations

MIN_OPTIONS = 2
MAX_OPTIONS = 12
MAX_QUESTION = 300
MAX_OPTION = 100
MAX_EXPLANATION = 200
MAX_EXPLANATION_LINE_FEEDS = 2
MIN_OPEN_PERIOD = 5
MAX_OPEN_PERIOD = 2_628_000  # 30.4 days (Bot API 9.6); cmbot stops polls itself anyway
