import { DX, DY, type Direction } from '@maze-sim/maze'
import type { Explorer, Observation, Strategy, StrategyContext } from '../strategy.ts'

/**
 * The original agent's behaviour: a random depth-first walk. At each cell it shuffles the four
 * directions and takes the first open, in-grid, unvisited neighbour; when there is none it steps
 * back along its stack. Once it holds the key it starts over (visited cells and stack cleared) from
 * the key, so the exit it walked past earlier is found again.
 *
 * Fixed from the original: `set((x, y))` made a set of two numbers rather than of one cell, a
 * backtrack first "popped" to the cell it stood on (a wasted request), and backtracking steps were
 * not counted as moves.
 */
export const randomDfs: Strategy = {
  name: 'random-dfs',
  description: 'Random depth-first search with backtracking; starts over once it holds the key (the original agent).',
  create(context: StrategyContext): Explorer {
    const { width, height, random } = context
    const visited = new Set<number>()
    let stack: number[] = []
    let restarted = false
    const dirs: Direction[] = [0, 1, 2, 3]

    const shuffle = (): void => {
      for (let i = dirs.length - 1; i > 0; i--) {
        const j = random.int(i + 1)
        const t = dirs[i]!
        dirs[i] = dirs[j]!
        dirs[j] = t
      }
    }

    return {
      next(o: Observation): Direction | null {
        const here = o.y * width + o.x
        if (o.hasKey && !restarted) {
          restarted = true
          visited.clear()
          stack = []
        }
        if (stack.length === 0 || stack[stack.length - 1] !== here) stack.push(here)
        visited.add(here)

        shuffle()
        for (const d of dirs) {
          if (!o.open[d]) continue
          const nx = o.x + DX[d]!
          const ny = o.y + DY[d]!
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
          const n = ny * width + nx
          if (visited.has(n)) continue
          visited.add(n)
          stack.push(n)
          return d
        }
        // Stuck: step back to the cell we came from.
        stack.pop()
        const back = stack[stack.length - 1]
        if (back === undefined) return null
        const bx = back % width
        const by = (back - bx) / width
        for (const d of [0, 1, 2, 3] as const) {
          if (o.x + DX[d]! === bx && o.y + DY[d]! === by) return d
        }
        /* c8 ignore next: the stack only ever holds neighbours */
        return null
      },
    }
  },
}
