// Synthesizes the app into a temporary directory, removed before returning: the template, in memory.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp, type AppOptions } from '../src/app.ts'

export interface SynthResult {
  // biome-ignore lint/suspicious/noExplicitAny: a CloudFormation template is JSON of any shape
  template: any
  /** Context the synth would have had to look up (none: it must be complete offline). */
  missing: unknown
}

export function synthTemplate(options: AppOptions): SynthResult {
  const outdir = mkdtempSync(join(tmpdir(), 'maze-sim-synth-'))
  try {
    const { app, stack } = buildApp({ ...options, outdir })
    const assembly = app.synth()
    return { template: assembly.getStackByName(stack.stackName).template, missing: assembly.manifest.missing }
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}
