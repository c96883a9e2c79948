import { generateMaze, Maze, renderMap, solve, type GenerateOptions } from '@maze-sim/maze'
import { AgentError, AgentErrorCode } from './errors.ts'
import { NO_META, type MazeMeta, type MazeTransport } from './transport.ts'
import { parseCellView, parseMap, parseSize, parseStart } from './validate.ts'

export interface InProcessTransportOptions {
  /** Answer `meta()` as a server with the `/maze/meta` extension would (default true). */
  readonly meta?: boolean
}

/**
 * A MazeTransport answered directly from a domain Maze: the same answers as the HTTP model, without
 * sockets, for fast tests and sweeps. Pass a Maze, or the options to generate one.
 */
export function createInProcessTransport(
  source: Maze | GenerateOptions,
  options: InProcessTransportOptions = {},
): MazeTransport {
  const maze = source instanceof Maze ? source : generateMaze(source)
  const withMeta = options.meta ?? true
  let requests = 0
  let closed = false
  const call = (route: string): void => {
    if (closed) throw new AgentError(AgentErrorCode.ModelUnreachable, `${route}: the in-process transport is closed`)
    requests++
  }
  return {
    get requests() {
      return requests
    },
    async size() {
      call('GET /maze/size')
      return parseSize({ width: maze.width, height: maze.height })
    },
    async start() {
      call('GET /maze/start')
      return parseStart({ x: maze.start.x, y: maze.start.y }, maze)
    },
    async sense(x, y) {
      const route = `GET /maze/pos/${y}/${x}`
      call(route)
      if (!maze.isInside(x, y)) {
        throw new AgentError(AgentErrorCode.BadResponse, `${route}: (${x}, ${y}) is outside the ${maze.width}x${maze.height} maze`)
      }
      return parseCellView(maze.cell(x, y), route)
    },
    async submitMap(moves) {
      call('POST /maze/map')
      try {
        return parseMap(renderMap(maze, moves))
      } catch (err) {
        if (err instanceof AgentError) throw err
        throw new AgentError(AgentErrorCode.BadResponse, `POST /maze/map rejected the moves: ${(err as Error).message}`, { cause: err })
      }
    },
    async meta(): Promise<MazeMeta> {
      call('GET /maze/meta')
      if (!withMeta) return NO_META
      return { seed: maze.seed, optimalSteps: solve(maze).optimalSteps }
    },
    async close() {
      closed = true
    },
  }
}
