import { createRequire } from 'node:module'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Client, Dispatcher, interceptors } from 'undici'
import { DIRECTION_NAMES, MAX_AREA, MAX_SIDE, type Direction } from '@maze-sim/maze'
import { AgentError, AgentErrorCode, describeError } from './errors.ts'
import {
  NO_META,
  type EpisodeCreated,
  type EpisodeMoves,
  type EpisodeObservation,
  type EpisodeRecord,
  type EpisodeRequest,
  type EpisodeRoutes,
  type MazeMeta,
  type MazeSize,
  type MazeTransport,
} from './transport.ts'
import {
  isEpisodeList,
  parseCellView,
  parseEpisodeCreated,
  parseEpisodeMoves,
  parseEpisodeRecord,
  parseMap,
  parseMeta,
  parseSize,
  parseStart,
} from './validate.ts'

export interface HttpTransportOptions {
  /** The model's base URL, e.g. `http://127.0.0.1:5555` (a path prefix is kept). */
  readonly url: string
  /**
   * Total time the first request may wait for the model to come up (connection refused or reset,
   * `503` + `Retry-After`), measured from that request. Default 60 s.
   */
  readonly startupTimeoutMs?: number
  /**
   * Time to wait for a connection, and the total time of one attempt: from sending the request to
   * the last byte of the answer (a body trickling in slowly is cut off too). Default 10 s.
   */
  readonly requestTimeoutMs?: number
  /** Retries of one request once the model has answered (a reset, a `503`). Default 3. */
  readonly retries?: number
  /** Aborts in-flight requests and retry waits. */
  readonly signal?: AbortSignal
}

/** A MazeTransport over HTTP: one keep-alive undici Client with composed interceptors. */
export interface HttpTransport extends MazeTransport {
  /** The base URL requests go to. */
  readonly url: string
  /** HTTP requests actually sent, retries included. */
  readonly attempts: number
}

export const DEFAULT_STARTUP_TIMEOUT_MS = 60_000
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000
/** The largest answer accepted from any route but the map: every other answer is a few dozen bytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024

/**
 * The largest `POST /maze/map` answer accepted for a maze of `width` x `height`: `2h+1` lines of
 * `2w+1` characters and a line end (`\r\n` allowed), plus {@link DEFAULT_MAX_RESPONSE_BYTES} for
 * tags and slack. Without the size (never asked), the largest maze's.
 */
export const maxMapBytes = (size: MazeSize | null): number => {
  const width = size?.width ?? MAX_SIDE
  const height = size === null ? Math.floor(MAX_AREA / MAX_SIDE) : size.height
  return (2 * width + 3) * (2 * height + 1) + DEFAULT_MAX_RESPONSE_BYTES
}

// Failures that mean "the model is not (yet) there": retried within the start-up wait, and a few
// times afterwards. Anything else (a 4xx, a bad body) is an answer, and is not retried.
const RETRY_STATUS = [429, 502, 503, 504]
const RETRY_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]
/**
 * Failures that surely happened before the request reached the model. The only ones retried for a
 * request that must not be applied twice (`POST /episodes/:id/moves`): after a reset or a timeout
 * the model may have made the moves, and sending them again would make them twice.
 */
const NOT_SENT_CODES = [
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]
const BACKOFF_MIN_MS = 100
const BACKOFF_MAX_MS = 1_000
/** Longest Retry-After honoured once the model has answered: beyond it, the run fails. */
const RETRY_AFTER_MAX_MS = 10_000

/** Where a transport stands: before its first answer, retries are bounded by a deadline. */
interface Gate {
  ready: boolean
  deadline: number | null
  /** The last failure the retry policy saw, for the error message when the wait runs out. */
  lastError: unknown
}

/** Grace after the start-up deadline for the attempt already on the wire to finish. */
const DEADLINE_GRACE_MS = 250

