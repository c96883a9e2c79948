import { readFileSync } from 'node:fs'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from '../schema-type.ts'
import { HttpError, ModelErrorCode } from '../errors.ts'
import type { EpisodeRegistry } from '../episodes/registry.ts'
import type { ModelPlugin } from '../plugin.ts'
import { errorResponse, textContent } from '../schemas.ts'
import type { EpisodeView } from '../view/episode-view.ts'
import type { LiveView, ViewerSink } from '../view/live-view.ts'
import { IdParams, episodeErrors, sealedErrors } from './episodes-schemas.ts'

/** The page: one static file, HTML + CSS + a small script, no framework and no build step. */
const PAGE = readFileSync(new URL('../view/page.html', import.meta.url))

const Count = (description: string) => Type.Integer({ minimum: 0, description })

/** `GET /view/stats`: how the viewers are doing, for tests, the benchmark and operators. */
export const ViewStats = Type.Object(
  {
    viewers: Count('viewers connected now'),
    maxViewers: Count('viewers allowed at once'),
    dropped: Count('viewers disconnected for staying over the buffer limit, since start'),
    bufferLimitBytes: Count('a viewer with more unsent bytes than this gets nothing until it drains'),
    maxBufferedBytes: Count('the most unsent bytes any viewer had right after a write, since start'),
    largestWriteBytes: Count('the largest single write to a viewer, since start'),
    bufferedBytes: Type.Array(Count('unsent bytes'), { description: 'unsent bytes of each viewer now' }),
    bytesSent: Count('bytes handed to viewers, since start'),
    run: Count('the current run (a new one begins at GET /maze/start)'),
    steps: Count('moves of the current run'),
    done: Type.Boolean({ description: 'POST /maze/map was received in the current run' }),
    drawable: Type.Union([Type.Boolean(), Type.Null()], { description: 'whether the maze is small enough to draw; null until generated' }),
    episodes: Type.Object(
      {
        viewers: Count('viewers of the episode list and of followed episodes, now'),
        followed: Count('episodes followed by at least one viewer, now'),
        dropped: Count('episode viewers disconnected for staying over the buffer limit, since start'),
        maxBufferedBytes: Count('the most unsent bytes any episode viewer had right after a write, since start'),
        largestWriteBytes: Count('the largest single write to an episode viewer, since start'),
        bytesSent: Count('bytes handed to episode viewers, since start'),
      },
      { description: 'the episodes streams (GET /view/episodes/...)', additionalProperties: false },
    ),
  },
  { description: 'the live view and its viewers', additionalProperties: false },
)

const MazeEventSchema = Type.Object(
  {
    width: Type.Integer({ minimum: 1 }),
    height: Type.Integer({ minimum: 1 }),
    seed: Type.Integer({ minimum: 0 }),
    optimalSteps: Type.Integer({ minimum: 0 }),
    start: Type.Array(Type.Integer(), { minItems: 2, maxItems: 2, description: '[x, y]' }),
    key: Type.Array(Type.Integer(), { minItems: 2, maxItems: 2, description: '[x, y]' }),
    exit: Type.Array(Type.Integer(), { minItems: 2, maxItems: 2, description: '[x, y]' }),
    drawable: Type.Boolean({ description: 'small enough to draw: walls is set' }),
    maxDrawableCells: Type.Integer(),
    maxDrawableSide: Type.Integer(),
    walls: Type.Union([Type.String(), Type.Null()], {
      description: 'base64 of the wall bits, two cells per byte, low nibble first; bit d = wall on side d (up, right, down, left)',
    }),
    episode: Type.Object({
      id: Type.String(),
      agent: Type.Union([Type.String(), Type.Null()]),
      maxSteps: Type.Integer({ minimum: 1 }),
    }),
  },
  { description: "an episode's maze, as the `maze` event of the streams" },
)

const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx and similar proxies would otherwise buffer the stream.
  'x-accel-buffering': 'no',
} as const

/**
 * Answers an event-stream request: HEAD gets the headers; GET becomes the stream, handed to `add`.
 * Fastify neither serializes nor ends a hijacked reply.
 */
function openStream(request: FastifyRequest, reply: FastifyReply, add: (sink: ViewerSink) => void): void {
  // HEAD (which Fastify routes here too) gets the headers, not an endless stream without a body.
  if (request.method === 'HEAD') {
    reply.headers(STREAM_HEADERS).send()
    return
  }
  reply.hijack()
  const response = reply.raw
  response.writeHead(200, STREAM_HEADERS)
  // A write racing a dropped connection must not become an unhandled 'error'; 'close' removes the viewer.
  response.on('error', () => {})
  request.raw.socket.setNoDelay(true)
  add(response)
}

export const tooManyViewers = (max: number): HttpError =>
  new HttpError(503, ModelErrorCode.TooManyViewers, `${max} viewers are connected already, the most allowed; retry later`, {
    headers: { 'retry-after': '5' },
  })

export interface ViewRoutesOptions {
  /** The live view these routes serve; its streams are ended when the app closes. */
  live: LiveView
  /** The episodes' live view (the list and the followed episodes); its streams are ended on close too. */
  episodeView: EpisodeView
  /** The hosted episodes, to find the one a viewer follows. */
  registry: EpisodeRegistry
}

/** The Fastify instance the view's routes are added to. */
type ViewApp = Parameters<ModelPlugin<ViewRoutesOptions>>[0]

/**
 * The live view: the page at `GET /` (it keeps the original greeting), its event stream at
 * `GET /view/events` and `GET /view/stats`. A named plugin, so spans name the scope.
 */
