import { Readable } from 'node:stream'
import { renderMapBytes } from '@maze-sim/maze'
import type { FastifyContentTypeParser, FastifyReply } from 'fastify'
import { buildCellViewTable, type CellViewTable } from '../cell-views.ts'
import { clipped, HttpError, ModelErrorCode, notReady, RETRY_AFTER_SECONDS } from '../errors.ts'
import { BudgetShares, ByteBudget, MAP_ANSWERS_BUDGET_BYTES, MAP_PIECE_BYTES, mapAnswerBytes, MapStream } from '../map-stream.ts'
import type { MazeState, Served } from '../maze-state.ts'
import { MovesParser, movesBodyLimit, type ParsedMoves } from '../moves-body.ts'
import type { ModelPlugin } from '../plugin.ts'
import { readBody } from '../read-body.ts'
import {
  CellView,
  errorResponse,
  Meta,
  MovesBody,
  NotReadyResponse,
  Point,
  PosParams,
  Size,
  sealedErrors,
  textContent,
} from '../schemas.ts'
import type { LiveView } from '../view/live-view.ts'

// The original contract under /maze (plus the /maze/meta extension), with each route's schemas.

/**
 * Maps up to this size are rendered once and kept after the first GET /maze/map: every reader
 * shares the one buffer. Larger ones (a 10,000 x 10,000 map is 400 MB) are streamed, rendered a
 * piece at a time as each client reads (see map-stream.ts).
 */
const MAP_CACHE_BYTES = 16 * 1024 * 1024
const CELL_VIEWS: CellViewTable = buildCellViewTable()
const COORDINATE = /^[0-9]{1,15}$/

const mazeErrors = { 503: NotReadyResponse }

const sizeSchema = { summary: 'The size of the maze', tags: ['maze'], response: { 200: Size, ...mazeErrors } }
const startSchema = { summary: 'The start cell', tags: ['maze'], response: { 200: Point, ...mazeErrors } }
const posSchema = {
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
}
const getMapSchema = {
  summary: 'The ASCII map inside <pre>…</pre>',
  tags: ['maze'],
  description: 'In sealed mode it needs the viewer token.',
  response: { 200: textContent('text/html', '`<pre>` + ASCII map + `</pre>`'), ...sealedErrors, ...mazeErrors },
}
const postMapSchema = {
  summary: 'The ASCII map with * on every visited cell that has no label',
  description:
    'The body is the list of moves as JSON (application/json). It may repeat cells; its limit is max(1 MiB, 64 bytes per cell). ' +
    'In sealed mode it needs the viewer token.',
  tags: ['maze'],
  body: MovesBody,
  response: {
    200: textContent('text/plain', 'the ASCII map'),
    400: errorResponse(
      'MAZE_ERR_BAD_JSON: malformed JSON; MAZE_ERR_BAD_BODY: not an array of [x, y] integer pairs; MAZE_ERR_OUT_OF_BOUNDS: a pair outside the grid',
    ),
    413: errorResponse('MAZE_ERR_BODY_TOO_LARGE: the body exceeds max(1 MiB, 64 bytes per cell)'),
    415: errorResponse('MAZE_ERR_UNSUPPORTED_MEDIA_TYPE: the body is not application/json'),
    429: errorResponse('MAZE_ERR_TOO_MANY_MAPS: the answers in flight fill their memory budget (Retry-After)'),
    ...sealedErrors,
    ...mazeErrors,
  },
}
const metaSchema = {
  summary: 'Extension: size, seed and the optimal start → key → exit path length, for scoring',
  description: 'In sealed mode it needs the viewer token.',
  tags: ['extensions'],
  response: { 200: Meta, ...sealedErrors, ...mazeErrors },
}

export interface MazeRoutesOptions {
  /** The maze being served; until it is set every route answers 503 with Retry-After. */
  state: MazeState
  /** Fed by the agent's requests: /start begins a run, /pos moves, POST /map ends it. */
  live: LiveView
}