/** Milliseconds a `Retry-After` header (seconds or an HTTP date) asks to wait, or null. */
export function retryAfterMs(headers: unknown): number | null {
  const raw = (headers as Record<string, string | string[] | undefined> | undefined)?.['retry-after']
  const value = Array.isArray(raw) ? raw[0] : raw
  if (value === undefined || value.trim() === '') return null
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now())
}

/** The three parts of undici the transport uses: the client, the retry interceptor, and `request`. */
export interface UndiciParts {
  readonly Client: typeof Client
  readonly retry: typeof interceptors.retry
  /** `Dispatcher.prototype.request` in undici's index: called with the composed dispatcher as `this`. */
  readonly request: (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>
}

let loadedUndici: UndiciParts | undefined

/**
 * undici's client, retry interceptor and `request`, loaded by the first transport rather than with
 * this module (config.ts reads the defaults above): the agent program starts its strategy's worker
 * first, and undici loads while the worker starts. Required one file each, not through undici's
 * index, which loads every dispatcher, fetch, WebSocket, the mocks and the cache stores besides (110
 * modules, twice the CPU time of these three). A CommonJS package: required, synchronously. The
 * test of this module checks that they are the index's own.
 */
export function undiciParts(): UndiciParts {
  if (loadedUndici !== undefined) return loadedUndici
  const require = createRequire(import.meta.url)
  loadedUndici = {
    Client: require('undici/lib/dispatcher/client.js') as typeof Client,
    retry: require('undici/lib/interceptor/retry.js') as typeof interceptors.retry,
    request: require('undici/lib/api/api-request.js') as UndiciParts['request'],
  }
  return loadedUndici
}

/**
 * The retry policy of `interceptors.retry`: which failures to retry and how long to wait. Before the
 * model has answered once, it retries until the start-up deadline (a `Retry-After` is honoured but
 * never waits past the deadline); afterwards, `retries` times.
 */
function retryPolicy(gate: Gate, retries: number): NonNullable<Parameters<typeof interceptors.retry>[0]>['retry'] {
  return (err, { state, opts }, callback) => {
    const { statusCode, code, headers } = err as Error & { statusCode?: number; code?: string; headers?: unknown }
    gate.lastError = err
    const codes = (opts as BoundedOptions).replayable === false ? NOT_SENT_CODES : RETRY_CODES
    const retriable = statusCode !== undefined ? RETRY_STATUS.includes(statusCode) : codes.includes(code ?? '')
    if (!retriable) return callback(err)
    const backoff = Math.min(BACKOFF_MIN_MS * 2 ** (state.counter - 1), BACKOFF_MAX_MS)
    let delay = retryAfterMs(headers) ?? backoff
    if (!gate.ready) {
      const remaining = (gate.deadline ?? 0) - Date.now()
      if (remaining <= 0) return callback(err)
      delay = Math.min(delay, remaining)
    } else {
      if (state.counter > retries || delay > RETRY_AFTER_MAX_MS) return callback(err)
    }
    // Returning the timer lets the retry handler cancel the wait when the request is aborted.
    return setTimeout(() => callback(null), delay)
  }
}

/** Dispatch options this transport adds: the largest body accepted, and whether a resend is harmless. */
interface BoundedOptions {
  readonly maxResponseBytes?: number
  /** False for a request the model must not apply twice: retried only when surely not sent (or refused with a status). */
  readonly replayable?: boolean
}

/**
 * An interceptor that bounds every attempt, whatever the peer does:
 * - time: ONE total deadline of `ms` per attempt, from sending the request to the answer's last
 *   byte. Until the headers are in, undici's `headersTimeout` (`ms`, not restarted by partial
 *   headers; UND_ERR_HEADERS_TIMEOUT, which the retry interceptor retries like any other "not there
 *   yet") and the client's `connectTimeout` bound it; once they are in, the body gets what is left
 *   of the `ms` since the attempt was sent (undici's `bodyTimeout` is idle time, restarted by every
 *   chunk, so a body trickling one byte at a time would never time out). Past the deadline the
 *   request fails without retry (the model answered, too slowly).
 * - the body size (`maxResponseBytes`, by `content-length` and by bytes actually received): an
 *   endless body fails with AGENT_ERR_BAD_RESPONSE instead of growing the process without end.
 * Errors after the headers go to the controller's `abort`, which the retry interceptor does not retry.
 */
const bounds =
  (ms: number): Dispatcher.DispatcherComposeInterceptor =>
  (dispatch) =>
  (opts, handler) => {
    const route = `${opts.method} ${opts.path}`
    const limit = (opts as BoundedOptions).maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    // The attempt is sent now: the deadline of its last byte is `ms` from here.
    const sentAt = performance.now()
    let timer: NodeJS.Timeout | undefined
    let bytes = 0
    const abort = (c: Dispatcher.DispatchController, err: Error): void => {
      clearTimeout(timer)
      if (!c.aborted) c.abort(err)
    }
    const tooBig = (size: number): AgentError =>
      new AgentError(
        AgentErrorCode.BadResponse,
        `${route} answered a body of ${size} bytes or more, over the limit of ${limit} bytes for this route`,
      )
    return dispatch(
      { ...opts, headersTimeout: opts.headersTimeout ?? ms, bodyTimeout: opts.bodyTimeout ?? ms },
      {
        onRequestStart(c, context) {
          handler.onRequestStart?.(c, context)
        },
        onRequestUpgrade(c, status, headers, socket) {
          handler.onRequestUpgrade?.(c, status, headers, socket)
        },
        onResponseStart(c, status, headers, message) {
          const length = Number(headers['content-length'])
          if (Number.isFinite(length) && length > limit) return abort(c, tooBig(length))
          timer = setTimeout(
            () =>
              abort(
                c,
                new AgentError(
                  AgentErrorCode.ModelUnreachable,
                  `${route}: the answer did not arrive in full within ${ms} ms in total (the request timeout, from sending the request to the answer's last byte)`,
                ),
              ),
            Math.max(0, ms - (performance.now() - sentAt)),
          )
          handler.onResponseStart?.(c, status, headers, message)
        },
        onResponseData(c, chunk) {
          bytes += chunk.length
          if (bytes > limit) return abort(c, tooBig(bytes))
          handler.onResponseData?.(c, chunk)
        },
        onResponseEnd(c, trailers) {
          clearTimeout(timer)
          handler.onResponseEnd?.(c, trailers)
        },
        onResponseError(c, err) {
          clearTimeout(timer)
          handler.onResponseError?.(c, err)
        },
      },
    )
  }

/** An interceptor that counts the requests put on the wire (retries included). */
const counting =
  (count: () => void): Dispatcher.DispatcherComposeInterceptor =>
  (dispatch) =>
  (opts, handler) => {
    count()
    return dispatch(opts, handler)
  }

interface Answer {
  readonly status: number
  readonly text: string
  /** The `Retry-After` of the answer, in ms, or null. */
  readonly retryAfterMs: number | null
}

/** How one call is made: its body, limits, and whether it may be resent. */
interface CallOptions {
  readonly body?: string
  readonly maxResponseBytes?: number
  readonly replayable?: boolean
  /** Replaces the transport's signal (DELETE after an abort must still go out, within its own bound). */
  readonly signal?: AbortSignal
}

/** Bytes of one observation on the wire, with room to spare (about 120 for an 80 x 20 maze). */
const OBSERVATION_BYTES = 256
/** The longest a best-effort `DELETE /episodes/:id` may take. */
const ABANDON_TIMEOUT_MS = 2_000
/** Re-creations after a `202` before giving up (each waits for the maze, within the start-up wait). */
const CREATE_ATTEMPTS = 3

/** The model's base URL, checked: an http(s) URL, or AGENT_ERR_CONFIG. */
function parseBaseUrl(raw: string): URL {
  let base: URL
  try {
    base = new URL(raw)
  } catch (err) {
    throw new AgentError(AgentErrorCode.Config, `the maze URL ${JSON.stringify(raw)} is not a URL`, { cause: err })
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new AgentError(AgentErrorCode.Config, `the maze URL must start with http:// or https://, got ${raw}`)
  }
  return base
}

/**
 * The request machinery of one transport: the keep-alive client with its composed interceptors, the
 * start-up gate, the counters, and the mapping of failures to AgentErrors.
 */
class HttpCaller {
  /** The base URL requests go to, without a trailing slash. */
  readonly url: string
  readonly startupTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly signal: AbortSignal | undefined
  /** Calls made (each counted once, however many attempts it took). */
  requests = 0
  /** HTTP requests actually sent, retries included. */
  attempts = 0
  closed = false
  readonly #prefix: string
  readonly #gate: Gate = { ready: false, deadline: null, lastError: undefined }
  readonly #client: Client
  readonly #dispatcher: Dispatcher
  readonly #request: UndiciParts['request']

