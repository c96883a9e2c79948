/** Stable error codes of the maze-model service: the `error` field of every 4xx/5xx JSON body. */
export const ModelErrorCode = {
  NotReady: 'MAZE_ERR_NOT_READY',
  BadCoordinate: 'MAZE_ERR_BAD_COORDINATE',
  OutOfBounds: 'MAZE_ERR_OUT_OF_BOUNDS',
  BadJson: 'MAZE_ERR_BAD_JSON',
  BadBody: 'MAZE_ERR_BAD_BODY',
  BodyTooLarge: 'MAZE_ERR_BODY_TOO_LARGE',
  UnsupportedMediaType: 'MAZE_ERR_UNSUPPORTED_MEDIA_TYPE',
  BadRequest: 'MAZE_ERR_BAD_REQUEST',
  NotFound: 'MAZE_ERR_NOT_FOUND',
  MethodNotAllowed: 'MAZE_ERR_METHOD_NOT_ALLOWED',
  TooManyViewers: 'MAZE_ERR_TOO_MANY_VIEWERS',
  /** POST /maze/map: the answers in flight fill their memory budget (429 + Retry-After). */
  TooManyMaps: 'MAZE_ERR_TOO_MANY_MAPS',
  RequestTimeout: 'MAZE_ERR_REQUEST_TIMEOUT',
  Internal: 'MAZE_ERR_INTERNAL',
  /** Episodes: a field of POST /episodes or a query is invalid (the message names it). */
  BadSize: 'MAZE_ERR_BAD_SIZE',
  BadSeed: 'MAZE_ERR_BAD_SEED',
  BadMaxSteps: 'MAZE_ERR_BAD_MAX_STEPS',
  BadAgent: 'MAZE_ERR_BAD_AGENT',
  BadMoves: 'MAZE_ERR_BAD_MOVES',
  TooManyMoves: 'MAZE_ERR_TOO_MANY_MOVES',
  /** No such episode: never created, or ended and no longer kept, or a malformed id. */
  EpisodeNotFound: 'MAZE_ERR_EPISODE_NOT_FOUND',
  /** Moves sent to an episode that has ended. */
  EpisodeEnded: 'MAZE_ERR_EPISODE_ENDED',
  /** Moves sent while the episode's maze is still being generated (Retry-After). */
  EpisodeGenerating: 'MAZE_ERR_EPISODE_GENERATING',
  /** The model hosts its limit of live episodes or cells (Retry-After). */
  TooManyEpisodes: 'MAZE_ERR_TOO_MANY_EPISODES',
  /** Sealed mode: a whole-maze view without the viewer token (401) or with a wrong one (403). */
  Unauthorized: 'MAZE_ERR_UNAUTHORIZED',
  Forbidden: 'MAZE_ERR_FORBIDDEN',
  Config: 'MAZE_ERR_CONFIG',
  Generation: 'MAZE_ERR_GENERATION',
} as const
export type ModelErrorCode = (typeof ModelErrorCode)[keyof typeof ModelErrorCode]

/** An error that the central error handler turns into `{ error: code, message }` with `statusCode`. */
export class HttpError extends Error {
  override readonly name = 'HttpError'
  readonly code: ModelErrorCode
  readonly statusCode: number
  /** Extra response headers, e.g. `Retry-After` or `Allow`. */
  readonly headers: Readonly<Record<string, string>>
  constructor(statusCode: number, code: ModelErrorCode, message: string, options?: ErrorOptions & { headers?: Record<string, string> }) {
    super(message, options)
    this.statusCode = statusCode
    this.code = code
    this.headers = options?.headers ?? {}
  }
}

/** The JSON body of every error answer: `{ error: code, message }`. */
/** A client's text cut to its first `max` characters (and `…`), to echo it in an error message. */
export const clipped = (text: string, max = 40): string => (text.length > max ? `${text.slice(0, max)}…` : text)

export const errorBody = (error: HttpError): { error: ModelErrorCode; message: string } => ({ error: error.code, message: error.message })

/** A configuration error: every problem found in the environment, one message per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly code = ModelErrorCode.Config
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(problems.join('\n'))
    this.problems = problems
  }
}

/** Maze generation failed in the worker thread (the original error is the `cause`). */
export class GenerationError extends Error {
  override readonly name = 'GenerationError'
  readonly code = ModelErrorCode.Generation
}

/** Seconds a client should wait before retrying while the maze is being generated. */
export const RETRY_AFTER_SECONDS = 1

export const notReady = (): HttpError =>
  new HttpError(503, ModelErrorCode.NotReady, 'the maze is still being generated; retry after the Retry-After delay', {
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  })
