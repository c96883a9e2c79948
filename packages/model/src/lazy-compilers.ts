import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

// Fastify compiles every route's schemas when the app becomes ready: a validator per request part
// (Ajv, whose ~85 modules load for the first one) and a serializer per response status
// (fast-json-stringify) — a fifth of the model's start-up, for routes most runs never call (the
// episodes' records and replays, the view's streams, the error answers). Fastify's own compilers,
// wrapped here, compile each schema at its first use instead: the same validation and the same
// JSON, the first request of a route paying for its own schema (a few milliseconds).

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>
type BuildValidator = NonNullable<CompilersFactory['buildValidator']>
type BuildSerializer = NonNullable<CompilersFactory['buildSerializer']>

/** A compiled Ajv validator, as Fastify calls it (with the parent's context when `schemaEnv` is set, to coerce in place). */
interface Validate {
  (data: unknown, context?: unknown): unknown
  errors?: unknown
  schemaEnv?: unknown
}

// Fastify's compilers are its own dependencies: required from where Fastify is.
const fromFastify = createRequire(import.meta.resolve('fastify'))

/** A validator compiled by `compile` at its first call, answering as the compiled one does. */
function lazyValidator(compile: () => Validate): Validate {
  let compiled: Validate | undefined
  const validate: Validate = (data, context) => {
    compiled ??= compile()
    const result = compiled.schemaEnv !== undefined ? compiled(data, context) : compiled(data)
    // Fastify reads the errors of a failed validation from the function it called.
    validate.errors = compiled.errors
    return result
  }
  // Set: Fastify then passes the parent's context, which an Ajv validator needs to coerce the
  // request part in place (the validator above forwards it only to one that takes it).
  validate.schemaEnv = true
  return validate
}

/**
 * Fastify's validator (@fastify/ajv-compiler) and serializer (fast-json-stringify) factories,
 * compiling lazily. Each is made once, at its first use, and shared by every route, as Fastify does
 * (its cache of Ajv instances and serializers by external schemas and options).
 */
export function lazyCompilers(): Required<CompilersFactory> {
  let validators: BuildValidator | undefined
  let serializers: BuildSerializer | undefined
  const buildValidator: BuildValidator = (externalSchemas, options) => {
    let compiler: ReturnType<BuildValidator> | undefined
    return (route) =>
      lazyValidator(() => {
        validators ??= (fromFastify('@fastify/ajv-compiler') as () => BuildValidator)()
        compiler ??= validators(externalSchemas, options)
        return compiler(route) as Validate
      }) as ReturnType<ReturnType<BuildValidator>>
  }
  const buildSerializer: BuildSerializer = (externalSchemas, options) => {
    let compiler: ReturnType<BuildSerializer> | undefined
    return (route) => {
      let serialize: ((data: unknown) => string) | undefined
      return (data: unknown) => {
        if (serialize === undefined) {
          serializers ??= (fromFastify('@fastify/fast-json-stringify-compiler') as () => BuildSerializer)()
          compiler ??= serializers(externalSchemas, options)
          serialize = compiler(route) as (data: unknown) => string
        }
        return serialize(data)
      }
    }
  }
  return { buildValidator, buildSerializer }
}
