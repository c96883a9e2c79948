import Fastify, { type FastifyServerOptions } from 'fastify'
import { expect, test } from 'vitest'
import { lazyCompilers } from '../src/lazy-compilers.ts'

/** One app: a route validating its params, query and body (coerced by Ajv) and serializing its answers. */
async function app(options: FastifyServerOptions) {
  const app = Fastify(options)
  app.post(
    '/things/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        querystring: { type: 'object', properties: { n: { type: 'integer', maximum: 9 } } },
        body: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
        response: {
          200: { type: 'object', properties: { id: { type: 'integer' }, n: { type: 'integer' }, name: { type: 'string' } } },
        },
      },
    },
    async (request) => ({
      ...(request.params as object),
      ...(request.query as object),
      ...(request.body as object),
      secret: 'not in the schema',
    }),
  )
  await app.ready()
  return app
}

test("Fastify's compilers, compiled at the first request: the same answers as compiled at start", async () => {
  const eager = await app({})
  const lazy = await app({ schemaController: { compilersFactory: lazyCompilers() } })
  const requests = [
    { method: 'POST', url: '/things/7?n=3', payload: { name: 'a' } },
    { method: 'POST', url: '/things/7?n=3', payload: { name: 'a' } },
    { method: 'POST', url: '/things/x', payload: { name: 'a' } },
    { method: 'POST', url: '/things/0', payload: { name: 'a' } },
    { method: 'POST', url: '/things/7?n=10', payload: { name: 'a' } },
    { method: 'POST', url: '/things/7', payload: { other: 1 } },
    { method: 'POST', url: '/things/7', payload: { name: 'b', extra: true } },
  ] as const
  for (const request of requests) {
    const [expected, actual] = await Promise.all([eager.inject(request), lazy.inject(request)])
    expect({ status: actual.statusCode, body: actual.body }).toEqual({ status: expected.statusCode, body: expected.body })
  }
  // The coerced and serialized answer itself.
  expect((await lazy.inject(requests[0])).json()).toEqual({ id: 7, n: 3, name: 'a' })
  await Promise.all([eager.close(), lazy.close()])
})
