// cdk-nag's AwsSolutions pack runs at every synth of the app and passes; each accepted finding is on
// one construct, with a reason; without them nag fails the synth (so it really runs).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App, Validations } from 'aws-cdk-lib'
import { AwsSolutionsChecks } from 'cdk-nag'
import { describe, expect, test } from 'vitest'
import { buildApp } from '../src/app.ts'
import { ACKNOWLEDGEMENTS } from '../src/nag.ts'
import { MazeSimStack } from '../src/stack.ts'
import { synthTemplate } from './synth.ts'

const env = { account: '123456789012', region: 'eu-west-1' }

// Each test synthesizes the stack: seconds, more on a loaded machine.
describe('cdk-nag AwsSolutions', { timeout: 120_000 }, () => {
  test.each(['both', 'spot', 'on-demand'] as const)('the app synthesizes with the checks passing (--capacity %s)', (capacity) => {
    // buildApp adds the AwsSolutions checks; a finding not acknowledged would throw here.
    expect(() => synthTemplate({ ...env, capacity })).not.toThrow()
  })

  test('every acknowledgement names a construct of the stack and says why', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'maze-sim-nag-'))
    try {
      const { stack } = buildApp({ ...env, outdir })
      for (const { path, id, reason } of ACKNOWLEDGEMENTS) {
        expect(stack.node.tryFindChild(path.split('/')[0]!), path).toBeDefined()
        expect(id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/)
        expect(reason.length, `${id} on ${path}`).toBeGreaterThan(40)
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true })
    }
  })

  test('without the acknowledgements the synth fails, naming exactly those findings', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'maze-sim-nag-'))
    try {
      const app = new App({ analyticsReporting: false, outdir })
      new MazeSimStack(app, 'MazeSim', { env })
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
      // The message is the report as text; the file is the same report as JSON.
      expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/)
      const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[]
      }
      const found = report.pluginReports
        .flatMap((p) => p.violations)
        .flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} ${c.constructPath}`))
      expect(found.sort()).toEqual(ACKNOWLEDGEMENTS.map((a) => `${a.id} MazeSim/${a.path}`).sort())
    } finally {
      rmSync(outdir, { recursive: true, force: true })
    }
  })
})
