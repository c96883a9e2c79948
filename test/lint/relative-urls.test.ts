// Programs find another package's files by its name, never by a relative URL into it: biome.json
// refuses such imports, and this refuses `new URL('../..', import.meta.url)` and
// `import.meta.resolve('../..')` in the packages' sources and in test/ (the repository's root, and
// files directly in it, may be named so: they belong to no package).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { PYTHON_SDK_SRC } from '@maze-sim/python-sdk'
import { describe, expect, test } from 'vitest'
import { repoRoot } from '../support/processes.ts'
import { sourceFiles } from './function-spans.ts'

const RELATIVE_URL =
  /new URL\(\s*(['"`])(\.\.?\/[^'"`]*)\1\s*,\s*import\.meta\.url\s*\)|import\.meta\.resolve\(\s*(['"`])(\.\.?\/[^'"`]*)\3\s*\)/g

/** The package directory (repository-relative) a path lies in: `packages/<name>` or `test`, or null for the root's own files. */
function packageOf(path: string): string | null {
  const parts = path.split(sep)
  if (parts[0] === 'packages' && parts.length > 2) return `packages/${parts[1]}`
  if (parts[0] === 'test' && parts.length > 1) return 'test'
  return null
}

/** Each relative URL of `source` (a file at `file`) that lands in another package than its own. */
export function crossPackageUrls(file: string, source: string): string[] {
  const own = packageOf(file)
  const found: string[] = []
  for (const match of source.matchAll(RELATIVE_URL)) {
    const specifier = match[2] ?? match[4]!
    const target = relative(repoRoot, join(repoRoot, dirname(file), specifier))
    const lands = packageOf(target)
    if (lands !== null && lands !== own) found.push(`${file}: ${specifier} (into ${lands})`)
  }
  return found
}

describe('relative URLs stay in their package', () => {
  test('packages/*/src and test/ name no file of another package by a relative URL', () => {
    const files = sourceFiles(repoRoot).filter((f) => /^(packages\/[^/]+\/src|test)\/.*\.[cm]?[jt]s$/.test(f))
    expect(files.length).toBeGreaterThan(100)
    expect(files.flatMap((f) => crossPackageUrls(f, readFileSync(join(repoRoot, f), 'utf8')))).toEqual([])
  })

  test('what counts as reaching into another package', () => {
    const url = (s: string): string => `const u = new URL('${s}', import.meta.url)\n`
    expect(crossPackageUrls('packages/sweep/src/a.ts', url('../../python-sdk/src'))).toHaveLength(1)
    expect(crossPackageUrls('test/x/a.ts', `import.meta.resolve('${'../../packages/agent/src/main.ts'}')`)).toHaveLength(1)
    expect(crossPackageUrls('packages/sweep/src/a.ts', url('./leash.ts'))).toEqual([])
    expect(crossPackageUrls('packages/bench/src/a.ts', url('../../../README.md'))).toEqual([])
  })

  test('@maze-sim/python-sdk says where the Python SDK is: its runner package is there', () => {
    expect(existsSync(join(PYTHON_SDK_SRC, 'maze_sim_agent', '__main__.py'))).toBe(true)
  })
})
