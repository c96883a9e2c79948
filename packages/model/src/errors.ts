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
  RequestTimeout: 'MAZE_ERR_REQUEST_TIMEOUT',
  Internal: 'MAZE_ERR_INTERNAL',
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
  constructor(
    statusCode: number,
    code: ModelErrorCode,
    message: string,
    options?: ErrorOptions & { headers?: Record<string, string> },
  ) {
    super(message, options)
    this.statusCode = statusCode
    this.code = code
    this.headers = options?.headers ?? {}
  }
}

/** The JSON body of every error answer: `{ error: code, message }`. */
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
