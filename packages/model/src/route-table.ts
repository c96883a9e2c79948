/**
 * Every (method, path pattern) the app serves, to tell a 405 from a 404 and to list the methods in
 * `Allow`. Filled by the errors plugin's onRoute hook; read by its not-found handler and by the raw
 * server's CONNECT answer (http-server.ts), which runs outside Fastify.
 */
export class RouteTable {
  readonly #routes: { method: string; pattern: RegExp }[] = []

  add(method: string | readonly string[], url: string): void {
    const pattern = patternToRegExp(url)
    for (const m of [method].flat()) this.#routes.push({ method: m, pattern })
  }

  /** The methods served on `path` (no query string), in the order their routes were added. */
  allowedOn(path: string): string[] {
    return [...new Set(this.#routes.filter((r) => r.pattern.test(path)).map((r) => r.method))]
  }

  /** Every method served anywhere, as an `Allow` header value. */
  allMethods(): string {
    return [...new Set(this.#routes.map((r) => r.method))].join(', ')
  }
}

/** A route pattern such as `/maze/pos/:y/:x` as a RegExp over paths. */
function patternToRegExp(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${source}$`)
}
