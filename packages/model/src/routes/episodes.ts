import { randomInt } from 'node:crypto'
import { Readable } from 'node:stream'
import { defaultMaxSteps, type Direction, MAX_SEED, MazeError, parseMoves, type ReplayEntry, sizeProblem } from '@maze-sim/maze'
import type { FastifyReply } from 'fastify'
import { clipped, HttpError, ModelErrorCode } from '../errors.ts'
import type { EpisodeLimits } from '../episodes/limits.ts'
import type { CreateEpisode, EpisodeEntry, EpisodeRegistry } from '../episodes/registry.ts'
import { ViewerAccess } from '../episodes/sealed.ts'
import type { ModelFastify, ModelPlugin } from '../plugin.ts'
import { DRAIN_LIMIT } from '../plugins/body-drain.ts'
import { readBody } from '../read-body.ts'
import { errorResponse, textContent } from '../schemas.ts'
import {
  CreateEpisodeBody,
  EpisodeCreated,
  EpisodeGenerating,
  EpisodeList,
  EpisodeRecord,
  episodeErrors,
  IdParams,
  ListQuery,
  MovesAnswer,
  MovesRequest,
  retryAfter,
  sealedErrors,
} from './episodes-schemas.ts'

// The /episodes routes (API.md, "Episodes"): the model hosts many runs and referees them. The
// state is the registry (episodes/registry.ts), handed in as an option.

const AGENT = /^[A-Za-z0-9._:@/+-]{1,64}$/
const CREATE_FIELDS = ['seed', 'width', 'height', 'maxSteps', 'agent'] as const
const LIST_DEFAULT = 100
const LIST_MAX = 1000
/** Replays up to this many steps are sent in one piece; longer ones are streamed as they are read. */
const REPLAY_WHOLE_STEPS = 4096
const REPLAY_PIECE_CHARS = 64 * 1024

export interface EpisodesRoutesOptions {
  registry: EpisodeRegistry
  /** The size of an episode that asks for none: the model's configured size. */
  defaultSize: { width: number; height: number }
  /** Sealed mode's viewer check; undefined: not sealed. */
  sealed: ViewerAccess | undefined
}

/** The /episodes routes. A named plugin: spans name the scope after it. */
export const episodesRoutes: ModelPlugin<EpisodesRoutesOptions> = async function episodesRoutes(app, options) {
  const { registry } = options
  // On close: every live episode is abandoned (its result line written), generation stops.
  app.addHook('onClose', async () => registry.close())
  jsonBodiesOnly(app, registry.limits.maxBodyBytes)
  createRoute(app, options)
  movesRoute(app, options)
  recordRoute(app, options)
  replayRoute(app, options)
  deleteRoute(app, options)
  listRoute(app, options)
}

/** Only JSON bodies, within `maxBodyBytes`; a body of another type is 415 on POST and dropped elsewhere. */
function jsonBodiesOnly(app: ModelFastify, maxBodyBytes: number): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: maxBodyBytes }, (_request, body, done) => {
    const text = body as string
    if (text.trim() === '') return done(null, undefined)
    try {
      done(null, JSON.parse(text))
    } catch (error) {
      done(
        new HttpError(400, ModelErrorCode.BadJson, `the body is not valid JSON: ${(error as Error).message}`, { cause: error }),
        undefined,
      )
    }
  })
  app.addContentTypeParser('*', (request, payload, done) => {
    if (request.method === 'POST') {
      return done(
        new HttpError(415, ModelErrorCode.UnsupportedMediaType, 'send the body as JSON with Content-Type: application/json'),
        undefined,
      )
    }
    const tooLarge = () => new HttpError(413, ModelErrorCode.BodyTooLarge, `the request body is larger than ${DRAIN_LIMIT} bytes`)
    readBody(payload, { limit: DRAIN_LIMIT, tooLarge }, (error) => done(error, undefined))
  })
}

/** Seed and optimalSteps are shown once the episode has ended, or always outside sealed mode, or to a viewer. */
const reveal = (sealed: ViewerAccess | undefined, entry: EpisodeEntry, request: Parameters<ViewerAccess['allows']>[0]): boolean =>
  sealed === undefined || entry.ended || sealed.allows(request)