/** The /maze routes (register with `prefix: '/maze'`). A named plugin: spans name the scope after it. */
export const mazeRoutes: ModelPlugin<MazeRoutesOptions> = async function mazeRoutes(maze, { state, live }) {
  // Until setMaze, /maze/* is 503 + Retry-After (as the original, whose clients retry on it).
  // A route-level hook rather than one for the whole prefix: /maze/pos checks in its validator
  // instead, which spares the hot path a hook run (about 5% of its CPU time).
  const requireMaze = requireMazeHook(state)
  // What the POST /maze/map answers in flight hold together (visited cells, pieces of maps).
  const budget = new ByteBudget(MAP_ANSWERS_BUDGET_BYTES)
  const mapAnswers = mapAnswersHook(state, budget)

  // Only JSON bodies, parsed as a stream into the visited mask (see moves-body.ts).
  maze.removeAllContentTypeParsers()
  maze.addContentTypeParser('application/json', movesContentTypeParser(state, budget))

  maze.get('/size', { onRequest: requireMaze, schema: sizeSchema }, (_request, reply) => {
    reply.send(state.served!.size)
  })

  maze.get('/start', { onRequest: requireMaze, schema: startSchema }, (_request, reply) => {
    // Every agent asks for the start first: the live view begins a new run.
    live.startRun()
    reply.send(state.served!.start)
  })

  maze.get('/pos/:y/:x', { schema: posSchema, validatorCompiler: () => posParamsValidator(state) }, (request, reply) => {
    // The hot path: a bounds check, then one of the 64 possible answers (see cell-views.ts),
    // serialized through the CellView schema.
    const s = state.served!
    const { x, y } = request.params
    if (x >= s.width || y >= s.height) throw outOfBounds(x, y, s)
    const i = y * s.width + x
    // The live view records "the agent is here": O(1), no allocation, never waits for a viewer.
    live.visit(i)
    const { labels } = s
    const slot = i === labels.start ? 16 : i === labels.exit ? 32 : i === labels.key ? 48 : 0
    reply.send(CELL_VIEWS[slot | (s.walls[i]! & 15)]!)
  })

  maze.get('/map', { onRequest: requireMaze, schema: getMapSchema }, (request, reply) => {
    const s = state.served!
    const length = MapStream.byteLength(s.maze, '<pre>', '</pre>')
    if (length > MAP_CACHE_BYTES) {
      sendMapStream(
        request.method,
        reply,
        'text/html; charset=utf-8',
        length,
        () => new MapStream(s.maze, { prefix: '<pre>', suffix: '</pre>' }),
      )
      return
    }
    s.mapPage ??= renderMapPage(s, length)
    sendBytes(reply, 'text/html; charset=utf-8', s.mapPage)
  })

  maze.post(
    '/map',
    // The body was validated (against MovesBody) while it streamed in: see moves-body.ts.
    { onRequest: [requireMaze, mapAnswers], schema: postMapSchema, validatorCompiler: () => () => true },
    (request, reply) => {
      // Not the schema's type: the content-type parser turned the pairs into a visited mask.
      const body = request.body as unknown as ParsedMoves | undefined
      if (body === undefined) {
        throw new HttpError(415, ModelErrorCode.UnsupportedMediaType, 'send the moves as a JSON body with Content-Type: application/json')
      }
      live.finishRun()
      const { maze: current } = state.served!
      const length = MapStream.byteLength(current)
      // Each answer has its own `*`s: rendered whole when small, else streamed as it is read.
      if (length <= MAP_PIECE_BYTES) sendBytes(reply, 'text/plain; charset=utf-8', renderMapBytes(current, body.visited))
      else
        sendMapStream(request.method, reply, 'text/plain; charset=utf-8', length, () => new MapStream(current, { visited: body.visited }))
    },
  )

  maze.get('/meta', { onRequest: requireMaze, schema: metaSchema }, (_request, reply) => {
    reply.send(state.served!.meta)
  })
}

/** The onRequest hook of every /maze route but /pos: 503 until the maze is served. */
function requireMazeHook(state: MazeState) {
  return (_request: unknown, _reply: unknown, done: (error?: Error) => void): void => {
    if (state.served === undefined) done(notReady())
    else done()
  }
}

