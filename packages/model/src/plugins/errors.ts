import type { FastifyReply, FastifyServerOptions } from 'fastify'
import { clipped, errorBody, HttpError, ModelErrorCode } from '../errors.ts'
import { unencapsulated } from '../plugin.ts'
import type { RouteTable } from '../route-table.ts'

/** Turns any error into the HttpError to answer with; unknown errors become a generic 500. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown }
  const message = typeof e.message === 'string' ? e.message : 'bad request'
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new HttpError(415, ModelErrorCode.UnsupportedMediaType, 'unsupported Content-Type: send JSON as application/json', {
        cause: error,
      })
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, ModelErrorCode.BodyTooLarge, 'the request body is too large', { cause: error })
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, ModelErrorCode.BadJson, message, { cause: error })
    case 'FST_ERR_VALIDATION':
      return new HttpError(400, ModelErrorCode.BadRequest, message, { cause: error })
    // A path parameter over the router's limit (an episode id of kilobytes): Fastify's message repeats
    // the whole path ('<path>' is exceeding the max param length); ours echoes its start only.
    case 'FST_ERR_MAX_PARAM_LENGTH': {
      const path = /^'(.*)' is exceeding/s.exec(message)?.[1] ?? ''
      return new HttpError(
        414,
        ModelErrorCode.BadRequest,
        `the path ${JSON.stringify(clipped(path, 64))} has a parameter longer than the limit`,
        {
          cause: error,
        },
      )
    }
    default:
      break
  }
  if (error instanceof SyntaxError) return new HttpError(400, ModelErrorCode.BadJson, message, { cause: error })
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500
  if (status === 404) return new HttpError(404, ModelErrorCode.NotFound, message, { cause: error })
  if (status === 413) return new HttpError(413, ModelErrorCode.BodyTooLarge, message, { cause: error })
  if (status === 415) return new HttpError(415, ModelErrorCode.UnsupportedMediaType, message, { cause: error })
  // Other client errors raised by Fastify or Node (bad URL encoding, content-length mismatch, ...):
  // their messages describe the request, not our internals.
  if (status >= 400 && status < 500) return new HttpError(status, ModelErrorCode.BadRequest, message, { cause: error })
  return new HttpError(500, ModelErrorCode.Internal, 'internal server error', { cause: error })
}

function sendError(reply: FastifyReply, error: HttpError): void {
  // A request whose body was not read to its end (413 at the limit, 415, an early 400): the rest of
  // it is not read either, and the connection closes once the answer is sent. Otherwise the
  // connection would go on swallowing an endless body, and its next "request" would start mid-body.
  if (reply.request.raw.complete === false) reply.header('connection', 'close')
  reply.code(error.statusCode).headers(error.headers).send(errorBody(error))
}

/** Fastify's `frameworkErrors` option: malformed URL encoding (/maze/pos/%zz/1) gets our JSON error body too. */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (error, _request, reply) => {
  sendError(reply, toHttpError(error))
}

export interface ErrorsOptions {
  /** Filled here with every route as it is added; read to tell a 405 from a 404. */
  routes: RouteTable
}

/**
 * The one error handler (every error becomes `{ error, message }` with its status; a 5xx never shows
 * internals) and the one not-found handler (405 with `Allow` when the path exists with other
 * methods, else 404). Registered first, on the root instance, so that it sees every route.
 */
export const errors = unencapsulated<ErrorsOptions>(async function errors(app, { routes }) {
  app.addHook('onRoute', (route) => routes.add(route.method, route.url))

  app.setErrorHandler((error, request, reply) => {
    const answer = toHttpError(error)
    if (answer.code === ModelErrorCode.Internal) request.log.error({ err: error }, 'request failed')
    else request.log.debug({ code: answer.code, message: answer.message }, 'client error')
    sendError(reply, answer)
  })

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? request.url
    const allowed = routes.allowedOn(path).join(', ')
    if (allowed === '') {
      sendError(reply, new HttpError(404, ModelErrorCode.NotFound, `no route ${request.method} ${path}; see /openapi.json`))
      return
    }
    const message = `${request.method} is not allowed on ${path}; allowed: ${allowed}`
    sendError(reply, new HttpError(405, ModelErrorCode.MethodNotAllowed, message, { headers: { allow: allowed } }))
  })
})
