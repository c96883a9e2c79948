"""The strategy interface, the same as the TypeScript agent's (packages/agent/src/strategy.ts).

A strategy has a stable ``name`` and a factory, ``create(context)``, of an explorer whose
``next(observation)`` returns a direction (0 up, 1 right, 2 down, 3 left) or ``None`` to give up.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable
from typing import Final, Literal, Protocol

from .rng import Rng

#: A direction, numbered as in the original model: 0 up, 1 right, 2 down, 3 left.
Direction = Literal[0, 1, 2, 3]
UP: Final = 0
RIGHT: Final = 1
DOWN: Final = 2
LEFT: Final = 3
DIRECTIONS: Final[tuple[Direction, ...]] = (0, 1, 2, 3)
#: The wire names of the directions, indexed by Direction.
DIRECTION_NAMES: Final = ("up", "right", "down", "left")
DX: Final = (0, 1, 0, -1)
DY: Final = (-1, 0, 1, 0)

#: What a cell holds: "S" start, "E" exit, "K" key, " " anything else.
Label = Literal["S", "E", "K", " "]


@dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class StrategyContext:
    """What a strategy knows when it starts: the maze's size, the start cell and a seeded RNG."""

    width: int
    height: int
    start: Point
    #: Seeded randomness: use it instead of ``random`` so runs are reproducible (and match TypeScript's).
    random: Rng


@dataclass(frozen=True, slots=True)
class Observation:
    """What the agent senses on the cell it stands on, and what the runner knows of the run."""

    x: int
    y: int
    here: Label
    #: open[d] is True when side d (a Direction) is open.
    open: tuple[bool, bool, bool, bool]
    #: True from the step on which the agent stood on the key.
    has_key: bool
    #: Moves made so far (backtracking included).
    steps: int


class Explorer(Protocol):
    """The brain of one run: asked for one move per step."""

    def next(self, observation: Observation) -> Direction | None:
        """The direction to move next, through an open side and inside the grid, or None to give up."""
        ...


class Strategy(Protocol):
    """A strategy: a stable name (used in results and the referee's label) and a factory."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    def create(self, context: StrategyContext) -> Explorer: ...


@dataclass(frozen=True, slots=True)
class FunctionStrategy:
    """A strategy made of a name and a factory function: ``FunctionStrategy("mine", "...", create)``."""

    name: str
    description: str
    factory: Callable[[StrategyContext], Explorer]

    def create(self, context: StrategyContext) -> Explorer:
        return self.factory(context)


def is_strategy(value: object) -> bool:
    """True when ``value`` looks like a Strategy: a non-empty ``name`` and a callable ``create``."""
    name = getattr(value, "name", None)
    return isinstance(name, str) and name != "" and callable(getattr(value, "create", None))
