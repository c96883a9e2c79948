import { HttpError, ModelErrorCode } from '../errors.ts'
import { unencapsulated } from '../plugin.ts'
import { readBody } from '../read-body.ts'

/** Bodies sent to routes that take none are read and dropped up to this size. */
export const DRAIN_LIMIT = 1024 * 1024

/**
 * Outside /maze no route takes a body: any body (up to 1 MiB) is read and dropped, whatever its
 * type, so that an unknown route is a 404 rather than a JSON or media-type error. The /maze routes
 * replace this parser in their own scope (routes/maze.ts).
 */
export const bodyDrain = unencapsulated(async function bodyDrain(app) {
  const tooLarge = () => new HttpError(413, ModelErrorCode.BodyTooLarge, `the request body is larger than ${DRAIN_LIMIT} bytes`)
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, payload, done) => {
    readBody(payload, { limit: DRAIN_LIMIT, tooLarge }, (error) => done(error, undefined))
  })
})
