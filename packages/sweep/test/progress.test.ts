import { describe, expect, test } from 'vitest'
import { formatDuration, Progress } from '../src/progress.ts'

describe('Progress', () => {
  test('not a terminal: plain lines, at most one per interval, and the last one always', () => {
    let now = 0
    const lines: string[] = []
    const p = new Progress({ write: (t: string) => lines.push(t), isTTY: false }, { now: () => now, lineEveryMs: 5000 })
    for (let done = 0; done <= 100; done++) {
      now = done * 200
      p.update(done, 100)
    }
    p.end()
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true)
    expect(lines.length).toBeLessThanOrEqual(6)
    expect(lines.at(-1)).toBe('sweep: 100/100 runs (100%), 5.0 runs/s, elapsed 20s, ETA 0s\n')
    expect(lines[1]).toContain('ETA 15s') // 25 done in 5 s: 75 more take 15 s
  })

  test('a terminal: one line redrawn in place with a bar, ended by a newline', () => {
    let now = 0
    const out: string[] = []
    const p = new Progress({ write: (t: string) => out.push(t), isTTY: true, columns: 120 }, { now: () => now })
    now = 1000
    p.update(10, 40)
    now = 1050
    p.update(11, 40) // within 100 ms: not redrawn
    now = 2000
    p.update(20, 40)
    p.end()
    expect(out).toHaveLength(3)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's erase-line sequence is what is checked
    expect(out[0]).toMatch(/^\r\x1b\[2Ksweep \[█+░+\] 10\/40 runs \(25%\)/)
    expect(out[1]).toContain('ETA 2s')
    expect(out[2]).toBe('\n')
  })

  test('formatDuration is the shared one (tested in @maze-sim/config)', () => {
    expect(formatDuration(65_000)).toBe('1:05')
  })
})
