import { readFileSync } from 'node:fs'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { HttpError, ModelErrorCode } from '../errors.ts'
import type { ModelPlugin } from '../plugin.ts'
import { errorResponse, textContent } from '../schemas.ts'
import type { LiveView } from '../view/live-view.ts'

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
  },
  { description: 'the live view and its viewers', additionalProperties: false },
)

export const tooManyViewers = (max: number): HttpError =>
  new HttpError(503, ModelErrorCode.TooManyViewers, `${max} viewers are connected already, the most allowed; retry later`, {
    headers: { 'retry-after': '5' },
  })

export interface ViewRoutesOptions {
  /** The live view these routes serve; its streams are ended when the app closes. */
  live: LiveView
}

/**
 * The live view: the page at `GET /` (it keeps the original greeting), its event stream at
 * `GET /view/events` and `GET /view/stats`. A named plugin, so spans name the scope.
 */
export const viewRoutes: ModelPlugin<ViewRoutesOptions> = async function viewRoutes(view, { live }) {
  // Event streams never finish on their own: end them on close, so their connections close as idle ones.
  view.addHook('preClose', (done) => {
    live.close()
    done()
  })

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
      const headers = {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // nginx and similar proxies would otherwise buffer the stream.
        'x-accel-buffering': 'no',
      }
      // HEAD (which Fastify routes here too) gets the headers, not an endless stream without a body.
      if (request.method === 'HEAD') {
        ;(reply as FastifyReply).headers(headers).send()
        return
      }
      if (!live.hasRoom) throw tooManyViewers(live.options.maxViewers)
      // From here on the response is the stream: Fastify neither serializes nor ends it.
      reply.hijack()
      const response = reply.raw
      response.writeHead(200, headers)
      // A write racing a dropped connection must not become an unhandled 'error'; 'close' removes the viewer.
      response.on('error', () => {})
      request.raw.socket.setNoDelay(true)
      live.addViewer(response)
    },
  )

  view.get(
    '/view/stats',
    { schema: { summary: 'Extension: the live view and its viewers, in numbers', tags: ['extensions'], response: { 200: ViewStats } } },
    (_request, reply) => {
      reply.send(live.stats())
    },
  )
}
