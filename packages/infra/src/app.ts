// The CDK app: one MazeSimStack, checked by cdk-nag's AwsSolutions pack at every synth (tests,
// deploy, destroy). Synthesis is offline: the account and region are given, never looked up, and
// the app takes no context from the environment or cdk.json.
import { App, BootstraplessSynthesizer, Validations } from 'aws-cdk-lib'
import { AwsSolutionsChecks } from 'cdk-nag'
import { suppressNagFindings } from './nag.ts'
import { MazeSimStack, type MazeSimStackProps } from './stack.ts'

export interface AppOptions extends Omit<MazeSimStackProps, 'env'> {
  readonly account: string
  readonly region: string
  /** The stack's name (default maze-sim). */
  readonly stackName?: string | undefined
  /** Where the cloud assembly goes (default: a temporary directory of the CDK's choosing). */
  readonly outdir?: string | undefined
}

/** The app with its stack and the nag checks; `app.synth()` writes the template. */
export function buildApp(options: AppOptions): { app: App; stack: MazeSimStack } {
  const { account, region, stackName, outdir, ...props } = options
  const app = new App({
    ...(outdir !== undefined ? { outdir } : {}),
    // No version reporting or metadata lookups: the template is the same on every machine.
    analyticsReporting: false,
    context: { 'aws:cdk:enable-path-metadata': false },
  })
  const stack = new MazeSimStack(app, 'MazeSim', {
    ...props,
    stackName: stackName ?? 'maze-sim',
    env: { account, region },
    // Deployed with the caller's own credentials, the template sent inline (it has no assets and is
    // well under CloudFormation's 51,200 bytes): no `cdk bootstrap`, no CDKToolkit stack to keep.
    synthesizer: new BootstraplessSynthesizer(),
    description: 'maze-sim on AWS Batch: images, compute environments, queues, job definitions, roles and logs (packages/infra)',
  })
  suppressNagFindings(stack)
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }))
  return { app, stack }
}
