"""Engagement: polls, quizzes and contests with verifiable draws."""
