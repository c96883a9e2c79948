// The benchmark's report: Markdown blocks, each one part's figures with the machine, Node version,
// date and command that measured them, printed, and with --write-readme put into the README
// between the block's markers, `<!-- bench:ID -->` and `<!-- /bench:ID -->`. A part that did not
// run leaves its block as it was (with the date it was measured on).
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'

export interface Block {
  /** The marker's name: generation, telemetry, pos, episodes, packing, goals. */
  readonly id: string
  readonly markdown: string
}

/** What measured the figures: `pnpm bench <args>` on this machine, this Node, today (UTC). */
export function provenance(argv: readonly string[], now = new Date()): string {
  const cpu = cpus()
  const model = (cpu[0]?.model ?? 'CPU').replace(/\s+/g, ' ').trim()
  const command = ['pnpm bench', ...argv.filter((a) => a !== '--write-readme')].join(' ')
  return `Measured by \`${command}\` on ${cpu.length} × ${model}, Node ${process.version}, ${now.toISOString().slice(0, 10)}.`
}

const start = (id: string): string => `<!-- bench:${id} -->`
const end = (id: string): string => `<!-- /bench:${id} -->`

/** A BenchReportError: the README lacks a block's markers. */
export class ReadmeMarkersError extends Error {
  override readonly name = 'ReadmeMarkersError'
  readonly code = 'BENCH_ERR_README_MARKERS'
}

/**
 * `readme` with each block's text put between its markers (a blank line either side). Throws
 * ReadmeMarkersError naming every block whose markers are missing or out of order, changing nothing.
 */
export function fillReadme(readme: string, blocks: readonly Block[]): string {
  const missing = blocks.filter(({ id }) => {
    const a = readme.indexOf(start(id))
    return a < 0 || readme.indexOf(end(id), a) < 0
  })
  if (missing.length > 0) {
    throw new ReadmeMarkersError(
      `the README has no ${missing.map(({ id }) => `${start(id)} … ${end(id)}`).join(', ')}: add the markers where the figures go`,
    )
  }
  let text = readme
  for (const { id, markdown } of blocks) {
    const a = text.indexOf(start(id)) + start(id).length
    const b = text.indexOf(end(id), a)
    text = `${text.slice(0, a)}\n\n${markdown.trim()}\n\n${text.slice(b)}`
  }
  return text
}

/** Writes the blocks into the README file at `path`. */
export function writeReadme(path: string, blocks: readonly Block[]): void {
  writeFileSync(path, fillReadme(readFileSync(path, 'utf8'), blocks))
}
