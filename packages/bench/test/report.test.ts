import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { fillReadme, provenance, ReadmeMarkersError } from '../src/report.ts'

const README = 'intro\n\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\n\nmiddle\n\n<!-- bench:b -->\n<!-- /bench:b -->\nend\n'

describe('fillReadme', () => {
  test('puts each block between its markers and leaves the rest, blocks not given included, as it was', () => {
    expect(fillReadme(README, [{ id: 'b', markdown: '| x |\n' }])).toBe(
      'intro\n\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\n\nmiddle\n\n<!-- bench:b -->\n\n| x |\n\n<!-- /bench:b -->\nend\n',
    )
    const twice = fillReadme(fillReadme(README, [{ id: 'a', markdown: 'new a' }]), [{ id: 'a', markdown: 'newer a' }])
    expect(twice).toBe('intro\n\n<!-- bench:a -->\n\nnewer a\n\n<!-- /bench:a -->\n\nmiddle\n\n<!-- bench:b -->\n<!-- /bench:b -->\nend\n')
  })

  test('a block without its markers changes nothing and names every missing one', () => {
    expect(() =>
      fillReadme(README, [
        { id: 'a', markdown: 'x' },
        { id: 'c', markdown: 'y' },
        { id: 'd', markdown: 'z' },
      ]),
    ).toThrow(
      new ReadmeMarkersError(
        'the README has no <!-- bench:c --> … <!-- /bench:c -->, <!-- bench:d --> … <!-- /bench:d -->: add the markers where the figures go',
      ),
    )
    expect(() => fillReadme('<!-- /bench:a --> <!-- bench:a -->', [{ id: 'a', markdown: 'x' }])).toThrow(ReadmeMarkersError)
  })

  test("the repository's README has the markers of every part the benchmark writes", () => {
    const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8')
    const ids = ['goals', 'generation', 'telemetry', 'pos', 'episodes', 'packing']
    expect(() =>
      fillReadme(
        readme,
        ids.map((id) => ({ id, markdown: id })),
      ),
    ).not.toThrow()
  })
})

describe('provenance', () => {
  test('names the command (without --write-readme), the machine, Node and the date', () => {
    expect(provenance(['--skip-packing', '--write-readme'], new Date('2026-12-02T10:00:00Z'))).toMatch(
      /^Measured by `pnpm bench --skip-packing` on \d+ × .+, Node v\d+\.\d+\.\d+, 2026-12-02\.$/,
    )
  })
})
