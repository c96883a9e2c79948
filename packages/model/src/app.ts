import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import { Readable, type Duplex } from 'node:stream'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { renderMapBytes, type Maze } from '@maze-sim/maze'
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify'
import { Type } from 'typebox'
import { buildCellViewTable, labelIndexes, type CellViewTable, type LabelIndexes } from './cell-views.ts'
import { IDLE_TIMEOUT_DEFAULT_MS, REQUEST_TIMEOUT_DEFAULT_MS } from './config.ts'
import { HttpError, ModelErrorCode, notReady, RETRY_AFTER_SECONDS } from './errors.ts'
import { MAP_PIECE_BYTES, MapStream } from './map-stream.ts'
import { MovesParser, movesBodyLimit, type ParsedMoves } from './moves-body.ts'
import {
  CellView,
  errorResponse,
  Health,
  Meta,
  MovesBody,
  NotReadyResponse,
  Point,
  PosParams,
  Size,
  textContent,
} from './schemas.ts'
import { LIVE_VIEW_DEFAULTS, LiveView, type LiveViewOptions } from './view/live-view.ts'
import { registerViewRoutes } from './view/view-routes.ts'

/** The Fastify instance of the model, typed by its TypeBox schemas. */
export type ModelFastify = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

export interface BuildAppOptions {
  /** Fastify's `logger` option: false (the default), true, or pino options such as `{ level: 'info' }`. */
  logger?: FastifyServerOptions['logger']
  /** An existing pino-compatible logger, instead of `logger`. */
  loggerInstance?: FastifyBaseLogger
  /** Log one line per request and response (off by default: /maze/pos is the hot path). */
  logRequests?: boolean
  /** Live view settings (buffer limit, flush interval, ...); defaults in `LIVE_VIEW_DEFAULTS`. */
  view?: Partial<LiveViewOptions>
  /**
   * How long a client may take to send a whole request, headers and body (ms; default 30 s):
   * past it the request is answered 408 MAZE_ERR_REQUEST_TIMEOUT and its connection closed.
   */
  requestTimeoutMs?: number
  /**
   * How long a connection may make no progress, nothing received and nothing sent (ms; default
   * 30 s): a stalled request is answered 408, a client that stops reading an answer is cut, an idle
   * connection is closed. Live view streams send a heartbeat at least twice as often.
   */
  idleTimeoutMs?: number
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
}

/** Everything a request needs once the maze is there, computed once in setMaze. */
interface Served {
  maze: Maze
  width: number
  height: number
  walls: Uint8Array
  labels: LabelIndexes
  size: { width: number; height: number }
  start: { x: number; y: number }
  meta: Meta
  /** `<pre>` + map + `</pre>`, rendered on the first GET /maze/map when small enough to keep. */
  mapPage: Buffer | undefined
}

/**
 * Maps up to this size are rendered once and kept after the first GET /maze/map: every reader
 * shares the one buffer. Larger ones (a 10,000 x 10,000 map is 400 MB) are streamed, rendered a
 * piece at a time as each client reads (see map-stream.ts).
 */
const MAP_CACHE_BYTES = 16 * 1024 * 1024
/** Fastify's default, kept: how long an idle keep-alive connection stays open between requests. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000
/** Bodies sent to routes that take none are read and dropped up to this size. */
const DRAIN_LIMIT = 1024 * 1024
const JSON_TYPE = 'application/json; charset=utf-8'
const CELL_VIEWS: CellViewTable = buildCellViewTable()

const COORDINATE = /^[0-9]{1,15}$/

/** Parses a path coordinate: plain decimal digits only (no sign, fraction, exponent or spaces). */
function parseCoordinate(name: 'x' | 'y', raw: string): number | HttpError {
  if (COORDINATE.test(raw)) return Number(raw)
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw
  return new HttpError(
    400,
    ModelErrorCode.BadCoordinate,
    `${name} must be a non-negative integer written in decimal digits, got ${JSON.stringify(shown)}`,
  )
}

function outOfBounds(x: number, y: number, served: Served): HttpError {
  return new HttpError(
    400,
    ModelErrorCode.OutOfBounds,
    `(x=${x}, y=${y}) is outside the ${served.width}x${served.height} maze: x must be 0..${served.width - 1} and y 0..${served.height - 1}`,
  )
}

