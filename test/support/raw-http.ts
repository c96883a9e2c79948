import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'

/** What a raw HTTP/1.1 exchange saw: the bytes received and whether the server closed the connection. */
export interface RawExchange {
  /** Everything received, as latin1 text. */
  text: string
  /** Bytes received (counted even when `keep` is false). */
  received: number
  /** The status of the first answer, or undefined when none came. */
  status: number | undefined
  /** The first answer's JSON body, when it has one. */
  json: { error?: string; message?: string } | undefined
  /** True when the server ended or reset the connection before `waitMs` ran out. */
  closedByServer: boolean
  /** How long the exchange took until the close (or the wait ran out), for reports. */
  ms: number
}

export interface RawClient {
  socket: Socket
  /**
   * Reads (resuming a paused client) until the server closes the connection or `waitMs` runs out
   * (then `closedByServer` is false), and closes it. A client that never read sees the server's
   * close only now: after what the kernel buffered for it.
   */
  result(waitMs: number): Promise<RawExchange>
}

/**
 * Opens a loopback TCP connection and writes `head` as it is: for requests no HTTP client would
 * send (no Host, a raw `#`, CONNECT, bodies that stall). To play a client that does not read its
 * answer: `read: false` reads nothing until `result` (paused from the start); `read: 'first'`
 * reads the first chunk (so the server has taken up the request) and then nothing until `result`.
 */
export function rawClient(port: number, head: string | Buffer, options: { read?: boolean | 'first' } = {}): RawClient {
  const socket = connect(port, '127.0.0.1')
  const started = performance.now()
  const chunks: Buffer[] = []
  let received = 0
  let closedAt: number | undefined
  socket.on('error', () => {})
  socket.on('close', () => (closedAt ??= performance.now()))
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length
    // Only the start is kept: enough for a status line and an error body.
    if (received - chunk.length < 64 * 1024) chunks.push(chunk)
    if (options.read === 'first' && !resumed) socket.pause()
  })
  let resumed = false
  if (options.read === false) socket.pause()
  if (head.length > 0) socket.write(head)
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  return {
    socket,
    async result(waitMs) {
      resumed = true
      socket.resume()
      let timer: NodeJS.Timeout | undefined
      await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))])
      clearTimeout(timer)
      const closedByServer = closedAt !== undefined
      const ms = (closedAt ?? performance.now()) - started
      socket.destroy()
      return { ...parseAnswer(Buffer.concat(chunks).toString('latin1')), received, closedByServer, ms }
    },
  }
}

/** Status and JSON body of the first HTTP answer in `text`. */
export function parseAnswer(text: string): Pick<RawExchange, 'text' | 'status' | 'json'> {
  const status = /^HTTP\/1\.[01] (\d{3}) /.exec(text)?.[1]
  const end = text.indexOf('\r\n\r\n')
  let json: RawExchange['json']
  if (end >= 0) {
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? Number.NaN)
    const body = Number.isNaN(length) ? text.slice(end + 4) : text.slice(end + 4, end + 4 + length)
    try {
      json = JSON.parse(body) as RawExchange['json']
    } catch {
      json = undefined
    }
  }
  return { text, status: status === undefined ? undefined : Number(status), json }
}

/** Resident memory of a process in MiB (VmRSS of /proc/<pid>/status; Linux only). */
export function rssMiB(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`)
  return Number(kib) / 1024
}

/** Times one GET over a fresh connection: its status and milliseconds, for reports. */
export async function timedGet(url: string): Promise<{ status: number; ms: number }> {
  const started = performance.now()
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) })
  await response.arrayBuffer()
  return { status: response.status, ms: performance.now() - started }
}

/** Waits until `check()` holds, polling every `everyMs`, at most `maxWaitMs`; says whether it held. */
export async function eventually(check: () => boolean, maxWaitMs: number, everyMs = 20): Promise<boolean> {
  const rounds = Math.ceil(maxWaitMs / everyMs)
  for (let i = 0; i < rounds; i++) {
    if (check()) return true
    await new Promise((r) => setTimeout(r, everyMs))
  }
  return check()
}
