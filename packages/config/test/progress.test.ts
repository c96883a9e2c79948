// The programs' one progress line: plain lines off a terminal, redrawn in place on one, the rate and
// ETA from the first update. The clock is the test's own.
import { describe, expect, test } from 'vitest'
import { formatDuration, ProgressLine } from '../src/progress.ts'

function stream(isTTY: boolean, columns?: number) {
  const out: string[] = []
  return { out, write: (t: string) => void out.push(t), isTTY, columns }
}

describe('ProgressLine', () => {
  test('off a terminal: a line at the first update, at most one per interval, the last at once, never twice', () => {
    let now = 0
    const s = stream(false)
    const p = new ProgressLine(s, { unit: 'cakes', lineEveryMs: 1000, now: () => now })
    p.update(0, 4)
    now = 500
    p.update(1, 4) // too soon
    now = 1500
    p.tick()
    now = 2000
    p.update(4, 4)
    p.tick() // nothing changed since the last line
    p.end()
    expect(s.out).toEqual([
      '0/4 cakes (0%), elapsed 0s, ETA ?\n',
      '1/4 cakes (25%), elapsed 2s, ETA 5s\n',
      '4/4 cakes (100%), elapsed 2s, ETA 0s\n',
    ])
  })

  test('the unit words, the rate and a label are the program’s', () => {
    let now = 0
    const s = stream(false)
    const p = new ProgressLine(s, { unit: 'runs', says: 'runs played', rate: true, label: 'bake', now: () => now })
    p.update(0, 10)
    now = 4000
    p.update(10, 10)
    expect(s.out.at(-1)).toBe('bake: 10/10 runs played (100%), 2.5 runs/s, elapsed 4s, ETA 0s\n')
  })

  test('on a terminal: redrawn in place (a bar with a label), at most every 100 ms; other output clears it first', () => {
    let now = 0
    const s = stream(true, 100)
    const p = new ProgressLine(s, { label: 'x', now: () => now })
    p.update(0, 2)
    now = 50
    p.update(1, 2) // within 100 ms: not redrawn
    p.log('a line')
    p.end()
    expect(s.out).toEqual([
      '\r\x1b[2Kx [░░░░░░░░░░] 0/2 items (0%), elapsed 0s, ETA ?',
      '\r\x1b[2K',
      'a line\n',
      '\r\x1b[2Kx [█████░░░░░] 1/2 items (50%), elapsed 0s, ETA 0s',
      '\n',
    ])
  })

  test('without a label a terminal gets the line alone, and nothing is written around output before the first draw', () => {
    const s = stream(true)
    const p = new ProgressLine(s, { now: () => 0 })
    p.log('before')
    p.update(1, 3)
    expect(s.out).toEqual(['before\n', '\r\x1b[2K1/3 items (33%), elapsed 0s, ETA ?'])
  })

  test('durations', () => {
    expect(formatDuration(12_400)).toBe('12s')
    expect(formatDuration(65_000)).toBe('1:05')
    expect(formatDuration(3_725_000)).toBe('1:02:05')
    expect(formatDuration(Number.NaN)).toBe('?')
    expect(formatDuration(-1)).toBe('?')
  })
})