/** Turns any error into the HttpError to answer with; unknown errors become a generic 500. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown }
  const message = typeof e.message === 'string' ? e.message : 'bad request'
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new HttpError(415, ModelErrorCode.UnsupportedMediaType, 'unsupported Content-Type: send JSON as application/json', {
        cause: error,
      })
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, ModelErrorCode.BodyTooLarge, 'the request body is too large', { cause: error })
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, ModelErrorCode.BadJson, message, { cause: error })
    case 'FST_ERR_VALIDATION':
      return new HttpError(400, ModelErrorCode.BadRequest, message, { cause: error })
    default:
      break
  }
  if (error instanceof SyntaxError) return new HttpError(400, ModelErrorCode.BadJson, message, { cause: error })
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500
  if (status === 404) return new HttpError(404, ModelErrorCode.NotFound, message, { cause: error })
  if (status === 413) return new HttpError(413, ModelErrorCode.BodyTooLarge, message, { cause: error })
  if (status === 415) return new HttpError(415, ModelErrorCode.UnsupportedMediaType, message, { cause: error })
  // Other client errors raised by Fastify or Node (bad URL encoding, content-length mismatch, ...):
  // their messages describe the request, not our internals.
  if (status >= 400 && status < 500) return new HttpError(status, ModelErrorCode.BadRequest, message, { cause: error })
  return new HttpError(500, ModelErrorCode.Internal, 'internal server error', { cause: error })
}

/**
 * Sends bytes that already are the answer (a rendered map): Fastify passes buffers through
 * untouched, which the schema-typed `send` cannot express.
 */
function sendBytes(reply: FastifyReply, contentType: string, bytes: Uint8Array): void {
  reply.header('content-type', contentType).send(bytes)
}

/**
 * Sends a map too large to hold per request as a stream rendered while the client reads (see
 * map-stream.ts), with its Content-Length. HEAD gets the headers only: nothing is rendered.
 */
function sendMapStream(method: string, reply: FastifyReply, contentType: string, length: number, stream: () => Readable): void {
  reply.header('content-type', contentType).header('content-length', String(length))
  reply.send(method === 'HEAD' ? Readable.from([]) : stream())
}

function sendError(reply: FastifyReply, error: HttpError): void {
  // A request whose body was not read to its end (413 at the limit, 415, an early 400): the rest of
  // it is not read either, and the connection closes once the answer is sent. Otherwise the
  // connection would go on swallowing an endless body, and its next "request" would start mid-body.
  if (reply.request.raw.complete === false) reply.header('connection', 'close')
  reply.code(error.statusCode).headers(error.headers).send({ error: error.code, message: error.message })
}

const errorBody = (error: HttpError): string => JSON.stringify({ error: error.code, message: error.message })

