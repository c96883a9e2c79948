// No function of the repository spans 120 physical lines or more. Biome's noExcessiveLinesPerFunction
// (biome.json) counts only the lines inside a function's braces and leaves some out, so a function it
// passes can still span more: this counts every line from the function's head to its closing brace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { repoRoot } from '../support/processes.ts'
import { type FunctionSpan, pythonFunctionSpans, repositoryFunctionSpans, scriptFunctionSpans } from './function-spans.ts'

const MAX_LINES = 119

const describeSpan = (s: FunctionSpan): string => `${s.file}:${s.start}-${s.end} ${s.name} (${s.lines} lines)`

describe('function size', () => {
  test(`no function of the repository (TypeScript, JavaScript, Python) spans more than ${MAX_LINES} lines`, () => {
    const spans = repositoryFunctionSpans(repoRoot)
    // The scan saw the sources: hundreds of functions, Python's among them.
    expect(spans.length).toBeGreaterThan(500)
    expect(spans.some((s) => s.file.endsWith('.py'))).toBe(true)
    expect(spans.filter((s) => s.lines > MAX_LINES).map(describeSpan)).toEqual([])
  })

  test('a span runs from the head to the closing brace, comments, blank lines and nested functions included', () => {
    const source = [
      'export function outer(',
      '  a: number,',
      '): number {',
      '  // a comment',
      '',
      '  const inner = () => {',
      '    return a',
      '  }',
      '  return inner()',
      '  // a trailing comment',
      '}',
      '',
    ].join('\n')
    const spans = scriptFunctionSpans('example.ts', source)
    expect(spans).toEqual([
      { file: 'example.ts', start: 1, end: 11, lines: 11, name: 'outer' },
      { file: 'example.ts', start: 6, end: 8, lines: 3, name: 'inner' },
    ])
  })

  test('a Python function spans its decorators, its def and its last line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'maze-sim-spans-'))
    try {
      writeFileSync(join(dir, 'm.py'), 'import functools\n\n@functools.cache\ndef f(x):\n    # a comment\n\n    return x\n')
      expect(pythonFunctionSpans(dir, ['m.py'])).toEqual([{ file: 'm.py', start: 3, end: 7, lines: 5, name: 'f' }])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
