import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { DEFAULT_SIZE, type Maze } from '@maze-sim/maze'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyServerOptions } from 'fastify'
import { IDLE_TIMEOUT_DEFAULT_MS, REQUEST_TIMEOUT_DEFAULT_MS } from './config.ts'
import { httpServerOptions, shortKeepAliveOnClose } from './http-server.ts'
import { lazyCompilers } from './lazy-compilers.ts'
import type { EpisodeRegistry } from './episodes/registry.ts'
import { ViewerAccess, sealedViews, validateSealedSettings, type SealedSettings } from './episodes/sealed.ts'
import { createEpisodeRegistry, type EpisodesOptions } from './episodes/setup.ts'
import { MazeState } from './maze-state.ts'
import type { ModelFastify } from './plugin.ts'
import { bodyDrain } from './plugins/body-drain.ts'
import { errors, frameworkErrors } from './plugins/errors.ts'
import { openapi } from './plugins/openapi.ts'
import { RouteTable } from './route-table.ts'
import { episodesRoutes } from './routes/episodes.ts'
import { healthRoutes } from './routes/health.ts'
import { mazeRoutes } from './routes/maze.ts'
import { viewRoutes } from './routes/view.ts'
import { EpisodeView, type EpisodeViewOptions } from './view/episode-view.ts'
import { LIVE_VIEW_DEFAULTS, LiveView } from './view/live-view.ts'

export type { ModelFastify } from './plugin.ts'

export interface BuildAppOptions {
  /** Fastify's `logger` option: false (the default), true, or pino options such as `{ level: 'info' }`. */
  logger?: FastifyServerOptions['logger']
  /** An existing pino-compatible logger, instead of `logger`. */
  loggerInstance?: FastifyBaseLogger
  /** Log one line per request and response (off by default: /maze/pos is the hot path). */
  logRequests?: boolean
  /** Live view settings (buffer limit, flush interval, ...); defaults in `LIVE_VIEW_DEFAULTS` and `EPISODE_VIEW_DEFAULTS`. */
  view?: Partial<EpisodeViewOptions>
  /** How long a client may take to send a whole request, headers and body (ms; default 30 s): then 408 MAZE_ERR_REQUEST_TIMEOUT, closed. */
  requestTimeoutMs?: number
  /**
   * How long a connection may make no progress, nothing received and nothing sent (ms; default
   * 30 s): a stalled request is answered 408, a client that stops reading an answer is cut, an idle
   * connection is closed. Live view streams send a heartbeat at least twice as often.
   */
  idleTimeoutMs?: number
  /** The episodes routes (/episodes): limits (DEFAULT_EPISODE_LIMITS), default size, result writer. */
  episodes?: EpisodesOptions
  /**
   * Sealed mode, off when unset: the secret is mixed into every generation seed, episodes withhold
   * seed and optimalSteps until they end, and the whole-maze views need the viewer token.
   */
  sealed?: SealedSettings
}

/** The app and the way to hand it its maze. */
export interface ModelApp {
  /** The Fastify instance, ready to `listen` or `inject`. */
  app: ModelFastify
  /** Serves `maze` from now on; until then every /maze/* route answers 503 with Retry-After. */
  setMaze(maze: Maze, optimalSteps: number): void
  /** True once a maze has been set. */
  readonly isReady: boolean
  /** The live view fed by the agent's requests (GET /, /view/events, /view/stats). */
  view: LiveView
  /** The episodes the model hosts (live and recently ended). */
  episodes: EpisodeRegistry
  /** The live view of the episodes (GET /view/episodes/...). */
  episodeView: EpisodeView
}

/**
 * Builds the maze-model app. It composes and holds no routes: the raw server (http-server.ts),
 * the plugins that apply to every route (plugins/), then one plugin per route group (routes/), each
 * handed the state it needs. The app answers 503 on /maze/* until `setMaze`.
 */
export async function buildApp(options: BuildAppOptions = {}): Promise<ModelApp> {
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_DEFAULT_MS
  const idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_DEFAULT_MS
  // A viewer that reads must never look idle: its stream gets a heartbeat at least twice per idle timeout.
  const heartbeatMs = Math.min(options.view?.heartbeatMs ?? LIVE_VIEW_DEFAULTS.heartbeatMs, Math.floor(idleTimeoutMs / 2))
  const live = new LiveView({ ...options.view, heartbeatMs })
  const state = new MazeState()
  const routes = new RouteTable()
  const sealed = options.sealed === undefined ? undefined : validateSealedSettings(options.sealed)
  const viewer = sealed === undefined ? undefined : new ViewerAccess(sealed.viewerToken)

  const app = Fastify({
    ...httpServerOptions({ requestTimeoutMs, idleTimeoutMs, allMethods: () => routes.allMethods() }),
    ...(options.loggerInstance !== undefined ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? false }),
    logController: new LogController({ disableRequestLogging: options.logRequests !== true }),
    // Huge coordinates must reach the route (and get MAZE_ERR_BAD_COORDINATE), not the 404 handler.
    routerOptions: { maxParamLength: 1024 },
    // On close: refuse new requests with 503, let in-flight ones finish, close idle keep-alive sockets.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    frameworkErrors,
    // Each schema compiled at its route's first request, not all of them at start (lazy-compilers.ts).
    schemaController: { compilersFactory: lazyCompilers() },
  }).withTypeProvider<TypeBoxTypeProvider>() as ModelFastify

  // Plugins that apply to the whole app, first: they must see every route added after them.
  await app.register(errors, { routes })
  await app.register(bodyDrain)
  await app.register(openapi)
  await app.register(shortKeepAliveOnClose)
  // Sealed mode: the whole-maze views of the route groups below get the viewer-token check.
  if (viewer !== undefined) await app.register(sealedViews, { access: viewer })

  // Route groups, one plugin each with its schemas beside it (routes/*.ts).
  const episodes = createEpisodeRegistry(options.episodes ?? {}, sealed, app.log)
  const episodeView = new EpisodeView(episodes, { ...options.view, heartbeatMs })
  await app.register(viewRoutes, { live, episodeView, registry: episodes })
  await app.register(healthRoutes, { state })
  await app.register(mazeRoutes, { prefix: '/maze', state, live })
  const defaultSize = options.episodes?.defaultSize ?? DEFAULT_SIZE
  await app.register(episodesRoutes, { registry: episodes, defaultSize, sealed: viewer })

  return {
    app,
    setMaze(maze: Maze, optimalSteps: number): void {
      state.setMaze(maze, optimalSteps)
      live.setMaze(maze, optimalSteps)
    },
    get isReady() {
      return state.isReady
    },
    view: live,
    episodes,
    episodeView,
  }
}