/** POST /episodes */
function createRoute(app: ModelFastify, { registry, defaultSize, sealed }: EpisodesRoutesOptions): void {
  const { limits } = registry
  app.post(
    '/episodes',
    {
      schema: {
        summary: 'Start an episode: a maze of the given seed and size, refereed by the model',
        description:
          'Every field is optional. 201 once the maze is ready; 202 (Retry-After, Location) while a large one is generated; ' +
          '429 (Retry-After) when the model hosts its limit of live episodes or cells. In sealed mode seed and optimalSteps are null, ' +
          'and an episode never plays the classic maze of the same seed (the classic routes answer any cell to anyone): the ' +
          'classic maze and the episodes are generated in separate domains of the secret.',
        tags: ['episodes'],
        body: CreateEpisodeBody,
        response: {
          201: EpisodeCreated,
          202: EpisodeGenerating,
          ...episodeErrors,
          429: errorResponse('MAZE_ERR_TOO_MANY_EPISODES: the live limit is reached (Retry-After)', retryAfter),
          500: errorResponse('MAZE_ERR_INTERNAL: the maze could not be generated'),
        },
      },
      validatorCompiler: ({ httpPart }) =>
        httpPart === 'body' ? (body: unknown) => validated(() => parseCreate(body, defaultSize, limits)) : () => true,
    },
    async (request, reply) => {
      const params = request.body as unknown as CreateEpisode
      const { entry, ready } = registry.create(params)
      reply.header('location', `/episodes/${entry.id}`)
      if (ready !== undefined) {
        if (entry.area > limits.waitArea) {
          const seconds = Math.max(1, Math.ceil(entry.area / 5_000_000))
          return reply
            .code(202)
            .header('retry-after', String(seconds))
            .send({ id: entry.id, status: 'generating' as const })
        }
        await ready
      }
      const episode = entry.episode
      if (episode === undefined) throw new HttpError(500, ModelErrorCode.Internal, 'the maze of this episode could not be generated')
      const shown = sealed === undefined
      return reply.code(201).send({
        id: entry.id,
        seed: shown ? entry.seed : null,
        width: entry.width,
        height: entry.height,
        maxSteps: entry.maxSteps,
        optimalSteps: shown ? episode.optimalSteps : null,
        observation: episode.observation(),
      })
    },
  )
}

/** POST /episodes/:id/moves */
function movesRoute(app: ModelFastify, { registry }: EpisodesRoutesOptions): void {
  const { limits } = registry
  app.post(
    '/episodes/:id/moves',
    {
      schema: {
        summary: 'Move the agent: the moves are applied in order, server-side, until a bump or the end',
        description: `1 to ${limits.maxMovesPerRequest} moves. 409 once the episode has ended (MAZE_ERR_EPISODE_ENDED) or while its maze is generated (MAZE_ERR_EPISODE_GENERATING, Retry-After).`,
        tags: ['episodes'],
        params: IdParams,
        body: MovesRequest,
        response: {
          200: MovesAnswer,
          ...episodeErrors,
          409: errorResponse(
            'MAZE_ERR_EPISODE_ENDED: the episode has ended; MAZE_ERR_EPISODE_GENERATING: its maze is not ready yet (Retry-After)',
            retryAfter,
          ),
        },
      },
      validatorCompiler: ({ httpPart }) =>
        httpPart === 'body' ? (body: unknown) => validated(() => parseMovesBody(body, limits.maxMovesPerRequest)) : () => true,
    },
    (request, reply) => {
      const entry = registry.get(request.params.id)
      reply.send(registry.move(entry, request.body as unknown as Direction[]))
    },
  )
}

/** GET /episodes/:id */
function recordRoute(app: ModelFastify, { registry, sealed }: EpisodesRoutesOptions): void {
  app.get(
    '/episodes/:id',
    {
      schema: {
        summary: "The referee's record of an episode",
        tags: ['episodes'],
        params: IdParams,
        response: { 200: EpisodeRecord, 404: episodeErrors[404] },
      },
    },
    (request, reply) => {
      const entry = registry.get(request.params.id)
      reply.send(entry.record(reveal(sealed, entry, request)))
    },
  )
}

