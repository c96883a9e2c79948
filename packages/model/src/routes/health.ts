import { notReady } from '../errors.ts'
import type { MazeState } from '../maze-state.ts'
import type { ModelPlugin } from '../plugin.ts'
import { Health, NotReadyResponse } from '../schemas.ts'

export interface HealthOptions {
  state: MazeState
}

/**
 * The answers of the health checks, small fixed objects, written by JSON.stringify (the same JSON
 * as their schemas' serializers) rather than by serializers compiled from their schemas: a
 * readiness probe, polled from the moment the model starts, does not wait for the schema compilers
 * (fast-json-stringify and Ajv, loaded at the first compilation: lazy-compilers.ts).
 */
const serializerCompiler = () => (data: unknown) => JSON.stringify(data)

/** GET /health/live (200 while the process runs) and GET /health/ready (503 until the maze is served). */
export const healthRoutes: ModelPlugin<HealthOptions> = async function healthRoutes(app, { state }) {
  app.get(
    '/health/live',
    {
      schema: { summary: 'Liveness: 200 while the process runs', tags: ['extensions'], response: { 200: Health } },
      serializerCompiler,
    },
    (_request, reply) => {
      reply.send({ status: 'live' })
    },
  )

  app.get(
    '/health/ready',
    {
      schema: {
        summary: 'Readiness: 503 until the maze is generated, then 200',
        tags: ['extensions'],
        response: { 200: Health, 503: NotReadyResponse },
      },
      serializerCompiler,
    },
    (_request, reply) => {
      if (!state.isReady) throw notReady()
      reply.send({ status: 'ready' })
    },
  )
}
