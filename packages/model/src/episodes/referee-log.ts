import type { FastifyBaseLogger } from 'fastify'

/** Writes one whole line (ending in "\n"); the referee's result of each ended episode goes through it. */
export type LineWriter = (line: string) => void

/**
 * The program's writer of result lines: stdout, through the logger's own destination when the app
 * logs (pino), so a result line and a log line never interleave — both are appended whole to the
 * one buffer pino writes from. Without a pino logger, `process.stdout.write` (one call per line).
 */
export function stdoutLineWriter(logger: FastifyBaseLogger | undefined): LineWriter {
  const stream = pinoStream(logger)
  if (stream !== undefined) return (line) => void stream.write(line)
  return (line) => void process.stdout.write(line)
}

/** pino keeps its destination under a symbol described `pino.stream` (on the root logger, inherited by children). */
function pinoStream(logger: unknown): { write(line: string): unknown } | undefined {
  // Bounded: a logger's prototype chain is a few objects long.
  let object: unknown = logger
  for (let depth = 0; depth < 8 && object !== null && typeof object === 'object'; depth++) {
    for (const symbol of Object.getOwnPropertySymbols(object)) {
      if (symbol.description !== 'pino.stream') continue
      const stream = (object as Record<symbol, unknown>)[symbol] as { write?: unknown } | undefined
      // Only a destination to stdout: a logger writing elsewhere (a file, a test's sink) is not stdout.
      if (typeof stream?.write === 'function' && (stream as { fd?: unknown }).fd === 1) {
        return stream as { write(line: string): unknown }
      }
      return undefined
    }
    object = Object.getPrototypeOf(object)
  }
  return undefined
}
