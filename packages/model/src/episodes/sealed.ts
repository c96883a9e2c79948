import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import { HttpError, ModelErrorCode } from '../errors.ts'
import { unencapsulated } from '../plugin.ts'

/**
 * Sealed mode (API.md, "Episodes"): for comparisons where agents must not learn more than they
 * sense. Off when the model has no `SealedSettings`.
 */
export interface SealedSettings {
  /** Mixed into every generation seed (classic maze and episodes, in separate domains); at least 16 characters. */
  secret: string
  /**
   * Opens the whole-maze views (maps, live view, replays of running episodes, /maze/meta) to whoever
   * presents it as `Authorization: Bearer <token>`, `?token=<token>` or the cookie set by `/?token=`.
   * Unset: those views are closed to everyone while sealed.
   */
  viewerToken?: string | undefined
}

/** The proposed environment variables of sealed mode (read by config.ts, not here). */
export const SEALED_ENV_VARS = Object.freeze({
  sealed: 'MODEL_SEALED',
  secret: 'MODEL_SEALED_SECRET',
  viewerToken: 'MODEL_VIEWER_TOKEN',
})

const MIN_SECRET_LENGTH = 16

/** Every problem with `settings` (empty when valid). */
export function sealedProblems(settings: SealedSettings): string[] {
  const problems: string[] = []
  if (typeof settings.secret !== 'string' || settings.secret.length < MIN_SECRET_LENGTH) {
    problems.push(`the sealed-mode secret must be at least ${MIN_SECRET_LENGTH} characters long`)
  }
  const token = settings.viewerToken
  if (token !== undefined && (typeof token !== 'string' || !/^[\x21-\x7e]{16,256}$/.test(token))) {
    problems.push('the viewer token must be 16 to 256 printable ASCII characters without spaces')
  }
  return problems
}

/** Throws a RangeError listing every problem with `settings`. */
export function validateSealedSettings(settings: SealedSettings): SealedSettings {
  const problems = sealedProblems(settings)
  if (problems.length > 0) throw new RangeError(`bad sealed-mode settings:\n${problems.join('\n')}`)
  return settings
}

/**
 * What a generation seed is for. In sealed mode the classic maze and the episodes' mazes come from
 * separate domains of the secret: the classic routes answer any cell to anyone (`/maze/pos`), so an
 * episode must never play the classic maze of the same seed and size.
 */
export type SeedDomain = 'episode' | 'classic'

/**
 * The seed the generator is given for public `seed` in sealed mode: the first 32 bits of
 * HMAC-SHA256(secret, "maze-sim/sealed/v1:" + seed) for an episode, of
 * HMAC-SHA256(secret, "maze-sim/sealed/v1:classic:" + seed) for the classic maze (the two inputs
 * never coincide: an episode's ends in digits only). Without the secret, knowing `seed` says nothing
 * about the maze; with it, the same seed still gives the same maze, every time. Outside sealed mode
 * (no secret) the seed is used as it is in both domains, so today's mazes stay exactly as they are
 * and an episode of MAZE_SEED's seed and size is the classic maze.
 */
export function generationSeed(seed: number, secret: string | undefined, domain: SeedDomain = 'episode'): number {
  if (secret === undefined) return seed
  const input = domain === 'classic' ? `maze-sim/sealed/v1:classic:${seed}` : `maze-sim/sealed/v1:${seed}`
  return createHmac('sha256', secret).update(input).digest().readUInt32BE(0)
}

const COOKIE = 'maze_viewer'

/** Checks a request's viewer token (Bearer header, `?token=` or the cookie) in constant time. */
export class ViewerAccess {
  readonly #digest: Buffer | undefined
  constructor(token: string | undefined) {
    this.#digest = token === undefined ? undefined : digest(token)
  }

