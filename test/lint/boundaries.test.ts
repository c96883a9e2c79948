// The guard rails of biome.json, shown on files that break them: the repository's own config,
// copied into a scratch tree laid out like ours, judges each file as it would judge ours.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { repoRoot } from '../support/processes.ts'

const biome = join(repoRoot, 'node_modules', '.bin', 'biome')
const scratch = mkdtempSync(join(tmpdir(), 'maze-sim-boundaries-'))
copyFileSync(join(repoRoot, 'biome.json'), join(scratch, 'biome.json'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** The diagnostics' categories when `biome <command>` judges a file at `path` (relative to the repository root). */
function diagnostics(command: 'lint' | 'ci', path: string, source: string): string[] {
  const file = join(scratch, path)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, source)
  const run = spawnSync(biome, [command, '--vcs-enabled=false', '--colors=off', '--reporter=json', path], {
    cwd: scratch,
    encoding: 'utf8',
    timeout: 60_000,
  })
  rmSync(file)
  const report = JSON.parse(run.stdout) as { diagnostics: Array<{ category?: string }> }
  return report.diagnostics.map((d) => d.category ?? '')
}

/** The lint rules a file at `path` breaks. */
const violations = (path: string, source: string): string[] => diagnostics('lint', path, source).filter((c) => c.startsWith('lint/'))

const use = (specifier: string): string => `import * as m from '${specifier}'\n\nexport const used = m\n`

describe('import boundaries (biome.json)', () => {
  test.each(['node:fs', 'node:http', 'fastify', 'undici', '@opentelemetry/api', '@maze-sim/agent'])(
    'packages/maze/src imports no %s: the domain does no I/O and sits at the bottom',
    (specifier) => {
      expect(violations('packages/maze/src/bad.ts', use(specifier))).toContain('lint/style/noRestrictedImports')
      expect(violations('packages/maze/src/parts/bad.ts', use(specifier))).toContain('lint/style/noRestrictedImports')
    },
  )

  test.each([
    ['packages/bench/src/bad.ts', '../../model/src/server.ts'],
    ['packages/sweep/src/bad.ts', '../../agent/src/runner.ts'],
    ['packages/sweep/bad.config.ts', '../agent/src/runner.ts'],
    ['packages/model/src/routes/bad.ts', '../../../agent/src/runner.ts'],
    ['packages/agent/src/strategies/astar/bad.ts', '../../../../maze/src/grid.ts'],
    ['packages/agent/test/fixtures/strategies/bad.mjs', '../../../../maze/src/grid.ts'],
    ['packages/agent/src/strategies/astar/bad.ts', '../../../../../test/support/processes.ts'],
    ['packages/maze/src/bad.ts', '../../agent/src/runner.ts'],
    ['packages/maze/src/parts/bad.ts', '../../../agent/src/runner.ts'],
    // Deeper than biome.json counts levels: still refused (the deepest rule is stricter, never looser).
    ['packages/agent/src/a/b/c/d/e/f/g/bad.ts', '../../../../../../../../../maze/src/grid.ts'],
    ['test/bad.test.ts', '../packages/agent/src/runner.ts'],
    ['test/agent/bad.test.ts', '../../packages/agent/test/fixtures/maze-server.ts'],
    ['test/fixtures/otlp-receiver/bad.ts', '../../../packages/telemetry/src/sdk.ts'],
    ['scripts/bad.mjs', '../packages/agent/src/runner.ts'],
  ])('%s may not reach out of its package by the relative path %s', (path, specifier) => {
    expect(violations(path, use(specifier))).toContain('lint/style/noRestrictedImports')
  })

  test.each([
    ['packages/maze/src/good.ts', './grid.ts'],
    ['packages/maze/src/parts/good.ts', '../grid.ts'],
    ['packages/bench/src/good.ts', '@maze-sim/model'],
    ['packages/model/src/good.ts', 'node:http'],
    ['packages/model/src/routes/good.ts', '../../test/support.ts'],
    ['packages/agent/src/strategies/astar/good.ts', '../../runner.ts'],
    ['packages/agent/src/strategies/astar/good.ts', '../../../test/fixtures/maze-server.ts'],
    ['packages/agent/test/fixtures/strategies/good.mjs', '../../../src/runner.ts'],
    ['test/good.test.ts', './support/processes.ts'],
    ['test/agent/good.test.ts', '../support/processes.ts'],
    ['test/fixtures/otlp-receiver/good.ts', '../../support/processes.ts'],
  ])('%s may import %s', (path, specifier) => {
    expect(violations(path, use(specifier))).toEqual([])
  })
})

describe('formatting and function size (biome.json)', () => {
  test('biome ci fails on a file the formatter would change', () => {
    const unformatted = 'export const greeting = "hello" ;\nexport function f( a:number ){return a+1}\n'
    expect(diagnostics('ci', 'packages/maze/src/unformatted.ts', unformatted)).toContain('format')
    const formatted = "export const greeting = 'hello'\nexport function f(a: number) {\n  return a + 1\n}\n"
    expect(diagnostics('ci', 'packages/maze/src/formatted.ts', formatted)).toEqual([])
  })

  test('a function of 200 statements breaks noExcessiveLinesPerFunction', () => {
    const body = Array.from({ length: 200 }, (_, i) => `  total += ${i}`).join('\n')
    const source = `export function long(): number {\n  let total = 0\n${body}\n  return total\n}\n`
    expect(violations('packages/maze/src/long.ts', source)).toContain('lint/complexity/noExcessiveLinesPerFunction')
    const short = 'export function short(): number {\n  return 1\n}\n'
    expect(violations('packages/maze/src/short.ts', short)).toEqual([])
  })
})
