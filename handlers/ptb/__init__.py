"""The python-telegram-bot adapter: PTB's Application in front of the framework-free runtime.

PTB 22 warns that ``RetryAfter.retry_after`` (and other durations) will become
:class:`datetime.timedelta`; cmbot reads both forms, so it opts in to the new one before PTB
is imported (unless the environment already says otherwise).
"""

import os

os.environ.setdefault("PTB_TIMEDELTA", "true")