export const viewRoutes: ModelPlugin<ViewRoutesOptions> = async function viewRoutes(view, { live, episodeView, registry }) {
  // Event streams never finish on their own: end them on close, so their connections close as idle ones.
  view.addHook('preClose', (done) => {
    live.close()
    episodeView.close()
    done()
  })

  pageRoutes(view, live)
  episodeStreamRoutes(view, episodeView, registry)
  episodeMazeRoute(view, episodeView, registry)

  view.get(
    '/view/stats',
    { schema: { summary: 'Extension: the live view and its viewers, in numbers', tags: ['extensions'], response: { 200: ViewStats } } },
    (_request, reply) => {
      reply.send({ ...live.stats(), episodes: episodeView.stats() })
    },
  )
}

/** `GET /`, the page, and `GET /view/events`, the classic run as it happens. */
function pageRoutes(view: ViewApp, live: LiveView): void {
  view.get(
    '/',
    {
      schema: {
        summary: 'The live view: the greeting of the original, then the maze and the agent drawn live (a human page; agents never use it)',
        tags: ['maze'],
        response: { 200: textContent('text/html', 'the page; it follows GET /view/events') },
      },
    },
    (_request, reply) => {
      // Bytes as they are: the schema-typed `send` expects a string.
      ;(reply as FastifyReply).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(PAGE)
    },
  )

  view.get(
    '/view/events',
    {
      schema: {
        summary: 'Extension: the live view as server-sent events (maze, state, moves)',
        description:
          '`maze` (once the maze is ready: size, seed, start, key, exit and, when small enough to draw, the walls), ' +
          '`state` (a snapshot of the run: counters, the last positions, the visit count of every cell) and `moves` ' +
          '(batched every 50 ms: the cells of the latest steps and the counters). A viewer that reads too slowly ' +
          'skips batches and gets one snapshot when it catches up; one that stops reading is disconnected.',
        tags: ['extensions'],
        response: {
          200: textContent('text/event-stream', 'an endless event stream'),
          503: errorResponse('MAZE_ERR_TOO_MANY_VIEWERS: the most viewers allowed are connected (Retry-After)'),
        },
      },
    },
    (request, reply) => {
      if (request.method !== 'HEAD' && !live.hasRoom) throw tooManyViewers(live.options.maxViewers)
      openStream(request, reply as FastifyReply, (sink) => live.addViewer(sink))
    },
  )
}

/** `GET /view/episodes/events`, the list of episodes, and `GET /view/episodes/:id/events`, one episode followed. */
function episodeStreamRoutes(view: ViewApp, episodeView: EpisodeView, registry: EpisodeRegistry): void {
  const tooManyEpisodeViewers = errorResponse('MAZE_ERR_TOO_MANY_VIEWERS: the most episode viewers allowed are connected (Retry-After)')

  view.get(
    '/view/episodes/events',
    {
      schema: {
        summary: 'Extension: the live and recently ended episodes as server-sent events (`episodes`)',
        description:
          "`episodes`: `{episodes: [record, ...], live, maxLive}`, the referee's records newest first (at most 50), on connecting " +
          'and at most every 250 ms while an episode is created, moves or ends. Slow viewers skip updates and get the list ' +
          'when they catch up. In sealed mode it needs the viewer token.',
        tags: ['extensions'],
        response: { 200: textContent('text/event-stream', 'an endless event stream'), 503: tooManyEpisodeViewers, ...sealedErrors },
      },
    },
    (request, reply) => {
      if (request.method !== 'HEAD' && !episodeView.hasRoom) throw tooManyViewers(episodeView.options.maxViewers)
      openStream(request, reply as FastifyReply, (sink) => episodeView.addListViewer(sink))
    },
  )

  view.get(
    '/view/episodes/:id/events',
    {
      schema: {
        summary: 'Extension: one episode live, as the classic stream (maze, state, moves)',
        description:
          'The same events as GET /view/events, for the episode: `maze` (walls, start, key, exit, seed, optimalSteps, and ' +
          '`episode`: id, agent, maxSteps) once its maze is ready, `state` snapshots and `moves` batches, both with the ' +
          "referee's `status` and `bumps`. An ended episode gets its final state. In sealed mode it needs the viewer token.",
        tags: ['extensions'],
        params: IdParams,
        response: {
          200: textContent('text/event-stream', 'an endless event stream'),
          404: episodeErrors[404],
          503: tooManyEpisodeViewers,
          ...sealedErrors,
        },
      },
    },
    (request, reply) => {
      const entry = registry.get(request.params.id)
      if (request.method !== 'HEAD' && !episodeView.hasRoom) throw tooManyViewers(episodeView.options.maxViewers)
      openStream(request, reply as FastifyReply, (sink) => episodeView.addFollower(entry, sink))
    },
  )
}

/** `GET /view/episodes/:id/maze`: an episode's maze, to replay it. */
function episodeMazeRoute(view: ViewApp, episodeView: EpisodeView, registry: EpisodeRegistry): void {
  view.get(
    '/view/episodes/:id/maze',
    {
      schema: {
        summary: "Extension: an episode's maze, as the `maze` event (to replay it with GET /episodes/:id/replay)",
        description: 'In sealed mode it needs the viewer token.',
        tags: ['extensions'],
        params: IdParams,
        response: {
          200: MazeEventSchema,
          404: episodeErrors[404],
          409: errorResponse('MAZE_ERR_EPISODE_GENERATING: its maze is not ready yet (Retry-After)'),
          ...sealedErrors,
        },
      },
    },
    (request, reply) => {
      const entry = registry.get(request.params.id)
      const maze = episodeView.mazeOf(entry)
      if (maze === undefined) {
        throw new HttpError(
          409,
          ModelErrorCode.EpisodeGenerating,
          'the maze of this episode is still being generated; retry after Retry-After',
          {
            headers: { 'retry-after': '1' },
          },
        )
      }
      reply.send(maze)
    },
  )
}
