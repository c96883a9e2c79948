import type { Readable } from 'node:stream'
import type { HttpError } from './errors.ts'

export interface ReadBodyOptions {
  /** Past this many bytes reading stops and `done` gets `tooLarge()`. */
  limit: number
  tooLarge: () => HttpError
  /** Sees every chunk (within the limit) as it arrives; the body is not kept. */
  onChunk?: (chunk: Buffer) => void
}

/**
 * Reads a request body to its end without keeping it, counting its bytes. `done` is called once:
 * `(null, bytes)` at the end, `(tooLarge(), bytes)` past the limit (the rest is not read: the
 * error handler closes the connection), or `(error, bytes)` when the stream fails. A failure
 * after that is ignored, never left unhandled.
 */
export function readBody(payload: Readable, options: ReadBodyOptions, done: (error: Error | null, received: number) => void): void {
  const { limit, tooLarge, onChunk } = options
  let received = 0
  let finished = false
  const finish = (error: Error | null): void => {
    if (finished) return
    finished = true
    payload.removeListener('data', onData)
    done(error, received)
  }
  const onData = (chunk: Buffer): void => {
    received += chunk.length
    if (received > limit) finish(tooLarge())
    else onChunk?.(chunk)
  }
  payload.on('data', onData)
  payload.once('end', () => finish(null))
  payload.once('error', (error: Error) => finish(error))
  // A connection closed before the end (cut at a timeout, or gone) may end the stream without either.
  payload.once('close', () => finish(new Error('the connection closed before the body ended')))
  payload.resume()
}
