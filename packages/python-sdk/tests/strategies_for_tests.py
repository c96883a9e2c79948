"""Strategies that misbehave on purpose, loaded by specifier (``tests.strategies_for_tests:raising``)."""

import time

from maze_sim_agent import DIRECTIONS, Direction, Explorer, FunctionStrategy, Observation, StrategyContext, random_dfs


class _Raising:
    def next(self, o: Observation) -> Direction | None:
        raise ValueError("a bug in next()")


class _Illegal:
    def next(self, o: Observation) -> Direction | None:
        return next(d for d in DIRECTIONS if not o.open[d])


class _GivesUp:
    def next(self, o: Observation) -> Direction | None:
        return None


class _Slow:
    def __init__(self, context: StrategyContext) -> None:
        self._walk = random_dfs.create(context)

    def next(self, o: Observation) -> Direction | None:
        time.sleep(0.2)
        return self._walk.next(o)


def _make(explorer: type) -> "FunctionStrategy":
    def create(context: StrategyContext) -> Explorer:
        return explorer(context) if explorer is _Slow else explorer()  # type: ignore[no-any-return]

    return FunctionStrategy(explorer.__name__.strip("_").lower(), "misbehaves on purpose", create)


raising = _make(_Raising)
illegal = _make(_Illegal)
gives_up = _make(_GivesUp)
slow = _make(_Slow)
