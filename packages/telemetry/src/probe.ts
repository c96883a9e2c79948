import { connect } from 'node:net'
import type { Env } from './resource.ts'

// Is anything listening where the exporters send? Asked once, at exit, before the flush: with no
// collector the OTLP exporters retry a refused connection for seconds (backoff from 1 s), so the
// flush would only end at its bound. A refused connection answers in a millisecond.

const present = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim())

/** Where a signal's OTLP exporter sends, as the exporters work it out from the standard variables. */
export function signalEndpoint(env: Env, signal: 'TRACES' | 'METRICS'): string {
  const own = present(env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`])
  if (own !== undefined) return own
  const base = present(env.OTEL_EXPORTER_OTLP_ENDPOINT)
  if (base !== undefined) return base
  const protocol = present(env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`]) ?? present(env.OTEL_EXPORTER_OTLP_PROTOCOL) ?? 'http/protobuf'
  return protocol === 'grpc' ? 'http://localhost:4317' : 'http://localhost:4318'
}

/** What a probe found: a listener, none (with the error's code), or no answer in time. */
export type Reachability =
  | { readonly reachable: true }
  | { readonly reachable: false; readonly code: string }
  | { readonly reachable: 'unknown' }

// Errors that mean nothing is there to receive: refused, no such host, no route.
const NOBODY = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'])

/** Opens (and closes) a TCP connection to `endpoint`'s host and port, waiting at most `timeoutMs`. */
export function probe(endpoint: string, timeoutMs: number): Promise<Reachability> {
  let url: URL
  try {
    // A gRPC endpoint may be written without a scheme (`collector:4317`).
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`)
  } catch {
    return Promise.resolve({ reachable: 'unknown' })
  }
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const settle = (answer: Reachability): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(answer)
    }
    const timer = setTimeout(() => settle({ reachable: 'unknown' }), timeoutMs)
    timer.unref()
    socket.once('connect', () => settle({ reachable: true }))
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? ''
      // With several addresses (localhost: ::1 and 127.0.0.1) Node reports an AggregateError.
      const codes = error instanceof AggregateError ? error.errors.map((e: NodeJS.ErrnoException) => e.code ?? '') : [code]
      settle(codes.every((c) => NOBODY.has(c)) ? { reachable: false, code: codes[0] || code } : { reachable: 'unknown' })
    })
  })
}

/**
 * The first of `endpoints` nobody listens on, with the error's code; undefined when every one
 * answered or could not be told in time (then the flush goes ahead, bounded as always).
 */
export async function firstUnreachable(
  endpoints: readonly string[],
  timeoutMs: number,
): Promise<{ endpoint: string; code: string } | undefined> {
  const answers = await Promise.all(
    [...new Set(endpoints)].map(async (endpoint) => ({ endpoint, answer: await probe(endpoint, timeoutMs) })),
  )
  for (const { endpoint, answer } of answers) if (answer.reachable === false) return { endpoint, code: answer.code }
  return undefined
}
