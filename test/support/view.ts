// Helpers for the live view's tests: an event-stream viewer over plain HTTP, and polling.
import http from 'node:http'
import { once } from 'node:events'
import { ViewReplica, type LiveViewStats } from '@maze-sim/model'

/** A viewer without a browser: the stream applied to a ViewReplica as it arrives. */
export interface SseViewer {
  readonly replica: ViewReplica
  readonly response: http.IncomingMessage
  /** Bytes received so far. */
  bytes(): number
  close(): void
}

export async function connectViewer(baseUrl: string): Promise<SseViewer> {
  const request = http.get(`${baseUrl}/view/events`)
  const [response] = (await once(request, 'response')) as [http.IncomingMessage]
  if (response.statusCode !== 200) throw new Error(`GET /view/events answered ${response.statusCode}`)
  const replica = new ViewReplica()
  let bytes = 0
  response.setEncoding('utf8').on('data', (chunk: string) => {
    bytes += Buffer.byteLength(chunk)
    replica.write(chunk)
  })
  return { replica, response, bytes: () => bytes, close: () => response.destroy() }
}

export async function viewStats(baseUrl: string): Promise<LiveViewStats> {
  const response = await fetch(`${baseUrl}/view/stats`)
  return (await response.json()) as LiveViewStats
}

/** Polls `check` every 10 ms until it is true; fails naming `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
