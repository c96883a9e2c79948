import { DIRECTIONS, Direction, DX, DY, type Maze } from '../src/index.ts'

/** Border sides that are open: [x, y, direction] triples. */
export function borderOpenings(maze: Maze): Array<[number, number, Direction]> {
  const openings: Array<[number, number, Direction]> = []
  for (let y = 0; y < maze.height; y++) {
    for (let x = 0; x < maze.width; x++) {
      for (const d of DIRECTIONS) {
        const nx = x + DX[d]!
        const ny = y + DY[d]!
        if (!maze.isInside(nx, ny) && maze.side(x, y, d) === 0) openings.push([x, y, d])
      }
    }
  }
  return openings
}

/** Counts the open sides between neighbouring cells and the cells reachable from the start. */
export function connectivity(maze: Maze): { openEdges: number; reachable: number; consistent: boolean } {
  let openEdges = 0
  let consistent = true
  for (let y = 0; y < maze.height; y++) {
    for (let x = 0; x < maze.width; x++) {
      if (x + 1 < maze.width) {
        if (maze.side(x, y, Direction.Right) !== maze.side(x + 1, y, Direction.Left)) consistent = false
        if (maze.side(x, y, Direction.Right) === 0) openEdges++
      }
      if (y + 1 < maze.height) {
        if (maze.side(x, y, Direction.Down) !== maze.side(x, y + 1, Direction.Up)) consistent = false
        if (maze.side(x, y, Direction.Down) === 0) openEdges++
      }
    }
  }
  const seen = new Set<number>([maze.index(maze.start.x, maze.start.y)])
  const stack = [maze.start]
  while (stack.length > 0) {
    const { x, y } = stack.pop()!
    for (const d of DIRECTIONS) {
      const nx = x + DX[d]!
      const ny = y + DY[d]!
      if (maze.side(x, y, d) === 1 || !maze.isInside(nx, ny)) continue
      const i = maze.index(nx, ny)
      if (!seen.has(i)) {
        seen.add(i)
        stack.push({ x: nx, y: ny })
      }
    }
  }
  return { openEdges, reachable: seen.size, consistent }
}

export const manhattan = (a: { x: number; y: number }, b: { x: number; y: number }): number => Math.abs(a.x - b.x) + Math.abs(a.y - b.y)
