"""Errors with stable codes: the model's (``MAZE_ERR_*``, from its JSON error bodies) and the agent's
(``AGENT_ERR_*``, the same codes and exit codes as the TypeScript agent)."""

from __future__ import annotations

from typing import Final


class AgentErrorCode:
    """The stable error codes of the agent program (packages/agent/src/errors.ts)."""

    CONFIG: Final = "AGENT_ERR_CONFIG"
    STRATEGY_LOAD: Final = "AGENT_ERR_STRATEGY_LOAD"
    MODEL_UNREACHABLE: Final = "AGENT_ERR_MODEL_UNREACHABLE"
    BAD_RESPONSE: Final = "AGENT_ERR_BAD_RESPONSE"
    ILLEGAL_MOVE: Final = "AGENT_ERR_ILLEGAL_MOVE"
    STRATEGY_FAILED: Final = "AGENT_ERR_STRATEGY_FAILED"
    DECISION_TIMEOUT: Final = "AGENT_ERR_DECISION_TIMEOUT"
    DEADLINE: Final = "AGENT_ERR_DEADLINE"
    ABORTED: Final = "AGENT_ERR_ABORTED"


class ExitCode:
    """The agent's exit codes (packages/agent/src/exit-code.ts)."""

    SOLVED: Final = 0
    NOT_SOLVED: Final = 1
    BAD_CONFIG: Final = 2
    MODEL_UNREACHABLE: Final = 3
    STRATEGY_FAILED: Final = 4
    INTERRUPTED: Final = 130
    TERMINATED: Final = 143


class AgentError(Exception):
    """An error of the agent with a stable ``AGENT_ERR_*`` code; the lower-level error is ``__cause__``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class ModelError(Exception):
    """A 4xx answer of the model: its HTTP status, its stable code (``MAZE_ERR_*``) and message."""

    def __init__(self, status: int, code: str, message: str, method: str, path: str) -> None:
        super().__init__(f"{method} {path}: {status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.method = method
        self.path = path


class ModelUnreachableError(AgentError):
    """The model did not answer within the wait (start-up, or a retry budget later on)."""

    def __init__(self, message: str) -> None:
        super().__init__(AgentErrorCode.MODEL_UNREACHABLE, message)


class BadResponseError(AgentError):
    """The model answered something that breaks the wire contract."""

    def __init__(self, message: str) -> None:
        super().__init__(AgentErrorCode.BAD_RESPONSE, message)


def exit_code_of(err: BaseException) -> int:
    """The exit code for an error that ended a run; anything that is not an AgentError came from the strategy: 4."""
    if not isinstance(err, AgentError):
        return ExitCode.STRATEGY_FAILED
    return {
        AgentErrorCode.CONFIG: ExitCode.BAD_CONFIG,
        AgentErrorCode.STRATEGY_LOAD: ExitCode.BAD_CONFIG,
        AgentErrorCode.MODEL_UNREACHABLE: ExitCode.MODEL_UNREACHABLE,
        AgentErrorCode.BAD_RESPONSE: ExitCode.MODEL_UNREACHABLE,
        AgentErrorCode.DEADLINE: ExitCode.NOT_SOLVED,
        AgentErrorCode.ABORTED: ExitCode.TERMINATED,
    }.get(err.code, ExitCode.STRATEGY_FAILED)