/** A whole HTTP/1.1 answer for a socket that has no usable response object (client errors, CONNECT, timeouts). */
function rawAnswer(error: HttpError): string {
  const body = errorBody(error)
  const headers = Object.entries(error.headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  return (
    `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode] ?? 'Error'}\r\n` +
    `Connection: close\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`
  )
}

/**
 * The response being sent on an HTTP socket, if any: the field Node itself reads before it answers
 * a client error (never write an answer into the middle of another).
 */
function inFlightResponse(socket: Duplex): { headersSent: boolean } | undefined {
  return (socket as Duplex & { _httpMessage?: { headersSent: boolean } | null })._httpMessage ?? undefined
}

/**
 * Answers `error` on a raw socket, unless an answer is already on its way there (never write into
 * the middle of one), then closes it once the bytes are handed to the kernel, as Node does itself.
 */
function answerAndClose(socket: Duplex, error: HttpError): void {
  if (!socket.writable || inFlightResponse(socket)?.headersSent === true) {
    socket.destroy()
    return
  }
  socket.on('error', () => {})
  socket.end(rawAnswer(error), () => socket.destroy())
}

/**
 * A request refused before it reaches Fastify, checked in the raw request handler: a search of the
 * short URL and the Host lookup Node made itself before (requireHostHeader). No Fastify hook runs
 * on the /maze/pos hot path for it.
 */
function rawRequestProblem(request: IncomingMessage): HttpError | undefined {
  // The router stops a path at "#" (a fragment is never sent): /maze/si#ze would be looked up as
  // /maze/si, and /maze/pos/1#/2 as /maze/pos/1. A raw "#" is not allowed in a request target.
  if (request.url!.includes('#')) {
    return new HttpError(400, ModelErrorCode.BadRequest, 'a request target must not contain a raw "#" (a fragment is not sent to the server; encode it as %23)')
  }
  // RFC 9112 3.2: a server must answer 400 to an HTTP/1.1 request without Host. Node does so with an
  // empty body; we do it with our JSON (Node's check is off: requireHostHeader false). HTTP/1.0 may omit it.
  if (request.headers.host === undefined && request.httpVersionMajor === 1 && request.httpVersionMinor >= 1) {
    return new HttpError(400, ModelErrorCode.BadRequest, 'an HTTP/1.1 request must have a Host header')
  }
  return undefined
}

/** Answers a request refused in the raw handler with the usual JSON error, then closes its connection. */
function answerRequest(response: ServerResponse, error: HttpError): void {
  const body = errorBody(error)
  response.writeHead(error.statusCode, {
    ...error.headers,
    connection: 'close',
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
  })
  response.end(body)
}

/** A route pattern such as `/maze/pos/:y/:x` as a RegExp over paths, for 405 answers. */
function patternToRegExp(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${source}$`)
}

/**
 * Builds the maze-model app: every route with its TypeBox schemas, the OpenAPI description, one
 * error handler and one not-found handler. The app answers 503 on /maze/* until `setMaze`.
 */
export async function buildApp(options: BuildAppOptions = {}): Promise<ModelApp> {
  let served: Served | undefined
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_DEFAULT_MS
  const idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_DEFAULT_MS
  // A viewer that reads must never look idle: its stream gets a heartbeat at least twice per idle timeout.
  const heartbeatMs = Math.min(options.view?.heartbeatMs ?? LIVE_VIEW_DEFAULTS.heartbeatMs, Math.floor(idleTimeoutMs / 2))
  const live = new LiveView({ ...options.view, heartbeatMs })
  // Every (method, path pattern), to tell 405 from 404 (filled by the onRoute hook below).
  const routes: { method: string; pattern: RegExp }[] = []
  const allMethods = (): string => [...new Set(routes.map((r) => r.method))].join(', ')

  const fastifyOptions: FastifyServerOptions = {
    logController: new LogController({ disableRequestLogging: options.logRequests !== true }),
    // Huge coordinates must reach the route (and get MAZE_ERR_BAD_COORDINATE), not the 404 handler.
    routerOptions: { maxParamLength: 1024 },
    // On close: refuse new requests with 503, let in-flight ones finish, close idle keep-alive sockets.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Our own Node server, for the bounds Fastify's options do not reach (the request timeout's
    // checking interval, the Host header's answer) and for the few requests refused before routing.
    serverFactory: (handler) => {
      const server = createServer(
        {
          // Bounds what a client may take to send a request: headers and body, whatever its pace.
          requestTimeout: requestTimeoutMs,
          headersTimeout: requestTimeoutMs,
          // Node checks those every 30 s by default: a timeout would fire up to 30 s late.
          connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeoutMs / 4))),
          keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
          requireHostHeader: false,
        },
        (request, response) => {
          const problem = rawRequestProblem(request)
          if (problem === undefined) handler(request, response)
          else answerRequest(response, problem)
        },
      )
      // No progress for idleTimeoutMs (nothing received or sent): see the 'timeout' listener.
      server.setTimeout(idleTimeoutMs)
      server.on('timeout', (socket: Duplex) => {
        const response = inFlightResponse(socket)
        // Idle (no request, or a keep-alive pause), or an answer the client stopped reading: close.
        // Only a request still waiting for its answer (its body stalled) is told why.
        if (response === undefined || response.headersSent) socket.destroy()
        else answerAndClose(socket, new HttpError(408, ModelErrorCode.RequestTimeout, `the request made no progress for ${idleTimeoutMs} ms`))
      })
      // CONNECT is not routed (its target is host:port); without a listener Node drops the connection silently.
      server.on('connect', (request: IncomingMessage, socket: Duplex) => {
        const allow = allMethods()
        answerAndClose(
          socket,
          new HttpError(405, ModelErrorCode.MethodNotAllowed, `${request.method} is not allowed: this server is not a proxy; allowed: ${allow}`, {
            headers: { allow },
          }),
        )
      })
      return server
    },
    // Malformed URL encoding (/maze/pos/%zz/1) gets our JSON error body too.
    frameworkErrors: (error, _request, reply) => {
      sendError(reply, toHttpError(error))
    },
    clientErrorHandler: (error: Error & { code?: string }, socket: Duplex) => {
      answerAndClose(
        socket,
        error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new HttpError(408, ModelErrorCode.RequestTimeout, `the request was not received in full within ${requestTimeoutMs} ms`)
          : error.code === 'HPE_HEADER_OVERFLOW'
            ? new HttpError(431, ModelErrorCode.BadRequest, 'the request headers are too large')
            : new HttpError(400, ModelErrorCode.BadRequest, 'malformed HTTP request'),
      )
    },
  }
  if (options.loggerInstance !== undefined) fastifyOptions.loggerInstance = options.loggerInstance
  else fastifyOptions.logger = options.logger ?? false
  const app = Fastify(fastifyOptions).withTypeProvider<TypeBoxTypeProvider>() as ModelFastify

  // On close, a keep-alive connection whose request is in flight must not hold the server open
  // until keepAliveTimeout (72 s in Fastify): once its response is sent, it may idle 50 ms at most.
  app.addHook('preClose', (done) => {
    app.server.keepAliveTimeout = 50
    // Event streams never finish on their own: end them, so their connections close as idle ones.
    live.close()
    done()
  })

  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, pattern: patternToRegExp(route.url) })
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'maze-model',
        version: '0.1.0',
        description:
          'One generated maze over HTTP: the original maze-model contract (routes /, /maze/size, /maze/start, ' +
          '/maze/pos/{y}/{x}, GET and POST /maze/map) plus extensions (/maze/meta, /health/*, stable JSON errors). ' +
          `Until the maze is generated every /maze/* route answers 503 with Retry-After: ${RETRY_AFTER_SECONDS}.`,
      },
      tags: [
        { name: 'maze', description: 'the original contract' },
        { name: 'extensions', description: 'ours; clients must not depend on them to interoperate' },
      ],
    },
  })

  // Outside /maze no route takes a body: read and drop any (up to 1 MiB), so that an unknown route
  // is a 404 whatever its body, rather than a JSON or media-type error.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, payload, done) => {
    let received = 0
    let finished = false
    const finish = (error: Error | null): void => {
      if (finished) return
      finished = true
      payload.removeListener('data', onData)
      done(error, undefined)
    }
    const onData = (chunk: Buffer): void => {
      received += chunk.length
      if (received > DRAIN_LIMIT) {
        finish(new HttpError(413, ModelErrorCode.BodyTooLarge, `the request body is larger than ${DRAIN_LIMIT} bytes`))
      }
    }
    payload.on('data', onData)
    payload.once('end', () => finish(null))
    payload.once('error', (error: Error) => finish(error))
    payload.resume()
  })

  app.setErrorHandler((error, request, reply) => {
    const answer = toHttpError(error)
    if (answer.code === ModelErrorCode.Internal) request.log.error({ err: error }, 'request failed')
    else request.log.debug({ code: answer.code, message: answer.message }, 'client error')
    sendError(reply, answer)
  })

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? request.url
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))]
    if (allowed.length > 0) {
      sendError(
        reply,
        new HttpError(405, ModelErrorCode.MethodNotAllowed, `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`, {
          headers: { allow: allowed.join(', ') },
        }),
      )
      return
    }
    sendError(reply, new HttpError(404, ModelErrorCode.NotFound, `no route ${request.method} ${path}; see /openapi.json`))
  })

  // GET / is the live view's page (it keeps the original greeting): see view/view-routes.ts.
  await registerViewRoutes(app, live)

  app.get(
    '/health/live',
    {
      schema: {
        summary: 'Liveness: 200 while the process runs',
        tags: ['extensions'],
        response: { 200: Health },
      },
    },
    (_request, reply) => {
      reply.send({ status: 'live' })
    },
  )

  app.get(
    '/health/ready',
    {
      schema: {
        summary: 'Readiness: 503 until the maze is generated, then 200',
        tags: ['extensions'],
        response: { 200: Health, 503: NotReadyResponse },
      },
    },
    (_request, reply) => {
      if (served === undefined) throw notReady()
      reply.send({ status: 'ready' })
    },
  )

  app.get(
    '/openapi.json',
    {
      schema: {
        summary: 'This OpenAPI description',
        tags: ['extensions'],
        response: { 200: { description: 'OpenAPI 3 document', content: { 'application/json': { schema: Type.Object({}, { additionalProperties: true }) } } } },
      },
    },
    (_request, reply) => {
      reply.send(app.swagger())
    },
  )

  // A named plugin: Fastify names the scope (and @fastify/otel its handler spans) after it.
  await app.register(
    async function mazeRoutes(maze: ModelFastify) {
      // Until setMaze, /maze/* is 503 + Retry-After (as the original, whose clients retry on it).
      // A route-level hook rather than one for the whole prefix: /maze/pos checks in its validator
      // instead, which spares the hot path a hook run (about 5% of its CPU time).
      const requireMaze = (_request: unknown, _reply: unknown, done: (error?: Error) => void): void => {
        if (served === undefined) done(notReady())
        else done()
      }

      // Only JSON bodies, parsed as a stream into the visited mask (see moves-body.ts).
      maze.removeAllContentTypeParsers()
      maze.addContentTypeParser('application/json', (request, payload, done) => {
        const current = served
        if (current === undefined) return done(notReady(), undefined)
        const limit = movesBodyLimit(current.maze.area)
        const tooLarge = () =>
          new HttpError(413, ModelErrorCode.BodyTooLarge, `the body is larger than ${limit} bytes (64 bytes per cell, at least 1 MiB)`)
        const declared = Number(request.headers['content-length'])
        if (declared > limit) return done(tooLarge(), undefined)
        const parser = new MovesParser(current.width, current.height)
        let received = 0
        const cleanup = () => {
          payload.removeListener('data', onData)
          payload.removeListener('end', onEnd)
          payload.removeListener('error', onEnd)
        }
        const onData = (chunk: Buffer) => {
          received += chunk.length
          if (received > limit) {
            cleanup()
            done(tooLarge(), undefined)
            return
          }
          parser.write(chunk)
        }
        const onEnd = (error?: Error) => {
          cleanup()
          if (error !== undefined) {
            done(new HttpError(400, ModelErrorCode.BadRequest, `the body could not be read: ${error.message}`, { cause: error }), undefined)
            return
          }
          if (!Number.isNaN(declared) && received !== declared) {
            done(new HttpError(400, ModelErrorCode.BadRequest, `Content-Length says ${declared} bytes, the body has ${received}`), undefined)
            return
          }
          const result = parser.end()
          if (result instanceof HttpError) done(result, undefined)
          else done(null, result)
        }
        payload.on('data', onData)
        payload.on('end', onEnd)
        payload.on('error', onEnd)
        payload.resume()
      })

      const mazeErrors = { 503: NotReadyResponse }

      maze.get(
        '/size',
        { onRequest: requireMaze, schema: { summary: 'The size of the maze', tags: ['maze'], response: { 200: Size, ...mazeErrors } } },
        (_request, reply) => {
          reply.send(served!.size)
        },
      )

      maze.get(
        '/start',
        { onRequest: requireMaze, schema: { summary: 'The start cell', tags: ['maze'], response: { 200: Point, ...mazeErrors } } },
        (_request, reply) => {
          // Every agent asks for the start first: the live view begins a new run.
          live.startRun()
          reply.send(served!.start)
        },
      )

      maze.get(
        '/pos/:y/:x',
        {
          schema: {
            summary: 'What an agent senses on cell (x, y): its label and its four sides',
            description: 'Note the order: y before x. Wall flags are the integers 1 (wall) and 0 (open).',
            tags: ['maze'],
            params: PosParams,
            response: {
              200: CellView,
              400: errorResponse(
                'MAZE_ERR_BAD_COORDINATE: x or y is not a non-negative decimal integer; MAZE_ERR_OUT_OF_BOUNDS: (x, y) is outside the grid',
              ),
              ...mazeErrors,
            },
          },
          // Coordinates are parsed strictly here (Ajv's coercion would take "1e3" or " 1" for numbers).
          validatorCompiler: () => (params: unknown) => {
            if (served === undefined) return { error: notReady() }
            const { y, x } = params as { y: string; x: string }
            const py = parseCoordinate('y', y)
            if (py instanceof HttpError) return { error: py }
            const px = parseCoordinate('x', x)
            if (px instanceof HttpError) return { error: px }
            return { value: { y: py, x: px } }
          },
        },
        (request, reply) => {
          // The hot path: a bounds check, then one of the 64 possible answers (see cell-views.ts),
          // serialized through the CellView schema.
          const s = served!
          const { x, y } = request.params
          if (x >= s.width || y >= s.height) throw outOfBounds(x, y, s)
          const i = y * s.width + x
          // The live view records "the agent is here": O(1), no allocation, never waits for a viewer.
          live.visit(i)
          const { labels } = s
          const slot = i === labels.start ? 16 : i === labels.exit ? 32 : i === labels.key ? 48 : 0
          reply.send(CELL_VIEWS[slot | (s.walls[i]! & 15)]!)
        },
      )

      maze.get(
        '/map',
        {
          onRequest: requireMaze,
          schema: {
            summary: 'The ASCII map inside <pre>…</pre>',
            tags: ['maze'],
            response: { 200: textContent('text/html', '`<pre>` + ASCII map + `</pre>`'), ...mazeErrors },
          },
        },
        (request, reply) => {
          const s = served!
          const length = MapStream.byteLength(s.maze, '<pre>', '</pre>')
          if (length > MAP_CACHE_BYTES) {
            sendMapStream(request.method, reply, 'text/html; charset=utf-8', length, () => new MapStream(s.maze, { prefix: '<pre>', suffix: '</pre>' }))
            return
          }
          if (s.mapPage === undefined) {
            const page = Buffer.allocUnsafe(length)
            page.write('<pre>', 0, 'latin1')
            page.set(renderMapBytes(s.maze), 5)
            page.write('</pre>', page.length - 6, 'latin1')
            s.mapPage = page
          }
          sendBytes(reply, 'text/html; charset=utf-8', s.mapPage)
        },
      )

      maze.post(
        '/map',
        {
          onRequest: requireMaze,
          schema: {
            summary: 'The ASCII map with * on every visited cell that has no label',
            description:
              'The body is the list of moves as JSON (application/json). It may repeat cells; its limit is ' +
              'max(1 MiB, 64 bytes per cell).',
            tags: ['maze'],
            body: MovesBody,
            response: {
              200: textContent('text/plain', 'the ASCII map'),
              400: errorResponse(
                'MAZE_ERR_BAD_JSON: malformed JSON; MAZE_ERR_BAD_BODY: not an array of [x, y] integer pairs; MAZE_ERR_OUT_OF_BOUNDS: a pair outside the grid',
              ),
              413: errorResponse('MAZE_ERR_BODY_TOO_LARGE: the body exceeds max(1 MiB, 64 bytes per cell)'),
              415: errorResponse('MAZE_ERR_UNSUPPORTED_MEDIA_TYPE: the body is not application/json'),
              ...mazeErrors,
            },
          },
          // The body was validated (against MovesBody) while it streamed in: see moves-body.ts.
          validatorCompiler: () => () => true,
        },
        (request, reply) => {
          // Not the schema's type: the content-type parser turned the pairs into a visited mask.
          const body = request.body as unknown as ParsedMoves | undefined
          if (body === undefined) {
            throw new HttpError(
              415,
              ModelErrorCode.UnsupportedMediaType,
              'send the moves as a JSON body with Content-Type: application/json',
            )
          }
          live.finishRun()
          const { maze: current } = served!
          const length = MapStream.byteLength(current)
          // Each answer has its own `*`s: rendered whole when small, else streamed as it is read.
          if (length <= MAP_PIECE_BYTES) sendBytes(reply, 'text/plain; charset=utf-8', renderMapBytes(current, body.visited))
          else sendMapStream(request.method, reply, 'text/plain; charset=utf-8', length, () => new MapStream(current, { visited: body.visited }))
        },
      )

      maze.get(
        '/meta',
        {
          onRequest: requireMaze,
          schema: {
            summary: 'Extension: size, seed and the optimal start → key → exit path length, for scoring',
            tags: ['extensions'],
            response: { 200: Meta, ...mazeErrors },
          },
        },
        (_request, reply) => {
          reply.send(served!.meta)
        },
      )
    },
    { prefix: '/maze' },
  )

  return {
    app,
    setMaze(maze: Maze, optimalSteps: number): void {
      const { width, height } = maze
      served = {
        maze,
        width,
        height,
        walls: maze.walls,
        labels: labelIndexes(maze),
        size: { width, height },
        start: { x: maze.start.x, y: maze.start.y },
        meta: { width, height, seed: maze.seed, optimalSteps },
        mapPage: undefined,
      }
      live.setMaze(maze, optimalSteps)
    },
    get isReady() {
      return served !== undefined
    },
    view: live,
  }
}