/** GET /episodes/:id/replay */
function replayRoute(app: ModelFastify, { registry, sealed }: EpisodesRoutesOptions): void {
  app.get(
    '/episodes/:id/replay',
    {
      schema: {
        summary: 'Every applied move, in order, one JSON line each: {step, direction, x, y}',
        description: 'Streamed as it is read for long replays. In sealed mode the replay of a running episode needs the viewer token.',
        tags: ['episodes'],
        params: IdParams,
        response: { 200: textContent('application/x-ndjson', 'one JSON object per line'), 404: episodeErrors[404], ...sealedErrors },
      },
    },
    (request, reply) => {
      const entry = registry.get(request.params.id)
      if (sealed !== undefined && !entry.ended) sealed.check(request, 'the replay of a running episode')
      const steps = entry.episode?.steps ?? 0
      const raw = reply as FastifyReply
      raw.header('content-type', 'application/x-ndjson; charset=utf-8')
      if (steps <= REPLAY_WHOLE_STEPS) {
        raw.send(Buffer.from([...replayPieces(entry.replay())].join(''), 'utf8'))
        return
      }
      // One piece of about 64 KiB per read: a long replay is never held whole.
      raw.send(Readable.from(replayPieces(entry.replay()), { objectMode: false }))
    },
  )
}

/** DELETE /episodes/:id */
function deleteRoute(app: ModelFastify, { registry }: EpisodesRoutesOptions): void {
  app.delete(
    '/episodes/:id',
    {
      schema: {
        summary: 'Abandon an episode and free it (its result line is written if it was live)',
        tags: ['episodes'],
        params: IdParams,
        response: { 204: { description: 'abandoned and freed', type: 'null' }, 404: episodeErrors[404] },
      },
    },
    (request, reply) => {
      registry.delete(registry.get(request.params.id))
      ;(reply as FastifyReply).code(204).send()
    },
  )
}

/** GET /episodes */
function listRoute(app: ModelFastify, { registry, sealed }: EpisodesRoutesOptions): void {
  const { limits } = registry
  app.get(
    '/episodes',
    {
      schema: {
        summary: 'The live and recently ended episodes, newest first',
        description:
          'In sealed mode, without the viewer token, a scoreboard: every entry has id, seed, optimalSteps, x and y null. ' +
          'With the token, the full records; a wrong token is 403.',
        tags: ['episodes'],
        querystring: ListQuery,
        response: { 200: EpisodeList, 400: episodeErrors[400], 403: sealedErrors[403] },
      },
      validatorCompiler: ({ httpPart }) =>
        httpPart === 'querystring' ? (query: unknown) => validated(() => parseListQuery(query)) : () => true,
    },
    (request, reply) => {
      const { limit } = request.query as { limit: number }
      // Sealed, without the viewer token: a scoreboard. Ids are capabilities (moves, DELETE, an ended
      // episode's replay), and the seeds, positions and optimal lengths of other episodes (an ended one
      // on the same seed stands on its exit) would tell an agent where its own key and exit are. A
      // token presented is checked (403 when wrong) and shows everything.
      const scoreboard = sealed !== undefined && ViewerAccess.presented(request) === undefined
      if (sealed !== undefined && !scoreboard) sealed.check(request, 'the full list of episodes')
      const episodes = registry
        .list(limit)
        .map((entry) =>
          scoreboard ? { ...entry.record(false), id: null, x: null, y: null } : entry.record(reveal(sealed, entry, request)),
        )
      reply.send({ episodes, live: registry.stats().live, maxLive: limits.maxLive })
    },
  )
}

/** Runs a parser as a Fastify validator: its value, or its HttpError (answered with its own code). */
function validated<T>(parse: () => T): { value: T } | { error: Error } {
  try {
    return { value: parse() }
  } catch (error) {
    if (error instanceof HttpError) return { error }
    throw error
  }
}

const bad = (code: ModelErrorCode, message: string): HttpError => new HttpError(400, code, message)
const show = (value: unknown): string => {
  return clipped(JSON.stringify(value) ?? String(value))
}

