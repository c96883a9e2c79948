import type { Type as TypeBox } from 'typebox'

// The TypeBox builders the model's schemas use, made here: the same JSON Schema objects TypeBox
// makes (the same keys in the same order, and its hidden `~kind`, `~optional`, `~unsafe` marks),
// typed as TypeBox's own, so that the routes' types still come from their schemas
// (`@fastify/type-provider-typebox`, `Static`). Importing `typebox` itself loads its whole type
// engine (about 370 modules, some 120 ms of CPU at every start of the model) for these few object
// literals. test/schema-type.test.ts checks every builder against TypeBox's.

/** The builders the model uses, with TypeBox's signatures. */
type Builders = Pick<typeof TypeBox, 'Array' | 'Boolean' | 'Integer' | 'Null' | 'Object' | 'Optional' | 'String' | 'Union' | 'Unsafe'>

type Schema = Record<string, unknown>

/** Defines `marks` on `schema` as TypeBox does its own: not enumerable (not part of the JSON Schema). */
function hide<T extends object>(schema: T, marks: Schema): T {
  for (const [key, value] of Object.entries(marks)) {
    Object.defineProperty(schema, key, { configurable: true, writable: true, enumerable: false, value })
  }
  return schema
}

/** A new schema of `kind`: its own keywords, then the options. */
const create = (kind: string, keywords: Schema, options: object | undefined): Schema => hide({ ...keywords, ...options }, { '~kind': kind })

/** A copy of `schema` (every own property, hidden ones included, in order) with `marks` added, hidden. */
function update(schema: object, marks: Schema): Schema {
  const copy: Schema = {}
  for (const key of Object.getOwnPropertyNames(schema)) {
    if (Object.hasOwn(marks, key)) continue
    Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(schema, key)!)
  }
  return hide(copy, marks)
}

const builders = {
  Array: (items: unknown, options?: object) => create('Array', { type: 'array', items }, options),
  Boolean: (options?: object) => create('Boolean', { type: 'boolean' }, options),
  Integer: (options?: object) => create('Integer', { type: 'integer' }, options),
  Null: (options?: object) => create('Null', { type: 'null' }, options),
  Object: (properties: Record<string, object>, options: object = {}) => {
    const required = Object.getOwnPropertyNames(properties).filter((key) => !Object.hasOwn(properties[key]!, '~optional'))
    return create('Object', { type: 'object', ...(required.length > 0 ? { required } : {}), properties }, options)
  },
  Optional: (schema: object) => update(schema, { '~optional': true }),
  String: (options?: object) => create('String', { type: 'string' }, options),
  Union: (anyOf: unknown[], options: object = {}) => create('Union', { anyOf }, options),
  Unsafe: (schema: object) => update(schema, { '~unsafe': null }),
}

/** `Type.Object`, `Type.Integer`, ... as in TypeBox, for the builders the model uses. */
export const Type = builders as unknown as Builders
