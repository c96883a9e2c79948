"""maze-sim's Python agent SDK: a client of the maze model (classic routes and episodes), the
strategy interface of the TypeScript agent, a runner with its result line and exit codes, and
``random-dfs`` as the example strategy to copy. Standard library only."""

from .client import Cell, Episode, EpisodeObservation, Meta, ModelClient, MovesAnswer, retry_after_seconds
from .errors import AgentError, AgentErrorCode, BadResponseError, ExitCode, ModelError, ModelUnreachableError, exit_code_of
from .load import load_strategy
from .rng import Rng, create_rng
from .runner import RESULT_KEYS, RunOptions, RunResult, agent_label, result_strategy, run_agent
from .strategies import STRATEGIES, random_dfs
from .strategy import DIRECTIONS, DOWN, DX, DY, LEFT, RIGHT, UP, Direction, Explorer, FunctionStrategy, Label, Observation, Point, Strategy, StrategyContext

__all__ = [
    "DIRECTIONS",
    "DOWN",
    "DX",
    "DY",
    "LEFT",
    "RESULT_KEYS",
    "RIGHT",
    "STRATEGIES",
    "UP",
    "AgentError",
    "AgentErrorCode",
    "BadResponseError",
    "Cell",
    "Direction",
    "Episode",
    "EpisodeObservation",
    "ExitCode",
    "Explorer",
    "FunctionStrategy",
    "Label",
    "Meta",
    "ModelClient",
    "ModelError",
    "ModelUnreachableError",
    "MovesAnswer",
    "Observation",
    "Point",
    "Rng",
    "RunOptions",
    "RunResult",
    "Strategy",
    "StrategyContext",
    "agent_label",
    "create_rng",
    "exit_code_of",
    "load_strategy",
    "random_dfs",
    "result_strategy",
    "retry_after_seconds",
    "run_agent",
]
