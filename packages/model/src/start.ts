import { metrics, SpanStatusCode, trace } from '@opentelemetry/api'
import { Maze } from '@maze-sim/maze'
import { telemetryReady } from '@maze-sim/telemetry/shutdown'
import { buildApp, type BuildAppOptions, type ModelFastify } from './app.ts'
import type { EpisodeRegistry } from './episodes/registry.ts'
import { generationSeed } from './episodes/sealed.ts'
import { generateInWorkerOrInline } from './generate-in-worker.ts'
import { ModelTelemetry } from './telemetry.ts'
import type { LiveView } from './view/live-view.ts'

export interface StartModelOptions extends BuildAppOptions {
  /** TCP port; 0 picks a free one (the default). */
  port?: number
  /** Address to listen on (default 127.0.0.1; the program listens on 0.0.0.0 as the original). */
  host?: string
  width: number
  height: number
  /** Unsigned 32-bit seed. */
  seed: number
  /** Only for the start log line: whether the seed was drawn at random. */
  seedWasRandom?: boolean
  /** How long `close()` lets in-flight requests finish before cutting connections (default 10 s). */
  closeTimeoutMs?: number
}

/** A listening model. */
export interface RunningModel {
  /** Base URL, e.g. `http://127.0.0.1:5555`. */
  url: string
  app: ModelFastify
  /** The live view (its page is at `url` + `/`). */
  view: LiveView
  /** The episodes the model hosts. */
  episodes: EpisodeRegistry
  /** Resolves once the maze is generated and served; rejects (GenerationError) if generation fails. */
  ready: Promise<void>
  /** Stops generation, stops accepting, lets in-flight requests finish (bounded), closes. */
  close(): Promise<void>
}

/**
 * Generates the maze in a worker thread while the server starts and listens (every /maze/* route
 * answers 503 until the maze is served), then serves it; a small maze (INLINE_MAX_CELLS) is
 * generated on this thread before the server listens, and served from the first request. Logs seed
 * and size at start and the generation time when ready.
 */
export async function startModel(options: StartModelOptions): Promise<RunningModel> {
  const { width, height, seed } = options
  // Episodes that ask for no size get the model's.
  const episodesOptions = { ...options.episodes, defaultSize: options.episodes?.defaultSize ?? { width, height } }

  // Generation first: a big maze's worker starts (a Node.js instance of its own) on another core
  // while this thread loads the telemetry SDK, builds the app and listens; a small maze is generated
  // on this thread at once (cheaper than a worker's start), so it is served from the first request.
  // Its outcome is taken once the app exists.
  const aborter = new AbortController()
  const generationStart = performance.timeOrigin + performance.now()
  // Sealed mode mixes its secret into the generation seed, in the classic domain (never an episode's
  // maze: /maze/pos answers any cell to anyone); the maze still says MAZE_SEED.
  const secret = options.sealed?.secret
  const generated = generateInWorkerOrInline({ width, height, seed: generationSeed(seed, secret, 'classic') }, aborter.signal)
  generated.catch(() => {})
  let built: Awaited<ReturnType<typeof buildApp>>
  let address: string
  try {
    // The SDK the preload registered loads now (at once without one): it must be on before the
    // Fastify instance is made, which @fastify/otel and the request metrics hook as it is made.
    await telemetryReady()
    built = await buildApp({ ...options, episodes: episodesOptions })
    address = await built.app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' })
  } catch (error) {
    aborter.abort(error)
    throw error
  }
  const { app, setMaze, view, episodes } = built
  const url = address.replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://[::1]:')
  app.log.info({ width, height, seed, seedWasRandom: options.seedWasRandom ?? false, url }, 'generating maze')

  // Its own trace: generation is not part of any agent's run. A no-op without an SDK. Started now,
  // with the SDK on, from the moment the worker was asked for.
  const tracer = trace.getTracer(ModelTelemetry.scope)
  const span = tracer.startSpan(ModelTelemetry.generateSpan, {
    startTime: generationStart,
    attributes: { [ModelTelemetry.width]: width, [ModelTelemetry.height]: height, [ModelTelemetry.seed]: seed },
  })
  const ready = generated.then(
    ({ maze, optimalSteps, generationMs }) => {
      const served = secret === undefined ? maze : new Maze({ ...maze.toData(), seed })
      setMaze(served, optimalSteps)
      // Outside sealed mode an episode of MAZE_SEED's seed and size plays this very maze: no second
      // generation (the cache ignores the offer in sealed mode: it is not an episode's maze).
      episodes.cache.offer({ maze: served, optimalSteps })
      app.log.info({ width, height, seed, optimalSteps, generationMs: Math.round(generationMs) }, 'maze ready')
      span.setAttribute(ModelTelemetry.optimalSteps, optimalSteps)
      span.end()
      // The meter is looked up now, not at import: the metrics API has no proxy, so a meter taken
      // before the SDK registered would stay a no-op.
      metrics
        .getMeter(ModelTelemetry.scope)
        .createHistogram(ModelTelemetry.generationDuration, {
          unit: 's',
          description: 'Time to generate a maze and solve it (in the worker thread, or inline for a small maze)',
          advice: { explicitBucketBoundaries: [...ModelTelemetry.generationBuckets] },
        })
        .record(generationMs / 1000, { [ModelTelemetry.width]: width, [ModelTelemetry.height]: height })
    },
    (error: unknown) => {
      span.recordException(error instanceof Error ? error : String(error))
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) })
      span.end()
      throw error
    },
  )
  // The caller decides what a failure means; an unobserved rejection must not crash the process.
  ready.catch(() => {})

  let closing: Promise<void> | undefined
  return {
    url,
    app,
    view,
    episodes,
    ready,
    close() {
      closing ??= (async () => {
        aborter.abort(new Error('the model is closing'))
        await closeWithin(app, options.closeTimeoutMs ?? 10_000)
      })()
      return closing
    },
  }
}

/**
 * `app.close()` (stop accepting, 503 to new requests on open connections, in-flight requests
 * finish, idle keep-alive sockets closed), but after `timeoutMs` every remaining connection is cut
 * so shutdown never hangs. Resolves true when the close was graceful.
 */
export async function closeWithin(app: ModelFastify, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs)
  })
  const closed = app.close().then(() => true)
  const graceful = await Promise.race([closed, timedOut])
  clearTimeout(timer)
  if (!graceful) {
    app.log.warn({ timeoutMs }, 'in-flight requests did not finish in time: closing their connections')
    app.server.closeAllConnections()
    await closed
  }
  return graceful
}
