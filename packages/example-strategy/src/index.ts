// An example team strategy. Copy this package, rename it, and replace `create` with your own brain.
// Only types come from @maze-sim/agent, so the module has no runtime dependencies at all.
import type { Direction, Explorer, Observation, Strategy, StrategyContext } from '@maze-sim/agent'

/**
 * Keeps its left hand on the wall. In a perfect maze (a tree of corridors) this walks every corridor
 * in turn, so it reaches the key and then, still following the wall, the exit. The runner stops it
 * as soon as it stands on the exit holding the key.
 */
export const wallFollower: Strategy = {
  name: 'wall-follower',
  description: 'Keeps the left hand on the wall; solves any perfect maze without memory.',
  create(context: StrategyContext): Explorer {
    const { width, height } = context
    // Direction numbers: 0 up, 1 right, 2 down, 3 left (clockwise), so +3 is a left turn.
    let heading: Direction = 0
    const dx = [0, 1, 0, -1] as const
    const dy = [-1, 0, 1, 0] as const
    // The outer border has two openings (start and exit): moving through them would leave the
    // grid, so an opening on the border counts as a wall.
    const canGo = (o: Observation, d: Direction): boolean => {
      if (!o.open[d]) return false
      const nx = o.x + dx[d]
      const ny = o.y + dy[d]
      return nx >= 0 && ny >= 0 && nx < width && ny < height
    }
    return {
      next(o: Observation): Direction | null {
        // Left, straight, right, back: the first way that is open.
        for (const turn of [3, 0, 1, 2]) {
          const d = ((heading + turn) % 4) as Direction
          if (canGo(o, d)) {
            heading = d
            return d
          }
        }
        return null // walled in on all sides: nowhere to go
      },
    }
  },
}

export default wallFollower
