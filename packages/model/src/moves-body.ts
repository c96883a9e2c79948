import { VisitedCells } from '@maze-sim/maze'
import { clipped, HttpError, ModelErrorCode } from './errors.ts'

/** What POST /maze/map expects, quoted in every MAZE_ERR_BAD_BODY message. */
export const MOVES_SHAPE = 'a JSON array of [x, y] integer pairs, e.g. [[0, 18], [1, 18]]'

export interface MovesParserOptions {
  /** Raw bytes kept at most for the JSON.parse fallback (default 16 MiB). */
  keepLimit?: number | undefined
  /** Asked before keeping more (with the total kept): false drops what is kept and keeps no more. */
  keep?: (total: number) => boolean
}

/** A parsed POST /maze/map body: the visited cells of the maze (a bitset) and the number of moves. */
export interface ParsedMoves {
  visited: VisitedCells
  moves: number
}

/** The body limit for a maze: walks revisit cells, so allow 64 bytes per cell and at least 1 MiB. */
export function movesBodyLimit(area: number): number {
  return Math.max(1024 * 1024, 64 * area)
}

// Parser states: where we are in `[ [x, y], [x, y] ]`.
const S_START = 0 // before the outer '['
const S_FIRST = 1 // after the outer '[': a pair or ']'
const S_X = 2 // after a pair's '[': x
const S_IN_X = 3 // inside the digits of x
const S_AFTER_X = 4 // after x: ','
const S_Y = 5 // after the pair's ',': y
const S_IN_Y = 6 // inside the digits of y
const S_AFTER_Y = 7 // after y: ']'
const S_NEXT = 8 // after a pair: ',' or ']'
const S_PAIR = 9 // after ',' between pairs: '['
const S_END = 10 // after the outer ']': only whitespace

const EXPECTED = [
  "'['",
  "'[' or ']'",
  'an integer (x)',
  'a digit',
  "','",
  'an integer (y)',
  'a digit',
  "']'",
  "',' or ']'",
  "'['",
  'the end of the body',
] as const

/** Integers with more digits are far outside any maze: they are kept approximately. */
const EXACT_DIGITS = 15

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39

/**
 * A streaming parser for the POST /maze/map body that marks visited cells as the bytes arrive.
 *
 * Why not JSON.parse and a schema validator: a walk on a 10,000 x 10,000 maze is hundreds of
 * millions of pairs, gigabytes of JSON; materializing it as arrays would not fit in memory. This
 * parser accepts the canonical form (`[[x,y],...]` with plain integers and any JSON whitespace) in
 * one pass with O(area) memory. Anything else (`1.0`, `1e2`, junk) is handed, when the body is small
 * enough to keep, to JSON.parse plus a shape check, which decide between MAZE_ERR_BAD_JSON and
 * MAZE_ERR_BAD_BODY with a precise message; so the accepted language is exactly "JSON whose value is
 * an array of pairs of integers" and the fast path is only an optimisation.
 * Precedence of errors: malformed JSON, then wrong shape, then a pair outside the grid.
 */
export class MovesParser {
  readonly #width: number
  readonly #height: number
  readonly #keepLimit: number
  readonly #keep: ((total: number) => boolean) | undefined
  readonly #visited: VisitedCells
  #state = S_START
  #offset = 0
  #moves = 0
  // The number being read.
  #negative = false
  #digits = 0
  #value = 0
  #leadingZero = false
  #x = 0
  #xNegative = false
  #xDigits = 0
  // The first pair outside the grid, if any.
  #outside: { index: number; x: number; y: number } | undefined
  // Where the canonical form was left, if it was.
  #deviation: { offset: number; state: number; byte: number } | undefined
  // Raw bytes kept for the JSON.parse fallback while their total stays within keepLimit.
  #chunks: Uint8Array[] | undefined = []
  #kept = 0

  constructor(width: number, height: number, { keepLimit = 16 * 1024 * 1024, keep }: MovesParserOptions = {}) {
    this.#width = width
    this.#height = height
    this.#keepLimit = keepLimit
    this.#keep = keep
    this.#visited = new VisitedCells(width * height)
  }

