import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyPluginOptions,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify'

/** The Fastify instance of the model, typed by its TypeBox schemas. */
export type ModelFastify = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

/** A plugin of the model: its routes are typed by their TypeBox schemas; its state comes in `options`. */
export type ModelPlugin<Options extends FastifyPluginOptions = Record<never, never>> = FastifyPluginAsync<
  Options,
  RawServerDefault,
  TypeBoxTypeProvider
>

/**
 * Marks `plugin` as applying to the instance that registers it, not to a scope of its own (error
 * handlers, content-type parsers, hooks that must see every route): what `fastify-plugin` does,
 * through the same `skip-override` symbol Fastify documents, without its version check and
 * dependency metadata, which the model (one app, one Fastify) has no use for.
 */
export function unencapsulated<Options extends FastifyPluginOptions>(plugin: ModelPlugin<Options>): ModelPlugin<Options> {
  Object.assign(plugin, { [Symbol.for('skip-override')]: true })
  return plugin
}
