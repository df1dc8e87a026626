"""The one error tree of cmbot.

Every error cmbot raises on purpose derives from :class:`CmbotError`. Third-party errors
(PyYAML, pydantic, SQLAlchemy, HTTP clients) are translated at the edge into one of these,
and every message names the thing, the value and the fix.

::

    CmbotError
    ├── ConfigError                  config file or environment is wrong
    ├── PlaybookError                one or more playbook problems (carries .problems)
    ├── LanguageBackendError         a language-detection backend is unknown or unusable
    ├── ModelError                   the trained text model cannot be built or loaded
    ├── InputError                   a triage/eval input line is malformed
    ├── ReportError                  a report or lead request is wrong (period, status, id)
    ├── StorageError                 the database cannot be reached or migrated
    │   └── MigrationError           the schema is behind and cannot be upgraded
    ├── CaseError                    a case action that its state does not allow
    └── TransportError               a Bot API call failed (translated by the adapter)
        ├── RetryAfter               429: wait ``retry_after`` seconds, then retry
        ├── Forbidden                403: blocked by the user, kicked, or no rights
        ├── BadRequest               400: the call itself is wrong; never retried
        ├── ServerError              5xx: retried with backoff
        └── NetworkError             timeout or connection failure: retried with backoff

Only the command-line entry point turns these into exit codes; library code raises.
"""

from __future__ import annotations

from dataclasses import dataclass


class CmbotError(Exception):
    """Base class of every error cmbot raises on purpose."""


class ConfigError(CmbotError):
    """The configuration (file or environment) is invalid."""


@dataclass(frozen=True)
class Problem:
    """One located problem in a playbook file: ``file:line: key: message``."""

    file: str
    line: int
    key: str
    message: str
    severity: str = "error"  # or "warning": reported, but does not stop loading

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {self.key}: {prefix}{self.message}"


class PlaybookError(CmbotError):
    """Playbooks failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.key))
        super().__init__("\n".join(str(p) for p in self.problems))


class LanguageBackendError(CmbotError):
    """A language detector backend is unknown or could not be loaded."""


class ModelError(CmbotError):
    """The trained text model could not be built or loaded."""


class InputError(CmbotError):
    """A line of triage or eval input is malformed."""


class ReportError(CmbotError):
    """A report or lead request is wrong: an unknown period, lead, status or format."""


class StorageError(CmbotError):
    """The database cannot be reached, or an operation on it failed."""


class MigrationError(StorageError):
    """The database schema cannot be brought to the current version."""


class CaseError(CmbotError):
    """A case action its state does not allow (resolving a closed case, unknown case...)."""


class TransportError(CmbotError):
    """A Bot API call failed. Adapters translate their framework's errors into these."""

    def __init__(self, message: str, *, method: str | None = None) -> None:
        super().__init__(message)
        self.method = method


class RetryAfter(TransportError):
    """HTTP 429: Telegram asks to wait ``retry_after`` seconds before the next call."""

    def __init__(self, message: str, retry_after: float, *, method: str | None = None) -> None:
        super().__init__(message, method=method)
        self.retry_after = retry_after


class Forbidden(TransportError):
    """HTTP 403: the user blocked the bot, or the bot lacks the rights in that chat."""


class BadRequest(TransportError):
    """HTTP 400: the request is wrong (message not found, text too long, ...)."""


class ServerError(TransportError):
    """HTTP 5xx from the Bot API server."""


class NetworkError(TransportError):
    """A timeout or a connection failure before an answer arrived."""
