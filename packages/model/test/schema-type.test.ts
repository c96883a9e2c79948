import { Type as TypeBox } from 'typebox'
import { describe, expect, test } from 'vitest'
import { Type } from '../src/schema-type.ts'

/** A schema as TypeBox leaves it: its JSON (keys in order) and its hidden marks, all the way down. */
function shape(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(shape)
  if (schema === null || typeof schema !== 'object') return schema
  return Object.getOwnPropertyNames(schema).map((key) => {
    const { enumerable, value } = Object.getOwnPropertyDescriptor(schema, key)!
    return [key, enumerable, shape(value)]
  })
}

// Each case builds one schema twice: with the model's builders and with TypeBox's.
const cases: Record<string, (type: typeof Type) => unknown> = {
  'Integer, with and without options': (t) => [t.Integer(), t.Integer({ minimum: 0, maximum: 10, description: 'n' })],
  'String, Boolean, Null': (t) => [t.String(), t.String({ pattern: '^a$' }), t.Boolean({ description: 'b' }), t.Null()],
  Array: (t) => t.Array(t.Integer(), { minItems: 2, maxItems: 2, description: '[x, y]' }),
  Union: (t) => [t.Union([t.String(), t.Null()]), t.Union([t.Boolean(), t.Null()], { description: 'u' })],
  Unsafe: (t) => t.Unsafe<'a' | 'b'>({ type: 'string', enum: ['a', 'b'], description: 'e' }),
  'Object: required from the properties not Optional, options last': (t) =>
    t.Object(
      {
        a: t.Integer({ minimum: 1 }),
        b: t.Optional(t.String()),
        c: t.Optional(t.Unsafe<0 | 1>({ type: 'integer', enum: [0, 1] })),
        d: t.Array(t.Object({ x: t.Integer() })),
      },
      { description: 'o', additionalProperties: false },
    ),
  'Object: no required key when all are Optional; no options': (t) => [t.Object({ a: t.Optional(t.Integer()) }), t.Object({})],
  'Object of another one’s properties': (t) => {
    const base = t.Object({ error: t.String(), message: t.Optional(t.String()) })
    return t.Object(base.properties, { description: 'again', additionalProperties: false })
  },
}

describe('the model’s schema builders make what TypeBox makes', () => {
  for (const [name, build] of Object.entries(cases)) {
    test(name, () => {
      const ours = build(Type)
      const theirs = build(TypeBox as unknown as typeof Type)
      expect(shape(ours)).toEqual(shape(theirs))
      expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs))
    })
  }
})
