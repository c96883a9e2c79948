// Children done of all with an ETA (run-local, watch): plain lines every few seconds off a terminal,
// redrawn in place on one. The clock is the test's own.
import type { JobDetail } from '@aws-sdk/client-batch'
import { describe, expect, test } from 'vitest'
import { ChildProgress, formatDuration } from '../src/progress.ts'
import { doneCounts } from '../src/status.ts'

function sink(isTTY: boolean) {
  const out: string[] = []
  return { out, write: (t: string) => void out.push(t), isTTY }
}

describe('ChildProgress', () => {
  test('off a terminal: a line at the start, then at most one per interval, and the last at once', () => {
    let now = 0
    const s = sink(false)
    const p = new ChildProgress(s, { lineEveryMs: 5000, now: () => now })
    p.update(0, 8)
    now = 1000
    p.update(1, 8) // too soon: no line
    now = 10_000
    p.update(2, 8)
    now = 12_000
    p.tick() // too soon
    now = 16_000
    p.tick()
    now = 40_000
    p.update(8, 8)
    expect(s.out).toEqual([
      '0/8 children done (0%), elapsed 0s, ETA ?\n',
      '2/8 children done (25%), elapsed 10s, ETA 30s\n',
      '2/8 children done (25%), elapsed 16s, ETA 48s\n',
      '8/8 children done (100%), elapsed 40s, ETA 0s\n',
    ])
  })

  test('on a terminal: redrawn in place; other lines clear it first and it is drawn again after them', () => {
    let now = 0
    const s = sink(true)
    const p = new ChildProgress(s, { now: () => now })
    p.update(0, 4)
    now = 2000
    p.update(1, 4)
    p.log('child 0: SUCCEEDED')
    p.end()
    expect(s.out).toEqual([
      '\r\x1b[2K0/4 children done (0%), elapsed 0s, ETA ?',
      '\r\x1b[2K1/4 children done (25%), elapsed 2s, ETA 6s',
      '\r\x1b[2K',
      'child 0: SUCCEEDED\n',
      '\r\x1b[2K1/4 children done (25%), elapsed 2s, ETA 6s',
      '\n',
    ])
  })

  test('the ETA counts from the first update (watch starts on a job already half done)', () => {
    let now = 0
    const p = new ChildProgress(sink(false), { now: () => now })
    p.update(50, 100)
    now = 60_000
    p.update(60, 100)
    expect(p.status()).toBe('60/100 children done (60%), elapsed 1:00, ETA 4:00')
    expect(formatDuration(3_723_000)).toBe('1:02:03')
  })
})

describe('doneCounts (watch): children SUCCEEDED + FAILED of all; a single job counts as one', () => {
  test('array and single jobs', () => {
    const jobs: JobDetail[] = [
      {
        jobId: 'a',
        jobName: 'a',
        jobQueue: 'q',
        jobDefinition: 'd',
        startedAt: 1,
        status: 'RUNNING',
        arrayProperties: { size: 8, statusSummary: { SUCCEEDED: 3, FAILED: 1, RUNNING: 4 } },
      },
      { jobId: 'b', jobName: 'b', jobQueue: 'q', jobDefinition: 'd', startedAt: 1, status: 'SUCCEEDED' },
      { jobId: 'c', jobName: 'c', jobQueue: 'q', jobDefinition: 'd', startedAt: 1, status: 'RUNNABLE' },
    ]
    expect(doneCounts(jobs)).toEqual({ done: 5, total: 10 })
  })
})
