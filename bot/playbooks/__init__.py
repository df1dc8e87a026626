"""Playbooks: the YAML that tells cmbot what each category looks like and how to answer."""

from bot.playbooks.loader import check_playbooks, load_playbooks
from bot.playbooks.playbook_set import PlaybookSet

__all__ = ["PlaybookSet", "check_playbooks", "load_playbooks"]
