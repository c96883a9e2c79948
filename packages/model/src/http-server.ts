import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyServerOptions } from 'fastify'
import { errorBody, HttpError, ModelErrorCode } from './errors.ts'
import { unencapsulated } from './plugin.ts'

// The raw Node server under Fastify: the bounds Fastify's options do not reach (the request
// timeout's checking interval, the Host header's answer), the few requests refused before routing,
// and the answers written straight to a socket. `app.inject` never comes through here.

/** Fastify's default, kept: how long an idle keep-alive connection stays open between requests. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000
const JSON_TYPE = 'application/json; charset=utf-8'

export interface HttpServerOptions {
  /** How long a client may take to send a whole request, headers and body (ms). */
  requestTimeoutMs: number
  /** How long a connection may make no progress, nothing received and nothing sent (ms). */
  idleTimeoutMs: number
  /** Every method the app serves, for the `Allow` header of the answer to CONNECT. */
  allMethods: () => string
}

/** The Fastify options that put the app on our own Node server and answer client errors in JSON. */
export function httpServerOptions(options: HttpServerOptions): Pick<FastifyServerOptions, 'serverFactory' | 'clientErrorHandler'> {
  return {
    serverFactory: (handler) => createHttpServer(options, handler),
    clientErrorHandler: (error: Error & { code?: string }, socket: Duplex) => {
      answerAndClose(socket, clientError(error.code, options.requestTimeoutMs))
    },
  }
}

function clientError(code: string | undefined, requestTimeoutMs: number): HttpError {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new HttpError(408, ModelErrorCode.RequestTimeout, `the request was not received in full within ${requestTimeoutMs} ms`)
  }
  if (code === 'HPE_HEADER_OVERFLOW') return new HttpError(431, ModelErrorCode.BadRequest, 'the request headers are too large')
  return new HttpError(400, ModelErrorCode.BadRequest, 'malformed HTTP request')
}

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void

function createHttpServer({ requestTimeoutMs, idleTimeoutMs, allMethods }: HttpServerOptions, handler: RequestHandler) {
  const server = createServer(
    {
      // Bounds what a client may take to send a request: headers and body, whatever its pace.
      requestTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      // Node checks those every 30 s by default: a timeout would fire up to 30 s late.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeoutMs / 4))),
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      requireHostHeader: false,
    },
    (request, response) => {
      const problem = rawRequestProblem(request)
      if (problem === undefined) handler(request, response)
      else answerRequest(response, problem)
    },
  )
  // No progress for idleTimeoutMs (nothing received or sent): see the 'timeout' listener.
  server.setTimeout(idleTimeoutMs)
  server.on('timeout', (socket: Duplex) => {
    const response = inFlightResponse(socket)
    // Idle (no request, or a keep-alive pause), or an answer the client stopped reading: close.
    // Only a request still waiting for its answer (its body stalled) is told why.
    if (response === undefined || response.headersSent) socket.destroy()
    else answerAndClose(socket, new HttpError(408, ModelErrorCode.RequestTimeout, `the request made no progress for ${idleTimeoutMs} ms`))
  })
  // CONNECT is not routed (its target is host:port); without a listener Node drops the connection silently.
  server.on('connect', (request: IncomingMessage, socket: Duplex) => {
    const allow = allMethods()
    const message = `${request.method} is not allowed: this server is not a proxy; allowed: ${allow}`
    answerAndClose(socket, new HttpError(405, ModelErrorCode.MethodNotAllowed, message, { headers: { allow } }))
  })
  return server
}

/**
 * On close, a keep-alive connection whose request is in flight must not hold the server open
 * until keepAliveTimeout (72 s): once its response is sent, it may idle 50 ms at most.
 */
export const shortKeepAliveOnClose = unencapsulated(async function shortKeepAliveOnClose(app) {
  app.addHook('preClose', (done) => {
    app.server.keepAliveTimeout = 50
    done()
  })
})

/**
 * A request refused before it reaches Fastify, checked in the raw request handler: a search of the
 * short URL and the Host lookup Node made itself before (requireHostHeader). No Fastify hook runs
 * on the /maze/pos hot path for it.
 */
function rawRequestProblem(request: IncomingMessage): HttpError | undefined {
  // The router stops a path at "#" (a fragment is never sent): /maze/si#ze would be looked up as
  // /maze/si, and /maze/pos/1#/2 as /maze/pos/1. A raw "#" is not allowed in a request target.
  if (request.url!.includes('#')) {
    return new HttpError(
      400,
      ModelErrorCode.BadRequest,
      'a request target must not contain a raw "#" (a fragment is not sent to the server; encode it as %23)',
    )
  }
  // RFC 9112 3.2: a server must answer 400 to an HTTP/1.1 request without Host. Node does so with an
  // empty body; we do it with our JSON (Node's check is off: requireHostHeader false). HTTP/1.0 may omit it.
  if (request.headers.host === undefined && request.httpVersionMajor === 1 && request.httpVersionMinor >= 1) {
    return new HttpError(400, ModelErrorCode.BadRequest, 'an HTTP/1.1 request must have a Host header')
  }
  return undefined
}

/** Answers a request refused in the raw handler with the usual JSON error, then closes its connection. */
function answerRequest(response: ServerResponse, error: HttpError): void {
  const body = JSON.stringify(errorBody(error))
  response.writeHead(error.statusCode, {
    ...error.headers,
    connection: 'close',
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
  })
  response.end(body)
}

/** A whole HTTP/1.1 answer for a socket that has no usable response object (client errors, CONNECT, timeouts). */
function rawAnswer(error: HttpError): string {
  const body = JSON.stringify(errorBody(error))
  const headers = Object.entries(error.headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  return (
    `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode] ?? 'Error'}\r\n` +
    `Connection: close\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`
  )
}

/**
 * The response being sent on an HTTP socket, if any: the field Node itself reads before it answers
 * a client error (never write an answer into the middle of another).
 */
function inFlightResponse(socket: Duplex): { headersSent: boolean } | undefined {
  return (socket as Duplex & { _httpMessage?: { headersSent: boolean } | null })._httpMessage ?? undefined
}

/**
 * Answers `error` on a raw socket, unless an answer is already on its way there (never write into
 * the middle of one), then closes it once the bytes are handed to the kernel, as Node does itself.
 */
function answerAndClose(socket: Duplex, error: HttpError): void {
  if (!socket.writable || inFlightResponse(socket)?.headersSent === true) {
    socket.destroy()
    return
  }
  socket.on('error', () => {})
  socket.end(rawAnswer(error), () => socket.destroy())
}
