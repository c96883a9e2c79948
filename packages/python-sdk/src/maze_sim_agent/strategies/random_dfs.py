"""``random-dfs``, the example to copy: the TypeScript agent's random depth-first walk, line for line.

At each cell it shuffles the four directions with the seeded RNG and takes the first open, in-grid,
unvisited neighbour; when there is none it steps back along its stack. Once it holds the key it
starts over (visited cells and stack cleared) from the key. With the same seed it makes the same
moves as packages/agent/src/strategies/random-dfs.ts.
"""

from __future__ import annotations

from ..strategy import DIRECTIONS, DX, DY, Direction, Explorer, Observation, StrategyContext


class RandomDfsExplorer:
    def __init__(self, context: StrategyContext) -> None:
        self._width = context.width
        self._height = context.height
        self._random = context.random
        self._visited: set[int] = set()
        self._stack: list[int] = []
        self._restarted = False
        self._dirs: list[Direction] = [0, 1, 2, 3]

    def _shuffle(self) -> None:
        dirs = self._dirs
        for i in range(len(dirs) - 1, 0, -1):
            j = self._random.int(i + 1)
            dirs[i], dirs[j] = dirs[j], dirs[i]

    def next(self, o: Observation) -> Direction | None:
        width, height = self._width, self._height
        here = o.y * width + o.x
        if o.has_key and not self._restarted:
            self._restarted = True
            self._visited.clear()
            self._stack = []
        stack = self._stack
        if not stack or stack[-1] != here:
            stack.append(here)
        self._visited.add(here)

        self._shuffle()
        for d in self._dirs:
            if not o.open[d]:
                continue
            nx, ny = o.x + DX[d], o.y + DY[d]
            if nx < 0 or ny < 0 or nx >= width or ny >= height:
                continue
            n = ny * width + nx
            if n in self._visited:
                continue
            self._visited.add(n)
            stack.append(n)
            return d
        # Stuck: step back to the cell we came from.
        stack.pop()
        if not stack:
            return None
        back = stack[-1]
        bx, by = back % width, back // width
        for back_d in DIRECTIONS:
            if o.x + DX[back_d] == bx and o.y + DY[back_d] == by:
                return back_d
        return None


class RandomDfs:
    """Random depth-first search with backtracking; starts over once it holds the key (the original agent)."""

    name = "random-dfs"
    description = "Random depth-first search with backtracking; starts over once it holds the key (the original agent)."

    def create(self, context: StrategyContext) -> Explorer:
        return RandomDfsExplorer(context)


#: The module's strategy: what a strategy module exports (``strategy``), as a team's module does.
strategy = RandomDfs()