/** The POST /episodes body, checked field by field with the defaults filled in. */
export function parseCreate(body: unknown, defaultSize: { width: number; height: number }, limits: EpisodeLimits): CreateEpisode {
  if (body === undefined || body === null) body = {}
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw bad(ModelErrorCode.BadBody, `the body must be a JSON object with optional ${CREATE_FIELDS.join(', ')}, got ${show(body)}`)
  }
  const fields = body as Record<string, unknown>
  for (const name of Object.keys(fields)) {
    if (!(CREATE_FIELDS as readonly string[]).includes(name)) {
      throw bad(ModelErrorCode.BadBody, `unknown field ${show(name)}: the fields are ${CREATE_FIELDS.join(', ')}`)
    }
  }
  const given = (name: (typeof CREATE_FIELDS)[number]): unknown => (fields[name] === null ? undefined : fields[name])

  const rawSeed = given('seed')
  if (rawSeed !== undefined && !(Number.isInteger(rawSeed) && (rawSeed as number) >= 0 && (rawSeed as number) <= MAX_SEED)) {
    throw bad(ModelErrorCode.BadSeed, `seed must be an integer from 0 to ${MAX_SEED}, got ${show(rawSeed)}`)
  }
  const seed = (rawSeed as number | undefined) ?? randomInt(0, MAX_SEED + 1)

  const rawWidth = given('width') ?? defaultSize.width
  const rawHeight = given('height') ?? defaultSize.height
  if (!Number.isInteger(rawWidth) || !Number.isInteger(rawHeight)) {
    throw bad(ModelErrorCode.BadSize, `width and height must be integers, got ${show(rawWidth)} x ${show(rawHeight)}`)
  }
  const width = rawWidth as number
  const height = rawHeight as number
  const problem = sizeProblem(width, height)
  if (problem !== null) throw bad(ModelErrorCode.BadSize, problem)
  if (width * height > limits.maxArea) {
    throw bad(ModelErrorCode.BadSize, `width x height must be at most ${limits.maxArea} cells on this model, got ${width} x ${height}`)
  }

  const stepLimit = Math.min(limits.maxSteps, defaultMaxSteps(width, height))
  const rawMaxSteps = given('maxSteps')
  if (
    rawMaxSteps !== undefined &&
    !(Number.isInteger(rawMaxSteps) && (rawMaxSteps as number) >= 1 && (rawMaxSteps as number) <= limits.maxSteps)
  ) {
    throw bad(ModelErrorCode.BadMaxSteps, `maxSteps must be an integer from 1 to ${limits.maxSteps}, got ${show(rawMaxSteps)}`)
  }
  const maxSteps = (rawMaxSteps as number | undefined) ?? stepLimit

  const rawAgent = given('agent')
  if (rawAgent !== undefined && !(typeof rawAgent === 'string' && AGENT.test(rawAgent))) {
    throw bad(ModelErrorCode.BadAgent, `agent must be 1 to 64 of A-Z a-z 0-9 . _ : @ / + -, got ${show(rawAgent)}`)
  }
  return { seed, width, height, maxSteps, agent: (rawAgent as string | undefined) ?? null }
}

/** The POST /episodes/:id/moves body: `{"moves": [direction, ...]}`, 1 to `max` of them. */
export function parseMovesBody(body: unknown, max: number): Direction[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw bad(ModelErrorCode.BadBody, `the body must be a JSON object {"moves": [direction, ...]}, got ${show(body)}`)
  }
  const fields = body as Record<string, unknown>
  for (const name of Object.keys(fields)) {
    if (name !== 'moves') throw bad(ModelErrorCode.BadBody, `unknown field ${show(name)}: the body is {"moves": [direction, ...]}`)
  }
  const moves = fields.moves
  if (Array.isArray(moves) && moves.length > max) {
    throw new HttpError(
      400,
      ModelErrorCode.TooManyMoves,
      `at most ${max} moves per request, got ${moves.length}: send them in several requests`,
    )
  }
  try {
    return parseMoves(moves)
  } catch (error) {
    if (error instanceof MazeError) throw new HttpError(400, ModelErrorCode.BadMoves, error.message, { cause: error })
    throw error
  }
}

/** GET /episodes' query: `limit` from 1 to 1000 (default 100); other parameters (such as `token`) are left alone. */
export function parseListQuery(query: unknown): { limit: number } {
  // The other parameters are kept: the viewer check reads `token` from the parsed query.
  const rest = (query ?? {}) as Record<string, unknown>
  const raw = rest.limit
  if (raw === undefined) return { ...rest, limit: LIST_DEFAULT }
  if (typeof raw !== 'string' || !/^[0-9]{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > LIST_MAX) {
    throw new HttpError(400, ModelErrorCode.BadRequest, `limit must be an integer from 1 to ${LIST_MAX}, got ${show(raw)}`)
  }
  return { ...rest, limit: Number(raw) }
}

/** The replay as NDJSON, in pieces of about 64 KiB. */
function* replayPieces(replay: Iterator<ReplayEntry>): Generator<string, void, undefined> {
  let piece = ''
  for (let next = replay.next(); next.done !== true; next = replay.next()) {
    const { step, direction, x, y } = next.value
    piece += `{"step":${step},"direction":"${direction}","x":${x},"y":${y}}\n`
    if (piece.length >= REPLAY_PIECE_CHARS) {
      yield piece
      piece = ''
    }
  }
  if (piece !== '') yield piece
}
