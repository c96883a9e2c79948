// The import boundaries of biome.json, shown on files that break them: the repository's own config,
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

/** The lint rules a file at `path` (relative to the repository root) breaks. */
function violations(path: string, source: string): string[] {
  const file = join(scratch, path)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, source)
  const run = spawnSync(biome, ['lint', '--vcs-enabled=false', '--reporter=json', path], {
    cwd: scratch,
    encoding: 'utf8',
    timeout: 60_000,
  })
  rmSync(file)
  const report = JSON.parse(run.stdout) as { diagnostics: Array<{ category?: string }> }
  return report.diagnostics.map((d) => d.category ?? '').filter((c) => c.startsWith('lint/'))
}

const use = (specifier: string): string => `import * as m from '${specifier}'\n\nexport const used = m\n`

describe('import boundaries (biome.json)', () => {
  test.each(['node:fs', 'node:http', 'fastify', 'undici', '@opentelemetry/api', '@maze-sim/agent'])(
    'packages/maze/src imports no %s: the domain does no I/O and sits at the bottom',
    (specifier) => {
      expect(violations('packages/maze/src/bad.ts', use(specifier))).toContain('lint/style/noRestrictedImports')
    },
  )

  test.each([
    ['packages/bench/src/bad.ts', '../../model/src/server.ts'],
    ['packages/sweep/src/bad.ts', '../../agent/src/runner.ts'],
    ['test/bad.test.ts', '../packages/agent/src/runner.ts'],
    ['test/agent/bad.test.ts', '../../packages/agent/test/fixtures/maze-server.ts'],
  ])('%s may not reach into another package by the relative path %s', (path, specifier) => {
    expect(violations(path, use(specifier))).toContain('lint/style/noRestrictedImports')
  })

  test.each([
    ['packages/maze/src/good.ts', './grid.ts'],
    ['packages/bench/src/good.ts', '@maze-sim/model'],
    ['packages/model/src/good.ts', 'node:http'],
    ['test/good.test.ts', './support/processes.ts'],
  ])('%s may import %s', (path, specifier) => {
    expect(violations(path, use(specifier))).toEqual([])
  })
})
