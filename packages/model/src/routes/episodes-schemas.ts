import { MAX_SEED } from '@maze-sim/maze'
import type { TSchema } from 'typebox'
import { Type } from '../schema-type.ts'
import { errorResponse, RETRY_AFTER, type ResponseHeaders, sealedErrors } from '../schemas.ts'

// The schemas of the /episodes routes (API.md, "Episodes"): they document the routes in
// /openapi.json and serialize the answers. Bodies and queries are checked by the hand-written
// validators in episodes.ts, which give each bad field its own MAZE_ERR_* code and message.

const nullable = <T extends TSchema>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description })
const side = (name: string) =>
  Type.Unsafe<0 | 1>({ type: 'integer', enum: [0, 1], description: `1 when the ${name} side is a wall, 0 when open` })
const Count = (description: string) => Type.Integer({ minimum: 0, description })
const LOCATION: ResponseHeaders = { Location: { type: 'string', description: 'the episode: /episodes/{id}' } }

/** The Retry-After header (seconds) of the 202, 409 and 429 answers. */
export const retryAfter = RETRY_AFTER

/** A direction word of the wire. */
export const DirectionWord = Type.Unsafe<'up' | 'right' | 'down' | 'left'>({
  type: 'string',
  enum: ['up', 'right', 'down', 'left'],
  description: 'a move: up (y - 1), right (x + 1), down (y + 1) or left (x - 1)',
})

/** OBS: what the agent senses where it stands. */
export const Observation = Type.Object(
  {
    x: Count('column, 0 at the left'),
    y: Count('row, 0 at the top'),
    here: Type.Unsafe<'S' | 'E' | 'K' | ' '>({
      type: 'string',
      enum: ['S', 'E', 'K', ' '],
      description: 'S start, E exit, K key, one space otherwise',
    }),
    up: side('up'),
    right: side('right'),
    down: side('down'),
    left: side('left'),
    hasKey: Type.Boolean({ description: 'the key has been picked up' }),
    steps: Count('moves made so far'),
    done: Type.Boolean({ description: 'the episode has ended' }),
    solved: Type.Boolean({ description: 'it ended on the exit holding the key' }),
  },
  { description: 'OBS: what the agent senses where it stands', additionalProperties: false },
)

export const CreateEpisodeBody = Type.Object(
  {
    seed: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_SEED, description: 'default: random; the same seed and size give the same maze' }),
    ),
    width: Type.Optional(Type.Integer({ minimum: 1, description: "default: the model's configured width" })),
    height: Type.Optional(Type.Integer({ minimum: 1, description: "default: the model's configured height" })),
    maxSteps: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'the step limit: the episode ends unsolved when it is reached; default min(20 x cells + 1000, the model limit)',
      }),
    ),
    agent: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9._:@/+-]{1,64}$', description: 'a label for the record (1 to 64 of A-Z a-z 0-9 . _ : @ / + -)' }),
    ),
  },
  { description: 'every field optional; an empty or absent body takes every default', additionalProperties: false },
)

export const EpisodeCreated = Type.Object(
  {
    id: Type.String({ description: 'the episode id (unguessable; it is the only key to the episode)' }),
    seed: nullable(Type.Integer({ minimum: 0, maximum: MAX_SEED }), 'the seed; null in sealed mode'),
    width: Type.Integer({ minimum: 1 }),
    height: Type.Integer({ minimum: 1 }),
    maxSteps: Type.Integer({ minimum: 1 }),
    optimalSteps: nullable(Count('moves on the shortest start → key → exit walk'), 'null in sealed mode until the episode ends'),
    observation: Observation,
  },
  { description: 'the episode is ready: the agent stands on the start', additionalProperties: false, headers: LOCATION },
)

export const EpisodeGenerating = Type.Object(
  {
    id: Type.String(),
    status: Type.Unsafe<'generating'>({ type: 'string', enum: ['generating'] }),
  },
  {
    description: 'a large maze is being generated: poll GET /episodes/:id (Retry-After, Location)',
    additionalProperties: false,
    headers: { ...RETRY_AFTER, ...LOCATION },
  },
)

export const MovesRequest = Type.Object(
  { moves: Type.Array(DirectionWord, { minItems: 1, description: 'applied in order; at most the model limit per request' }) },
  { additionalProperties: false },
)