  /** Feeds the next chunk of the body. */
  write(chunk: Uint8Array): void {
    if (this.#chunks !== undefined) {
      this.#kept += chunk.length
      // A copy: a chunk may be a view over a read buffer that the socket reuses.
      if (this.#kept <= this.#keepLimit && (this.#keep?.(this.#kept) ?? true)) this.#chunks.push(chunk.slice())
      else this.#chunks = undefined
    }
    if (this.#deviation === undefined) this.#scan(chunk)
    this.#offset += chunk.length
  }

  /** Ends the body: the visited mask, or the HttpError to answer with. */
  end(): ParsedMoves | HttpError {
    if (this.#deviation === undefined) {
      // A number can only end at a delimiter; at the end of the body that is fine only after ']'.
      if (this.#state !== S_END) this.#deviation = { offset: this.#offset, state: this.#state, byte: -1 }
    }
    if (this.#deviation !== undefined) return this.#fallback(this.#deviation)
    if (this.#outside !== undefined) return outsideError(this.#outside, this.#width, this.#height)
    return { visited: this.#visited, moves: this.#moves }
  }

  // `undefined` rather than void: the scan ends by returning what #deviate returns.
  #scan(chunk: Uint8Array): undefined {
    let state = this.#state
    const n = chunk.length
    for (let i = 0; i < n; i++) {
      const c = chunk[i]!
      switch (state) {
        case S_IN_X:
        case S_IN_Y:
          if (isDigit(c)) {
            if (this.#digits === 0)
              this.#leadingZero = c === 0x30 // the first digit after '-'
            else if (this.#leadingZero) return this.#deviate(i, state, c) // JSON has no leading zeros
            this.#digits++
            this.#value = this.#value * 10 + (c - 0x30)
            continue
          }
          if (this.#digits === 0) return this.#deviate(i, state, c) // a lone '-'
          if (state === S_IN_X) {
            this.#x = this.#value
            this.#xNegative = this.#negative
            this.#xDigits = this.#digits
            if (c === 0x2c) state = S_Y
            else if (isSpace(c)) state = S_AFTER_X
            else return this.#deviate(i, state, c)
          } else {
            if (c === 0x5d) {
              this.#pair()
              state = S_NEXT
            } else if (isSpace(c)) state = S_AFTER_Y
            else return this.#deviate(i, state, c)
          }
          continue
        default:
          break
      }
      if (isSpace(c)) continue
      switch (state) {
        case S_START:
          if (c !== 0x5b) return this.#deviate(i, state, c)
          state = S_FIRST
          break
        case S_FIRST:
          if (c === 0x5b) state = S_X
          else if (c === 0x5d) state = S_END
          else return this.#deviate(i, state, c)
          break
        case S_PAIR:
          if (c !== 0x5b) return this.#deviate(i, state, c)
          state = S_X
          break
        case S_X:
        case S_Y:
          if (!this.#startNumber(c)) return this.#deviate(i, state, c)
          state = state === S_X ? S_IN_X : S_IN_Y
          break
        case S_AFTER_X:
          if (c !== 0x2c) return this.#deviate(i, state, c)
          state = S_Y
          break
        case S_AFTER_Y:
          if (c !== 0x5d) return this.#deviate(i, state, c)
          this.#pair()
          state = S_NEXT
          break
        case S_NEXT:
          if (c === 0x2c) state = S_PAIR
          else if (c === 0x5d) state = S_END
          else return this.#deviate(i, state, c)
          break
        default: // S_END
          return this.#deviate(i, state, c)
      }
    }
    this.#state = state
  }

  /** The first byte of a coordinate, '-' or a digit, starts the number; false for any other byte. */
  #startNumber(c: number): boolean {
    if (c === 0x2d) {
      this.#negative = true
      this.#digits = 0
      this.#value = 0
      this.#leadingZero = false
      return true
    }
    if (!isDigit(c)) return false
    this.#negative = false
    this.#digits = 1
    this.#value = c - 0x30
    this.#leadingZero = c === 0x30
    return true
  }

  #deviate(i: number, state: number, byte: number): undefined {
    this.#state = state
    this.#deviation = { offset: this.#offset + i, state, byte }
  }

  #pair(): void {
    const index = this.#moves++
    // -0 is 0 in JSON.parse too.
    const x = this.#xNegative ? -this.#x : this.#x
    const y = this.#negative ? -this.#value : this.#value
    if (this.#xDigits <= EXACT_DIGITS && this.#digits <= EXACT_DIGITS && x >= 0 && y >= 0 && x < this.#width && y < this.#height) {
      this.#visited.add(y * this.#width + x)
    } else if (this.#outside === undefined) {
      this.#outside = { index, x, y }
    }
  }

  #fallback(deviation: { offset: number; state: number; byte: number }): ParsedMoves | HttpError {
    if (this.#chunks === undefined) return localError(deviation)
    const text = Buffer.concat(this.#chunks).toString('utf8')
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error)
      return new HttpError(400, ModelErrorCode.BadJson, `the body is not valid JSON (${detail}); expected ${MOVES_SHAPE}`)
    }
    const problem = shapeProblem(value)
    if (problem !== undefined) return new HttpError(400, ModelErrorCode.BadBody, `${problem}; expected ${MOVES_SHAPE}`)
    // Valid, just not in the canonical form (e.g. 1.0 or 1e1): mark from the parsed pairs.
    const pairs = value as [number, number][]
    const visited = new VisitedCells(this.#width * this.#height)
    for (let index = 0; index < pairs.length; index++) {
      const [x, y] = pairs[index]!
      if (x >= 0 && y >= 0 && x < this.#width && y < this.#height) visited.add(y * this.#width + x)
      else return outsideError({ index, x, y }, this.#width, this.#height)
    }
    return { visited, moves: pairs.length }
  }
}

function outsideError(p: { index: number; x: number; y: number }, width: number, height: number): HttpError {
  return new HttpError(
    400,
    ModelErrorCode.OutOfBounds,
    `move ${p.index} [${p.x}, ${p.y}] is outside the ${width}x${height} maze: x must be 0..${width - 1} and y 0..${height - 1}`,
  )
}

/**
 * Classifies a deviation in a body too large to re-parse: a character that may start a JSON value
 * where another was expected means a wrong shape, anything else malformed JSON.
 */
function localError(d: { offset: number; state: number; byte: number }): HttpError {
  const found = d.byte < 0 ? 'the end of the body' : JSON.stringify(String.fromCharCode(d.byte))
  const where = `at byte ${d.offset}: expected ${EXPECTED[d.state] ?? 'more'}, found ${found}`
  const valueStart = d.byte >= 0 && '{["-0123456789tfn'.includes(String.fromCharCode(d.byte)) && d.state !== S_END
  return valueStart
    ? new HttpError(400, ModelErrorCode.BadBody, `the body has the wrong shape ${where}; expected ${MOVES_SHAPE}`)
    : new HttpError(400, ModelErrorCode.BadJson, `the body is not valid JSON ${where}; expected ${MOVES_SHAPE}`)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number too large to represent'
  const text = JSON.stringify(value)
  return `${typeof value} ${clipped(text)}`
}

/** Why a parsed JSON value is not an array of [x, y] integer pairs, or undefined when it is. */
export function shapeProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return `the body must be an array, got ${describe(value)}`
  for (let i = 0; i < value.length; i++) {
    const pair: unknown = value[i]
    if (!Array.isArray(pair)) return `body[${i}] must be an [x, y] pair, got ${describe(pair)}`
    if (pair.length !== 2) return `body[${i}] must have exactly 2 items, got ${pair.length}`
    for (const [j, name] of [
      [0, 'x'],
      [1, 'y'],
    ] as const) {
      const v: unknown = pair[j]
      if (typeof v !== 'number' || !Number.isInteger(v)) return `body[${i}][${j}] (${name}) must be an integer, got ${describe(v)}`
    }
  }
  return undefined
}
