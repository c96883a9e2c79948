import type { Static } from 'typebox'
import { Type } from './schema-type.ts'
import { ModelErrorCode } from './errors.ts'
import { MOVES_SHAPE } from './moves-body.ts'

// One source for validation, serialization and the OpenAPI description of every route.

export const ErrorBody = Type.Object(
  {
    error: Type.Unsafe<ModelErrorCode>({
      type: 'string',
      enum: Object.values(ModelErrorCode),
      description: 'stable error code',
    }),
    message: Type.String({ description: 'what went wrong and what is allowed, for humans' }),
  },
  { description: 'an error', additionalProperties: false },
)
export type ErrorBody = Static<typeof ErrorBody>

/** Response headers of the OpenAPI document, by name (@fastify/swagger reads a response schema's `headers`). */
export type ResponseHeaders = Readonly<Record<string, { type: 'integer' | 'string'; minimum?: number; description: string }>>

/** The Retry-After header of a 202, 409, 429 or 503. */
export const RETRY_AFTER: ResponseHeaders = {
  'Retry-After': { type: 'integer', minimum: 1, description: 'seconds to wait before asking again' },
}

/** The error body, described for one status of one route (with the response headers it sets, if any). */
export const errorResponse = (description: string, headers?: ResponseHeaders) =>
  Type.Object(ErrorBody.properties, { description, additionalProperties: false, ...(headers === undefined ? {} : { headers }) })

export const NotReadyResponse = errorResponse(
  'MAZE_ERR_NOT_READY: the maze is being generated; a Retry-After header (seconds) says when to retry',
  RETRY_AFTER,
)

/** The answers of a whole-maze view in sealed mode (API.md, "Episodes"). */
export const sealedErrors = {
  401: errorResponse('MAZE_ERR_UNAUTHORIZED: sealed mode, no viewer token presented (WWW-Authenticate: Bearer)', {
    'WWW-Authenticate': { type: 'string', description: 'Bearer realm="maze-model viewer"' },
  }),
  403: errorResponse('MAZE_ERR_FORBIDDEN: sealed mode, a wrong viewer token (or none configured)'),
} as const

export const Size = Type.Object(
  {
    width: Type.Integer({ minimum: 1, description: 'cells along x' }),
    height: Type.Integer({ minimum: 1, description: 'cells along y' }),
  },
  { description: 'the size of the maze', additionalProperties: false },
)

export const Point = Type.Object(
  {
    x: Type.Integer({ minimum: 0, description: 'column, 0 at the left' }),
    y: Type.Integer({ minimum: 0, description: 'row, 0 at the top' }),
  },
  { description: 'the start cell', additionalProperties: false },
)

const side = (name: string) =>
  Type.Unsafe<0 | 1>({ type: 'integer', enum: [0, 1], description: `1 when the ${name} side is a wall, 0 when open` })

/** The `/maze/pos` payload; key order is the original's. */
export const CellView = Type.Object(
  {
    here: Type.Unsafe<'S' | 'E' | 'K' | ' '>({
      type: 'string',
      enum: ['S', 'E', 'K', ' '],
      description: 'S start, E exit, K key, one space otherwise',
    }),
    up: side('up'),
    down: side('down'),
    left: side('left'),
    right: side('right'),
  },
  { description: 'what an agent senses on one cell', additionalProperties: false },
)
export type CellView = Static<typeof CellView>

export const PosParams = Type.Object({
  y: Type.Integer({ minimum: 0, description: 'row (note: y comes before x in the path)' }),
  x: Type.Integer({ minimum: 0, description: 'column' }),
})

/** Documents the POST /maze/map body; it is validated by the streaming parser in moves-body.ts. */
export const MovesBody = Type.Array(
  Type.Array(Type.Integer({ description: 'x, then y' }), { minItems: 2, maxItems: 2, description: '[x, y]' }),
  { description: `the agent's moves: ${MOVES_SHAPE}` },
)

export const Meta = Type.Object(
  {
    width: Type.Integer({ minimum: 1 }),
    height: Type.Integer({ minimum: 1 }),
    seed: Type.Integer({ minimum: 0, maximum: 0xffffffff, description: 'the seed: same seed and size, same maze' }),
    optimalSteps: Type.Integer({
      minimum: 0,
      description: 'moves on the shortest path start → key → exit: the best possible score',
    }),
  },
  { description: 'extension: facts for scoring, without revealing key or exit', additionalProperties: false },
)
export type Meta = Static<typeof Meta>

export const Health = Type.Object(
  { status: Type.Unsafe<'live' | 'ready'>({ type: 'string', enum: ['live', 'ready'] }) },
  { additionalProperties: false },
)

export const textContent = (mediaType: string, description: string) => ({
  description,
  content: { [mediaType]: { schema: Type.String() } },
})