export const MovesAnswer = Type.Object(
  {
    applied: Count('moves made; fewer than sent after a bump or once the episode ended'),
    bumped: Type.Boolean({ description: 'the move after the applied ones hit a wall or left the grid: not made, counted as a bump' }),
    observations: Type.Array(Observation, { description: 'OBS after each applied move' }),
  },
  { additionalProperties: false },
)

export const EpisodeRecord = Type.Object(
  {
    id: Type.String(),
    seed: nullable(Type.Integer({ minimum: 0, maximum: MAX_SEED }), 'null in sealed mode until the episode ends'),
    width: Type.Integer({ minimum: 1 }),
    height: Type.Integer({ minimum: 1 }),
    agent: nullable(Type.String(), 'the label given at creation'),
    status: Type.Unsafe<'generating' | 'running' | 'solved' | 'unsolved' | 'abandoned'>({
      type: 'string',
      enum: ['generating', 'running', 'solved', 'unsolved', 'abandoned'],
    }),
    x: nullable(Count('column'), 'where the agent stands; null while generating'),
    y: nullable(Count('row'), 'where the agent stands; null while generating'),
    steps: Count('moves made (the number of replay lines)'),
    keyStep: nullable(Count('step'), 'the step count when the key was picked up'),
    bumps: Count('moves refused: into a wall or off the grid'),
    maxSteps: Type.Integer({ minimum: 1 }),
    optimalSteps: nullable(Count('moves'), 'the shortest start → key → exit walk; null while generating, and in sealed mode until the end'),
    startedAt: Type.String({ description: 'ISO 8601 (UTC, milliseconds): when POST /episodes created it' }),
    endedAt: nullable(Type.String(), 'ISO 8601: when it ended; null until then'),
  },
  { description: "the referee's record", additionalProperties: false },
)

/**
 * An entry of GET /episodes: the record, or in sealed mode without the viewer token a scoreboard
 * entry whose `id`, `seed`, `optimalSteps`, `x` and `y` are null (an id is a capability; the others
 * would tell an agent where its own key and exit are).
 */
export const ListedEpisode = Type.Object(
  {
    ...EpisodeRecord.properties,
    id: nullable(Type.String(), 'the episode id; null in sealed mode without the viewer token'),
    seed: nullable(Type.Integer({ minimum: 0, maximum: MAX_SEED }), 'null in sealed mode without the viewer token'),
    x: nullable(Count('column'), 'where the agent stands; null while generating, and in sealed mode without the viewer token'),
    y: nullable(Count('row'), 'where the agent stands; null while generating, and in sealed mode without the viewer token'),
    optimalSteps: nullable(Count('moves'), 'null while generating, and in sealed mode without the viewer token'),
  },
  { description: "the referee's record, or in sealed mode without the viewer token a scoreboard entry", additionalProperties: false },
)

export const EpisodeList = Type.Object(
  {
    episodes: Type.Array(ListedEpisode, { description: 'live and recently ended episodes, newest first' }),
    live: Count('episodes generating or running now'),
    maxLive: Count('the most live episodes the model hosts at once'),
  },
  { additionalProperties: false },
)

export const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'at most this many (default 100)' })),
})

export const IdParams = Type.Object({ id: Type.String({ description: 'the id POST /episodes gave' }) })

export const episodeErrors = {
  400: errorResponse(
    'MAZE_ERR_BAD_JSON, MAZE_ERR_BAD_BODY, MAZE_ERR_BAD_SEED, MAZE_ERR_BAD_SIZE, MAZE_ERR_BAD_MAX_STEPS, MAZE_ERR_BAD_AGENT, MAZE_ERR_BAD_MOVES, MAZE_ERR_TOO_MANY_MOVES, MAZE_ERR_BAD_REQUEST',
  ),
  404: errorResponse('MAZE_ERR_EPISODE_NOT_FOUND: unknown id, or ended and no longer kept'),
  413: errorResponse('MAZE_ERR_BODY_TOO_LARGE: the body exceeds the limit'),
  415: errorResponse('MAZE_ERR_UNSUPPORTED_MEDIA_TYPE: send JSON as application/json'),
} as const

export { sealedErrors }
