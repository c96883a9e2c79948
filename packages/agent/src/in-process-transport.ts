import { Episode, generateMaze, Maze, MazeError, renderMap, solve, type GenerateOptions } from '@maze-sim/maze'
import { AgentError, AgentErrorCode } from './errors.ts'
import { NO_META, type EpisodeRoutes, type MazeMeta, type MazeTransport } from './transport.ts'
import { parseCellView, parseEpisodeCreated, parseEpisodeMoves, parseEpisodeRecord, parseMap, parseSize, parseStart } from './validate.ts'

export interface InProcessTransportOptions {
  /** Answer `meta()` as a server with the `/maze/meta` extension would (default true). */
  readonly meta?: boolean
  /**
   * Also offer the `/episodes` routes, refereed by the domain's `Episode` as the model does (default
   * false: the original contract only). An episode of another seed or size gets its own maze.
   */
  readonly episodes?: boolean
  /**
   * With `episodes`: withhold `seed` and `optimalSteps` until an episode ends, as a sealed model does.
   * (A sealed model also generates its episodes apart from its classic maze; this test double plays
   * the same maze either way, so that sealed and open runs of one maze compare step for step.)
   */
  readonly sealed?: boolean
}

/**
 * A MazeTransport answered directly from a domain Maze: the same answers as the HTTP model, without
 * sockets, for fast tests and sweeps. Pass a Maze, or the options to generate one.
 */
export function createInProcessTransport(source: Maze | GenerateOptions, options: InProcessTransportOptions = {}): MazeTransport {
  const maze = source instanceof Maze ? source : generateMaze(source)
  const withMeta = options.meta ?? true
  let requests = 0
  let closed = false
  const call = (route: string): void => {
    if (closed) throw new AgentError(AgentErrorCode.ModelUnreachable, `${route}: the in-process transport is closed`)
    requests++
  }
  const transport: MazeTransport = {
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
      return { seed: maze.seed, optimalSteps: solve(maze).optimalSteps, width: maze.width, height: maze.height }
    },
    async close() {
      closed = true
    },
  }
  if (options.episodes === true) {
    const routes = inProcessEpisodes(maze, call, options.sealed ?? false)
    transport.episodes = async () => {
      call('GET /episodes')
      return routes
    }
  }
  return transport
}

/** The `/episodes` routes over domain Episodes, their answers checked by the same parsers as HTTP's. */
function inProcessEpisodes(maze: Maze, call: (route: string) => void, sealed: boolean): EpisodeRoutes {
  const hosted = new Map<string, { episode: Episode; seed: number }>()
  let next = 0
  const find = (id: string, route: string): { episode: Episode; seed: number } => {
    const entry = hosted.get(id)
    if (entry === undefined) throw new AgentError(AgentErrorCode.BadResponse, `${route} answered 404: no episode ${id}`)
    return entry
  }
  return {
    async create(request) {
      call('POST /episodes')
      const seed = request.seed ?? maze.seed
      const width = request.width ?? maze.width
      const height = request.height ?? maze.height
      const same = seed === maze.seed && width === maze.width && height === maze.height
      const episode = new Episode({
        maze: same ? maze : generateMaze({ width, height, seed }),
        ...(request.maxSteps ? { maxSteps: request.maxSteps } : {}),
      })
      const id = `in-process-${++next}`
      hosted.set(id, { episode, seed })
      return parseEpisodeCreated({
        id,
        seed: sealed ? null : seed,
        width,
        height,
        maxSteps: episode.maxSteps,
        optimalSteps: sealed ? null : episode.optimalSteps,
        observation: episode.observation(),
      })
    },
    async move(id, moves) {
      const route = `POST /episodes/${id}/moves`
      call(route)
      const { episode } = find(id, route)
      try {
        return parseEpisodeMoves(episode.move(moves), episode.maze, moves.length, route)
      } catch (err) {
        if (err instanceof MazeError)
          throw new AgentError(AgentErrorCode.BadResponse, `${route} answered 409: ${err.message}`, { cause: err })
        throw err
      }
    },
    async record(id) {
      const route = `GET /episodes/${id}`
      call(route)
      const { episode, seed } = find(id, route)
      const record = episode.record()
      const reveal = !sealed || episode.done
      // Ended episodes are not kept (the model keeps a bounded number for a while).
      if (episode.done) hosted.delete(id)
      return parseEpisodeRecord(
        {
          id,
          seed: reveal ? seed : null,
          width: episode.maze.width,
          height: episode.maze.height,
          ...record,
          optimalSteps: reveal ? record.optimalSteps : null,
        },
        route,
      )
    },
    async abandon(id) {
      try {
        call(`DELETE /episodes/${id}`)
      } catch {
        return
      }
      hosted.get(id)?.episode.abandon()
      hosted.delete(id)
    },
  }
}
