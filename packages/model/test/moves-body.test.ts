import { createRng } from '@maze-sim/maze'
import { describe, expect, test } from 'vitest'
import { HttpError } from '../src/errors.ts'
import { MovesParser, movesBodyLimit, shapeProblem } from '../src/moves-body.ts'

const W = 5
const H = 4

type Outcome = { code: string } | { mask: string; moves: number }

function outcome(result: ReturnType<MovesParser['end']>): Outcome {
  if (result instanceof HttpError) return { code: result.code }
  const mask = Array.from({ length: W * H }, (_, i) => (result.visited.has(i) ? 1 : 0))
  return { mask: mask.join(''), moves: result.moves }
}

/** Parses `text` fed in chunks of the given sizes (cycled). */
function parse(text: string, chunkSizes: number[] = [Infinity], keepLimit?: number): Outcome {
  const bytes = Buffer.from(text)
  const parser = new MovesParser(W, H, { keepLimit })
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const size = Math.min(chunkSizes[k % chunkSizes.length]!, bytes.length - i)
    parser.write(bytes.subarray(i, i + size))
    i += size
  }
  return outcome(parser.end())
}

/** What the body means by definition: JSON.parse, then the shape, then the grid. */
function reference(text: string): Outcome {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { code: 'MAZE_ERR_BAD_JSON' }
  }
  if (shapeProblem(value) !== undefined) return { code: 'MAZE_ERR_BAD_BODY' }
  const mask = new Uint8Array(W * H)
  for (const [x, y] of value as [number, number][]) {
    if (!(x >= 0 && y >= 0 && x < W && y < H)) return { code: 'MAZE_ERR_OUT_OF_BOUNDS' }
    mask[y * W + x] = 1
  }
  return { mask: Array.from(mask).join(''), moves: (value as unknown[]).length }
}

const CORPUS = [
  '[]',
  ' [ ] ',
  '[[0,0]]',
  '[[4,3],[0,0],[4,3]]',
  '\n[\t[ 1 ,\r2 ] , [3, 0]\n]\n',
  '[[0, 0], [1, 0], [2, 0]]',
  '[[10,0]]',
  '[[-1,0]]',
  '[[-0,0]]',
  '[[00,0]]',
  '[[-01,0]]',
  '[[1.0,2]]',
  '[[1e0,2]]',
  '[[1E+0,2]]',
  '[[1.5,2]]',
  '[[1,2]',
  '[[1,2]]]',
  '[[1,2],]',
  '[,]',
  '[[1,2] [3,3]]',
  '[[1 2]]',
  '[[1,,2]]',
  '[[-,1]]',
  '[[- 1,1]]',
  '[["1",1]]',
  '[[1,2,3]]',
  '[[1]]',
  '[{}]',
  '{}',
  '',
  ' ',
  'nul',
  'null',
  'true',
  '[[true,1]]',
  '[[1,2]] []',
  '[[99999999999999999999,1]]',
  '[[1,99999999999999999999]]',
  '\uFEFF[[1,2]]',
  '[[1,2]]\u00a0',
]

describe('MovesParser', () => {
  test.each(CORPUS)('%j means what JSON.parse and the shape say', (text) => {
    expect(parse(text)).toEqual(reference(text))
  })

  test.each(CORPUS)('%j gives the same answer whatever the chunking', (text) => {
    const whole = parse(text)
    expect(parse(text, [1])).toEqual(whole)
    expect(parse(text, [2, 1, 3])).toEqual(whole)
  })

  test('random bodies and mutations agree with the definition', () => {
    const rng = createRng(2024)
    const pieces = ['[', ']', ',', ' ', '-', '0', '1', '7', '.', 'e', '"', 'x', '\n', '{', '}']
    for (let round = 0; round < 3000; round++) {
      const pairs = Array.from({ length: rng.int(6) }, () => {
        const coord = (max: number) => String(rng.int(max + 2) - (rng.float() < 0.05 ? 1 : 0))
        const sp = () => (rng.float() < 0.3 ? ' ' : '')
        return `${sp()}[${sp()}${coord(W)}${sp()},${sp()}${coord(H)}${sp()}]${sp()}`
      })
      let text = `[${pairs.join(',')}]`
      const mutations = rng.float() < 0.5 ? 0 : 1 + rng.int(2)
      for (let m = 0; m < mutations; m++) {
        const at = rng.int(text.length + 1)
        const piece = pieces[rng.int(pieces.length)]!
        text = rng.float() < 0.5 ? text.slice(0, at) + piece + text.slice(at) : text.slice(0, at) + text.slice(at + 1)
      }
      const expected = reference(text)
      expect({ text, result: parse(text) }).toEqual({ text, result: expected })
      expect({ text, result: parse(text, [1 + rng.int(4)]) }).toEqual({ text, result: expected })
    }
  })

  test('a body too large to keep is still parsed in one pass', () => {
    const text = `[${'[1,2],'.repeat(1000)}[3,3]]`
    expect(parse(text, [7], 64)).toEqual(reference(text))
  })

  test('a body too large to keep is classified where it leaves the canonical form', () => {
    const prefix = '[1,2],'.repeat(100)
    expect(parse(`[${prefix}{"x":1}]`, [50], 64)).toEqual({ code: 'MAZE_ERR_BAD_BODY' })
    expect(parse(`[${prefix}["a",1]]`, [50], 64)).toEqual({ code: 'MAZE_ERR_BAD_BODY' })
    expect(parse(`[${prefix},]`, [50], 64)).toEqual({ code: 'MAZE_ERR_BAD_JSON' })
    expect(parse(`[${prefix}[1,2]`, [50], 64)).toEqual({ code: 'MAZE_ERR_BAD_JSON' })
  })

  test('keep: asked with the total before keeping more; refused, nothing is kept and errors are located by byte', () => {
    const totals: number[] = []
    const allowed = new MovesParser(W, H, {
      keep: (total) => {
        totals.push(total)
        return true
      },
    })
    for (const piece of ['[[1.0,', '2]]']) allowed.write(Buffer.from(piece))
    expect(outcome(allowed.end())).toEqual({ mask: '00000000000100000000', moves: 1 })
    expect(totals).toEqual([6, 9])
    const refused = new MovesParser(W, H, { keep: (total) => total < 6 })
    for (const piece of ['[[1.0,', '2]]']) refused.write(Buffer.from(piece))
    const result = refused.end()
    expect(result).toBeInstanceOf(HttpError)
    expect((result as HttpError).message).toMatch(/^the body is not valid JSON at byte 3: expected/)
  })

  test('the first pair outside the grid is named in the message', () => {
    const parser = new MovesParser(W, H)
    parser.write(Buffer.from('[[0,0],[5,1],[9,9]]'))
    const result = parser.end()
    expect(result).toBeInstanceOf(HttpError)
    expect((result as HttpError).message).toMatch(/^move 1 \[5, 1\] is outside the 5x4 maze: x must be 0\.\.4 and y 0\.\.3/)
  })
})

test('movesBodyLimit: 64 bytes per cell, at least 1 MiB', () => {
  expect(movesBodyLimit(80 * 20)).toBe(1024 * 1024)
  expect(movesBodyLimit(1000 * 1000)).toBe(64_000_000)
})