  constructor(base: URL, options: HttpTransportOptions) {
    const { Client, retry, request } = undiciParts()
    this.url = base.href.replace(/\/+$/, '')
    this.#prefix = base.pathname.replace(/\/+$/, '')
    this.startupTimeoutMs = options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    this.signal = options.signal
    this.#request = request
    this.#client = new Client(base.origin, {
      connectTimeout: this.requestTimeoutMs,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    })
    // Innermost first: every attempt is counted and bounded (time, size); the retry interceptor wraps them all.
    this.#dispatcher = this.#client.compose(
      counting(() => this.attempts++),
      bounds(this.requestTimeoutMs),
      retry({
        retry: retryPolicy(this.#gate, options.retries ?? 3),
        // POST /maze/map only renders a map: repeating it is harmless; POST .../moves is marked not
        // replayable (see NOT_SENT_CODES); a repeated DELETE finds the episode gone (404), harmless.
        methods: ['GET', 'POST', 'DELETE'],
        statusCodes: RETRY_STATUS,
        errorCodes: RETRY_CODES,
        throwOnError: true,
      }),
    )
  }

  /** The AgentError for a call that failed: aborted, cut off by the start-up wait, or no longer answered. */
  failure(route: string, err: unknown, startedAt: number, deadlineHit: boolean): AgentError {
    const { signal, url } = this
    if (err instanceof AgentError) return err
    if (signal?.aborted) {
      // A reason of our own (the run's deadline) says why better than "aborted".
      if (signal.reason instanceof AgentError) return signal.reason
      return new AgentError(AgentErrorCode.Aborted, `${route} to ${url} was aborted`, { cause: err })
    }
    // Cut off by the start-up deadline: report what kept failing rather than the cut-off itself.
    if (deadlineHit && this.#gate.lastError !== undefined) err = this.#gate.lastError
    const status = (err as { statusCode?: unknown }).statusCode
    const last = typeof status === 'number' ? `it answered ${status}` : `last error: ${describeError(err)}`
    const waited = ((Date.now() - startedAt) / 1000).toFixed(1)
    if (!this.#gate.ready) {
      return new AgentError(
        AgentErrorCode.ModelUnreachable,
        `the maze model at ${url} did not answer ${route} within the start-up wait of ${this.startupTimeoutMs / 1000} s ` +
          `(waited ${waited} s; ${last}); is it running? Set MAZE_URL or AGENT_STARTUP_TIMEOUT_MS`,
        { cause: err },
      )
    }
    return new AgentError(
      AgentErrorCode.ModelUnreachable,
      `the maze model at ${url} stopped answering ${route} (waited ${waited} s; ${last})`,
      {
        cause: err,
      },
    )
  }

  /** Makes one call (retried by the interceptors) and reads its whole answer, whatever the status. */
  async call(method: 'GET' | 'POST' | 'DELETE', path: string, how: CallOptions = {}): Promise<Answer> {
    const route = `${method} ${path}`
    const gate = this.#gate
    if (this.closed) throw new AgentError(AgentErrorCode.ModelUnreachable, `${route}: the HTTP transport to ${this.url} is closed`)
    this.requests++
    const startedAt = Date.now()
    gate.deadline ??= startedAt + this.startupTimeoutMs
    // Until the model has answered, the whole call (connects, timeouts, retries) is cut off at the
    // deadline, so a model that accepts connections but never answers cannot stretch the wait.
    const deadline = gate.ready ? undefined : AbortSignal.timeout(Math.max(0, gate.deadline - startedAt) + DEADLINE_GRACE_MS)
    const signals = [how.signal ?? this.signal, deadline].filter((s) => s !== undefined)
    const { body } = how
    try {
      const request: Dispatcher.RequestOptions & BoundedOptions = {
        path: this.#prefix + path,
        method,
        signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
        maxResponseBytes: how.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        ...(how.replayable === false ? { replayable: false } : {}),
        ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
      }
      const response = await this.#request.call(this.#dispatcher, request)
      const text = await response.body.text()
      if (response.statusCode < 500) gate.ready = true
      return { status: response.statusCode, text, retryAfterMs: retryAfterMs(response.headers) }
    } catch (err) {
      throw this.failure(route, err, startedAt, deadline?.aborted ?? false)
    }
  }

  /** Closes the client once; later calls fail with AGENT_ERR_MODEL_UNREACHABLE. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    // After an abort, requests may still be queued: destroy rather than wait for them.
    if (this.signal?.aborted) await this.#client.destroy()
    else await this.#client.close()
  }
}

/** The JSON body of a `200` answer; any other status, or a body that is not JSON, is AGENT_ERR_BAD_RESPONSE. */
function json(route: string, answer: Answer): unknown {
  if (answer.status !== 200) {
    throw new AgentError(AgentErrorCode.BadResponse, `${route} answered ${answer.status}: ${snippet(answer.text)}`)
  }
  try {
    // The original model sends JSON as text/html: the content type is ignored on purpose.
    return JSON.parse(answer.text)
  } catch (err) {
    throw new AgentError(AgentErrorCode.BadResponse, `${route} answered a body that is not JSON: ${snippet(answer.text)}`, { cause: err })
  }
}

/** The `{"error", "message"}` of an answer, for messages and decisions; null when it is not one. */
function errorOf(answer: Answer): { error: string; message: string } | null {
  try {
    const value = JSON.parse(answer.text) as { error?: unknown; message?: unknown }
    if (typeof value?.error === 'string') return { error: value.error, message: typeof value.message === 'string' ? value.message : '' }
  } catch {}
  return null
}

const unexpected = (route: string, answer: Answer): AgentError =>
  new AgentError(AgentErrorCode.BadResponse, `${route} answered ${answer.status}: ${snippet(answer.text)}`)

/** The episodes routes (API.md, "Episodes") over one transport's calls. */
class HttpEpisodeRoutes implements EpisodeRoutes {
  readonly #caller: HttpCaller
  // The size of each episode this transport created (forgotten when abandoned): observations are checked against it.
  readonly #sizes = new Map<string, MazeSize>()

  constructor(caller: HttpCaller) {
    this.#caller = caller
  }

  async create(request: EpisodeRequest): Promise<EpisodeCreated> {
    const route = 'POST /episodes'
    let asked: EpisodeRequest = request
    const placeholders: string[] = []
    try {
      for (let attempt = 1; ; attempt++) {
        const answer = await this.#caller.call('POST', '/episodes', { body: JSON.stringify(asked) })
        if (answer.status === 201) {
          const created = parseEpisodeCreated(json(route, { ...answer, status: 200 }), route)
          this.#sizes.set(created.id, { width: created.width, height: created.height })
          return created
        }
        if (answer.status !== 202) throw unexpected(route, answer)
        // A large maze is being generated. The record never carries the start's walls, so once
        // the maze is ready (and cached by the model) the same episode is asked for again, which
        // then answers 201 with the first observation, and the placeholder is abandoned.
        const id = (json(route, { ...answer, status: 200 }) as { id?: unknown }).id
        if (typeof id !== 'string') throw unexpected(route, answer)
        placeholders.push(id)
        const ready = await this.#waitReady(id, answer.retryAfterMs)
        if (ready.seed === null) {
          throw new AgentError(
            AgentErrorCode.BadResponse,
            `${route} answered 202 for a maze of the model's choice whose seed it withholds (sealed mode): it cannot be asked for again with its first observation; give a seed`,
          )
        }
        if (attempt >= CREATE_ATTEMPTS) {
          throw new AgentError(
            AgentErrorCode.BadResponse,
            `${route} answered 202 ${attempt} times for the same maze: the model does not keep it ready`,
          )
        }
        asked = { ...request, seed: ready.seed, width: ready.width, height: ready.height, maxSteps: ready.maxSteps }
      }
    } finally {
      for (const id of placeholders) await this.abandon(id)
    }
  }

  async move(id: string, moves: readonly Direction[]): Promise<EpisodeMoves> {
    const path = `/episodes/${encodeURIComponent(id)}/moves`
    const route = `POST ${path}`
    const answer = await this.#caller.call('POST', path, {
      body: JSON.stringify({ moves: moves.map((d) => DIRECTION_NAMES[d]) }),
      maxResponseBytes: moves.length * OBSERVATION_BYTES + DEFAULT_MAX_RESPONSE_BYTES,
      replayable: false,
    })
    if (answer.status === 200) return parseEpisodeMoves(json(route, answer), this.#sizeOf(id), moves.length, route)
    // A model that takes fewer moves per request says how many: send them in pieces of that size.
    const error = errorOf(answer)
    const most = error?.error === 'MAZE_ERR_TOO_MANY_MOVES' ? Number(/at most (\d+)/.exec(error.message)?.[1]) : Number.NaN
    if (answer.status === 400 && Number.isSafeInteger(most) && most >= 1 && most < moves.length) {
      const observations: EpisodeObservation[] = []
      for (let from = 0; from < moves.length; from += most) {
        const piece = await this.move(id, moves.slice(from, from + most))
        observations.push(...piece.observations)
        if (piece.bumped || piece.applied < Math.min(most, moves.length - from)) {
          return { applied: observations.length, bumped: piece.bumped, observations }
        }
      }
      return { applied: observations.length, bumped: false, observations }
    }
    throw unexpected(route, answer)
  }

  async record(id: string): Promise<EpisodeRecord> {
    const route = `GET /episodes/${encodeURIComponent(id)}`
    const record = parseEpisodeRecord(json(route, await this.#caller.call('GET', `/episodes/${encodeURIComponent(id)}`)), route)
    if (record.id !== id) throw new AgentError(AgentErrorCode.BadResponse, `${route} answered the record of another episode, ${record.id}`)
    // An ended episode takes no more moves: its size is no longer needed.
    if (record.status !== 'running' && record.status !== 'generating') this.#sizes.delete(id)
    return record
  }

  async abandon(id: string): Promise<void> {
    this.#sizes.delete(id)
    if (this.#caller.closed) return
    // Best effort, bounded, and sent even when the run was aborted (that is when it matters most).
    try {
      await this.#caller.call('DELETE', `/episodes/${encodeURIComponent(id)}`, {
        signal: AbortSignal.timeout(Math.min(ABANDON_TIMEOUT_MS, this.#caller.requestTimeoutMs)),
      })
    } catch {}
  }

  #sizeOf(id: string): MazeSize {
    return this.#sizes.get(id) ?? { width: MAX_SIDE, height: MAX_SIDE }
  }

  /** Polls `GET /episodes/:id` until its maze is ready, honouring Retry-After, within the start-up wait. */
  async #waitReady(id: string, firstWaitMs: number | null): Promise<EpisodeRecord> {
    const { startupTimeoutMs, signal } = this.#caller
    const until = Date.now() + startupTimeoutMs
    let wait = firstWaitMs ?? 1_000
    for (;;) {
      const remaining = until - Date.now()
      if (remaining <= 0) {
        throw new AgentError(
          AgentErrorCode.ModelUnreachable,
          `the maze of episode ${id} was not ready within the start-up wait of ${startupTimeoutMs / 1000} s; set AGENT_STARTUP_TIMEOUT_MS`,
        )
      }
      try {
        await sleep(Math.min(wait, remaining, RETRY_AFTER_MAX_MS), undefined, signal ? { signal } : {})
      } catch (err) {
        throw this.#caller.failure(`GET /episodes/${id}`, err, Date.now(), false)
      }
      const record = await this.record(id)
      if (record.status === 'running') return record
      if (record.status !== 'generating') {
        throw new AgentError(AgentErrorCode.BadResponse, `episode ${id} ended (${record.status}) before its maze was ready`)
      }
      wait = 1_000
    }
  }
}

/** Creates the HTTP transport. Nothing connects until the first call. */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const caller = new HttpCaller(parseBaseUrl(options.url), options)
  const { url } = caller
  const routes = new HttpEpisodeRoutes(caller)
  let size: MazeSize | null = null
  let offered: Promise<EpisodeRoutes | null> | undefined

  return {
    url,
    episodes() {
      // Asked once per transport: `GET /episodes?limit=1` is the list on a model with episodes (a
      // scoreboard when sealed) and a 404 (or 405) on one without, such as the original. A 401 or 403
      // says the route is there behind a token (a sealed model of another make): episodes are offered,
      // since POST /episodes needs none. Any other answer, or a 200 that is not the list (some other
      // server), is "not offered". A failure to answer is not cached.
      offered ??= caller.call('GET', '/episodes?limit=1').then(
        (answer) => {
          if (answer.status === 401 || answer.status === 403) return routes
          if (answer.status !== 200) return null
          try {
            return isEpisodeList(JSON.parse(answer.text)) ? routes : null
          } catch {
            return null
          }
        },
        (err: unknown) => {
          offered = undefined
          throw err
        },
      )
      return offered
    },
    get requests() {
      return caller.requests
    },
    get attempts() {
      return caller.attempts
    },
    async size() {
      const route = 'GET /maze/size'
      size = parseSize(json(route, await caller.call('GET', '/maze/size')), route)
      return size
    },
    async start() {
      const route = 'GET /maze/start'
      return parseStart(json(route, await caller.call('GET', '/maze/start')), size, route)
    },
    async sense(x, y) {
      const path = `/maze/pos/${y}/${x}`
      return parseCellView(json(`GET ${path}`, await caller.call('GET', path)), `GET ${path}`)
    },
    async submitMap(moves) {
      const route = 'POST /maze/map'
      const answer = await caller.call('POST', '/maze/map', { body: JSON.stringify(moves), maxResponseBytes: maxMapBytes(size) })
      if (answer.status !== 200) {
        throw new AgentError(AgentErrorCode.BadResponse, `${route} answered ${answer.status}: ${snippet(answer.text)}`)
      }
      return parseMap(answer.text, route)
    },
    async meta(): Promise<MazeMeta> {
      // An extension: a server without it answers 404 (or some non-JSON page): treat as absent.
      const answer = await caller.call('GET', '/maze/meta')
      if (answer.status !== 200) return NO_META
      try {
        return parseMeta(JSON.parse(answer.text))
      } catch {
        return NO_META
      }
    },
    close: () => caller.close(),
  }
}

const snippet = (text: string): string => {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine || '(empty body)'
}