/**
 * The onRequest hook of POST /maze/map: takes the request's share of the budget of the answers in
 * flight before its body is read (the visited cells are allocated then) and gives it back when its
 * answer is sent or its connection closes (a client that stops reading is cut at the idle
 * timeout). When the budget is spent, 429 + Retry-After: load, not a fault of the client's.
 */
function mapAnswersHook(state: MazeState, budget: ByteBudget) {
  return (_request: unknown, reply: FastifyReply, done: (error?: Error) => void): void => {
    const release = budget.take(mapAnswerBytes(state.served!.maze))
    if (release === undefined) {
      done(
        new HttpError(
          429,
          ModelErrorCode.TooManyMaps,
          `the model is answering as many POST /maze/map as it holds at once (${budget.limit / 1024 / 1024} MiB of visited cells and map pieces); retry after the Retry-After delay`,
          { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } },
        ),
      )
      return
    }
    reply.raw.once('close', release)
    done()
  }
}

/**
 * The validator of /maze/pos params, which also does the readiness check (no hook on the hot
 * path). Coordinates are parsed strictly here: Ajv's coercion would take "1e3" or " 1" for numbers.
 */
function posParamsValidator(state: MazeState) {
  return (params: unknown) => {
    if (state.served === undefined) return { error: notReady() }
    const { y, x } = params as { y: string; x: string }
    const py = parseCoordinate('y', y)
    if (py instanceof HttpError) return { error: py }
    const px = parseCoordinate('x', x)
    if (px instanceof HttpError) return { error: px }
    return { value: { y: py, x: px } }
  }
}

/** Parses a path coordinate: plain decimal digits only (no sign, fraction, exponent or spaces). */
function parseCoordinate(name: 'x' | 'y', raw: string): number | HttpError {
  if (COORDINATE.test(raw)) return Number(raw)
  const shown = clipped(raw)
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

/**
 * The POST /maze/map body parser: the moves stream into a MovesParser (visited mask, O(cells)
 * memory) within max(1 MiB, 64 bytes per cell). The raw bytes the parser keeps for its JSON.parse
 * fallback are taken from the answers' budget as they arrive, and given back when the body is
 * parsed or its reading fails; past the budget the parser keeps none (its errors are then located
 * by byte offset instead of JSON.parse's wording).
 */
function movesContentTypeParser(state: MazeState, budget: ByteBudget): FastifyContentTypeParser {
  return (request, payload, done) => {
    const current = state.served
    if (current === undefined) return done(notReady(), undefined)
    const limit = movesBodyLimit(current.maze.area)
    const tooLarge = () =>
      new HttpError(413, ModelErrorCode.BodyTooLarge, `the body is larger than ${limit} bytes (64 bytes per cell, at least 1 MiB)`)
    const declared = Number(request.headers['content-length'])
    if (declared > limit) return done(tooLarge(), undefined)
    const kept = new BudgetShares(budget)
    const parser = new MovesParser(current.width, current.height, { keep: (total) => kept.cover(total) })
    readBody(payload, { limit, tooLarge, onChunk: (chunk) => parser.write(chunk) }, (error, received) => {
      kept.release()
      // An HttpError is the limit's 413; any other error is the stream's own.
      if (error instanceof HttpError) return done(error, undefined)
      if (error !== null)
        return done(
          new HttpError(400, ModelErrorCode.BadRequest, `the body could not be read: ${error.message}`, { cause: error }),
          undefined,
        )
      if (!Number.isNaN(declared) && received !== declared) {
        return done(
          new HttpError(400, ModelErrorCode.BadRequest, `Content-Length says ${declared} bytes, the body has ${received}`),
          undefined,
        )
      }
      const result = parser.end()
      if (result instanceof HttpError) done(result, undefined)
      else done(null, result)
    })
  }
}

/** `<pre>` + the map + `</pre>`, rendered once into one buffer of `length` bytes. */
function renderMapPage(served: Served, length: number): Buffer {
  const page = Buffer.allocUnsafe(length)
  page.write('<pre>', 0, 'latin1')
  page.set(renderMapBytes(served.maze), 5)
  page.write('</pre>', page.length - 6, 'latin1')
  return page
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