  /** The token the request presents, if any. */
  static presented(request: FastifyRequest): string | undefined {
    const auth = request.headers.authorization
    if (typeof auth === 'string') {
      const match = /^Bearer[ ]+(\S+)\s*$/i.exec(auth)
      if (match !== null) return match[1]
    }
    const query = request.query as Record<string, unknown> | undefined
    if (query !== null && typeof query === 'object' && typeof query.token === 'string') return query.token
    const cookie = request.headers.cookie
    if (typeof cookie === 'string') {
      for (const part of cookie.split(';')) {
        const [name, ...value] = part.trim().split('=')
        if (name === COOKIE) return decodeURIComponent(value.join('='))
      }
    }
    return undefined
  }

  /** True when the request presents the viewer token. */
  allows(request: FastifyRequest): boolean {
    const presented = ViewerAccess.presented(request)
    return presented !== undefined && this.#matches(presented)
  }

  /** Throws 401 (no token) or 403 (a wrong one, or none configured) unless the request presents the viewer token. */
  check(request: FastifyRequest, what: string): void {
    const presented = ViewerAccess.presented(request)
    if (presented === undefined) {
      throw new HttpError(
        401,
        ModelErrorCode.Unauthorized,
        `${what} is sealed: present the viewer token (Authorization: Bearer <token>, or ?token=<token>)`,
        { headers: { 'www-authenticate': 'Bearer realm="maze-model viewer"' } },
      )
    }
    if (!this.#matches(presented)) {
      throw new HttpError(
        403,
        ModelErrorCode.Forbidden,
        this.#digest === undefined ? `${what} is sealed and no viewer token is configured` : `${what} is sealed: wrong viewer token`,
      )
    }
  }

  #matches(presented: string): boolean {
    return this.#digest !== undefined && timingSafeEqual(digest(presented), this.#digest)
  }
}

// Equal-length digests for timingSafeEqual, whatever the lengths of the tokens.
const digest = (token: string): Buffer => createHash('sha256').update(token).digest()

/** The whole-maze views of the classic and live-view routes, closed in sealed mode without the viewer token. */
const SEALED_VIEWS: Readonly<Record<string, string>> = {
  '/maze/map': 'the map',
  '/maze/meta': 'the seed and optimal length (/maze/meta)',
  '/view/events': 'the live view',
  '/view/episodes/events': 'the live list of episodes',
  '/view/episodes/:id/events': 'the live view of an episode',
  '/view/episodes/:id/maze': 'the maze of an episode',
}

export interface SealedViewsOptions {
  access: ViewerAccess
}

/**
 * In sealed mode, adds the viewer-token check to the whole-maze views as their routes are added
 * (an onRoute hook, so routes/maze.ts and routes/view.ts stay as they are and /maze/pos runs no
 * extra hook). `GET /?token=<token>` sets a cookie so the page's event stream is let in too.
 * Register on the root instance before the route groups.
 */
export const sealedViews = unencapsulated<SealedViewsOptions>(async function sealedViews(app, { access }) {
  app.addHook('onRoute', (route) => {
    if (route.url === '/') {
      route.onRequest = [...hooks(route.onRequest), setViewerCookie(access)]
      return
    }
    // GET /episodes is not gated: without the token it answers a scoreboard (routes/episodes.ts).
    const what = SEALED_VIEWS[route.url]
    if (what === undefined) return
    const gate: onRequestHookHandler = (request, _reply, done) => {
      try {
        access.check(request, what)
        done()
      } catch (error) {
        done(error as Error)
      }
    }
    route.onRequest = [gate, ...hooks(route.onRequest)]
  })
})

function hooks<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

function setViewerCookie(access: ViewerAccess): onRequestHookHandler {
  return (request: FastifyRequest, reply: FastifyReply, done) => {
    const query = request.query as Record<string, unknown> | undefined
    if (typeof query?.token === 'string' && access.allows(request)) {
      reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(query.token)}; Path=/; HttpOnly; SameSite=Strict`)
    }
    done()
  }
}
